// Secrets held for later use (an OSCAR OAuth token per user): the vault stores only what it is
// given, which must already be ciphertext — encrypting, and the key, are the caller's, so a copy
// of the store (a backup, a replica) reveals nothing without that key.

/** Bytes the caller has encrypted (the type only says so; the vault cannot check it). */
export type Ciphertext = Uint8Array;

export interface TokenVault {
  put(key: string, ciphertext: Ciphertext, opts?: { ttlMs?: number }): Promise<void>;
  get(key: string): Promise<Ciphertext | undefined>;
  delete(key: string): Promise<void>;
}

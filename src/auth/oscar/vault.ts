// One OSCAR access token per provider, kept so the facade can sign that user's REST calls with it
// (smart §5.5): AES-256-GCM per record with a random 96-bit IV, the provider number as additional
// authenticated data (a record moved to another provider's key does not decrypt), and the key id
// in front so keys can rotate (SMART_VAULT_KEYS: the first encrypts, every one decrypts). OSCAR's
// tokens never expire (contract 2.5), so the vault keeps each one for its own maximum age only.
// Only ciphertext reaches the state store; nothing here is ever logged.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { TokenVault } from '../../state/index.js';

export interface OscarToken {
  token: string;
  secret: string;
  providerNo: string;
  /** ms epoch when the user approved it at OSCAR. */
  obtainedAt: number;
}

export interface VaultKey { id: string; key: Buffer }

const IV_BYTES = 12;
const TAG_BYTES = 16;
const keyOf = (providerNo: string): string => `oscar-token:${providerNo}`;
const aadOf = (providerNo: string): Buffer => Buffer.from(`oscar-token|${providerNo}`);

export class OscarTokenVault {
  readonly #vault: TokenVault;
  readonly #keys: readonly VaultKey[];
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  constructor(vault: TokenVault, keys: readonly VaultKey[], maxAgeSeconds: number, now: () => number = Date.now) {
    if (keys.length === 0) throw new Error('the OSCAR token vault needs at least one key');
    this.#vault = vault;
    this.#keys = keys;
    this.#maxAgeMs = maxAgeSeconds * 1000;
    this.#now = now;
  }

  async put(t: OscarToken): Promise<void> {
    const { id, key } = this.#keys[0]!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(aadOf(t.providerNo));
    const body = Buffer.concat([cipher.update(JSON.stringify(t), 'utf8'), cipher.final()]);
    const kid = Buffer.from(id, 'utf8');
    const record = Buffer.concat([Buffer.from([kid.length]), kid, iv, cipher.getAuthTag(), body]);
    const left = this.#maxAgeMs - (this.#now() - t.obtainedAt);
    if (left <= 0) return;
    await this.#vault.put(keyOf(t.providerNo), record, { ttlMs: left });
  }

  /** The provider's token, or undefined when none is kept, it is too old, or it does not decrypt. */
  async get(providerNo: string): Promise<OscarToken | undefined> {
    const raw = await this.#vault.get(keyOf(providerNo));
    if (!raw) return undefined;
    const record = Buffer.from(raw);
    const kidLength = record[0] ?? 0;
    const kid = record.subarray(1, 1 + kidLength).toString('utf8');
    const key = this.#keys.find((k) => k.id === kid)?.key;
    if (!key) return undefined; // encrypted with a key no longer configured: the user signs in again
    const at = 1 + kidLength;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, record.subarray(at, at + IV_BYTES));
      decipher.setAAD(aadOf(providerNo));
      decipher.setAuthTag(record.subarray(at + IV_BYTES, at + IV_BYTES + TAG_BYTES));
      const plain = Buffer.concat([decipher.update(record.subarray(at + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      // Decrypted under this provider's AAD, so the record was written for this provider.
      const t = JSON.parse(plain) as OscarToken;
      return this.#now() - t.obtainedAt >= this.#maxAgeMs ? undefined : t;
    } catch {
      return undefined;
    }
  }

  async delete(providerNo: string): Promise<void> {
    await this.#vault.delete(keyOf(providerNo));
  }

  /**
   * Forgets the provider's token when it is still `token`, the one OSCAR refused (contract 2.7), or
   * none is readable: a token a new sign-in put while the refused call was on its way is kept
   * (one provider, one record: deleting by provider would end that new sign-in). Not atomic: a
   * put between this read and the delete is lost, a window of one read of the state store instead
   * of one OSCAR call.
   */
  async deleteIf(providerNo: string, token: string): Promise<void> {
    const held = await this.get(providerNo);
    if (held === undefined || held.token === token) await this.delete(providerNo);
  }
}

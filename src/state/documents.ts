// Keyed documents with a lifetime: the storage the authorization server needs (an oidc-provider
// adapter maps its models onto kinds: upsert → put, find → get, findByUid/findByUserCode →
// findBy, consume, destroy → delete, revokeByGrantId → deleteBy), the shared signing key, and
// small bookkeeping such as the change feed's cursor. Values are JSON.

export interface StoredDocument<T = unknown> {
  value: T;
  /** ms epoch; absent = kept until deleted. */
  expiresAt?: number;
  /** ms epoch of the first consume(); absent = not consumed. */
  consumedAt?: number;
}

export interface PutOptions {
  /** Lifetime; absent = kept until deleted. An expired document is never returned. */
  ttlMs?: number;
  /** Secondary keys this document can be found or deleted by (e.g. { uid, userCode, grantId }). */
  lookup?: Readonly<Record<string, string>>;
}

export interface DocumentStore {
  /** Creates or replaces. */
  put(kind: string, id: string, value: unknown, opts?: PutOptions): Promise<void>;
  /** Stores `value` unless a live document has the id; returns the one stored (first writer wins). */
  putIfAbsent<T>(kind: string, id: string, value: T, opts?: PutOptions): Promise<T>;
  get<T>(kind: string, id: string): Promise<StoredDocument<T> | undefined>;
  /** The live document of `kind` whose lookup `name` is `value`. */
  findBy<T>(kind: string, name: string, value: string): Promise<{ id: string } & StoredDocument<T> | undefined>;
  /** Marks it consumed; true for the first consume of a live document only. */
  consume(kind: string, id: string): Promise<boolean>;
  delete(kind: string, id: string): Promise<void>;
  /** Deletes every document of any kind whose lookup `name` is `value`; returns how many. */
  deleteBy(name: string, value: string): Promise<number>;
}

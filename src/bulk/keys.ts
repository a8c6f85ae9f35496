// Per-job data keys (spool.ts), kept in the job store only wrapped by the spool's master key.
// With BULK_KEY_FILE the master key outlives a restart, so a job interrupted by one resumes where
// it stopped; without it the master key is made at start-up, and a job found after a restart
// cannot read what it wrote: it starts again from the beginning (engine.ts), nothing is lost.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

export class SpoolKeys {
  private constructor(private readonly master: Buffer, readonly persistent: boolean) {}

  /** The master key from a file (32 bytes, raw or as 64 hex characters or base64), or a fresh one. */
  static from(file: string | undefined): SpoolKeys {
    if (!file) return new SpoolKeys(randomBytes(32), false);
    const raw = readFileSync(file);
    const text = raw.toString('utf8').trim();
    const key = raw.length === 32 ? raw : /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
    if (key.length !== 32) throw new Error('BULK_KEY_FILE must hold a 256-bit key (32 bytes, 64 hex characters or base64)');
    return new SpoolKeys(key, true);
  }

  /** A new data key and its wrapped form (base64) for the job store. */
  newKey(jobId: string): { key: Buffer; wrapped: string } {
    const key = randomBytes(32);
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.master, iv);
    c.setAAD(Buffer.from(jobId));
    const body = Buffer.concat([c.update(key), c.final()]);
    return { key, wrapped: Buffer.concat([iv, body, c.getAuthTag()]).toString('base64') };
  }

  /** The data key of a job, or undefined when this master key did not wrap it (made before a restart without BULK_KEY_FILE). */
  unwrap(jobId: string, wrapped: string): Buffer | undefined {
    const b = Buffer.from(wrapped, 'base64');
    try {
      const d = createDecipheriv('aes-256-gcm', this.master, b.subarray(0, 12));
      d.setAAD(Buffer.from(jobId));
      d.setAuthTag(b.subarray(b.length - 16));
      return Buffer.concat([d.update(b.subarray(12, b.length - 16)), d.final()]);
    } catch {
      return undefined;
    }
  }
}

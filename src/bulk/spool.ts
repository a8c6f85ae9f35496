// Output files of an export, sealed (bulk-data §b.6 item 7A): each file is a sequence of
// records, every record one AES-256-GCM sealed batch of NDJSON lines:
//   [4 bytes: ciphertext length][12 bytes: IV][ciphertext][16 bytes: tag]
// The additional data binds a record to its job, file and position, so records cannot be moved
// between files or reordered. A file only ever grows by whole records, and the job's checkpoint
// notes its length: a new run cuts off what was written after it and carries on (engine.ts).
// Where the records are kept is the job store's business (disk-records.ts, or the state database).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;
export const RECORD_HEADER_BYTES = 4 + IV_BYTES;

function aad(scope: string, position: number): Buffer {
  return Buffer.from(`${scope}#${position}`, 'utf8');
}

/** The whole length of the record whose first RECORD_HEADER_BYTES are `head`. */
export function recordLength(head: Buffer): number {
  return RECORD_HEADER_BYTES + head.readUInt32BE(0) + TAG_BYTES;
}

/** Seals one batch as a record that belongs at byte `position` of the file named by `scope`. */
export function sealRecord(key: Buffer, scope: string, position: number, plain: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(scope, position));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  const head = Buffer.alloc(RECORD_HEADER_BYTES);
  head.writeUInt32BE(body.length, 0);
  iv.copy(head, 4);
  return Buffer.concat([head, body, cipher.getAuthTag()]);
}

/** The plaintext of one whole sealed record that sits at byte `position` of the file named by `scope`. */
export function openSealed(key: Buffer, scope: string, position: number, record: Buffer): Buffer {
  const size = record.readUInt32BE(0);
  const decipher = createDecipheriv('aes-256-gcm', key, record.subarray(4, RECORD_HEADER_BYTES));
  decipher.setAAD(aad(scope, position));
  decipher.setAuthTag(record.subarray(RECORD_HEADER_BYTES + size, RECORD_HEADER_BYTES + size + TAG_BYTES));
  return Buffer.concat([decipher.update(record.subarray(RECORD_HEADER_BYTES, RECORD_HEADER_BYTES + size)), decipher.final()]);
}

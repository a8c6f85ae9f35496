// Output files of an export, spooled to disk encrypted (bulk-data §b.6 item 7A): each file is a
// sequence of records, every record one AES-256-GCM sealed batch of NDJSON lines:
//   [4 bytes: ciphertext length][12 bytes: IV][ciphertext][16 bytes: tag]
// The additional data binds a record to its job, file and position, so records cannot be moved
// between files or reordered. A file only ever grows by whole records, and the job's checkpoint
// notes its length: a restart cuts a half-written record off and carries on (engine.ts).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { open, truncate, type FileHandle } from 'node:fs/promises';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 4 + IV_BYTES;

function aad(scope: string, position: number): Buffer {
  return Buffer.from(`${scope}#${position}`, 'utf8');
}

/** Seals one batch as a record that belongs at byte `position` of the file named by `scope`. */
export function sealRecord(key: Buffer, scope: string, position: number, plain: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(scope, position));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  const head = Buffer.alloc(HEADER_BYTES);
  head.writeUInt32BE(body.length, 0);
  iv.copy(head, 4);
  return Buffer.concat([head, body, cipher.getAuthTag()]);
}

/** The plaintext of one whole sealed record that sits at byte `position` of the file named by `scope`. */
export function openSealed(key: Buffer, scope: string, position: number, record: Buffer): Buffer {
  const size = record.readUInt32BE(0);
  const decipher = createDecipheriv('aes-256-gcm', key, record.subarray(4, HEADER_BYTES));
  decipher.setAAD(aad(scope, position));
  decipher.setAuthTag(record.subarray(HEADER_BYTES + size, HEADER_BYTES + size + TAG_BYTES));
  return Buffer.concat([decipher.update(record.subarray(HEADER_BYTES, HEADER_BYTES + size)), decipher.final()]);
}

/** Appends one sealed record at the file's current end (`length`); returns the new length. */
export async function appendRecord(path: string, key: Buffer, scope: string, length: number, plain: Buffer): Promise<number> {
  const record = sealRecord(key, scope, length, plain);
  const fh = await open(path, 'a', 0o600);
  try {
    await fh.write(record, 0, record.length, length);
    await fh.sync();
  } finally {
    await fh.close();
  }
  return length + record.length;
}

/** Cuts the file back to `length` (the last checkpoint), creating it when absent. */
export async function cutTo(path: string, length: number): Promise<void> {
  const fh = await open(path, 'a', 0o600);
  await fh.close();
  await truncate(path, length);
}

async function readFully(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) throw new Error('spool file ends inside a record');
    got += bytesRead;
  }
  return buf;
}

/** The plaintext of the file's records in order, up to `length` bytes of file (one record in memory at a time). */
export async function* openRecords(path: string, key: Buffer, scope: string, length: number): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  try {
    for (let pos = 0; pos < length;) {
      const head = await readFully(fh, pos, HEADER_BYTES);
      const size = head.readUInt32BE(0);
      const record = Buffer.concat([head, await readFully(fh, pos + HEADER_BYTES, size + TAG_BYTES)]);
      yield openSealed(key, scope, pos, record);
      pos += record.length;
    }
  } finally {
    await fh.close();
  }
}

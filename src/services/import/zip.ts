import { inflateRawSync } from 'node:zlib';

// A small zip reader (node:zlib only) for the Markdown exports of Obsidian, Bear and Logseq: the
// central directory, stored and deflated entries, and the modification time (the extended
// timestamp field when present, else the DOS time read as UTC). No Zip64, no encryption.

/** One file of an archive. */
export interface ZipEntry {
  name: string;
  mtime: Date;
  data: Buffer;
}

/** A file that is not a zip archive we can read. */
export class ZipError extends Error {}

function dosTime(date: number, time: number): Date {
  const year = ((date >> 9) & 0x7f) + 1980;
  const month = ((date >> 5) & 0x0f) - 1;
  const day = date & 0x1f;
  return new Date(Date.UTC(year, month, day || 1, (time >> 11) & 0x1f, (time >> 5) & 0x3f, (time & 0x1f) * 2));
}

function extendedMtime(extra: Buffer): Date | null {
  for (let i = 0; i + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(i);
    const size = extra.readUInt16LE(i + 2);
    if (id === 0x5455 && size >= 5 && (extra[i + 4]! & 1)) return new Date(extra.readUInt32LE(i + 5) * 1000);
    i += 4 + size;
  }
  return null;
}

/** Reads every file entry (directories and macOS resource forks are left out). */
export function readZip(buf: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('not a zip archive (or a truncated one): its directory is missing');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || p === 0xffffffff) throw new ZipError('Zip64 archives are not supported; unzip it and import the folder');
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) throw new ZipError('the zip directory is damaged');
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const mtime = dosTime(buf.readUInt16LE(p + 14), buf.readUInt16LE(p + 12));
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const extra = buf.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith('/') || name.startsWith('__MACOSX/') || name.split('/').some((s) => s.startsWith('._'))) continue;
    if (flags & 1) throw new ZipError(`${name} is encrypted; unzip it yourself and import the folder`);
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== 0x04034b50) throw new ZipError(`the zip entry ${name} is damaged`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + compressed);
    if (raw.length !== compressed) throw new ZipError(`the zip entry ${name} is truncated`);
    let data: Buffer;
    try {
      if (method === 0) data = Buffer.from(raw);
      else if (method === 8) data = inflateRawSync(raw);
      else throw new ZipError(`${name} uses compression method ${method}; only stored and deflated entries are read`);
    } catch (err) {
      if (err instanceof ZipError) throw err;
      throw new ZipError(`the zip entry ${name} is damaged (${(err as Error).message})`);
    }
    if (data.length !== size) throw new ZipError(`the zip entry ${name} is damaged (its size differs)`);
    entries.push({ name, mtime: extendedMtime(extra) ?? mtime, data });
  }
  return entries;
}

// Reads the zip a deploy uploads (CreateFunction/UpdateFunctionCode's Code.ZipFile): stored and deflated entries,
// found through the central directory. Names that would leave the function's folder are refused.
import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  path: string;
  data: Buffer;
}

export class ZipError extends Error {}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** A function's code package may be at most 500 MB unzipped in SCF; far more than any bundle here. */
const MAX_TOTAL = 512 * 1024 * 1024;

export function readZip(zip: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('the code is not a zip file');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  let total = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== CENTRAL) throw new ZipError('the zip central directory is damaged');
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const path = zip.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    at += 46 + nameLen + extraLen + commentLen;
    if (path.endsWith('/')) continue;
    const parts = path.split('/');
    if (path.startsWith('/') || path.includes('\\') || parts.some((p) => p === '..' || p === '')) throw new ZipError(`the zip holds a path outside the function folder: ${path}`);
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== LOCAL) throw new ZipError(`the zip entry ${path} is damaged`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + compressed);
    total += size;
    if (total > MAX_TOTAL) throw new ZipError('the code is larger than 512 MB unzipped');
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) data = inflateRawSync(raw);
    else throw new ZipError(`the zip entry ${path} uses compression method ${method} (only stored and deflate are read)`);
    if (data.length !== size) throw new ZipError(`the zip entry ${path} does not unpack to its recorded size`);
    entries.push({ path, data });
  }
  return entries;
}

import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from './errors';

/**
 * Deliverable files on local disk (the embedded default). Files are streamed to a temporary
 * name, hashed on the way, and only renamed into place when complete, so a broken or
 * oversized upload leaves nothing behind.
 */
export interface StoredFile {
  storageKey: string;
  size: number;
  sha256: string;
}

export interface FileStorage {
  save(stream: Readable, opts: { maxBytes: number; sniff: (head: Buffer) => void }): Promise<StoredFile>;
  open(storageKey: string): Readable;
  remove(storageKey: string): Promise<void>;
}

export function createLocalStorage(root: string): FileStorage {
  fs.mkdirSync(path.join(root, 'tmp'), { recursive: true });
  const resolve = (storageKey: string) => {
    // Keys are generated here (uuid paths); refuse anything else rather than trust it.
    if (!/^[0-9a-f]{2}\/[0-9a-f-]{36}$/.test(storageKey)) throw new AppError('not_found', 'No such file.');
    return path.join(root, storageKey);
  };
  return {
    async save(stream, { maxBytes, sniff }) {
      const id = randomUUID();
      const tmp = path.join(root, 'tmp', id);
      const hash = createHash('sha256');
      let size = 0;
      let head = Buffer.alloc(0);
      const meter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          if (size > maxBytes) return done(new AppError('payload_too_large', `The file exceeds ${Math.round(maxBytes / 1024 / 1024)} MB.`));
          if (head.length < 16) {
            head = Buffer.concat([head, chunk]).subarray(0, 16);
            if (head.length >= 16 || size === chunk.length) {
              try {
                if (head.length >= 16) sniff(head);
              } catch (err) {
                return done(err as Error);
              }
            }
          }
          hash.update(chunk);
          done(null, chunk);
        },
        flush(done) {
          try {
            if (head.length < 16) sniff(head);
            done();
          } catch (err) {
            done(err as Error);
          }
        },
      });
      try {
        await pipeline(stream, meter, fs.createWriteStream(tmp, { flags: 'wx' }));
      } catch (err) {
        await fs.promises.rm(tmp, { force: true });
        throw err;
      }
      const storageKey = `${id.slice(0, 2)}/${id}`;
      await fs.promises.mkdir(path.dirname(path.join(root, storageKey)), { recursive: true });
      await fs.promises.rename(tmp, path.join(root, storageKey));
      return { storageKey, size, sha256: hash.digest('hex') };
    },
    open(storageKey) {
      return fs.createReadStream(resolve(storageKey));
    },
    async remove(storageKey) {
      await fs.promises.rm(resolve(storageKey), { force: true });
    },
  };
}

/** Accepted deliverable types: extension, declared media type, and the bytes must agree. */
export const ALLOWED_TYPES: Record<string, { mediaType: string; magic?: (head: Buffer) => boolean }> = {
  pdf: { mediaType: 'application/pdf', magic: (h) => h.subarray(0, 5).toString('latin1') === '%PDF-' },
  png: { mediaType: 'image/png', magic: (h) => h.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  jpg: { mediaType: 'image/jpeg', magic: (h) => h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff },
  jpeg: { mediaType: 'image/jpeg', magic: (h) => h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff },
  docx: { mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', magic: isZip },
  xlsx: { mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', magic: isZip },
  pptx: { mediaType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', magic: isZip },
  odt: { mediaType: 'application/vnd.oasis.opendocument.text', magic: isZip },
  ods: { mediaType: 'application/vnd.oasis.opendocument.spreadsheet', magic: isZip },
  odp: { mediaType: 'application/vnd.oasis.opendocument.presentation', magic: isZip },
  zip: { mediaType: 'application/zip', magic: isZip },
  csv: { mediaType: 'text/csv', magic: isText },
  txt: { mediaType: 'text/plain', magic: isText },
};

function isZip(h: Buffer): boolean {
  return h[0] === 0x50 && h[1] === 0x4b && h[2] === 0x03 && h[3] === 0x04;
}
function isText(h: Buffer): boolean {
  return !h.includes(0);
}

/** Keeps letters (accents included), digits, dot, dash, underscore; no path, no leading dot. */
export function safeFileName(name: string): string {
  const base = path.basename(name.replace(/\\/g, '/')).normalize('NFC');
  const cleaned = base.replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^[._]+/, '').slice(-120);
  return cleaned || 'fichier';
}

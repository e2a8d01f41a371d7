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
          if (size > maxBytes) return done(new AppError('payload_too_large', `The file exceeds ${Math.round(maxBytes / 1024 / 1024)} MB.`, undefined, undefined, { reason: 'file_too_large', maxMb: Math.round(maxBytes / 1024 / 1024) }));
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

/**
 * Accepted deliverable types. The extension names the type, the leading bytes must agree
 * with it; the media type the browser declares is only checked against what operating
 * systems are known to send for that extension (Windows declares a .zip as
 * application/x-zip-compressed and a .csv as application/vnd.ms-excel when Excel is
 * installed; many send application/octet-stream or nothing).
 */
export const ALLOWED_TYPES: Record<string, { mediaType: string; aliases?: string[]; magic?: (head: Buffer) => boolean }> = {
  pdf: { mediaType: 'application/pdf', aliases: ['application/x-pdf', 'application/acrobat', 'application/vnd.pdf', 'text/pdf'], magic: (h) => h.subarray(0, 5).toString('latin1') === '%PDF-' },
  png: { mediaType: 'image/png', aliases: ['image/x-png'], magic: (h) => h.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  jpg: { mediaType: 'image/jpeg', aliases: ['image/pjpeg', 'image/jpg'], magic: (h) => h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff },
  jpeg: { mediaType: 'image/jpeg', aliases: ['image/pjpeg', 'image/jpg'], magic: (h) => h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff },
  docx: { mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', aliases: ['application/zip', 'application/x-zip-compressed'], magic: isZip },
  xlsx: { mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', aliases: ['application/zip', 'application/x-zip-compressed', 'application/vnd.ms-excel'], magic: isZip },
  pptx: { mediaType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', aliases: ['application/zip', 'application/x-zip-compressed'], magic: isZip },
  odt: { mediaType: 'application/vnd.oasis.opendocument.text', aliases: ['application/zip', 'application/x-zip-compressed'], magic: isZip },
  ods: { mediaType: 'application/vnd.oasis.opendocument.spreadsheet', aliases: ['application/zip', 'application/x-zip-compressed'], magic: isZip },
  odp: { mediaType: 'application/vnd.oasis.opendocument.presentation', aliases: ['application/zip', 'application/x-zip-compressed'], magic: isZip },
  zip: { mediaType: 'application/zip', aliases: ['application/x-zip-compressed', 'application/x-zip', 'application/zip-compressed', 'multipart/x-zip'], magic: isZip },
  csv: { mediaType: 'text/csv', aliases: ['application/vnd.ms-excel', 'application/csv', 'text/x-csv', 'text/comma-separated-values', 'text/x-comma-separated-values', 'text/plain'], magic: isText },
  txt: { mediaType: 'text/plain', aliases: ['text/x-plain'], magic: isText },
};

/** Declared types that say nothing about the content: the extension and the bytes decide. */
const UNINFORMATIVE_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/unknown', 'application/x-unknown']);

/** Whether a browser's declared media type fits the extension (exactly, through a known alias, or saying nothing). */
export function declaredTypeFits(extension: string, declared: string | undefined): boolean {
  const allowed = ALLOWED_TYPES[extension];
  if (!allowed) return false;
  const type = (declared ?? '').split(';')[0]!.trim().toLowerCase();
  return UNINFORMATIVE_TYPES.has(type) || type === allowed.mediaType || (allowed.aliases ?? []).includes(type);
}

function isZip(h: Buffer): boolean {
  // Local file header, or the end-of-central-directory record of an empty archive.
  return h[0] === 0x50 && h[1] === 0x4b && ((h[2] === 0x03 && h[3] === 0x04) || (h[2] === 0x05 && h[3] === 0x06));
}
function isText(h: Buffer): boolean {
  return !h.includes(0);
}

/** Bytes of UTF-8 a stored name may take: under the 255 of ext4, APFS and NTFS, with room for a copy suffix. */
export const MAX_FILE_NAME_BYTES = 200;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i;

/**
 * The name as sent, kept as long as it is safe on every OS: NFC (macOS sends decomposed
 * accents), no folder, no control or bidirectional-override characters, none of Windows'
 * forbidden characters, no leading dot, no trailing dot or space, no reserved device name,
 * at most MAX_FILE_NAME_BYTES bytes cut between characters with the extension kept.
 */
export function safeFileName(name: string): string {
  const base = name.replace(/\\/g, '/').split('/').pop() ?? '';
  let cleaned = base
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (WINDOWS_RESERVED.test(cleaned)) cleaned = `_${cleaned}`;
  cleaned = truncateName(cleaned, MAX_FILE_NAME_BYTES);
  return cleaned || 'fichier';
}

function truncateName(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
  const stem = extension ? name.slice(0, dot) : name;
  const budget = maxBytes - Buffer.byteLength(extension);
  let out = '';
  // Whole grapheme clusters only: an accent or an emoji is never cut in half.
  for (const { segment } of new Intl.Segmenter('fr', { granularity: 'grapheme' }).segment(stem)) {
    if (Buffer.byteLength(out + segment) > budget) break;
    out += segment;
  }
  return `${out.replace(/[.\s]+$/, '')}${extension}`;
}

/** Content-Disposition for a download: an ASCII fallback and the exact UTF-8 name (RFC 6266, RFC 8187). */
export function contentDisposition(name: string): string {
  const ascii = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

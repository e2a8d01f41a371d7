import busboy from 'busboy';
import type { Request } from 'express';
import { AppError } from './errors';
import { ALLOWED_TYPES, declaredTypeFits, safeFileName, type FileStorage, type StoredFile } from './storage';

export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

export interface ReceivedUpload {
  fields: Record<string, string>;
  file: StoredFile & { name: string; mediaType: string };
}

/** The accepted extensions, as people read them in a refusal. */
export const ACCEPTED_EXTENSIONS = Object.keys(ALLOWED_TYPES).join(', ');

/**
 * Streams one multipart file into storage. The extension names the type and the leading
 * bytes must agree with it; the declared media type only has to be one an OS sends for it.
 * The file name is read as UTF-8 (busboy's default is Latin-1, which mangles every accent)
 * and kept as sent when safe (see safeFileName). Each refusal carries a `reason` and its
 * values so the UI explains it in the reader's language. Text fields travel alongside:
 * title, kind, organisationId.
 */
export function receiveUpload(req: Request, storage: FileStorage): Promise<ReceivedUpload> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fields: 10, fieldSize: 2000, fileSize: MAX_UPLOAD_BYTES + 1 } });
    } catch {
      reject(new AppError('bad_request', 'Malformed multipart body.'));
      return;
    }
    const fields: Record<string, string> = {};
    let saving: Promise<ReceivedUpload['file']> | undefined;
    let failure: unknown;
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (field, stream, info) => {
      // A truncated body makes the file stream emit an error after the answer: never let it escape.
      stream.on('error', () => undefined);
      if (field !== 'file' || saving) {
        stream.resume();
        return;
      }
      const name = safeFileName(info.filename ?? 'fichier');
      const extension = name.includes('.') ? name.split('.').pop()!.toLowerCase() : '';
      const allowed = ALLOWED_TYPES[extension];
      if (!allowed) {
        failure = new AppError('unsupported_media_type', `Files of type ".${extension}" are not accepted; use one of ${ACCEPTED_EXTENSIONS}.`, undefined, undefined, {
          reason: extension ? 'extension_not_accepted' : 'extension_missing',
          extension,
          accepted: ACCEPTED_EXTENSIONS,
        });
        stream.resume();
        return;
      }
      if (!declaredTypeFits(extension, info.mimeType)) {
        failure = new AppError('unsupported_media_type', `The file is declared as ${info.mimeType}, which does not match ".${extension}".`, undefined, undefined, { reason: 'declared_type_mismatch', extension, declared: info.mimeType });
        stream.resume();
        return;
      }
      saving = storage
        .save(stream, {
          maxBytes: MAX_UPLOAD_BYTES,
          sniff: (head) => {
            if (head.length === 0) throw new AppError('validation_failed', 'The file is empty.', undefined, undefined, { reason: 'file_empty' });
            if (allowed.magic && !allowed.magic(head)) throw new AppError('unsupported_media_type', `The content is not a valid .${extension} file.`, undefined, undefined, { reason: 'content_mismatch', extension });
          },
        })
        .then((stored) => ({ ...stored, name, mediaType: allowed.mediaType }));
      // Keep the stream flowing if storage rejected early, so busboy can finish.
      saving.catch(() => stream.resume());
    });
    parser.on('error', () => reject(new AppError('bad_request', 'Malformed multipart body.')));
    parser.on('close', async () => {
      try {
        const file = saving ? await saving : undefined;
        if (failure) {
          if (file) await storage.remove(file.storageKey);
          throw failure;
        }
        if (!file) throw new AppError('validation_failed', 'Send the file in a multipart field named "file".', [{ path: 'body.file', message: 'required', code: 'required' }], undefined, { reason: 'file_missing' });
        resolve({ fields, file });
      } catch (err) {
        reject(err);
      }
    });
    req.pipe(parser);
  });
}

import busboy from 'busboy';
import type { Request } from 'express';
import { AppError } from './errors';
import { ALLOWED_TYPES, safeFileName, type FileStorage, type StoredFile } from './storage';

export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

export interface ReceivedUpload {
  fields: Record<string, string>;
  file: StoredFile & { name: string; mediaType: string };
}

/**
 * Streams one multipart file into storage, checking its type three ways (extension, declared
 * media type, leading bytes). Text fields travel alongside: title, kind, organisationId.
 */
export function receiveUpload(req: Request, storage: FileStorage): Promise<ReceivedUpload> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fields: 10, fieldSize: 2000, fileSize: MAX_UPLOAD_BYTES + 1 } });
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
        failure = new AppError('unsupported_media_type', `Files of type ".${extension}" are not accepted; use one of ${Object.keys(ALLOWED_TYPES).join(', ')}.`);
        stream.resume();
        return;
      }
      if (info.mimeType !== allowed.mediaType && info.mimeType !== 'application/octet-stream') {
        failure = new AppError('unsupported_media_type', `The file is declared as ${info.mimeType}, which does not match ".${extension}".`);
        stream.resume();
        return;
      }
      saving = storage
        .save(stream, {
          maxBytes: MAX_UPLOAD_BYTES,
          sniff: (head) => {
            if (allowed.magic && !allowed.magic(head)) throw new AppError('unsupported_media_type', `The content is not a valid .${extension} file.`);
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
        if (!file) throw new AppError('validation_failed', 'Send the file in a multipart field named "file".', [{ path: 'body.file', message: 'required' }]);
        resolve({ fields, file });
      } catch (err) {
        reject(err);
      }
    });
    req.pipe(parser);
  });
}

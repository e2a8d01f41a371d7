import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { CATCHER_BANNER, PROBE_DOMAIN } from './delivery-probe';

export interface CaughtMessage {
  /** ISO instant at which the message was fully received. */
  at: string;
  /** Envelope sender (MAIL FROM); '' for the null sender. */
  from: string;
  /** Envelope recipients (RCPT TO), so Bcc recipients are included. */
  to: string[];
  /** Decoded Subject header; '' when absent. */
  subject: string;
  /** Absolute path of the raw .eml file. */
  file: string;
  /** X-Jalons-Notification header, when the message carries one. */
  notificationId?: string;
  /** Message-ID header, when present. */
  messageId?: string;
}

export interface SmtpCatcher {
  url: string;
  port: number;
  messages(): CaughtMessage[];
  /** Whether a message with this X-Jalons-Notification was stored (in this run or an earlier one on the same folder). */
  holds(notificationId: string): boolean;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
// Clients that keep a connection open (pools) would otherwise hold stop() for smtp-server's 30 s default.
const CLOSE_TIMEOUT_MS = 1_000;

/**
 * Starts a local SMTP server that accepts every message without auth or TLS,
 * writing each one to `<dir>/<timestamp>-<n>.eml` and a line to `<dir>/index.jsonl`.
 *
 * It also answers the notifier's delivery probe: RCPT TO `probe+<notification id>@delivery-probe.invalid`
 * gets 250 when a message with that X-Jalons-Notification header is stored, 550 otherwise
 * (see `delivery-probe.ts`). A catcher restarted on the same folder remembers earlier messages.
 */
export async function startSmtpCatcher(opts: { dir: string; port?: number }): Promise<SmtpCatcher> {
  const dir = path.resolve(opts.dir);
  await mkdir(dir, { recursive: true });
  const caught: CaughtMessage[] = [];
  const held = await readHeldNotifications(path.join(dir, 'index.jsonl'));
  let sequence = 0;
  // Chained so index.jsonl lines keep the order in which messages were numbered.
  let pendingWrite: Promise<unknown> = Promise.resolve();

  const storeMessage = async (raw: Buffer, session: SMTPServerSession): Promise<void> => {
    sequence += 1;
    const at = new Date().toISOString();
    const file = path.join(dir, `${at.replace(/[:.]/g, '-')}-${sequence}.eml`);
    const message: CaughtMessage = {
      at,
      from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
      to: session.envelope.rcptTo.map((recipient) => recipient.address),
      subject: readSubject(raw),
      file,
    };
    const notificationId = readHeader(raw, 'x-jalons-notification');
    const messageId = readHeader(raw, 'message-id');
    if (notificationId) message.notificationId = notificationId;
    if (messageId) message.messageId = messageId;
    const write = pendingWrite.then(async () => {
      await writeFile(file, raw, { flag: 'wx' });
      await appendFile(path.join(dir, 'index.jsonl'), `${JSON.stringify(message)}\n`);
    });
    pendingWrite = write.catch(() => undefined);
    await write;
    caught.push(message);
    // Recorded before the 250 reply leaves, so a client that saw the reply always finds it.
    if (notificationId) held.add(notificationId);
  };

  const server = new SMTPServer({
    banner: CATCHER_BANNER,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    closeTimeout: CLOSE_TIMEOUT_MS,
    logger: false,
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void): void {
      const probe = /^probe\+([^@]+)@(.+)$/i.exec(address.address);
      if (!probe || probe[2]!.toLowerCase() !== PROBE_DOMAIN) return callback();
      if (held.has(probe[1]!)) return callback();
      callback(Object.assign(new Error('No message held for this notification'), { responseCode: 550 }));
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void): void {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.once('error', (err: Error) => callback(err));
      stream.once('end', () => {
        storeMessage(Buffer.concat(chunks), session).then(
          () => callback(),
          (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
        );
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // smtp-server re-emits client socket errors (resets, timeouts) on the server;
  // without a listener they would crash the process, and a catcher has no use for them.
  server.on('error', () => undefined);

  const port = (server.server.address() as AddressInfo).port;
  let stopped: Promise<void> | undefined;

  return {
    url: `smtp://${HOST}:${port}`,
    port,
    messages: () => [...caught],
    holds: (notificationId: string) => held.has(notificationId),
    stop: () => {
      stopped ??= new Promise<void>((resolve) => server.close(() => resolve())).then(() => pendingWrite.then(() => undefined));
      return stopped;
    },
  };
}

async function readHeldNotifications(indexFile: string): Promise<Set<string>> {
  const held = new Set<string>();
  const text = await readFile(indexFile, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    try {
      const id = (JSON.parse(line) as Partial<CaughtMessage>).notificationId;
      if (id) held.add(id);
    } catch {
      /* blank or torn last line */
    }
  }
  return held;
}

/** An unstructured header's value (unfolded), as sent; undefined when absent. */
function readHeader(raw: Buffer, name: string): string | undefined {
  const text = raw.toString('latin1');
  const headerEnd = text.search(/\r?\n\r?\n/);
  const header = (headerEnd === -1 ? text : text.slice(0, headerEnd)).replace(/\r?\n[ \t]+/g, ' ');
  const match = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(header);
  return match?.[1]?.trim() || undefined;
}

/** Reads the Subject header from the raw message, unfolding and decoding RFC 2047 words. */
function readSubject(raw: Buffer): string {
  const text = raw.toString('latin1');
  const headerEnd = text.search(/\r?\n\r?\n/);
  const header = (headerEnd === -1 ? text : text.slice(0, headerEnd)).replace(/\r?\n[ \t]+/g, ' ');
  const match = /^subject:[ \t]*(.*)$/im.exec(header);
  if (!match?.[1]) return '';
  // Headers were read as latin1 to keep bytes intact; raw 8-bit UTF-8 (SMTPUTF8) is re-read here.
  const value = Buffer.from(match[1], 'latin1').toString('utf8');
  return decodeEncodedWords(value).trim();
}

function decodeEncodedWords(value: string): string {
  const encodedWord = /=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g;
  // Whitespace between two adjacent encoded words is folding, not content (RFC 2047 §6.2).
  const joined = value.replace(/(\?=)[ \t]+(?==\?)/g, '$1');
  return joined.replace(encodedWord, (word: string, charset: string, encoding: string, payload: string) => {
    const bufferEncoding = toBufferEncoding(charset);
    if (!bufferEncoding) return word;
    const bytes =
      encoding.toUpperCase() === 'B'
        ? Buffer.from(payload, 'base64')
        : Buffer.from(
            payload.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_hex: string, code: string) => String.fromCharCode(parseInt(code, 16))),
            'latin1',
          );
    return bytes.toString(bufferEncoding);
  });
}

function toBufferEncoding(charset: string): BufferEncoding | undefined {
  // RFC 2231 allows a language suffix: UTF-8*fr.
  const name = charset.split('*')[0]?.toLowerCase();
  if (name === 'utf-8' || name === 'utf8') return 'utf8';
  if (name === 'us-ascii' || name === 'iso-8859-1' || name === 'latin1') return 'latin1';
  return undefined;
}

import net from 'node:net';

/** Greeting banner and probe address understood by `smtp-catcher.ts`. */
export const CATCHER_BANNER = 'Jalons SMTP catcher';
export const PROBE_DOMAIN = 'delivery-probe.invalid';

export function probeAddress(notificationId: string): string {
  return `probe+${notificationId}@${PROBE_DOMAIN}`;
}

export type ProbeVerdict = 'delivered' | 'not-delivered' | 'unknown';

const PROBE_TIMEOUT_MS = 5_000;

/**
 * Asks the SMTP server whether it already holds the message of `notificationId`, for an
 * attempt that was interrupted between hand-off and bookkeeping. Only the local catcher can
 * answer (RCPT TO the probe address: 250 held, 550 not held; nothing is ever sent); any
 * other server gives 'unknown', and the caller chooses at-most-once.
 */
export async function askServerAboutDelivery(smtpUrl: string, notificationId: string): Promise<ProbeVerdict> {
  const url = new URL(smtpUrl);
  if (url.protocol !== 'smtp:') return 'unknown';
  const socket = net.connect({ host: url.hostname, port: Number(url.port || 25) });
  socket.setEncoding('utf8');
  socket.setTimeout(PROBE_TIMEOUT_MS);
  let buffer = '';
  const waiters: ((reply: { code: number; text: string }) => void)[] = [];
  let failure: Error | undefined;
  const failed = new Promise<never>((_resolve, reject) => {
    const fail = (err: Error) => {
      failure ??= err;
      reject(failure);
    };
    socket.once('error', fail);
    socket.once('timeout', () => fail(new Error('SMTP probe timed out')));
    socket.once('close', () => fail(new Error('SMTP probe: connection closed')));
  });
  failed.catch(() => undefined);
  // A reply is complete on a line "NNN text" (a dash after the code continues it).
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (;;) {
      const match = /^(?:\d{3}-[^\r\n]*\r?\n)*(\d{3}) ?([^\r\n]*)\r?\n/.exec(buffer);
      if (!match) break;
      buffer = buffer.slice(match[0].length);
      waiters.shift()?.({ code: Number(match[1]), text: match[0] });
    }
  });
  const reply = () => Promise.race([new Promise<{ code: number; text: string }>((resolve) => waiters.push(resolve)), failed]);
  const command = (line: string) => {
    const answer = reply();
    socket.write(`${line}\r\n`);
    return answer;
  };
  try {
    const greeting = await reply();
    if (greeting.code !== 220 || !greeting.text.includes(CATCHER_BANNER)) return 'unknown';
    if ((await command('EHLO jalons-notifier')).code !== 250) return 'unknown';
    if ((await command('MAIL FROM:<>')).code !== 250) return 'unknown';
    const answer = await command(`RCPT TO:<${probeAddress(notificationId)}>`);
    if (answer.code === 250) return 'delivered';
    if (answer.code === 550) return 'not-delivered';
    return 'unknown';
  } finally {
    socket.end('QUIT\r\n');
    socket.destroy();
  }
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTransport } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { askServerAboutDelivery } from '../../notifier/delivery-probe';
import { startSmtpCatcher, type SmtpCatcher } from '../../notifier/smtp-catcher';

describe('asking the SMTP server whether it holds a notification', () => {
  let dir: string;
  let catcher: SmtpCatcher;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jalons-probe-'));
    catcher = await startSmtpCatcher({ dir, port: 0 });
  });
  afterEach(async () => {
    await catcher.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function send(url: string, id: string): Promise<void> {
    const transport = createTransport({ url, ignoreTLS: true });
    await transport.sendMail({ from: 'jalons@example.test', to: 'a@example.test', subject: 'x', text: 'x', messageId: `<${id}@notifications.jalons>`, headers: { 'X-Jalons-Notification': id } });
    transport.close();
  }

  it('answers delivered for a message it stored and not-delivered otherwise, and never stores a probe', async () => {
    await send(catcher.url, 'abc123');
    expect(catcher.messages()[0]).toMatchObject({ notificationId: 'abc123', messageId: '<abc123@notifications.jalons>' });
    expect(await askServerAboutDelivery(catcher.url, 'abc123')).toBe('delivered');
    expect(await askServerAboutDelivery(catcher.url, 'def456')).toBe('not-delivered');
    expect(catcher.messages()).toHaveLength(1);
  });

  it('remembers earlier messages after a restart on the same folder', async () => {
    await send(catcher.url, 'kept-1');
    const port = catcher.port;
    await catcher.stop();
    catcher = await startSmtpCatcher({ dir, port });
    expect(catcher.holds('kept-1')).toBe(true);
    expect(await askServerAboutDelivery(catcher.url, 'kept-1')).toBe('delivered');
  });

  it('answers unknown for another SMTP server, and fails when none listens', async () => {
    const other = new SMTPServer({ banner: 'Some provider', authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', () => resolve()));
    const port = (other.server.address() as { port: number }).port;
    try {
      expect(await askServerAboutDelivery(`smtp://127.0.0.1:${port}`, 'abc')).toBe('unknown');
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
    expect(await askServerAboutDelivery('smtps://127.0.0.1:465', 'abc')).toBe('unknown');
    const closedPort = catcher.port;
    await catcher.stop();
    await expect(askServerAboutDelivery(`smtp://127.0.0.1:${closedPort}`, 'abc')).rejects.toThrow();
    catcher = await startSmtpCatcher({ dir, port: 0 });
  });
});

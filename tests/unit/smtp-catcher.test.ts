import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTransport } from 'nodemailer';
import { startSmtpCatcher, type SmtpCatcher } from '../../notifier/smtp-catcher';

describe('startSmtpCatcher', () => {
  let dir: string;
  let catcher: SmtpCatcher;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jalons-smtp-'));
    catcher = await startSmtpCatcher({ dir, port: 0 });
  });

  afterEach(async () => {
    await catcher.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('listens on an OS-chosen loopback port', () => {
    expect(catcher.port).toBeGreaterThan(0);
    expect(catcher.url).toBe(`smtp://127.0.0.1:${catcher.port}`);
  });

  it('catches a message sent with nodemailer', async () => {
    const transport = createTransport({ url: catcher.url, ignoreTLS: true });
    await transport.sendMail({
      from: 'jalons@example.test',
      to: 'partenaire@example.test',
      bcc: 'audit@example.test',
      subject: 'Échéance de la phase 2 — rappel',
      text: 'Bonjour,\nla phase 2 arrive à échéance.',
    });
    transport.close();

    const messages = catcher.messages();
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message).toMatchObject({
      from: 'jalons@example.test',
      to: ['partenaire@example.test', 'audit@example.test'],
      subject: 'Échéance de la phase 2 — rappel',
    });
    expect(message?.file).toMatch(/-1\.eml$/);
    expect(path.dirname(message?.file ?? '')).toBe(dir);
    expect(fs.existsSync(message?.file ?? '')).toBe(true);
    expect(fs.readFileSync(message?.file ?? '', 'utf8')).toContain('To: partenaire@example.test');

    const index = fs.readFileSync(path.join(dir, 'index.jsonl'), 'utf8').trim().split('\n');
    expect(index.map((line) => JSON.parse(line) as unknown)).toEqual([message]);
  });

  it('numbers successive messages and keeps the index in order', async () => {
    const transport = createTransport({ url: catcher.url, ignoreTLS: true });
    for (const subject of ['first', 'second']) {
      await transport.sendMail({ from: 'jalons@example.test', to: 'a@example.test', subject, text: subject });
    }
    transport.close();

    expect(catcher.messages().map((m) => m.subject)).toEqual(['first', 'second']);
    const index = fs.readFileSync(path.join(dir, 'index.jsonl'), 'utf8').trim().split('\n');
    expect(index.map((line) => (JSON.parse(line) as { subject: string; file: string }).file)).toEqual(
      catcher.messages().map((m) => m.file),
    );
    expect(catcher.messages()[1]?.file).toMatch(/-2\.eml$/);
  });
});

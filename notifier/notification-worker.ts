import { Worker, type ConnectionOptions } from 'bullmq';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { PrismaClient } from '../generated/prisma/client';
import { renderMessage } from './messages';
import { NOTIFICATION_QUEUE, ZNotificationJob } from './notification-job';

export interface NotifierOptions {
  prisma: PrismaClient;
  connection: ConnectionOptions;
  smtpUrl: string;
  mailFrom: string;
  appUrl: string;
  logger: Logger;
  concurrency?: number;
}

/**
 * Consumes notification jobs and sends e-mail. The notifications row is the source of
 * truth for "already sent": a job redelivered after a crash finds it sent and stops.
 */
export function startNotificationWorker(opts: NotifierOptions): Worker {
  const transport = nodemailer.createTransport(opts.smtpUrl.startsWith('smtp://') ? { url: opts.smtpUrl, ignoreTLS: true } as never : opts.smtpUrl);
  const worker = new Worker(
    NOTIFICATION_QUEUE,
    async (job) => {
      const payload = ZNotificationJob.parse(job.data);
      const row = await opts.prisma.notification.findUnique({ where: { id: payload.notificationId } });
      if (row?.status === 'sent') return { skipped: 'already sent' };
      const message = renderMessage(payload, opts.appUrl);
      try {
        const info = await transport.sendMail({ from: opts.mailFrom, to: payload.recipient.email, subject: message.subject, text: message.text, headers: { 'X-Jalons-Notification': payload.notificationId } });
        await opts.prisma.notification.update({ where: { id: payload.notificationId }, data: { status: 'sent', sentAt: new Date(), attempts: { increment: 1 }, response: String(info.response ?? '').slice(0, 500), error: null } });
        return { sent: true };
      } catch (err) {
        await opts.prisma.notification.update({ where: { id: payload.notificationId }, data: { status: 'retrying', attempts: { increment: 1 }, error: String((err as Error).message).slice(0, 500) } }).catch(() => undefined);
        throw err;
      }
    },
    { connection: opts.connection, concurrency: opts.concurrency ?? 8, autorun: true },
  );
  worker.on('failed', (job, err) => {
    opts.logger.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'notification delivery failed');
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
      void opts.prisma.notification.update({ where: { id: job.id! }, data: { status: 'failed' } }).catch(() => undefined);
    }
  });
  return worker;
}

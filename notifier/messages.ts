import { formatParisDate, formatParisDateTime, type DisplayLocale } from '../domain/paris-format';
import { catalogueFor, fill, type Catalogue, type KindWords, type Locale } from './catalogue';
import { renderDeadlineCalendar, type DeadlineEvent } from './ics';
import { DEADLINE_KINDS, DIGEST_CAPABLE_KINDS, type NotificationJob } from './notification-job';

/** What the notifier learned from the read model at send time; every part may be missing. */
export interface MessageContext {
  appUrl: string;
  /** In the recipient's language. */
  stepName?: string;
  phaseName?: string;
  dueAt?: string;
  /** Signed link to the recipient's preferences (digest-capable kinds and digests). */
  preferencesUrl?: string;
  now?: Date;
}

export interface RenderedMessage {
  subject: string;
  text: string;
  attachments: { filename: string; content: string; contentType: string }[];
  headers: Record<string, string>;
}

export interface DigestItem {
  kind: string;
  programmeId: string;
  programmeTitle: string;
  stepKey?: string;
  stepName?: string;
  dueAt?: string;
}

const SUBJECT_PREFIX = '[Jalons] ';

function displayLocaleOf(catalogue: Catalogue): DisplayLocale {
  return catalogue.dateLocale.startsWith('en') ? 'en' : 'fr';
}

/** A due instant with its closing hour, as the UI shows it: "lundi 14 décembre 2026, 18 h 00" (Paris). */
export function formatDue(iso: string, catalogue: Catalogue): string {
  return formatParisDateTime(iso, displayLocaleOf(catalogue), { weekday: true });
}

export function stepLink(appUrl: string, programmeId: string, stepKey?: string): string {
  return `${appUrl}/programmes/${encodeURIComponent(programmeId)}${stepKey ? `#step-${encodeURIComponent(stepKey.split('@')[0]!)}` : ''}`;
}

function wordsFor(catalogue: Catalogue, kind: string): KindWords {
  return catalogue.kinds[kind] ?? catalogue.fallbackKind;
}

/** Blank lines collapse to one and none ends the text. */
function joinLines(lines: (string | undefined)[]): string {
  return lines
    .filter((l): l is string => l !== undefined)
    .filter((l, i, all) => l !== '' || (i > 0 && all[i - 1] !== ''))
    .join('\n')
    .trimEnd();
}

function localeOf(locale: string): Locale {
  return locale === 'en' ? 'en' : 'fr';
}

/** One notification: subject, plain text, and an .ics event for kinds with a due date. */
export function renderMessage(job: NotificationJob, ctx: MessageContext): RenderedMessage {
  const catalogue = catalogueFor(localeOf(job.recipient.locale));
  const words = wordsFor(catalogue, job.kind);
  // A reminder names the due date it was planned for; other kinds show the step's current one.
  const dueAt = (typeof job.data.dueAt === 'string' ? job.data.dueAt : undefined) ?? ctx.dueAt;
  const step = ctx.stepName ?? job.stepKey;
  const values = {
    name: job.recipient.name,
    programme: job.programmeTitle,
    step,
    phase: ctx.phaseName ?? job.phaseKey,
    due: dueAt ? formatDue(dueAt, catalogue) : undefined,
    link: job.kind === 'invitation' ? stringOf(job.data.invitationUrl) : stepLink(ctx.appUrl, job.programmeId, job.stepKey),
    expires: typeof job.data.expiresAt === 'string' ? formatDue(job.data.expiresAt, catalogue) : undefined,
  };
  const subject = SUBJECT_PREFIX + (fill(words.subject, values) ?? fill(catalogue.fallbackKind.subject, values) ?? words.label);
  const body =
    job.kind === 'invitation'
      ? [fill(catalogue.greeting, values), '', words.intro, fill(catalogue.invitation.accept, values), fill(catalogue.invitation.expires, values)]
      : [
          fill(catalogue.greeting, values),
          '',
          words.intro,
          '',
          fill(catalogue.programme, values),
          job.stepKey ? fill(catalogue.step, values) : fill(catalogue.phase, values),
          fill(catalogue.due, values),
          '',
          fill(catalogue.open, values),
          '',
          DIGEST_CAPABLE_KINDS.has(job.kind) && ctx.preferencesUrl ? fill(catalogue.preferDigest, { link: ctx.preferencesUrl }) : undefined,
        ];
  const attachments: RenderedMessage['attachments'] = [];
  if (DEADLINE_KINDS.has(job.kind) && dueAt && job.stepKey) {
    const event = deadlineEvent(catalogue, { programmeId: job.programmeId, programmeTitle: job.programmeTitle, stepKey: job.stepKey, stepName: step, dueAt }, ctx.appUrl);
    attachments.push(calendarAttachment(catalogue, [event], ctx.now ?? new Date()));
  }
  return { subject, text: joinLines([...body, '', catalogue.signature]), attachments, headers: {} };
}

/** The daily digest: one message listing every item, with an unsubscribe link (also as List-Unsubscribe). */
export function renderDigest(
  recipient: { name: string; locale: string },
  day: string,
  items: DigestItem[],
  ctx: { appUrl: string; unsubscribeUrl?: string; oneClickUnsubscribeUrl?: string; now?: Date },
): RenderedMessage {
  const catalogue = catalogueFor(localeOf(recipient.locale));
  const dayLabel = formatParisDate(day, displayLocaleOf(catalogue));
  const lines: (string | undefined)[] = [fill(catalogue.greeting, { name: recipient.name }), '', catalogue.digest.intro, ''];
  for (const item of items) {
    const values = {
      what: wordsFor(catalogue, item.kind).label,
      step: item.stepName ?? item.stepKey,
      programme: item.programmeTitle,
      due: item.dueAt ? formatDue(item.dueAt, catalogue) : undefined,
      link: stepLink(ctx.appUrl, item.programmeId, item.stepKey),
    };
    lines.push(fill(catalogue.digest.item, values) ?? fill(catalogue.digest.itemWithoutStep, values), fill(catalogue.digest.itemDue, values), fill(catalogue.digest.open, values), '');
  }
  if (ctx.unsubscribeUrl) lines.push(fill(catalogue.unsubscribeDigest, { link: ctx.unsubscribeUrl }), '');
  lines.push(catalogue.signature);
  const deadlines = items
    .filter((i) => DEADLINE_KINDS.has(i.kind) && i.dueAt && i.stepKey)
    .map((i) => deadlineEvent(catalogue, { ...i, stepKey: i.stepKey!, dueAt: i.dueAt!, stepName: i.stepName ?? i.stepKey }, ctx.appUrl));
  // One event per step: several reminders for the same deadline are one date in a calendar.
  const unique = [...new Map(deadlines.map((e) => [`${e.programmeId}.${e.stepKey}`, e])).values()];
  return {
    subject: SUBJECT_PREFIX + fill(catalogue.digest.subject, { day: dayLabel, count: String(items.length) })!,
    text: joinLines(lines),
    attachments: unique.length ? [calendarAttachment(catalogue, unique, ctx.now ?? new Date())] : [],
    headers: ctx.oneClickUnsubscribeUrl ? { 'List-Unsubscribe': `<${ctx.oneClickUnsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {},
  };
}

function deadlineEvent(catalogue: Catalogue, item: { programmeId: string; programmeTitle: string; stepKey: string; stepName?: string; dueAt: string }, appUrl: string): DeadlineEvent {
  const link = stepLink(appUrl, item.programmeId, item.stepKey);
  const values = { step: item.stepName ?? item.stepKey, programme: item.programmeTitle, due: formatDue(item.dueAt, catalogue), link };
  return { programmeId: item.programmeId, stepKey: item.stepKey, summary: fill(catalogue.ics.summary, values)!, description: fill(catalogue.ics.description, values)!, url: link, dueAt: new Date(item.dueAt) };
}

function calendarAttachment(catalogue: Catalogue, events: DeadlineEvent[], now: Date): RenderedMessage['attachments'][number] {
  return {
    filename: catalogue.dateLocale.startsWith('fr') ? 'echeance.ics' : 'due-date.ics',
    content: renderDeadlineCalendar(events, now),
    contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
  };
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

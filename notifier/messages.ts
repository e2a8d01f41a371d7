import { formatParisDate, formatParisDateTime, type DisplayLocale } from '../domain/paris-format';
import { catalogueFor, fill, type Catalogue, type KindWords, type Locale } from './catalogue';
import { renderDeadlineCalendar, type DeadlineEvent } from './ics';
import { DEADLINE_KINDS, DIGEST_CAPABLE_KINDS, type NotificationJob } from './notification-job';
import { templateStepKey } from '../domain/step-row-key';

/** What the notifier learned from the read model at send time; every part may be missing. */
export interface MessageContext {
  appUrl: string;
  /** In the recipient's language. */
  stepName?: string;
  phaseName?: string;
  dueAt?: string;
  /** Signed link to the recipient's preferences (digest-capable kinds and digests). */
  preferencesUrl?: string;
  /** RFC 8058 one-click target (POST), for kinds a recipient may stop receiving one by one. */
  oneClickUnsubscribeUrl?: string;
  now?: Date;
}

export interface RenderedMessage {
  subject: string;
  text: string;
  /** The same words in the product's look; `text` is the plain alternative. */
  html: string;
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

/** The step's own page: it shows each reader its view (a partner its deliverables, a coordinator the review). */
export function stepLink(appUrl: string, programmeId: string, stepKey?: string): string {
  const programme = `${appUrl}/programmes/${encodeURIComponent(programmeId)}`;
  return stepKey ? `${programme}/etapes/${encodeURIComponent(templateStepKey(stepKey))}` : programme;
}

/**
 * Kinds sent to organisations about a step that is not theirs (the coordinator's consultation
 * or award step): the link opens the programme as they see it, never the coordinator's step.
 */
const PROGRAMME_LINK_KINDS: ReadonlySet<string> = new Set(['tender_consultation', 'tender_awarded', 'tender_not_awarded']);

export function recipientLink(appUrl: string, job: Pick<NotificationJob, 'kind' | 'programmeId' | 'stepKey'>): string {
  return PROGRAMME_LINK_KINDS.has(job.kind) ? stepLink(appUrl, job.programmeId) : stepLink(appUrl, job.programmeId, job.stepKey);
}

/** Headers of every message: automatic (RFC 3834, no auto-replies), one-click unsubscribe when offered (RFC 2369, RFC 8058). */
function mailHeaders(oneClickUnsubscribeUrl: string | undefined): Record<string, string> {
  return {
    'Auto-Submitted': 'auto-generated',
    'X-Auto-Response-Suppress': 'All',
    ...(oneClickUnsubscribeUrl ? { 'List-Unsubscribe': `<${oneClickUnsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}),
  };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** "Voir l'étape : https://…" → the label as a link; other lines escaped as they are. */
function lineToHtml(line: string): string {
  const match = /^(\s*)(.*?)\s*:?\s*(https?:\/\/\S+)$/.exec(line);
  if (!match) return escapeHtml(line);
  const [, , label, url] = match;
  const anchor = `<a href="${escapeHtml(url!)}" style="color:#1d4ed8;font-weight:600">${escapeHtml(label || url!)}</a>`;
  return anchor;
}

/** Plain lines as HTML in the product's look (the web UI's colours), nothing unescaped. */
export function linesToHtml(subject: string, text: string, lang: string): string {
  const paragraphs = text.split(/\n{2,}/).map((p) => `<p style="margin:0 0 16px;line-height:1.5">${p.split('\n').map(lineToHtml).join('<br>\n')}</p>`);
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="margin:0;padding:0;background:#f1f5f9;font-family:system-ui,-apple-system,\'Segoe UI\',Roboto,sans-serif;color:#0f172a">',
    '<div style="max-width:600px;margin:0 auto;padding:24px">',
    '<div style="background:#1d4ed8;color:#ffffff;padding:12px 20px;border-radius:8px 8px 0 0;font-weight:700;font-size:18px">Jalons</div>',
    `<div style="background:#ffffff;padding:20px;border-radius:0 0 8px 8px;border:1px solid #e2e8f0;border-top:0">\n${paragraphs.join('\n')}\n</div>`,
    '</div></body></html>',
  ].join('\n');
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
    link: job.kind === 'invitation' ? stringOf(job.data.invitationUrl) : recipientLink(ctx.appUrl, job),
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
          // A bidder is told about the tender, not about the coordinator's step that decided it.
          PROGRAMME_LINK_KINDS.has(job.kind) ? undefined : job.stepKey ? fill(catalogue.step, values) : fill(catalogue.phase, values),
          fill(catalogue.due, values),
          '',
          PROGRAMME_LINK_KINDS.has(job.kind) || !job.stepKey ? fill(catalogue.openProgramme, values) : fill(catalogue.open, values),
          '',
          DIGEST_CAPABLE_KINDS.has(job.kind) && ctx.preferencesUrl ? fill(catalogue.preferDigest, { link: ctx.preferencesUrl }) : undefined,
        ];
  const attachments: RenderedMessage['attachments'] = [];
  if (DEADLINE_KINDS.has(job.kind) && dueAt && job.stepKey) {
    const event = deadlineEvent(catalogue, { programmeId: job.programmeId, programmeTitle: job.programmeTitle, stepKey: job.stepKey, stepName: step, dueAt }, ctx.appUrl);
    attachments.push(calendarAttachment(catalogue, [event], ctx.now ?? new Date()));
  }
  const text = joinLines([...body, '', catalogue.signature, catalogue.automatic]);
  const unsubscribe = DIGEST_CAPABLE_KINDS.has(job.kind) ? ctx.oneClickUnsubscribeUrl : undefined;
  return { subject, text, html: linesToHtml(subject, text, localeOf(job.recipient.locale)), attachments, headers: mailHeaders(unsubscribe) };
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
  lines.push(catalogue.signature, catalogue.automatic);
  const deadlines = items
    .filter((i) => DEADLINE_KINDS.has(i.kind) && i.dueAt && i.stepKey)
    .map((i) => deadlineEvent(catalogue, { ...i, stepKey: i.stepKey!, dueAt: i.dueAt!, stepName: i.stepName ?? i.stepKey }, ctx.appUrl));
  // One event per step: several reminders for the same deadline are one date in a calendar.
  const unique = [...new Map(deadlines.map((e) => [`${e.programmeId}.${e.stepKey}`, e])).values()];
  const subject = SUBJECT_PREFIX + fill(catalogue.digest.subject, { day: dayLabel, count: String(items.length) })!;
  const text = joinLines(lines);
  return {
    subject,
    text,
    html: linesToHtml(subject, text, localeOf(recipient.locale)),
    attachments: unique.length ? [calendarAttachment(catalogue, unique, ctx.now ?? new Date())] : [],
    headers: mailHeaders(ctx.oneClickUnsubscribeUrl),
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

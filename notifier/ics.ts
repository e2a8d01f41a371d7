import ical, { ICalCalendarMethod, type ICalCalendar } from 'ical-generator';
import { templateStepKey } from '../domain/step-row-key';

/** A deadline is shown as a short event that ends at the due instant (the closing hour of a date-only deadline). */
export const DEADLINE_EVENT_MINUTES = 30;

export interface DeadlineEvent {
  programmeId: string;
  stepKey: string;
  summary: string;
  description: string;
  url?: string;
  dueAt: Date;
  /** How many times the due date changed (steps.due_revision): a client keeps the highest SEQUENCE. */
  sequence?: number;
  /** When the due date last changed (steps.due_changed_at). */
  lastModified?: Date;
}

/** The UID of a step's deadline, the same in the feed and in e-mail attachments ("each partner" steps are one event). */
export function deadlineUid(programmeId: string, stepKey: string): string {
  return `${programmeId}.${templateStepKey(stepKey)}@jalons`;
}

/**
 * One VEVENT per deadline, in UTC, ending at the due instant, so a calendar shows the closing hour
 * (18:00 Paris for a date-only deadline). A new due date keeps the UID and raises SEQUENCE, with
 * LAST-MODIFIED at the change: a subscribed client replaces its copy instead of keeping the old one.
 */
export function addDeadlineEvents(calendar: ICalCalendar, events: DeadlineEvent[], now: Date): void {
  for (const event of events) {
    calendar.createEvent({
      id: deadlineUid(event.programmeId, event.stepKey),
      sequence: event.sequence ?? 0,
      start: new Date(event.dueAt.getTime() - DEADLINE_EVENT_MINUTES * 60_000),
      end: event.dueAt,
      stamp: now,
      ...(event.lastModified ? { lastModified: event.lastModified } : {}),
      summary: event.summary,
      description: event.description,
      ...(event.url ? { url: event.url } : {}),
    });
  }
}

/** Text of a calendar: the library escapes text, folds at 75 octets and uses CRLF; the file ends with one. */
export function calendarText(calendar: ICalCalendar): string {
  const text = calendar.toString();
  return text.endsWith('\r\n') ? text : `${text}\r\n`;
}

/**
 * An iCalendar file attached to an e-mail. The UID is the one of the calendar feed
 * (`/api/v1/calendar.ics`), so a client that has both keeps one event and a new due date updates it
 * instead of adding a second.
 */
export function renderDeadlineCalendar(events: DeadlineEvent[], now: Date): string {
  const calendar = ical({ prodId: { company: 'Jalons', product: 'jalons', language: 'FR' }, method: ICalCalendarMethod.PUBLISH });
  addDeadlineEvents(calendar, events, now);
  return calendarText(calendar);
}

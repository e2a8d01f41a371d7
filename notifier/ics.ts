import ical, { ICalCalendarMethod } from 'ical-generator';
import { toParisDate } from '../domain/calendar';

const DAY_MS = 86_400_000;

export interface DeadlineEvent {
  programmeId: string;
  stepKey: string;
  summary: string;
  description: string;
  url?: string;
  dueAt: Date;
}

/**
 * An iCalendar file with one all-day VEVENT per deadline on its Paris date. The UID is the
 * one of the calendar feed (`/api/v1/calendar.ics`), so a client that has both keeps one event
 * and a new due date updates it instead of adding a second.
 */
export function renderDeadlineCalendar(events: DeadlineEvent[], now: Date): string {
  const calendar = ical({ prodId: { company: 'Jalons', product: 'jalons', language: 'FR' }, method: ICalCalendarMethod.PUBLISH });
  for (const event of events) {
    const start = new Date(`${toParisDate(event.dueAt)}T00:00:00Z`);
    calendar.createEvent({
      id: `${event.programmeId}.${event.stepKey.split('@')[0]!}@jalons`,
      start,
      end: new Date(start.getTime() + DAY_MS),
      allDay: true,
      stamp: now,
      summary: event.summary,
      description: event.description,
      ...(event.url ? { url: event.url } : {}),
    });
  }
  const text = calendar.toString();
  return text.endsWith('\r\n') ? text : `${text}\r\n`;
}

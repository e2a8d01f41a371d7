import { randomBytes } from 'node:crypto';
import { signPreferenceToken, verifyPreferenceToken } from '../../notifier/preference-links';
import { DEFAULT_PREFERENCES, isEmptyQuietWindow, quietHoursEnd, routeNotification, ZNotificationPreferencesPatch, type NotificationPreferences } from '../../notifier/preferences';

const evening: NotificationPreferences = { delivery: 'immediate', quietHours: { start: '20:00', end: '08:00' }, timeZone: 'Europe/Paris' };

describe('quiet hours (Europe/Paris)', () => {
  it('delays an evening message to 08:00 the next morning, across the winter offset', () => {
    // 21:30 in Paris (UTC+1) on 28 November → 08:00 Paris on the 29th = 07:00 UTC.
    expect(quietHoursEnd(new Date('2026-11-28T20:30:00Z'), evening.quietHours)?.toISOString()).toBe('2026-11-29T07:00:00.000Z');
  });

  it('delays an early-morning message to 08:00 the same day, in summer time', () => {
    // 05:10 in Paris (UTC+2) on 1 July → 08:00 Paris = 06:00 UTC.
    expect(quietHoursEnd(new Date('2026-07-01T03:10:00Z'), evening.quietHours)?.toISOString()).toBe('2026-07-01T06:00:00.000Z');
  });

  it('lets daytime messages through, the end minute included', () => {
    expect(quietHoursEnd(new Date('2026-11-28T12:00:00Z'), evening.quietHours)).toBeUndefined();
    expect(quietHoursEnd(new Date('2026-11-29T07:00:00Z'), evening.quietHours)).toBeUndefined();
    expect(quietHoursEnd(new Date('2026-11-28T18:59:59Z'), evening.quietHours)).toBeUndefined();
    expect(quietHoursEnd(new Date('2026-11-28T19:00:00Z'), evening.quietHours)?.toISOString()).toBe('2026-11-29T07:00:00.000Z');
  });

  it('handles a window inside one day and the night of the change to summer time', () => {
    // 10:30 UTC is 11:30 in Paris: before the window; 11:30 UTC is 12:30, inside it.
    expect(quietHoursEnd(new Date('2026-11-28T10:30:00Z'), { start: '12:00', end: '14:00' })).toBeUndefined();
    expect(quietHoursEnd(new Date('2026-11-28T11:30:00Z'), { start: '12:30', end: '14:00' })?.toISOString()).toBe('2026-11-28T13:00:00.000Z');
    // 29 March 2026: clocks go from 02:00 to 03:00; 08:00 CEST is 06:00 UTC.
    expect(quietHoursEnd(new Date('2026-03-28T22:00:00Z'), evening.quietHours)?.toISOString()).toBe('2026-03-29T06:00:00.000Z');
  });

  it('has none by default', () => {
    expect(quietHoursEnd(new Date(), DEFAULT_PREFERENCES.quietHours)).toBeUndefined();
  });
});

describe('routing a notification', () => {
  const night = new Date('2026-11-28T22:00:00Z');
  it('sends at once without preferences', () => {
    expect(routeNotification('overdue', DEFAULT_PREFERENCES, night)).toEqual({ mode: 'send' });
  });
  it('keeps digest-capable kinds for the digest and sends the others', () => {
    const digest: NotificationPreferences = { ...DEFAULT_PREFERENCES, delivery: 'digest' };
    for (const kind of ['assignment', 'reminder_before_due', 'due_today', 'overdue', 'phase_opened', 'deliverable_accepted', 'deliverable_rejected']) {
      expect(routeNotification(kind, digest, night)).toEqual({ mode: 'digest' });
    }
    for (const kind of ['escalation', 'tender_awarded', 'tender_not_awarded', 'tender_consultation', 'invitation']) {
      expect(routeNotification(kind, digest, night).mode).toBe('send');
    }
  });
  it('delays during quiet hours, except escalations', () => {
    expect(routeNotification('overdue', evening, night)).toEqual({ mode: 'send', deliverAfter: new Date('2026-11-29T07:00:00Z') });
    expect(routeNotification('escalation', evening, night)).toEqual({ mode: 'send' });
  });
});

describe('preference inputs and links', () => {
  it('validates times of day', () => {
    expect(ZNotificationPreferencesPatch.safeParse({ quietHours: { start: '20:00', end: '08:00' } }).success).toBe(true);
    expect(ZNotificationPreferencesPatch.safeParse({ quietHours: { start: '24:00', end: '08:00' } }).success).toBe(false);
    // An empty window is schema-valid (JSON Schema cannot compare fields) and refused as a business rule (422).
    expect(ZNotificationPreferencesPatch.safeParse({ quietHours: { start: '08:00', end: '08:00' } }).success).toBe(true);
    expect(isEmptyQuietWindow({ start: '08:00', end: '08:00' })).toBe(true);
    expect(isEmptyQuietWindow({ start: '20:00', end: '08:00' })).toBe(false);
    expect(isEmptyQuietWindow(null)).toBe(false);
    expect(ZNotificationPreferencesPatch.safeParse({ delivery: 'weekly' }).success).toBe(false);
    expect(ZNotificationPreferencesPatch.safeParse({ quietHours: null }).success).toBe(true);
  });

  it('signs the user id and refuses a forged or foreign token', () => {
    const secret = randomBytes(32);
    const token = signPreferenceToken(secret, 'usr_42');
    expect(verifyPreferenceToken(secret, token)).toBe('usr_42');
    expect(verifyPreferenceToken(randomBytes(32), token)).toBeUndefined();
    const [, mac] = token.split('.');
    expect(verifyPreferenceToken(secret, `${Buffer.from('usr_43').toString('base64url')}.${mac}`)).toBeUndefined();
    expect(verifyPreferenceToken(secret, 'garbage')).toBeUndefined();
  });
});

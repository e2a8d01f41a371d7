import { renderDigest, renderMessage } from '../../notifier/messages';
import { ZNotificationJob, type NotificationJob } from '../../notifier/notification-job';

const APP = 'https://jalons.example.fr';

function job(kind: string, overrides: Partial<NotificationJob> = {}): NotificationJob {
  return ZNotificationJob.parse({
    notificationId: 'n1',
    kind,
    programmeId: 'prg_1',
    programmeTitle: 'DEFI Lyon 2026',
    stepKey: 'report',
    recipient: { userId: 'usr_1', email: 'marie@partenaire.fr', name: 'Marie', locale: 'fr' },
    data: {},
    ...overrides,
  });
}

describe('notification messages', () => {
  it('renders a French reminder with step name, Paris due date, link and an .ics event', () => {
    const m = renderMessage(job('reminder_before_due', { data: { dueAt: '2026-12-03T08:00:00.000Z', reminderKey: 'k' } }), {
      appUrl: APP,
      stepName: 'Rapport du prestataire',
      preferencesUrl: `${APP}/preferences?token=abc`,
      now: new Date('2026-11-28T10:00:00Z'),
    });
    expect(m.subject).toBe('[Jalons] Rappel : « Rapport du prestataire » arrive à échéance — DEFI Lyon 2026');
    expect(m.text).toContain('Bonjour Marie,');
    expect(m.text).toContain('Étape : Rapport du prestataire');
    // 08:00 UTC is 09:00 in Paris in winter.
    expect(m.text).toContain('Échéance : jeudi 3 décembre 2026, 09 h 00\n');
    expect(m.text).not.toMatch(/UTC|GMT|CET/);
    expect(m.text).toContain(`Voir l'étape : ${APP}/programmes/prg_1/etapes/report`);
    expect(m.text).toContain(`${APP}/preferences?token=abc`);
    expect(m.attachments).toHaveLength(1);
    const ics = m.attachments[0]!;
    expect(ics.filename).toBe('echeance.ics');
    expect(ics.contentType).toContain('text/calendar');
    expect(ics.content).toContain('BEGIN:VEVENT');
    expect(ics.content).toContain('UID:prg_1.report@jalons');
    // A timed event that ends at the due instant (the closing hour), in UTC.
    expect(ics.content).toContain('DTSTART:20261203T073000Z');
    expect(ics.content).toContain('DTEND:20261203T080000Z');
    expect(ics.content).toContain('SEQUENCE:0');
    expect(ics.content).toContain('METHOD:PUBLISH');
  });

  it('renders English for an English recipient', () => {
    const m = renderMessage(job('overdue', { recipient: { userId: 'u', email: 'john@partner.co.uk', name: 'John', locale: 'en' }, data: { dueAt: '2026-07-01T15:30:00.000Z' } }), { appUrl: APP, stepName: "Contractor's report" });
    expect(m.subject).toBe('[Jalons] Overdue: "Contractor\'s report" — DEFI Lyon 2026');
    expect(m.text).toContain('Hello John,');
    // Summer time: 15:30 UTC is 17:30 in Paris.
    expect(m.text).toMatch(/Due: Wednesday,? 1 July 2026, 17:30\n/);
    expect(m.text).not.toMatch(/UTC|GMT|CEST/);
    expect(m.attachments[0]!.filename).toBe('due-date.ics');
  });

  it('attaches no calendar to kinds without a deadline and offers no digest link to escalations', () => {
    const accepted = renderMessage(job('deliverable_accepted'), { appUrl: APP, stepName: 'Rapport', dueAt: '2026-12-03T08:00:00.000Z', preferencesUrl: `${APP}/preferences?token=x` });
    expect(accepted.attachments).toEqual([]);
    expect(accepted.text).toContain('preferences?token=x');
    const escalation = renderMessage(job('escalation', { data: { dueAt: '2026-12-03T08:00:00.000Z' } }), { appUrl: APP, stepName: 'Rapport', preferencesUrl: `${APP}/preferences?token=x` });
    expect(escalation.attachments).toEqual([]);
    expect(escalation.text).not.toContain('preferences');
  });

  it('falls back to the step key when the read model has no name, and to a generic text for unknown kinds', () => {
    expect(renderMessage(job('due_today'), { appUrl: APP }).subject).toBe("[Jalons] Échéance aujourd'hui : report — DEFI Lyon 2026");
    const unknown = renderMessage(job('something_new'), { appUrl: APP });
    expect(unknown.subject).toBe('[Jalons] Notification — DEFI Lyon 2026');
  });

  it('renders an invitation with its link', () => {
    const m = renderMessage(job('invitation', { programmeId: 'system', programmeTitle: 'Jalons', stepKey: undefined, data: { invitationUrl: `${APP}/invitations/tok`, expiresAt: '2026-12-05T10:00:00.000Z' } }), { appUrl: APP });
    expect(m.subject).toBe('[Jalons] Invitation à rejoindre Jalons');
    expect(m.text).toContain(`${APP}/invitations/tok`);
    expect(m.text).toMatch(/Ce lien expire le samedi 5 décembre 2026/);
  });

  it('renders a digest listing every item, one calendar event per step, and List-Unsubscribe headers', () => {
    const m = renderDigest(
      { name: 'Marie', locale: 'fr' },
      '2026-11-29',
      [
        { kind: 'assignment', programmeId: 'prg_1', programmeTitle: 'DEFI', stepKey: 'report', stepName: 'Rapport', dueAt: '2026-12-03T08:00:00.000Z' },
        { kind: 'reminder_before_due', programmeId: 'prg_1', programmeTitle: 'DEFI', stepKey: 'report', stepName: 'Rapport', dueAt: '2026-12-03T08:00:00.000Z' },
        { kind: 'phase_opened', programmeId: 'prg_2', programmeTitle: 'TI 23' },
      ],
      { appUrl: APP, unsubscribeUrl: `${APP}/preferences?token=t`, oneClickUnsubscribeUrl: `${APP}/api/v1/notification-preferences/unsubscribe?token=t` },
    );
    expect(m.subject).toBe('[Jalons] Récapitulatif du 29 novembre 2026 : 3 élément(s)');
    expect(m.text).toContain('• Nouvelle étape — Rapport — DEFI');
    expect(m.text).toContain('• Rappel — Rapport — DEFI');
    expect(m.text).toContain('• Phase ouverte — TI 23');
    expect(m.text).toContain('Se désabonner du récapitulatif quotidien');
    expect(m.headers['List-Unsubscribe']).toBe(`<${APP}/api/v1/notification-preferences/unsubscribe?token=t>`);
    expect(m.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(m.attachments).toHaveLength(1);
    expect(m.attachments[0]!.content.match(/BEGIN:VEVENT/g)).toHaveLength(1);
  });

  it('sends text and HTML alternatives with the same words, every value escaped', () => {
    const m = renderMessage(job('assignment', { programmeTitle: 'DEFI <script>alert(1)</script> & co', data: { dueAt: '2026-12-14T17:00:00.000Z' } }), { appUrl: APP, stepName: 'Rapport « final »' });
    expect(m.text).toContain('Programme : DEFI <script>alert(1)</script> & co');
    expect(m.text).toContain('Échéance : lundi 14 décembre 2026, 18 h 00');
    expect(m.html).toMatch(/^<!doctype html>/);
    expect(m.html).toContain('<html lang="fr">');
    expect(m.html).toContain('Programme : DEFI &lt;script&gt;alert(1)&lt;/script&gt; &amp; co');
    expect(m.html).not.toContain('<script>');
    expect(m.html).toContain('Échéance : lundi 14 décembre 2026, 18 h 00');
    expect(m.html).toContain(`<a href="${APP}/programmes/prg_1/etapes/report"`);
    expect(m.html).toContain('>Voir l&#39;étape</a>');
    expect(m.html).toContain('Bonjour Marie,');
    expect(m.text).toContain('Message automatique envoyé par Jalons');
  });

  it('marks every message as automatic (RFC 3834) and offers one-click unsubscribe (RFC 8058) where the recipient may stop it', () => {
    const oneClick = `${APP}/api/v1/notification-preferences/unsubscribe?token=t&to=digest`;
    const reminder = renderMessage(job('reminder_before_due', { data: { dueAt: '2026-12-03T08:00:00.000Z' } }), { appUrl: APP, oneClickUnsubscribeUrl: oneClick });
    expect(reminder.headers).toEqual({ 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All', 'List-Unsubscribe': `<${oneClick}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
    // Formal tender letters and invitations cannot be unsubscribed from; they are still automatic.
    const awarded = renderMessage(job('tender_awarded', { stepKey: 'award' }), { appUrl: APP, oneClickUnsubscribeUrl: oneClick });
    expect(awarded.headers['Auto-Submitted']).toBe('auto-generated');
    expect(awarded.headers['List-Unsubscribe']).toBeUndefined();
    const invitation = renderMessage(job('invitation', { programmeId: 'system', stepKey: undefined, data: { invitationUrl: `${APP}/invitations/tok` } }), { appUrl: APP });
    expect(invitation.headers['Auto-Submitted']).toBe('auto-generated');
    const digest = renderDigest({ name: 'Marie', locale: 'fr' }, '2026-11-29', [{ kind: 'phase_opened', programmeId: 'prg_2', programmeTitle: 'TI 23' }], { appUrl: APP, oneClickUnsubscribeUrl: `${APP}/u?token=t` });
    expect(digest.headers['Auto-Submitted']).toBe('auto-generated');
    expect(digest.html).toContain('TI 23');
  });

  it('links each bidder to its own view of the tender, never to the coordinator’s award step', () => {
    const loser = renderMessage(job('tender_not_awarded', { stepKey: 'award', programmeTitle: 'Consultation escape game' }), { appUrl: APP, stepName: 'Choix du prestataire retenu' });
    expect(loser.subject).toBe("[Jalons] Notification : votre offre n'est pas retenue — Consultation escape game");
    expect(loser.text).toContain(`Voir le programme : ${APP}/programmes/prg_1`);
    expect(loser.text).not.toContain('award');
    expect(loser.text).not.toContain('etapes');
    expect(loser.text).not.toContain('Choix du prestataire retenu');
    expect(loser.html).not.toContain('award');
    const winner = renderMessage(job('tender_awarded', { stepKey: 'award' }), { appUrl: APP });
    expect(winner.text).toContain(`${APP}/programmes/prg_1\n`);
    const consulted = renderMessage(job('tender_consultation', { stepKey: 'send' }), { appUrl: APP });
    expect(consulted.text).not.toContain('send');
  });
});

import type { NotificationJob } from './notification-job';

type Locale = 'fr' | 'en';

const SUBJECTS: Record<string, Record<Locale, string>> = {
  assignment: { fr: 'Nouvelle étape à réaliser', en: 'New step assigned to you' },
  reminder_before_due: { fr: 'Rappel : échéance à venir', en: 'Reminder: due date coming up' },
  due_today: { fr: "Échéance aujourd'hui", en: 'Due today' },
  overdue: { fr: 'Relance : étape en retard', en: 'Overdue step' },
  escalation: { fr: 'Escalade : étape toujours en retard', en: 'Escalation: step still overdue' },
  deliverable_accepted: { fr: 'Livrable accepté', en: 'Deliverable accepted' },
  deliverable_rejected: { fr: 'Livrable refusé', en: 'Deliverable rejected' },
  phase_opened: { fr: 'Nouvelle phase ouverte', en: 'Phase opened' },
  tender_consultation: { fr: 'Consultation : cahier des charges', en: 'Invitation to tender' },
  tender_awarded: { fr: 'Notification : votre offre est retenue', en: 'Award notification: your bid is successful' },
  tender_not_awarded: { fr: "Notification : votre offre n'est pas retenue", en: 'Award notification: your bid was not successful' },
  invitation: { fr: 'Invitation à rejoindre Jalons', en: 'Invitation to join Jalons' },
};

export function renderMessage(job: NotificationJob, appUrl: string): { subject: string; text: string } {
  const locale = job.recipient.locale;
  const label = SUBJECTS[job.kind]?.[locale] ?? job.kind;
  const subject = `[Jalons] ${label} — ${job.programmeTitle}`;
  const link = `${appUrl}/programmes/${encodeURIComponent(job.programmeId)}${job.stepKey ? `#step-${encodeURIComponent(job.stepKey)}` : ''}`;
  const due = typeof job.data.dueAt === 'string' ? new Date(job.data.dueAt).toLocaleString(locale === 'fr' ? 'fr-FR' : 'en-GB', { timeZone: 'Europe/Paris', dateStyle: 'full', timeStyle: 'short' }) : undefined;
  const lines =
    locale === 'fr'
      ? [`Bonjour ${job.recipient.name},`, '', `${label}.`, `Programme : ${job.programmeTitle}`, job.stepKey ? `Étape : ${job.stepKey}` : '', due ? `Échéance : ${due}` : '', '', `Voir : ${link}`]
      : [`Hello ${job.recipient.name},`, '', `${label}.`, `Programme: ${job.programmeTitle}`, job.stepKey ? `Step: ${job.stepKey}` : '', due ? `Due: ${due}` : '', '', `Open: ${link}`];
  return { subject, text: lines.filter((l, i, all) => l !== '' || all[i - 1] !== '').join('\n') };
}

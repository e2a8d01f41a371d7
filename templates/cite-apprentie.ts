/**
 * Cité Apprenti.e: one pre-apprenticeship session (prépa-apprentissage, Plan d'Investissement
 * dans les Compétences) at the École des Métiers, Longvic. Information meeting, a course of
 * up to four weeks, a company placement of up to two weeks, the exit, then the follow-up of
 * each young person at 1, 3 and 6 months. 60% of former trainees do not answer, so the
 * follow-ups keep chasing and escalate; the young people are counted, not enrolled (they
 * are not partner organisations).
 */
import type { TemplateInput } from '../domain/template-schema';
import { afterPhaseStart, afterStep } from './due';

const chase = { unit: 'days', beforeDue: [7], onDue: true, overdueEvery: 7, escalateAfter: 3 } as const;

const followUp = (key: string, days: number, fr: string, en: string) => ({
  key,
  name: { fr: `Suivi à ${fr} des jeunes`, en: `${en} follow-up of the young people` },
  description: {
    fr: 'Contacter chaque jeune sorti de la session (situation : apprentissage, formation, emploi, recherche) et enregistrer les réponses obtenues. Relancer tant que des jeunes n’ont pas répondu.',
    en: 'Contact every young person who left the session (apprenticeship, training, job, still searching) and record the answers received. Keep chasing those who have not answered.',
  },
  assignee: { kind: 'coordinator' as const },
  dependsOn: ['exit'],
  due: afterStep('exit', days),
  reminders: { ...chase, beforeDue: [...chase.beforeDue] },
});

export const citeApprentieTemplate: TemplateInput = {
  key: 'cite-apprentie',
  // Version 2: due dates on a weekend or a French public holiday move to the next working day.
  version: 2,
  nonWorkingDays: 'nextWorkingDay',
  name: { fr: 'Cité Apprenti.e — session de prépa-apprentissage', en: 'Cité Apprenti.e — pre-apprenticeship session' },
  description: {
    fr: 'Ateliers de pédagogie active (confiance en soi, communication, valorisation des compétences), ateliers avec outils digitaux, découverte des métiers sur les plateaux techniques et stage en entreprise, puis suivi à 1, 3 et 6 mois.',
    en: 'Active-learning workshops (self-confidence, communication, showing one’s skills), workshops with digital tools, discovery of trades on the school’s workshops and a company placement, then follow-up at 1, 3 and 6 months.',
  },
  indicators: [
    { key: 'young-people', name: { fr: 'Jeunes présents en session', en: 'Young people attending' }, unit: 'young people' },
    { key: 'company-placements', name: { fr: 'Jeunes en stage en entreprise', en: 'Young people placed in a company' }, unit: 'young people' },
    { key: 'positive-exits', name: { fr: 'Sorties positives (apprentissage, formation, emploi)', en: 'Positive exits (apprenticeship, training, job)' }, unit: 'young people' },
    { key: 'followups-answered', name: { fr: 'Réponses aux suivis', en: 'Follow-ups answered' } },
  ],
  phases: [
    {
      key: 'information',
      name: { fr: 'Information collective', en: 'Information meeting' },
      steps: [
        {
          key: 'info-meeting',
          name: { fr: 'Réunion d’information', en: 'Information meeting' },
          description: {
            fr: 'Réunion ludique et participative d’1 h à 1 h 30 (quiz, épreuve de cohésion, vidéos 360° en réalité virtuelle), dans les communes et structures qui accueillent le public.',
            en: 'A playful, participative 1 to 1.5-hour meeting (quiz, team challenge, 360° videos in virtual reality), held in the towns and organisations that reach the young people.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(21),
        },
      ],
    },
    {
      key: 'session',
      name: { fr: 'Session et stage', en: 'Session and placement' },
      steps: [
        {
          key: 'session',
          name: { fr: 'Session de prépa-apprentissage (jusqu’à 4 semaines)', en: 'Pre-apprenticeship session (up to 4 weeks)' },
          description: {
            fr: 'À l’École des Métiers de Longvic ; enregistrer le nombre de jeunes présents.',
            en: 'At the École des Métiers, Longvic; record how many young people attend.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(28),
          indicator: { key: 'young-people', atLeast: 1 },
        },
        {
          key: 'company-placement',
          name: { fr: 'Stage en entreprise (jusqu’à 2 semaines)', en: 'Company placement (up to 2 weeks)' },
          assignee: { kind: 'coordinator' },
          dependsOn: ['session'],
          due: afterStep('session', 14),
        },
      ],
    },
    {
      key: 'exit',
      name: { fr: 'Sortie', en: 'Exit' },
      steps: [
        {
          key: 'exit',
          name: { fr: 'Sortie du dispositif', en: 'Exit from the scheme' },
          description: {
            fr: 'Enregistrer la situation de chaque jeune à la sortie (contrat d’apprentissage, formation, emploi ou autre).',
            en: 'Record each young person’s situation on leaving (apprenticeship contract, training, job or other).',
          },
          assignee: { kind: 'coordinator' },
          dependsOn: ['company-placement'],
          due: afterPhaseStart(7),
          milestone: true,
        },
      ],
    },
    {
      key: 'follow-up',
      name: { fr: 'Suivi des jeunes', en: 'Follow-up of the young people' },
      steps: [
        followUp('followup-1-month', 30, '1 mois', 'One-month'),
        followUp('followup-3-months', 91, '3 mois', 'Three-month'),
        followUp('followup-6-months', 182, '6 mois', 'Six-month'),
        {
          key: 'followup-review',
          name: { fr: 'Bilan des suivis de la session', en: 'Session follow-up review' },
          assignee: { kind: 'coordinator' },
          dependsOn: ['followup-1-month', 'followup-3-months', 'followup-6-months'],
          due: afterStep('exit', 196),
          milestone: true,
        },
      ],
    },
  ],
};

/**
 * The cleaning-sector territorial group's yearly event (seed lines 260–365): Dijon Métropole and the
 * cleaning employers' federation (FEP Grand Est) co-lead a territorial CSR approach; the group
 * (Métropole, FEP, FARE, Creativ', Préfecture, DREETS, Département, SGAR…) met four times in the
 * first half of 2021 (13 January, 15 March, 10 May, 3 June) to design the event; the half-day event
 * of 1 July gathered about 80 participants around two round tables and put forward the signatories
 * of the charter on daytime and continuous work; communication by save-the-date, social networks,
 * a co-signed invitation letter and a press partner; then the group's review, and a meeting in
 * January to take stock (review, stakes, outlook, leadership, funding). About 80 participants is
 * the participants' target; the seed gives no count of signatories, so that indicator has none.
 */
import type { TemplateInput } from '../domain/template-schema';
import { afterPhaseStart, afterProgrammeStart, afterStep } from './due';

/** The seed's four meetings fall about every eight weeks from mid-January to early June. */
const meeting = (n: number, fr: string, en: string, dependsOn: string[], days: number) => ({
  key: `preparatory-meeting-${n}`,
  name: { fr: `Rencontre préparatoire ${n} : ${fr}`, en: `Preparatory meeting ${n}: ${en}` },
  assignee: { kind: 'coordinator' as const },
  dependsOn,
  due: afterProgrammeStart(days),
  deliverables: [{ kind: `meeting-minutes-${n}`, label: { fr: `Compte rendu de la rencontre ${n}`, en: `Minutes of meeting ${n}` } }],
});

export const cleaningSectorGroupTemplate: TemplateInput = {
  key: 'cleaning-sector-group',
  version: 1,
  nonWorkingDays: 'nextWorkingDay',
  name: { fr: 'Groupe territorial propreté — événement annuel', en: 'Cleaning-sector territorial group — yearly event' },
  description: {
    fr: 'Le groupe territorial de la démarche RSE du secteur de la propreté conçoit en quatre rencontres un événement d’une demi-journée (tables rondes, signataires de la charte d’engagement sur le travail en journée et en continu), le tient, puis en fait le bilan.',
    en: 'The cleaning sector’s territorial CSR group designs a half-day event in four meetings (round tables, signatories of the charter on daytime and continuous work), holds it, then reviews it.',
  },
  indicators: [
    { key: 'event-participants', name: { fr: 'Participants à l’événement', en: 'Event participants' }, target: 80 },
    { key: 'charter-signatories', name: { fr: 'Signataires de la charte d’engagement', en: 'Charter signatories' } },
  ],
  phases: [
    {
      key: 'design',
      name: { fr: 'Conception de l’événement en groupe territorial', en: 'Designing the event as a territorial group' },
      steps: [
        meeting(1, 'objectifs et publics', 'objectives and audiences', [], 14),
        meeting(2, 'thèmes et intervenants', 'themes and speakers', ['preparatory-meeting-1'], 70),
        meeting(3, 'tables rondes et charte', 'round tables and charter', ['preparatory-meeting-2'], 126),
        meeting(4, 'organisation et communication', 'organisation and communication', ['preparatory-meeting-3'], 150),
      ],
    },
    {
      key: 'event',
      name: { fr: 'Événement', en: 'Event' },
      steps: [
        {
          key: 'event-invitations',
          name: { fr: 'Communication et invitations', en: 'Communication and invitations' },
          description: {
            fr: 'Annonce de la date sur les réseaux sociaux, relais des réseaux d’entreprises, courrier d’invitation co-signé par les co-pilotes, partenaire presse.',
            en: 'Save-the-date on social networks, relayed by the business networks, an invitation letter co-signed by the co-leaders, a press partner.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(7),
        },
        {
          key: 'half-day-event',
          name: { fr: 'Événement d’une demi-journée', en: 'Half-day event' },
          description: {
            fr: 'Deux tables rondes (organisations de travail innovantes, achats responsables de prestations de propreté), mise en avant des signataires de la charte ; enregistrer le nombre de participants et de signataires.',
            en: 'Two round tables (innovative work organisations, responsible purchasing of cleaning services), the charter’s signatories put forward; record the number of participants and of signatories.',
          },
          assignee: { kind: 'coordinator' },
          dependsOn: ['event-invitations'],
          due: afterPhaseStart(28),
          indicator: { key: 'event-participants', atLeast: 1 },
          milestone: true,
        },
      ],
    },
    {
      key: 'review',
      name: { fr: 'Bilan et perspectives', en: 'Review and outlook' },
      steps: [
        {
          key: 'group-review',
          name: { fr: 'Bilan de l’événement par le groupe territorial', en: 'The territorial group’s review of the event' },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(60),
          deliverables: [{ kind: 'event-review', label: { fr: 'Bilan de l’événement', en: 'Event review' } }],
          milestone: true,
        },
        {
          key: 'stock-taking-meeting',
          name: { fr: 'Réunion de point : bilan, enjeux, portage et financement', en: 'Stock-taking meeting: review, stakes, leadership and funding' },
          description: {
            fr: 'Faire le point sur la démarche : bilan, enjeux, perspectives, modalités de portage et d’animation, financement de la suite.',
            en: 'Take stock of the approach: review, stakes, outlook, leadership and facilitation, funding what comes next.',
          },
          assignee: { kind: 'coordinator' },
          dependsOn: ['group-review'],
          due: afterStep('group-review', 120),
        },
      ],
    },
  ],
};

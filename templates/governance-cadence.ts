/**
 * The governance of the health-industries hub (Hub emplois et compétences des industries de
 * santé), for the programme's life: two steering committees (COPIL) a year, each preceded by a
 * newsletter, and four technical committees a year with the operational members and funders. The
 * seed's 2021 year: first COPIL in March, a technical committee on 2 December. Version 3 (issue 19):
 * recurring steps, one programme for every year (versions 1–2 held one year and asked for a new
 * programme each year).
 */
import type { TemplateInput } from '../domain/template-schema';

/** The first of each series falls two months after the start (the seed's first COPIL in March). */
const FIRST_AFTER_MONTHS = 2;

export const governanceCadenceTemplate: TemplateInput = {
  key: 'governance-cadence',
  // Version 2: due dates on a weekend or a French public holiday move to the next working day.
  // Version 3: recurring committees for the programme's life.
  version: 3,
  nonWorkingDays: 'nextWorkingDay',
  name: { fr: 'Calendrier des instances du Hub industries de santé', en: 'Health-industries hub: governance cadence' },
  description: {
    fr: 'Deux comités de pilotage par an, chacun précédé d’une newsletter, et quatre comités techniques par an, chaque année, pour toute la durée du Hub.',
    en: 'Two steering committees a year, each preceded by a newsletter, and four technical committees a year, every year, for the hub’s life.',
  },
  phases: [
    {
      key: 'governance',
      name: { fr: 'Instances de gouvernance', en: 'Governance bodies' },
      steps: [
        {
          key: 'newsletter',
          name: { fr: 'Newsletter avant le comité de pilotage', en: 'Newsletter before the steering committee' },
          description: {
            fr: 'Lettre d’information aux membres et partenaires du Hub, envoyée avant chaque comité de pilotage.',
            en: 'Newsletter to the hub’s members and partners, sent before each steering committee.',
          },
          assignee: { kind: 'coordinator' },
          repeat: { every: 6, unit: 'months', dayOfMonth: 1, startAfter: FIRST_AFTER_MONTHS },
          deliverables: [{ kind: 'newsletter', label: { fr: 'Newsletter', en: 'Newsletter' } }],
        },
        {
          key: 'steering-committee',
          name: { fr: 'Comité de pilotage', en: 'Steering committee' },
          description: {
            fr: 'Membres fondateurs du Hub (Dijon Métropole, pôle BFCare, Creativ’, UFR Sciences de Santé, France Chimie BFC, UIMM, OPCO2I) : feuille de route de la filière, décisions.',
            en: 'The hub’s founding members (Dijon Métropole, BFCare cluster, Creativ’, health sciences faculty, France Chimie BFC, UIMM, OPCO2I): the sector’s roadmap, decisions.',
          },
          assignee: { kind: 'coordinator' },
          repeat: { every: 6, unit: 'months', dayOfMonth: 15, startAfter: FIRST_AFTER_MONTHS },
          deliverables: [{ kind: 'steering-minutes', label: { fr: 'Compte rendu du comité de pilotage', en: 'Steering committee minutes' } }],
          milestone: true,
        },
        {
          key: 'technical-committee',
          name: { fr: 'Comité technique', en: 'Technical committee' },
          description: {
            fr: 'Réunion des membres opérationnels et des financeurs du Hub : avancée du plan d’action, validations intermédiaires.',
            en: 'Meeting of the hub’s operational members and funders: action plan progress, interim approvals.',
          },
          assignee: { kind: 'coordinator' },
          repeat: { every: 3, unit: 'months', dayOfMonth: 2, startAfter: FIRST_AFTER_MONTHS },
        },
      ],
    },
  ],
};

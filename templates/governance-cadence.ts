/**
 * One year of governance of the health-industries hub (Hub emplois et compétences des
 * industries de santé): two steering committees (COPIL), each preceded by a newsletter,
 * and four technical committees with the operational members and funders. The seed's
 * 2021 year: first COPIL in March, a technical committee on 2 December; the same cadence
 * is renewed for the next year (start a new programme from this template each year).
 */
import type { TemplateInput } from '../domain/template-schema';
import { afterProgrammeStart } from './due';

const technicalCommittee = (n: number, day: number, dependsOn: string[]) => ({
  key: `technical-committee-${n}`,
  name: { fr: `Comité technique n° ${n}`, en: `Technical committee no. ${n}` },
  description: {
    fr: 'Réunion des membres opérationnels et des financeurs du Hub : avancée du plan d’action, validations intermédiaires.',
    en: 'Meeting of the hub’s operational members and funders: action plan progress, interim approvals.',
  },
  assignee: { kind: 'coordinator' as const },
  dependsOn,
  due: afterProgrammeStart(day),
});

const newsletter = (n: number, day: number) => ({
  key: `newsletter-${n}`,
  name: { fr: `Newsletter avant le comité de pilotage n° ${n}`, en: `Newsletter before steering committee no. ${n}` },
  assignee: { kind: 'coordinator' as const },
  due: afterProgrammeStart(day),
  deliverables: [{ kind: 'newsletter', label: { fr: 'Newsletter', en: 'Newsletter' } }],
});

const steeringCommittee = (n: number, day: number) => ({
  key: `steering-committee-${n}`,
  name: { fr: `Comité de pilotage n° ${n}`, en: `Steering committee no. ${n}` },
  description: {
    fr: 'Membres fondateurs du Hub (Dijon Métropole, pôle BFCare, Creativ’, UFR Sciences de Santé, France Chimie BFC, UIMM, OPCO2I) : feuille de route de la filière, décisions.',
    en: 'The hub’s founding members (Dijon Métropole, BFCare cluster, Creativ’, health sciences faculty, France Chimie BFC, UIMM, OPCO2I): the sector’s roadmap, decisions.',
  },
  assignee: { kind: 'coordinator' as const },
  dependsOn: [`newsletter-${n}`],
  due: afterProgrammeStart(day),
  deliverables: [{ kind: 'steering-minutes', label: { fr: 'Compte rendu du comité de pilotage', en: 'Steering committee minutes' } }],
  milestone: true,
});

export const governanceCadenceTemplate: TemplateInput = {
  key: 'governance-cadence',
  // Version 2: due dates on a weekend or a French public holiday move to the next working day.
  version: 2,
  nonWorkingDays: 'nextWorkingDay',
  name: { fr: 'Calendrier annuel des instances du Hub industries de santé', en: 'Health-industries hub: yearly governance cadence' },
  description: {
    fr: 'Deux comités de pilotage par an, chacun précédé d’une newsletter, et quatre comités techniques par an.',
    en: 'Two steering committees a year, each preceded by a newsletter, and four technical committees a year.',
  },
  phases: [
    {
      key: 'first-half',
      name: { fr: 'Premier semestre', en: 'First half-year' },
      steps: [
        newsletter(1, 60),
        steeringCommittee(1, 75),
        technicalCommittee(1, 90, []),
        technicalCommittee(2, 181, ['technical-committee-1']),
      ],
    },
    {
      key: 'second-half',
      name: { fr: 'Second semestre', en: 'Second half-year' },
      steps: [
        newsletter(2, 245),
        steeringCommittee(2, 260),
        technicalCommittee(3, 273, ['technical-committee-2']),
        technicalCommittee(4, 340, ['technical-committee-3']),
        {
          key: 'cadence-renewal',
          name: { fr: 'Reconduction du calendrier des instances pour l’année suivante', en: 'Governance calendar renewed for the next year' },
          assignee: { kind: 'coordinator' },
          dependsOn: ['steering-committee-2', 'technical-committee-4'],
          due: afterProgrammeStart(365),
          milestone: true,
        },
      ],
    },
  ],
};

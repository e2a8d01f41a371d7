/**
 * Territoire d'Innovation "Dijon, alimentation durable 2030", action 23 "Évolution des
 * métiers", piloted by the CMQ Alimentation, Goût, Tourisme with Creativ'. The parent
 * programme carries the structuring and the governance over the first five years; each
 * sector investigated (hospital catering at the CHU, farming, then food processing,
 * retail, school catering…) is a `ti-sector` sub-programme opened when its turn comes.
 */
import type { TemplateInput } from '../domain/template-schema';
import { afterProgrammeStart } from './due';

const YEARS = [1, 2, 3, 4, 5] as const;
const DAYS_PER_YEAR = 365;

export const tiAction23Template: TemplateInput = {
  key: 'ti-action-23',
  // Version 2: due dates on a weekend or a French public holiday move to the next working day.
  version: 2,
  nonWorkingDays: 'nextWorkingDay',
  name: {
    fr: 'Territoire d’Innovation « Dijon, alimentation durable 2030 » — action 23 « Évolution des métiers »',
    en: 'Territoire d’Innovation “Dijon, sustainable food 2030” — action 23 “Changing jobs”',
  },
  description: {
    fr: 'Identifier les mutations de la production à la consommation, analyser leur impact sur les gestes professionnels et les compétences, expérimenter des solutions d’adaptation et faire évoluer l’offre de formation territoriale, secteur par secteur.',
    en: 'Identify the changes from production to consumption, analyse their impact on professional gestures and skills, trial adaptation solutions and change the local training offer, one sector at a time.',
  },
  children: [
    {
      key: 'sector',
      templateKey: 'ti-sector',
      title: { fr: 'Secteur d’activité investigué', en: 'Sector investigated' },
      start: 'byCoordinator',
      repeatable: true,
    },
  ],
  phases: [
    {
      key: 'structuring',
      name: { fr: 'Structuration de l’action', en: 'Setting up the action' },
      steps: [
        {
          key: 'funding-secured',
          name: { fr: 'Sécurisation des financements', en: 'Funding secured' },
          description: {
            fr: 'Cofinancement par la Banque des territoires, Dijon Métropole et le Conseil régional.',
            en: 'Co-funded by Banque des territoires, Dijon Métropole and the Regional Council.',
          },
          assignee: { kind: 'coordinator' },
          due: afterProgrammeStart(15),
          milestone: true,
        },
        {
          key: 'project-team',
          name: { fr: 'Constitution de l’équipe projet', en: 'Project team set up' },
          description: {
            fr: 'Directrice opérationnelle du campus (coordination transversale) et chargés de projet, chacun positionné sur un secteur.',
            en: 'The campus operations director (cross-sector coordination) and project officers, each in charge of one sector.',
          },
          assignee: { kind: 'coordinator' },
          due: afterProgrammeStart(30),
        },
        {
          key: 'working-tools',
          name: { fr: 'Outils méthodologiques de l’équipe projet', en: 'Project team’s methodological tools' },
          description: {
            fr: 'Arbre des objectifs, cartographie des acteurs, revue des indicateurs, plan d’actions, trames de documents, carte mentale, flyer pour les partenaires.',
            en: 'Objective tree, actor map, indicator review, action plan, document templates, mind map, flyer for partners.',
          },
          assignee: { kind: 'coordinator' },
          dependsOn: ['project-team'],
          due: afterProgrammeStart(90),
          deliverables: [{ kind: 'action-plan', label: { fr: 'Plan d’actions', en: 'Action plan' } }],
        },
      ],
    },
    {
      key: 'governance',
      name: { fr: 'Gouvernance', en: 'Governance' },
      steps: [
        ...YEARS.map((year) => ({
          key: `steering-committee-year-${year}`,
          name: {
            fr: year === 1 ? 'Réunion de lancement (comité de pilotage, année 1)' : `Comité de pilotage (année ${year})`,
            en: year === 1 ? 'Launch meeting (steering committee, year 1)' : `Steering committee (year ${year})`,
          },
          description: {
            fr: 'Porteurs du projet TI (Dijon Métropole, Inrae), financeurs (Banque des territoires, Dijon Métropole, Conseil régional) et partenaires (CMQ, Creativ’, CHU) suivent l’avancée des travaux ; l’instance se réunit une à deux fois par an.',
            en: 'The TI project holders (Dijon Métropole, Inrae), the funders (Banque des territoires, Dijon Métropole, Regional Council) and the partners (CMQ, Creativ’, CHU) review progress; the body meets once or twice a year.',
          },
          assignee: { kind: 'coordinator' as const },
          dependsOn: year === 1 ? [] : [`steering-committee-year-${year - 1}`],
          // The first one, the action's official launch, met in late April of the first year.
          due: afterProgrammeStart(120 + (year - 1) * DAYS_PER_YEAR),
          deliverables: [{ kind: 'steering-minutes', label: { fr: 'Compte rendu du comité de pilotage', en: 'Steering committee minutes' } }],
          milestone: true,
        })),
        ...YEARS.map((year) => ({
          key: `operational-committee-report-year-${year}`,
          name: {
            fr: `Présentation au comité opérationnel du projet TI (année ${year})`,
            en: `Report to the TI project’s operational committee (year ${year})`,
          },
          description: {
            fr: 'Présenter l’avancée de l’action aux financeurs et institutionnels réunis en comité opérationnel du projet Territoire d’Innovation.',
            en: 'Present the action’s progress to the funders and institutions at the Territoire d’Innovation project’s operational committee.',
          },
          assignee: { kind: 'coordinator' as const },
          dependsOn: year === 1 ? [] : [`operational-committee-report-year-${year - 1}`],
          // The first one met in mid-June.
          due: afterProgrammeStart(170 + (year - 1) * DAYS_PER_YEAR),
        })),
      ],
    },
  ],
};

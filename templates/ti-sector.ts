/**
 * One sector of TI action 23 "Évolution des métiers": the same four-step method applied to
 * every sector investigated (diagnostic, analysis, experimentation, adaptation). Each step
 * depends on the one before it, so nothing completes ahead of its predecessor; interviews
 * and jobs covered are counted per sector (CHU 2021: 46 interviews over 31 jobs).
 */
import type { TemplateInput } from '../domain/template-schema';
import { afterPhaseStart } from './due';

export const tiSectorTemplate: TemplateInput = {
  key: 'ti-sector',
  // Version 2: due dates on a weekend or a French public holiday move to the next working day.
  version: 2,
  nonWorkingDays: 'nextWorkingDay',
  name: { fr: 'Action 23 — secteur d’activité', en: 'Action 23 — sector' },
  description: {
    fr: 'Diagnostiquer, analyser, expérimenter et adapter l’offre de formation pour un secteur d’activité (restauration au CHU, production agricole, transformation agroalimentaire, distribution, restauration scolaire…).',
    en: 'Diagnose, analyse, trial and adapt the training offer for one sector (hospital catering, farming, food processing, retail, school catering…).',
  },
  indicators: [
    { key: 'interviews', name: { fr: 'Entretiens exploratoires réalisés', en: 'Exploratory interviews held' }, unit: 'interviews' },
    { key: 'jobs-covered', name: { fr: 'Métiers et fonctions rencontrés', en: 'Jobs and functions covered' }, unit: 'jobs' },
  ],
  phases: [
    {
      key: 'diagnostic',
      name: { fr: 'Étape 1 — Le diagnostic', en: 'Step 1 — Diagnostic' },
      steps: [
        {
          key: 'literature-watch',
          name: { fr: 'Veille bibliographique', en: 'Literature watch' },
          description: {
            fr: 'Collecter, synthétiser et exploiter les documents internes et externes au secteur (organigrammes, rapports d’activité, avis, recherche).',
            en: 'Collect, summarise and use documents from inside and outside the sector (organisation charts, activity reports, opinions, research).',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(90),
        },
        {
          key: 'ecosystem-map',
          name: { fr: 'Rencontres de l’écosystème et cartographie des acteurs', en: 'Ecosystem meetings and actor map' },
          description: {
            fr: 'Identifier les acteurs du secteur et leur mission sur le territoire, rencontrer les experts.',
            en: 'Identify the sector’s actors and their role in the territory, meet the experts.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(120),
          deliverables: [{ kind: 'ecosystem-map', label: { fr: 'Cartographie des acteurs', en: 'Actor map' } }],
        },
        {
          key: 'exploratory-interviews',
          name: { fr: 'Entretiens exploratoires et observations', en: 'Exploratory interviews and observations' },
          description: {
            fr: 'Entretiens exploratoires et observations du fonctionnement actuel ; enregistrer le nombre d’entretiens et de métiers rencontrés. Les entretiens peuvent continuer à être comptés après la clôture de l’étape.',
            en: 'Exploratory interviews and observation of current practice; record the number of interviews and jobs covered. Interviews can still be counted after the step is closed.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(270),
          indicator: { key: 'interviews', atLeast: 1 },
        },
        {
          key: 'problem-statement',
          name: { fr: 'Problématique identifiée et validée', en: 'Problem statement identified and validated' },
          description: {
            fr: 'Formuler la problématique de travail du secteur et la faire valider par les partenaires.',
            en: 'State the sector’s working problem and have the partners validate it.',
          },
          assignee: { kind: 'coordinator' },
          dependsOn: ['literature-watch', 'ecosystem-map', 'exploratory-interviews'],
          due: afterPhaseStart(365),
          deliverables: [{ kind: 'problem-statement', label: { fr: 'Problématique validée', en: 'Validated problem statement' }, acceptance: true }],
          milestone: true,
        },
      ],
    },
    {
      key: 'analysis',
      name: { fr: 'Étape 2 — L’analyse', en: 'Step 2 — Analysis' },
      steps: [
        {
          key: 'job-gestures-analysis',
          name: { fr: 'Analyse des répercussions sur les gestes métiers', en: 'Impact on job gestures' },
          description: {
            fr: 'Observations de terrain auprès des personnels de toute la chaîne et analyse des répercussions des mutations sur leurs gestes.',
            en: 'Field observation of the staff along the whole chain and analysis of how the changes affect their gestures.',
          },
          assignee: { kind: 'coordinator' },
          dependsOn: ['problem-statement'],
          due: afterPhaseStart(120),
        },
        {
          key: 'skills-analysis',
          name: { fr: 'Analyse des compétences', en: 'Skills analysis' },
          description: {
            fr: 'Besoins en connaissances et compétences pour répondre à la problématique identifiée.',
            en: 'Knowledge and skills needed to answer the problem statement.',
          },
          assignee: { kind: 'coordinator' },
          dependsOn: ['job-gestures-analysis'],
          due: afterPhaseStart(180),
          deliverables: [{ kind: 'skills-analysis', label: { fr: 'Analyse des compétences', en: 'Skills analysis' } }],
          milestone: true,
        },
      ],
    },
    {
      key: 'experimentation',
      name: { fr: 'Étape 3 — L’expérimentation', en: 'Step 3 — Experimentation' },
      steps: [
        {
          key: 'experimentation-design',
          name: { fr: 'Construction des solutions d’adaptation avec les partenaires', en: 'Adaptation solutions designed with the partners' },
          assignee: { kind: 'coordinator' },
          dependsOn: ['skills-analysis'],
          due: afterPhaseStart(90),
        },
        {
          key: 'experimentation-run',
          name: { fr: 'Expérimentation des solutions', en: 'Solutions trialled' },
          description: {
            fr: 'Tester la pratique des nouveaux gestes, nouvelles compétences, nouvelles fonctions.',
            en: 'Try out the new gestures, skills and functions in practice.',
          },
          assignee: { kind: 'coordinator' },
          dependsOn: ['experimentation-design'],
          due: afterPhaseStart(270),
        },
        {
          key: 'experimentation-review',
          name: { fr: 'Bilan de l’expérimentation', en: 'Experimentation review' },
          assignee: { kind: 'coordinator' },
          dependsOn: ['experimentation-run'],
          due: afterPhaseStart(300),
          deliverables: [{ kind: 'experimentation-report', label: { fr: 'Bilan de l’expérimentation', en: 'Experimentation report' } }],
          milestone: true,
        },
      ],
    },
    {
      key: 'adaptation',
      name: { fr: 'Étape 4 — L’adaptation', en: 'Step 4 — Adaptation' },
      steps: [
        {
          key: 'training-actions-design',
          name: { fr: 'Élaboration d’actions de sensibilisation ou de formation', en: 'Awareness or training actions designed' },
          description: {
            fr: 'Actions à destination des salariés et futurs salariés du secteur.',
            en: 'Actions for the sector’s current and future employees.',
          },
          assignee: { kind: 'coordinator' },
          dependsOn: ['experimentation-review'],
          due: afterPhaseStart(120),
          deliverables: [{ kind: 'training-actions', label: { fr: 'Actions de sensibilisation ou de formation', en: 'Awareness or training actions' } }],
        },
        {
          key: 'training-offer-update',
          name: { fr: 'Évolution de l’offre de formation territoriale', en: 'Local training offer updated' },
          description: {
            fr: 'Accompagner les organismes de formation pour intégrer ces actions à l’offre de formation territoriale.',
            en: 'Support the training organisations in bringing these actions into the local training offer.',
          },
          assignee: { kind: 'coordinator' },
          dependsOn: ['training-actions-design'],
          due: afterPhaseStart(365),
          milestone: true,
        },
      ],
    },
  ],
};

/**
 * The renewal of a Campus des Métiers et des Qualifications' label (renouvellement de
 * labellisation), as the CMQ Alimentation, Goût, Tourisme went through it (seed lines 1335–1405):
 * the network and the governance revisit the campus' strategy from the socio-economic analysis of
 * its sectors (autumn 2020), settle its perimeter and sectors, validate its strategic axes; the
 * application shows the 11 criteria of the national specification are met and sets the action plan
 * with its indicators; the ministerial order grants the label for 5 years (27 July 2021). Then,
 * every year of the label, the self-evaluation: the indicators of achievement and results filled in
 * per strategic and operational objective (lines 1557–1561). The self-evaluation repeats for the
 * programme's life (the schema has no end relative to a date reached in the programme): the
 * coordinator closes the programme when the label ends.
 */
import type { TemplateInput } from '../domain/template-schema';
import { afterPhaseStart, afterProgrammeStart, afterStep } from './due';

export const labelRenewalTemplate: TemplateInput = {
  key: 'label-renewal',
  version: 1,
  nonWorkingDays: 'nextWorkingDay',
  name: { fr: 'Renouvellement de labellisation d’un Campus des Métiers et des Qualifications', en: 'Renewal of a Campus des Métiers et des Qualifications label' },
  description: {
    fr: 'Réinterroger la stratégie du campus avec son réseau et sa gouvernance, constituer le dossier sur les 11 critères du cahier des charges national, obtenir l’arrêté de labellisation pour 5 ans, puis conduire chaque année l’autoévaluation des indicateurs du plan d’actions.',
    en: 'Revisit the campus’ strategy with its network and governance, build the application on the 11 criteria of the national specification, obtain the 5-year label order, then run the yearly self-evaluation of the action plan’s indicators.',
  },
  dateParams: ['renewal-deadline'],
  labels: {
    roles: {},
    milestones: {},
    dateParams: { 'renewal-deadline': { fr: 'Date limite de dépôt du dossier de renouvellement', en: 'Renewal application deadline' } },
  },
  indicators: [{ key: 'criteria-met', name: { fr: 'Critères du cahier des charges national remplis', en: 'National specification criteria met' }, target: 11 }],
  phases: [
    {
      key: 'strategy',
      name: { fr: 'Stratégie du campus', en: 'The campus’ strategy' },
      steps: [
        {
          key: 'network-consultation',
          name: { fr: 'Consultation du réseau et de la gouvernance sur la stratégie', en: 'Consulting the network and the governance on the strategy' },
          description: {
            fr: 'Réinterroger la stratégie et les objectifs du campus à partir de l’analyse socio-économique des secteurs couverts et de leurs enjeux sur le territoire.',
            en: 'Revisit the campus’ strategy and objectives from the socio-economic analysis of the sectors it covers and their stakes in the territory.',
          },
          assignee: { kind: 'coordinator' },
          due: afterProgrammeStart(60),
        },
        {
          key: 'perimeter',
          name: { fr: 'Périmètre géographique et secteurs d’activité', en: 'Geographic perimeter and sectors' },
          assignee: { kind: 'coordinator' },
          due: afterProgrammeStart(60),
        },
        {
          key: 'strategic-axes',
          name: { fr: 'Validation des axes stratégiques par la gouvernance', en: 'Strategic axes validated by the governance' },
          assignee: { kind: 'coordinator' },
          dependsOn: ['network-consultation', 'perimeter'],
          due: afterStep('perimeter', 30),
          milestone: true,
        },
      ],
    },
    {
      key: 'renewal-application',
      name: { fr: 'Dossier de renouvellement', en: 'Renewal application' },
      steps: [
        {
          key: 'criteria-file',
          name: { fr: 'Dossier sur les 11 critères du cahier des charges national', en: 'Application on the 11 criteria of the national specification' },
          description: {
            fr: 'Montrer que chacun des 11 critères est rempli ; enregistrer le nombre de critères remplis.',
            en: 'Show that each of the 11 criteria is met; record how many are.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(60),
          indicator: { key: 'criteria-met', atLeast: 11 },
          deliverables: [{ kind: 'renewal-file', label: { fr: 'Dossier de renouvellement', en: 'Renewal application file' } }],
        },
        {
          key: 'action-plan',
          name: { fr: 'Plan d’actions et indicateurs d’autoévaluation', en: 'Action plan and self-evaluation indicators' },
          description: {
            fr: 'Décliner les axes stratégiques en objectifs stratégiques, objectifs opérationnels et réalisations (feuille de route des trois prochaines années), avec leurs indicateurs de réalisation et de résultats.',
            en: 'Break the strategic axes down into strategic objectives, operational objectives and deliverables (the roadmap for the next three years), with their indicators of achievement and results.',
          },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(60),
          deliverables: [{ kind: 'action-plan', label: { fr: 'Plan d’actions', en: 'Action plan' } }],
        },
        {
          key: 'renewal-submission',
          name: { fr: 'Dépôt du dossier auprès du rectorat et de la Région', en: 'Submitting the application to the education authority and the Region' },
          assignee: { kind: 'coordinator' },
          dependsOn: ['criteria-file', 'action-plan'],
          due: { from: 'param', param: 'renewal-deadline' },
          milestone: true,
        },
      ],
    },
    {
      key: 'label-decision',
      name: { fr: 'Décision de labellisation', en: 'Label decision' },
      steps: [
        {
          key: 'label-order',
          name: { fr: 'Arrêté ministériel de labellisation (5 ans)', en: 'Ministerial label order (5 years)' },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(180),
          deliverables: [{ kind: 'label-order', label: { fr: 'Arrêté de labellisation', en: 'Label order' } }],
          milestone: true,
        },
      ],
    },
    {
      key: 'label-life',
      name: { fr: 'Vie du label', en: 'Life of the label' },
      steps: [
        {
          key: 'self-evaluation',
          name: { fr: 'Autoévaluation annuelle', en: 'Yearly self-evaluation' },
          description: {
            fr: 'Renseigner les indicateurs de réalisation et de résultats de l’année, par objectif stratégique et opérationnel du plan d’actions.',
            en: 'Fill in the year’s indicators of achievement and results, per strategic and operational objective of the action plan.',
          },
          assignee: { kind: 'coordinator' },
          // Once a year from the end of the first year; the label lasts 5 years.
          repeat: { every: 12, unit: 'months', startAfter: 12 },
          deliverables: [{ kind: 'self-evaluation', label: { fr: 'Tableau d’autoévaluation', en: 'Self-evaluation table' } }],
        },
      ],
    },
  ],
};

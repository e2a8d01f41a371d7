/**
 * The coordination of the reception function in Dijon's two Points Relais (seed lines 1721–1840):
 * a first-level welcome for job seekers, young people and employees in the Grésilles and Fontaine
 * d'Ouche priority neighbourhoods, run by two reception officers (one from Creativ', one from the
 * APSALC) with the partners' advisers on site. Every month the reception officers count the
 * in-person and telephone interviews per site; the agency compares them with the same months of
 * the previous year (the seed's tables: first half of 2021 against 2020).
 *
 * The targets per month are the first half of 2020's monthly average over both sites (4,074
 * in-person and 2,287 telephone interviews in six months, seed line 1828), rounded.
 */
import type { TemplateInput } from '../domain/template-schema';
import { afterPhaseStart, afterProgrammeStart } from './due';

const SITE = {
  key: 'site',
  name: { fr: 'Point Relais', en: 'Reception point' },
  values: [
    { key: 'gresilles', name: { fr: 'Grésilles', en: 'Grésilles' } },
    { key: 'fontaine-d-ouche', name: { fr: 'Fontaine d’Ouche', en: 'Fontaine d’Ouche' } },
  ],
};

export const receptionPointsTemplate: TemplateInput = {
  key: 'reception-points',
  version: 1,
  nonWorkingDays: 'nextWorkingDay',
  name: { fr: 'Coordination de l’accueil dans les Points Relais', en: 'Coordinating the reception points' },
  description: {
    fr: 'Accueil de proximité et réponse de premier niveau dans les Points Relais des Grésilles et de Fontaine d’Ouche : organisation de l’accueil et des permanences, saisie mensuelle de la fréquentation par site, bilan comparé à l’année précédente.',
    en: 'Local welcome and first-level answers in the Grésilles and Fontaine d’Ouche reception points: organising the welcome and the partners’ office hours, monthly counts per site, a review against the previous year.',
  },
  labels: {
    roles: { 'reception-operator': { fr: 'Structure d’accueil des Points Relais', en: 'Reception points’ operator' } },
    milestones: {},
    dateParams: {},
  },
  indicators: [
    {
      key: 'in-person-interviews',
      name: { fr: 'Entretiens physiques', en: 'In-person interviews' },
      period: 'month',
      dimensions: [SITE],
      targetPerPeriod: 680,
      recordedBy: 'reception-operator',
    },
    {
      key: 'phone-interviews',
      name: { fr: 'Entretiens téléphoniques', en: 'Telephone interviews' },
      period: 'month',
      dimensions: [SITE],
      targetPerPeriod: 380,
      recordedBy: 'reception-operator',
    },
  ],
  phases: [
    {
      key: 'set-up',
      name: { fr: 'Organisation de l’accueil', en: 'Organising the welcome' },
      steps: [
        {
          key: 'reception-agreement',
          name: { fr: 'Convention avec la structure d’accueil', en: 'Agreement with the reception operator' },
          description: {
            fr: 'Deux chargées d’accueil : une salariée de Creativ’ et une salariée de l’APSALC.',
            en: 'Two reception officers: one employed by Creativ’, one by the APSALC.',
          },
          assignee: { kind: 'coordinator' },
          due: afterProgrammeStart(30),
          deliverables: [{ kind: 'agreement', label: { fr: 'Convention signée', en: 'Signed agreement' } }],
          milestone: true,
        },
        {
          key: 'office-hours',
          name: { fr: 'Planning des permanences des partenaires', en: 'Partners’ office-hours schedule' },
          description: {
            fr: 'Conseillers de la Mission Locale et du PLIE, plate-forme mobilité ; permanences ponctuelles (ACODEGE, EPIDE, ADIE).',
            en: 'Mission Locale and PLIE advisers, the mobility platform; occasional office hours (ACODEGE, EPIDE, ADIE).',
          },
          assignee: { kind: 'slot', slot: 'reception-operator' },
          dependsOn: ['reception-agreement'],
          due: afterProgrammeStart(45),
          deliverables: [{ kind: 'schedule', label: { fr: 'Planning des permanences', en: 'Office-hours schedule' } }],
        },
      ],
    },
    {
      key: 'welcoming-public',
      name: { fr: 'Accueil des publics', en: 'Welcoming the public' },
      // The partners who hold office hours on the sites (Mission Locale, PLIE, the mobility platform…).
      capacity: { min: 0, max: 12 },
      steps: [
        {
          key: 'monthly-counts',
          name: { fr: 'Saisie de la fréquentation du mois', en: 'Entering the month’s counts' },
          description: {
            fr: 'Nombre d’entretiens physiques et téléphoniques de chaque Point Relais pour le mois écoulé.',
            en: 'In-person and telephone interviews of each reception point for the past month.',
          },
          assignee: { kind: 'slot', slot: 'reception-operator' },
          repeat: { every: 1, unit: 'months', dayOfMonth: 5, startAfter: 1 },
        },
        {
          key: 'half-year-review',
          name: { fr: 'Bilan de fréquentation et comparaison avec l’année précédente', en: 'Attendance review against the previous year' },
          assignee: { kind: 'coordinator' },
          due: afterPhaseStart(190),
          deliverables: [{ kind: 'review', label: { fr: 'Bilan de fréquentation', en: 'Attendance review' } }],
          milestone: true,
        },
      ],
    },
  ],
};

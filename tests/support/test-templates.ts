import type { TemplateInput } from '../../domain/template-schema';

/**
 * A small lifecycle with second-scale due dates so timers and reminders fire within a test.
 * It exercises every kind of action: deliverables with acceptance, a gated phase with
 * capacity, an "each partner" step, a slot assignee, indicators.
 */
export function engineTestTemplate(key: string, overrides: Partial<TemplateInput> = {}): TemplateInput {
  return {
    key,
    version: 1,
    labels: { roles: { contractor: { fr: 'Prestataire' } } },
    name: { fr: 'Programme de test', en: 'Test programme' },
    reminders: { unit: 'seconds', beforeDue: [4], onDue: true, overdueEvery: 3, escalateAfter: 2 },
    indicators: [{ key: 'interviews', name: { fr: 'Entretiens', en: 'Interviews' }, target: 3 }],
    phases: [
      {
        key: 'framing',
        name: { fr: 'Cadrage', en: 'Framing' },
        steps: [
          {
            key: 'kickoff',
            name: { fr: 'Réunion de lancement', en: 'Kick-off meeting' },
            assignee: { kind: 'coordinator' },
            milestone: true,
          },
          {
            key: 'report',
            name: { fr: 'Rapport du prestataire', en: "Contractor's report" },
            assignee: { kind: 'slot', slot: 'contractor' },
            dependsOn: ['kickoff'],
            due: { from: 'stepCompleted', stepKey: 'kickoff', offset: { amount: 600, unit: 'seconds' } },
            deliverables: [{ kind: 'report', label: { fr: 'Rapport', en: 'Report' }, min: 1, acceptance: true }],
          },
        ],
      },
      {
        key: 'trial',
        name: { fr: 'Expérimentation', en: 'Trial' },
        gate: {},
        capacity: { min: 1, max: 2 },
        steps: [
          {
            key: 'run-trial',
            name: { fr: 'Conduite de l’expérimentation', en: 'Run the trial' },
            assignee: { kind: 'eachPartner' },
            due: { from: 'phaseStart', offset: { amount: 600, unit: 'seconds' } },
          },
          {
            key: 'interviews',
            name: { fr: 'Entretiens', en: 'Interviews' },
            assignee: { kind: 'coordinator' },
            dependsOn: ['run-trial'],
            indicator: { key: 'interviews', atLeast: 2 },
            milestone: true,
          },
        ],
      },
    ],
    ...overrides,
  };
}

/** One coordinator step whose due date is a few seconds away: the reminder timeline in miniature. */
export function reminderTestTemplate(key: string, dueInSeconds: number): TemplateInput {
  return {
    key,
    version: 1,
    labels: { roles: { partner: { fr: 'Partenaire' } } },
    name: { fr: 'Relances', en: 'Reminders' },
    reminders: { unit: 'seconds', beforeDue: [3], onDue: true, overdueEvery: 2, escalateAfter: 1 },
    phases: [
      {
        key: 'only',
        name: { fr: 'Unique', en: 'Only' },
        steps: [
          {
            key: 'deliver',
            name: { fr: 'Livrer', en: 'Deliver' },
            assignee: { kind: 'slot', slot: 'partner' },
            due: { from: 'programmeStart', offset: { amount: dueInSeconds, unit: 'seconds' } },
          },
        ],
      },
    ],
  };
}

/**
 * Issue 19, outcome branches: a call for projects whose decision (retained / not retained) opens
 * the execution phase or a debrief, the other branch skipped.
 */
export function callForProjectsTestTemplate(key: string): TemplateInput {
  return {
    key,
    version: 1,
    name: { fr: 'Réponse à un appel à projets', en: 'Call for projects response' },
    nonWorkingDays: 'nextWorkingDay',
    phases: [
      {
        key: 'application',
        name: { fr: 'Candidature', en: 'Application' },
        steps: [
          { key: 'submit', name: { fr: 'Dépôt du dossier', en: 'Submission' }, assignee: { kind: 'coordinator' }, due: { from: 'programmeStart', offset: { amount: 30, unit: 'calendarDays' } } },
          { key: 'decision', name: { fr: 'Décision du financeur', en: 'Funder’s decision' }, assignee: { kind: 'coordinator' }, dependsOn: ['submit'], outcomes: ['retained', 'not-retained'] },
          { key: 'debrief', name: { fr: 'Retour d’expérience', en: 'Debrief' }, assignee: { kind: 'coordinator' }, dependsOn: ['decision'], when: { step: 'decision', outcome: 'not-retained' } },
        ],
      },
      {
        key: 'execution',
        name: { fr: 'Mise en œuvre', en: 'Execution' },
        when: { step: 'decision', outcome: 'retained' },
        steps: [
          { key: 'kickoff', name: { fr: 'Réunion de lancement', en: 'Kick-off' }, assignee: { kind: 'coordinator' }, due: { from: 'phaseStart', offset: { amount: 10, unit: 'calendarDays' } } },
          { key: 'final-report', name: { fr: 'Bilan final', en: 'Final report' }, assignee: { kind: 'coordinator' }, dependsOn: ['kickoff'] },
        ],
      },
    ],
    labels: { roles: {}, milestones: {}, dateParams: {}, outcomes: { retained: { fr: 'Retenu', en: 'Retained' }, 'not-retained': { fr: 'Non retenu', en: 'Not retained' } } },
  };
}

/**
 * Issue 19, recurring steps: a built-in template whose schedules count seconds instead of months
 * (one month = one second, so three years pass in 36 s), the test unit of due dates.
 */
export function inSeconds(template: TemplateInput, key: string): TemplateInput {
  return {
    ...template,
    key,
    version: 1,
    phases: template.phases.map((phase) => ({
      ...phase,
      steps: phase.steps.map((step) => (step.repeat ? { ...step, repeat: { every: step.repeat.every, unit: 'seconds' as const, startAfter: step.repeat.startAfter } } : step)),
    })),
  };
}

/**
 * The same template with every test-only `seconds` unit turned into days (due offsets in calendar
 * days, reminders in days, repeats in weeks): what the API lets people publish
 * (domain/template-problems.ts `checkTemplateForPublication`). For tests that publish through the API.
 */
export function inDays(input: TemplateInput): TemplateInput {
  const t = structuredClone(input) as TemplateInput & { reminders?: { unit?: string } };
  if (t.reminders?.unit === 'seconds') t.reminders.unit = 'days';
  for (const phase of t.phases) {
    for (const step of phase.steps) {
      const s = step as { due?: { offset?: { unit: string } }; reminders?: { unit?: string }; repeat?: { unit: string } };
      if (s.due?.offset?.unit === 'seconds') s.due.offset.unit = 'calendarDays';
      if (s.reminders?.unit === 'seconds') s.reminders.unit = 'days';
      if (s.repeat?.unit === 'seconds') s.repeat.unit = 'weeks';
    }
  }
  return t;
}

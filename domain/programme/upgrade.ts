/**
 * A coordinator moves a running programme to a newer version of its template (issue 19). The plan
 * (./upgrade-plan.ts) is computed again here from the workflow's own state, so what a dry run
 * showed is applied only if it is still safe. The workflow swaps its template snapshot after
 * `apply` and computes the due dates listed in the result through its activity.
 */
import type { Actor, StepState } from '../programme-state';
import type { Template } from '../template-schema';
import { sameValue } from '../template-diff';
import { noNotifications, type Action } from './action';
import { resolveAssignee } from './assignment';
import { checkCoordinator } from './guards';
import { phaseState, stepState, templateStep } from './lookups';
import { recordEvent } from './state';
import { planUpgrade, type UpgradePlan } from './upgrade-plan';

export interface UpgradeInput {
  actor: Actor;
  /** The newer version, as published (the API loads it; the workflow checks it against its own state). */
  template: Template;
}

export interface UpgradeResult {
  plan: UpgradePlan;
  /** Open steps whose due date is to be computed again from the new rule (the workflow's activity does it). */
  needDueDate: string[];
}

export const upgradeProgramme: Action<UpgradeInput, UpgradeResult> = {
  name: 'upgradeProgramme',
  check({ template, state }, input) {
    return checkCoordinator(input.actor, 'upgrade a programme') ?? planUpgrade(template, state, input.template).refusals[0];
  },
  apply({ template: current, state, now }, input) {
    const next = input.template;
    const plan = planUpgrade(current, state, next);
    const fromVersion = state.templateVersion;

    // Phases and steps in the new version's order; kept ones keep their state.
    state.phases = next.phases.map((p) => phaseState(state, p.key) ?? { key: p.key, status: 'pending', enrolled: [] });
    let position = 0;
    const steps: StepState[] = [];
    for (const p of next.phases) {
      for (const s of p.steps) {
        const kept = stepState(state, s.key);
        const step: StepState = kept ?? { key: s.key, phaseKey: p.key, position: 0, status: 'pending', assignee: { kind: 'coordinator' }, late: false, parts: {}, deliverables: [], remindersSent: [] };
        step.phaseKey = p.key;
        step.position = position++;
        steps.push(step);
      }
    }
    state.steps = steps;
    state.templateVersion = next.version;
    for (const indicator of next.indicators) state.indicators[indicator.key] ??= 0;

    for (const step of state.steps) {
      if (step.status !== 'pending' && step.status !== 'active') continue;
      const before = templateStep(current, step.key);
      const after = templateStep(next, step.key)!;
      if (!before || !sameValue(before.assignee, after.assignee)) step.assignee = resolveAssignee(next, state, step);
      // A new reminder policy plans its moments again.
      if (before && !sameValue(before.reminders, after.reminders)) delete step.reminderPlan;
    }
    const needDueDate: string[] = [];
    for (const change of plan.dueDates) {
      if (!change.recompute) continue;
      const step = stepState(state, change.stepKey)!;
      if (templateStep(next, step.key)!.due) needDueDate.push(step.key);
      else {
        // The new version sets no due date for this step.
        delete step.dueAt;
        delete step.reminderPlan;
        step.late = false;
      }
    }

    recordEvent(state, now, 'programme.upgraded', input.actor, {
      fromVersion,
      toVersion: next.version,
      added: plan.added.map((s) => s.stepKey),
      removed: plan.removed.map((s) => s.stepKey),
      renamed: plan.renamed.map((s) => s.stepKey),
      dueChanged: plan.dueDates.filter((d) => d.recompute).map((d) => d.stepKey),
    });
    return noNotifications({ plan, needDueDate });
  },
};

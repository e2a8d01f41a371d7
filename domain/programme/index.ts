/**
 * The lifecycle engine: pure, deterministic rules over a programme's state and its frozen
 * template snapshot, one file per action (see docs/engine.md for the map). The Temporal workflow
 * (workflows/programme.ts) runs them and adds durability; tests call them directly. No I/O, no
 * clock: `now` is passed in. Files inside domain/programme import each other directly; this
 * index is for the code outside.
 */
export { applyAction, type Action, type Applied } from './action';
export { advance } from './advance';
export { applyChildProgress, checkOpenChild, recordChildStart } from './children';
export { completeStep } from './complete-step';
export { cancelProgramme, pauseProgramme, resumeProgramme } from './controls';
export { addDeliverable, reviewDeliverable } from './deliverables';
export { dueBase, setDueDate, type DueBase } from './due-dates';
export { enrolOrganisation } from './enrolment';
export { approvePhase } from './gates';
export { recordIndicator } from './indicators';
export type * from './inputs';
export { phaseState, stepState, templatePhase, templateStep } from './lookups';
export { recipientsOf, type NotificationRequest } from './notifications';
export type { Refusal } from './refusal';
export { markLateSteps, nextWakeAt, pendingReminders, policyFor, takeDueReminders } from './reminders';
export { createInitialState, markChanged, recordEvent } from './state';
export { changeStep } from './step-changes';
export { upgradeProgramme, type UpgradeInput, type UpgradeResult } from './upgrade';
export { planUpgrade, type PlanUpgradeOptions, type UpgradePlan } from './upgrade-plan';

/**
 * What a lifecycle module is: hooks a template step opts into with `module: { name, config }`.
 * Modules are pure and deterministic (they run inside the workflow).
 */
import type { ProgrammeState, StepState } from '../../programme-state';
import type { Template } from '../../template-schema';
import type { AddDeliverableInput, CompleteStepInput } from '../inputs';
import type { NotificationRequest } from '../notifications';
import type { Refusal } from '../refusal';

export interface ModuleContext {
  template: Template;
  state: ProgrammeState;
  step: StepState;
  config: Record<string, unknown>;
}

export interface LifecycleModule {
  name: string;
  checkCompletion?(ctx: ModuleContext, input: CompleteStepInput, now: Date): Refusal | undefined;
  checkDeliverable?(ctx: ModuleContext, input: AddDeliverableInput, now: Date): Refusal | undefined;
  /** Runs when the step completes; may set slots, milestones or module state, and asks for notifications. */
  onCompleted?(ctx: ModuleContext, input: CompleteStepInput, now: Date): NotificationRequest[];
}

/**
 * Lifecycle-specific rules, by name. A template step opts in with `module: { name, config }`;
 * the generic engine calls the hooks and knows nothing about tenders or sectors.
 * Modules are pure and deterministic: they run inside the workflow.
 */
import type { Template } from '../../domain/template-schema';
import type { ProgrammeState, StepState } from '../../domain/programme-state';
import type { AddDeliverableInput, CompleteStepInput } from '../programme-engine';
import type { Refusal } from '../refusal';
import { tenderModules } from './tender';

export interface ModuleContext {
  template: Template;
  state: ProgrammeState;
  step: StepState;
  config: Record<string, unknown>;
}

export interface NotificationRequest {
  kind: string;
  stepKey?: string;
  phaseKey?: string;
  to: { coordinator?: boolean; organisations?: string[] };
  data?: Record<string, unknown>;
}

export interface LifecycleModule {
  name: string;
  checkCompletion?(ctx: ModuleContext, input: CompleteStepInput, now: Date): Refusal | undefined;
  checkDeliverable?(ctx: ModuleContext, input: AddDeliverableInput, now: Date): Refusal | undefined;
  /** Runs when the step completes; may set slots, milestones or module state, and asks for notifications. */
  onCompleted?(ctx: ModuleContext, input: CompleteStepInput, now: Date): NotificationRequest[];
}

const MODULES = new Map<string, LifecycleModule>(tenderModules.map((m) => [m.name, m]));

export function findModule(name: string): LifecycleModule | undefined {
  return MODULES.get(name);
}

export function moduleNames(): string[] {
  return [...MODULES.keys()];
}

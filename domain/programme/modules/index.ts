/**
 * Lifecycle-specific rules, by name. A template step opts in with `module: { name, config }`;
 * the generic engine calls the hooks and knows nothing about tenders or sectors.
 */
import type { LifecycleModule } from './lifecycle-module';
import { tenderModules } from './tender';

const MODULES = new Map<string, LifecycleModule>(tenderModules.map((m) => [m.name, m]));

export function findModule(name: string): LifecycleModule | undefined {
  return MODULES.get(name);
}

import fs from 'node:fs';
import path from 'node:path';
import * as programme from '../../workflows/programme';
import { HISTORIES_DIR, summariseHistory } from '../support/histories';

/**
 * The replay corpus (tests/histories, replayed by tests/integration/replay.test.ts) must guard
 * today's code path, not only older ones: every Update the programme workflow declares, every
 * `patched()` branch, DEFI with its children, TI action 23 per sector and a tender up to its award
 * have a recorded history on the current path. Record missing ones with
 * `JALONS_RECORD_HISTORIES=1 npx jest --runInBand <the test that runs the scenario>`.
 */

/** Patches every run calls (first thing, and at every projection): a history without them ran older code. */
const CURRENT_PATH_PATCHES = ['working-day-calendar', 'projection-local-activity', 'patches-decided-at-start'];

const files = fs.readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json')).sort();
const summaries = files.map(summariseHistory);
const current = summaries.filter((s) => CURRENT_PATH_PATCHES.every((p) => s.patches.has(p)));

/** The Update definitions exported beside the workflow (`defineUpdate` objects carry `type: 'update'`). */
const updateNames = (Object.values(programme) as unknown[])
  .filter((v): v is { type: 'update'; name: string } => typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'update')
  .map((u) => u.name)
  .sort();

/** Every `patched('…')` id in workflows/. */
function patchIdsInSource(): string[] {
  const dir = path.resolve(__dirname, '..', '..', 'workflows');
  const sources = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const ids = sources.flatMap((f) => [...fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/\b(?:patched|isPatched|isDecidedAtStart)\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]!));
  return [...new Set(ids)].sort();
}

describe('the replay corpus covers the current code path', () => {
  it('finds the Update types and patches it checks', () => {
    expect(updateNames).toEqual(expect.arrayContaining(['completeStep', 'openChild', 'programmeStarted']));
    expect(updateNames.length).toBeGreaterThanOrEqual(12);
    expect(patchIdsInSource()).toEqual(expect.arrayContaining(CURRENT_PATH_PATCHES));
  });

  it('keeps older paths too (histories without the current patches)', () => {
    expect(current.length).toBeGreaterThan(0);
    expect(summaries.length).toBeGreaterThan(current.length);
  });

  it.each(updateNames)('has a current-path history exercising the %s Update', (name) => {
    expect(current.filter((s) => s.updates.some((u) => u.name === name)).map((s) => s.file)).not.toEqual([]);
  });

  it.each(patchIdsInSource())('has a current-path history that took the patched branch %s', (id) => {
    expect(current.filter((s) => s.patches.has(id)).map((s) => s.file)).not.toEqual([]);
  });

  it('has DEFI with its sub-programmes started together and awaited', () => {
    const defi = current.filter((s) => s.templateKey === 'defi' && s.childrenStarted >= 3 && s.patches.has('wait-for-child-first-report') && !s.patches.has('children-not-awaited-at-start'));
    expect(defi.map((s) => s.file)).not.toEqual([]);
  });

  it('has DEFI answering its start before its sub-programmes report (issue 21)', () => {
    const defi = current.filter((s) => s.templateKey === 'defi' && s.childrenStarted >= 3 && s.patches.has('children-not-awaited-at-start') && s.patches.has('due-dates-in-workflow'));
    expect(defi.map((s) => s.file)).not.toEqual([]);
  });

  it('asks the worker for no due date or reminder moment in runs started with their deadline hours (issue 21)', () => {
    const inWorkflow = current.filter((s) => s.dueCalendar && s.patches.has('due-dates-in-workflow'));
    expect(inWorkflow.length).toBeGreaterThanOrEqual(2);
    for (const s of inWorkflow) expect({ file: s.file, calendarActivities: s.localActivities.filter((t) => t === 'resolveDueDate' || t === 'planReminderMoments') }).toEqual({ file: s.file, calendarActivities: [] });
  });

  it('has TI action 23 opening sectors one by one, and a sector run', () => {
    expect(current.filter((s) => s.templateKey === 'ti-action-23' && s.updates.filter((u) => u.name === 'openChild' && u.input?.childKey === 'sector').length >= 2).map((s) => s.file)).not.toEqual([]);
    expect(current.filter((s) => s.templateKey === 'ti-sector' && s.parentId && s.updates.some((u) => u.name === 'completeStep')).map((s) => s.file)).not.toEqual([]);
  });

  it('has a periodic indicator entered per month and site, and corrected', () => {
    const periodic = current.filter((s) => s.updates.filter((u) => u.name === 'recordIndicator' && typeof u.input?.period === 'string' && u.input?.dimensions).length >= 2);
    expect(periodic.map((s) => s.file)).not.toEqual([]);
  });

  it('has a tender run up to its award', () => {
    const tenders = current.filter((s) => s.templateKey === 'tender' && s.updates.some((u) => u.name === 'completeStep' && u.input?.stepKey === 'award'));
    expect(tenders.map((s) => s.file)).not.toEqual([]);
  });
});

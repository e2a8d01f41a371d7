import { ZTemplate } from '../../domain/template-schema';
import { defiTemplate } from '../../templates';
import * as engine from '../../domain/programme';

const defi = ZTemplate.parse(defiTemplate);
const now = new Date('2026-12-01T09:00:00.000Z');

function startedDefi() {
  const state = engine.createInitialState({ programmeId: 'prg_defi', title: 'DEFI', template: defi, startDate: '2026-12-01', coordinatorId: 'usr_c' }, now);
  const child = engine.recordChildStart(defi, state, 'tender-evaluation', 'Évaluation', undefined, now);
  return { state, child };
}

describe("a child's report to its parent (issue 21: only a change versions the parent)", () => {
  it('tells an unchanged report apart when asked (a first report: active, no milestone)', () => {
    const { state, child } = startedDefi();
    const first = { programmeId: child.programmeId, status: 'active' as const, milestones: [], slots: {} };
    expect(engine.applyChildProgress(defi, state, first, now, { changesOnly: true })).toBe(false);
    // Runs recorded before the patch keep answering true, as they did.
    expect(engine.applyChildProgress(defi, state, first, now)).toBe(true);
  });

  it('counts a new milestone, a new status and a slot filled by the winner as changes', () => {
    const { state, child } = startedDefi();
    const report = { programmeId: child.programmeId, status: 'active' as const, milestones: ['awarded'], slots: {} };
    expect(engine.applyChildProgress(defi, state, report, now, { changesOnly: true })).toBe(true);
    expect(state.children.find((c) => c.programmeId === child.programmeId)!.milestones).toEqual(['awarded']);
    expect(engine.applyChildProgress(defi, state, report, now, { changesOnly: true })).toBe(false);
    expect(engine.applyChildProgress(defi, state, { ...report, status: 'completed' }, now, { changesOnly: true })).toBe(true);
    expect(defi.children.find((c) => c.key === 'tender-evaluation')!.fillsSlot).toBe('evaluator');
    expect(engine.applyChildProgress(defi, state, { ...report, status: 'completed', slots: { winner: 'org_w' } }, now, { changesOnly: true })).toBe(true);
    expect(state.slots.evaluator).toBe('org_w');
  });

  it('ignores a report from a programme that is not its child', () => {
    const { state } = startedDefi();
    expect(engine.applyChildProgress(defi, state, { programmeId: 'prg_other', status: 'active', milestones: [], slots: {} }, now, { changesOnly: true })).toBe(false);
  });
});

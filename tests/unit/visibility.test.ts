import { validateTemplate, type Template, type TemplateInput } from '../../domain/template-schema';
import type { Actor, AuditEvent, ProgrammeState } from '../../domain/programme-state';
import * as engine from '../../domain/programme';
import { perform } from '../support/engine';
import { BUILT_IN_TEMPLATES } from '../../templates';
import { canSeeChange, canSeeProgramme, confidentialScope, programmeOrganisations, visibleEvent, type EventActor, type Viewer } from '../../domain/visibility';
import { buildProgrammeView } from '../../server/programme-views';
import { toProgrammeChange } from '../../notifier/programme-changes';

function parsed(input: TemplateInput): Template {
  const result = validateTemplate(input);
  if (!result.ok) throw new Error(`${input.key}: ${JSON.stringify(result.problems)}`);
  return result.template;
}
const tender = parsed(BUILT_IN_TEMPLATES.find((t) => t.key === 'tender')!);
const NOW = new Date('2021-01-04T09:00:00Z');
const coordinator: Actor = { userId: 'usr_coord', role: 'coordinator' };
const partner = (org: string): Actor => ({ userId: `usr_${org}`, role: 'partner', organisationId: org });

const BID_B = 'Offre B — 12 500 € HT, délai 6 semaines';
const NOTE_B = 'Note de revue : prix de B très bas';
const PART_NOTE_B = 'B : notre offre est ferme';

const viewer = (role: Viewer['role'], opts: Partial<Viewer> = {}): Viewer => ({ userId: `usr_${role}`, role, organisationId: null, onTeam: role === 'admin', ...opts });
const afpa = viewer('partner', { userId: 'usr_org_afpa', organisationId: 'org_afpa' });
const providerB = viewer('partner', { userId: 'usr_org_b', organisationId: 'org_b' });
const manager = viewer('manager');
const outsider = viewer('coordinator', { userId: 'usr_other' });
const team = viewer('coordinator', { userId: 'usr_coord', onTeam: true });
const stranger = viewer('partner', { userId: 'usr_org_z', organisationId: 'org_z' });

const actors: Record<string, EventActor> = {
  usr_coord: { role: 'coordinator', organisationId: null },
  usr_org_afpa: { role: 'partner', organisationId: 'org_afpa' },
  usr_org_b: { role: 'partner', organisationId: 'org_b' },
  usr_org_c: { role: 'partner', organisationId: 'org_c' },
};

function must<T>(refusal: T): void {
  expect(refusal).toBeUndefined();
}

/** A tender up to the bids: AFPA, B and C consulted; B and AFPA have bid, B's bid reviewed with a note, B's part completed. */
function tenderWithBids(): ProgrammeState {
  const state = engine.createInitialState({ programmeId: 'prg_tender', title: 'Consultation escape game', template: tender, startDate: '2021-01-04', dates: { 'answers-deadline': '2021-02-01' } }, NOW);
  engine.advance(tender, state, NOW);
  const add = (actor: Actor, stepKey: string, id: string, kind: string, title: string) => {
    const input = { actor, stepKey, deliverable: { id, kind, title } };
    must(engine.addDeliverable.check({ template: tender, state: state, now: NOW }, input));
    perform(engine.addDeliverable, tender, state, input, NOW);
  };
  const complete = (input: engine.CompleteStepInput) => {
    must(engine.completeStep.check({ template: tender, state: state, now: NOW }, input));
    perform(engine.completeStep, tender, state, input, NOW);
    engine.advance(tender, state, NOW);
  };
  add(coordinator, 'write-specification', 'dlv_spec', 'specification', 'Cahier des charges');
  complete({ actor: coordinator, stepKey: 'write-specification' });
  for (const org of ['org_afpa', 'org_b', 'org_c']) {
    const input = { actor: coordinator, organisationId: org, phaseKey: 'consultation' };
    must(engine.enrolOrganisation.check({ template: tender, state: state, now: NOW }, input));
    perform(engine.enrolOrganisation, tender, state, input, NOW);
  }
  complete({ actor: coordinator, stepKey: 'send' });
  add(partner('org_b'), 'answers', 'dlv_bid_b', 'bid', BID_B);
  add(partner('org_afpa'), 'answers', 'dlv_bid_afpa', 'bid', 'Offre AFPA');
  must(engine.reviewDeliverable.check({ template: tender, state: state, now: NOW }, { actor: coordinator, stepKey: 'answers', deliverableId: 'dlv_bid_b', decision: 'accepted', note: NOTE_B }));
  perform(engine.reviewDeliverable, tender, state, { actor: coordinator, stepKey: 'answers', deliverableId: 'dlv_bid_b', decision: 'accepted', note: NOTE_B }, NOW);
  complete({ actor: partner('org_b'), stepKey: 'answers', note: PART_NOTE_B });
  return state;
}

function award(state: ProgrammeState, winner: string): void {
  const complete = (input: engine.CompleteStepInput) => {
    must(engine.completeStep.check({ template: tender, state: state, now: NOW }, input));
    perform(engine.completeStep, tender, state, input, NOW);
    engine.advance(tender, state, NOW);
  };
  const add = (actor: Actor, id: string) => {
    const input = { actor, stepKey: 'answers', deliverable: { id, kind: 'bid', title: id } };
    perform(engine.addDeliverable, tender, state, input, NOW);
  };
  add(partner('org_c'), 'dlv_bid_c');
  complete({ actor: partner('org_afpa'), stepKey: 'answers' });
  complete({ actor: partner('org_c'), stepKey: 'answers' });
  const scores = { org_afpa: { price: 12, technical: 14 }, org_b: { price: 18, technical: 15 }, org_c: { price: 10, technical: 9 } };
  complete({ actor: coordinator, stepKey: 'assessment', data: { scores } });
  complete({ actor: coordinator, stepKey: 'award', data: { winner } });
}

/** The audit trail as the viewer reads it (what GET /programmes/:id/events answers, before names). */
function trail(state: ProgrammeState, v: Viewer): AuditEvent[] {
  const scope = confidentialScope(tender, state);
  return state.pendingEvents.flatMap((e) => {
    const shown = visibleEvent(scope, state, e, v, e.actorId ? actors[e.actorId] : undefined);
    return shown ? [shown] : [];
  });
}

describe('tender confidentiality: until the award, bids, bidders and scores are the team’s alone', () => {
  const state = tenderWithBids();

  it('shows AFPA (another bidder) its own bid only: not B’s bid, note, part, nor how many were consulted', () => {
    const view = buildProgrammeView(tender, state, afpa);
    const answers = view.phases.flatMap((p) => p.steps).find((s) => s.key === 'answers')!;
    expect(answers.deliverables.map((d) => d.title)).toEqual(['Offre AFPA']);
    expect(answers.parts).toEqual({});
    expect(answers.assignee).toEqual({ kind: 'eachPartner', organisationIds: ['org_afpa'] });
    expect(answers.completedBy).toBeNull();
    expect(view.partners.map((p) => p.organisationId)).toEqual(['org_afpa']);
    // "3 partenaire(s) sur 30" is how many competitors bid: no capacity for partners.
    expect(view.phases.find((p) => p.key === 'consultation')!.capacity).toBeNull();
    expect(view.moduleState).toBeUndefined();
    const json = JSON.stringify(view);
    for (const secret of [BID_B, NOTE_B, 'org_b', 'org_c', 'usr_org_b']) expect(json).not.toContain(secret);
  });

  it('keeps B’s deliverable.added, review and part out of AFPA’s audit trail, and shows AFPA its own', () => {
    const events = trail(state, afpa);
    const json = JSON.stringify(events);
    for (const secret of [BID_B, NOTE_B, PART_NOTE_B, 'org_b', 'usr_org_b', 'dlv_bid_b']) expect(json).not.toContain(secret);
    expect(events.filter((e) => e.type === 'deliverable.added').map((e) => e.data.title)).toEqual(['Offre AFPA']);
    expect(events.filter((e) => e.type === 'organisation.enrolled').map((e) => e.data.organisationId)).toEqual(['org_afpa']);
    // The full trail does hold them: the rule, not missing data, keeps them out.
    expect(JSON.stringify(trail(state, team))).toContain(BID_B);
  });

  it('shows B its own bid, review note and part', () => {
    const answers = buildProgrammeView(tender, state, providerB).phases.flatMap((p) => p.steps).find((s) => s.key === 'answers')!;
    expect(answers.deliverables).toEqual([expect.objectContaining({ title: BID_B, reviewNote: NOTE_B })]);
    expect(Object.keys(answers.parts)).toEqual(['org_b']);
    expect(JSON.stringify(trail(state, providerB))).toContain(PART_NOTE_B);
  });

  it.each([
    ['a manager', manager],
    ['a coordinator outside the team', outsider],
  ])('shows %s the tender’s progress without bids, bidders, counts or scores', (_label, v) => {
    const view = buildProgrammeView(tender, state, v);
    const answers = view.phases.flatMap((p) => p.steps).find((s) => s.key === 'answers')!;
    expect(answers.status).toBe('active');
    expect(answers.deliverables).toEqual([]);
    expect(answers.parts).toEqual({});
    expect(answers.assignee).toEqual({ kind: 'eachPartner', organisationIds: [] });
    expect(view.partners).toEqual([]);
    expect(view.phases.find((p) => p.key === 'consultation')!.capacity).toBeNull();
    expect(view.moduleState).toEqual({ tender: {} });
    const json = JSON.stringify([view, trail(state, v)]);
    for (const secret of [BID_B, NOTE_B, PART_NOTE_B, 'Offre AFPA', 'org_b', 'org_afpa', 'usr_org_b']) expect(json).not.toContain(secret);
    expect(trail(state, v).some((e) => e.type === 'step.activated' && e.data.stepKey === 'answers')).toBe(true);
  });

  it('shows the team and admins everything', () => {
    for (const v of [team, viewer('admin')]) {
      const view = buildProgrammeView(tender, state, v);
      const answers = view.phases.flatMap((p) => p.steps).find((s) => s.key === 'answers')!;
      expect(answers.deliverables.map((d) => d.title).sort()).toEqual([BID_B, 'Offre AFPA'].sort());
      expect(view.phases.find((p) => p.key === 'consultation')!.capacity).toEqual({ min: 3, max: 30, enrolled: 3 });
      expect(view.partners).toHaveLength(3);
    }
  });

  it('after the award tells each bidder its own outcome only, and opens the tender to staff', () => {
    const awarded = tenderWithBids();
    award(awarded, 'org_b');
    expect(buildProgrammeView(tender, awarded, afpa).moduleState).toEqual({ tender: { outcome: 'not_awarded' } });
    expect(buildProgrammeView(tender, awarded, providerB).moduleState).toEqual({ tender: { outcome: 'awarded' } });
    expect(JSON.stringify(buildProgrammeView(tender, awarded, afpa))).not.toContain(BID_B);
    expect(JSON.stringify(buildProgrammeView(tender, awarded, afpa))).not.toContain('"score"');
    const managerView = buildProgrammeView(tender, awarded, manager);
    expect((managerView.moduleState as { tender: { winner: string } }).tender.winner).toBe('org_b');
    expect(managerView.partners).toHaveLength(3);
  });
});

describe('organisation isolation', () => {
  it('counts slots, enrolments and assignments as taking part, everywhere the same', () => {
    const state = tenderWithBids();
    state.slots.winner = 'org_slot';
    expect(programmeOrganisations(state)).toEqual(['org_afpa', 'org_b', 'org_c', 'org_slot']);
    expect(canSeeProgramme(state, viewer('partner', { organisationId: 'org_slot' }))).toBe(true);
    expect(canSeeProgramme(state, stranger)).toBe(false);
    expect(canSeeProgramme(state, manager)).toBe(true);
    // The live-update stream decides from the published change with the same rule.
    const change = toProgrammeChange(state);
    expect(canSeeChange(change, viewer('partner', { organisationId: 'org_slot' }))).toBe(true);
    expect(canSeeChange(change, stranger)).toBe(false);
  });

  it('hides a shared step’s closing completion (the last organisation’s note and actor) from the others', () => {
    const state = tenderWithBids();
    award(state, 'org_afpa');
    // AFPA completed first, C closed the step: B must not read C's closing note or user.
    const closing = state.pendingEvents.find((e) => e.type === 'step.completed' && e.data.stepKey === 'answers')!;
    expect(closing.actorId).toBe('usr_org_c');
    const seenByB = trail(state, providerB).find((e) => e.seq === closing.seq)!;
    expect(seenByB.actorId).toBeUndefined();
    expect(seenByB.data).toEqual({ stepKey: 'answers' });
  });

  it('gives a partner with no part nothing at all', () => {
    const state = tenderWithBids();
    expect(trail(state, stranger)).toEqual([]);
  });
});

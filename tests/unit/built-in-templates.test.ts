import { validateTemplate, type Template, type TemplateInput } from '../../domain/template-schema';
import type { Actor, ProgrammeState } from '../../domain/programme-state';
import * as engine from '../../domain/programme';
import { checkWithValidator, perform } from '../support/engine';
import { BUILT_IN_TEMPLATES } from '../../templates';

function parsed(input: TemplateInput): Template {
  const result = validateTemplate(input);
  if (!result.ok) throw new Error(`${input.key}: ${JSON.stringify(result.problems, null, 2)}`);
  return result.template;
}

const templates = new Map(BUILT_IN_TEMPLATES.map((t) => [t.key, parsed(t)]));
function template(key: string): Template {
  const t = templates.get(key);
  if (!t) throw new Error(`no built-in template "${key}"`);
  return t;
}

const coordinator: Actor = { userId: 'usr_coord', role: 'coordinator' };
const partner = (organisationId: string): Actor => ({ userId: `usr_${organisationId}`, role: 'partner', organisationId });
const NOW = new Date('2021-01-04T09:00:00Z');

function start(t: Template, dates?: Record<string, string>): ProgrammeState {
  const state = engine.createInitialState({ programmeId: `prg_${t.key}`, title: t.name.fr, template: t, startDate: '2021-01-04', dates }, NOW);
  engine.advance(t, state, NOW);
  return state;
}

function enrol(t: Template, state: ProgrammeState, organisationId: string, phaseKey: string, slot?: string) {
  const input = { actor: coordinator, organisationId, phaseKey, slot };
  const refusal = engine.enrolOrganisation.check({ template: t, state: state, now: NOW }, input);
  if (!refusal) perform(engine.enrolOrganisation, t, state, input, NOW);
  return refusal;
}

function complete(t: Template, state: ProgrammeState, input: engine.CompleteStepInput) {
  const refusal = engine.completeStep.check({ template: t, state: state, now: NOW }, input);
  if (!refusal) {
    perform(engine.completeStep, t, state, input, NOW);
    engine.advance(t, state, NOW);
  }
  return refusal;
}

let deliverableSeq = 0;
function deliver(t: Template, state: ProgrammeState, stepKey: string, kind: string, actor: Actor = coordinator, accept = true) {
  const id = `dlv_${++deliverableSeq}`;
  const input = { actor, stepKey, deliverable: { id, kind, title: kind } };
  const refusal = engine.addDeliverable.check({ template: t, state: state, now: NOW }, input);
  if (refusal) return refusal;
  perform(engine.addDeliverable, t, state, input, NOW);
  if (accept) perform(engine.reviewDeliverable, t, state, { actor: coordinator, stepKey, deliverableId: id, decision: 'accepted' }, NOW);
  return undefined;
}

function approve(t: Template, state: ProgrammeState, phaseKey: string) {
  const refusal = engine.approvePhase.check({ template: t, state: state, now: NOW }, { actor: coordinator, phaseKey });
  if (!refusal) {
    perform(engine.approvePhase, t, state, { actor: coordinator, phaseKey }, NOW);
    engine.advance(t, state, NOW);
  }
  return refusal;
}

const status = (state: ProgrammeState, key: string) => engine.stepState(state, key)?.status;

/** Every localised text (name, label, title, description) anywhere in a template. */
function localisedTexts(value: unknown, path: string, out: { path: string; text: unknown }[] = []) {
  if (Array.isArray(value)) value.forEach((v, i) => localisedTexts(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'module') continue; // module names are identifiers, not texts
      if (['name', 'label', 'title', 'description'].includes(k)) out.push({ path: `${path}.${k}`, text: v });
      localisedTexts(v, `${path}.${k}`, out);
    }
  }
  return out;
}

describe('built-in templates', () => {
  it('are the expected templates, each valid, at its version, working-day due dates, with a unique key', () => {
    const keys = BUILT_IN_TEMPLATES.map((t) => t.key);
    expect(keys).toEqual(['tender', 'defi', 'ti-action-23', 'ti-sector', 'cite-apprentie', 'governance-cadence', 'call-for-projects', 'trades-event', 'label-renewal', 'cleaning-sector-group', 'reception-points', 'daq-2', 'response', 'health-hub']);
    expect(new Set(keys).size).toBe(keys.length);
    // The first six went to version 2 for working-day due dates (governance-cadence to 3, issue 19:
    // recurring committees); the templates of issue 19 are born with them, at version 1.
    const versions = { tender: 2, defi: 2, 'ti-action-23': 2, 'ti-sector': 2, 'cite-apprentie': 2, 'governance-cadence': 3, 'call-for-projects': 1, 'trades-event': 1, 'label-renewal': 1, 'cleaning-sector-group': 1, 'reception-points': 1, 'daq-2': 1, response: 1, 'health-hub': 1 };
    for (const input of BUILT_IN_TEMPLATES) {
      expect(validateTemplate(input)).toMatchObject({ ok: true });
      expect({ key: input.key, version: input.version }).toEqual({ key: input.key, version: versions[input.key as keyof typeof versions] });
      expect({ key: input.key, nonWorkingDays: input.nonWorkingDays }).toEqual({ key: input.key, nonWorkingDays: 'nextWorkingDay' });
    }
  });

  it('name everything in French and English', () => {
    for (const input of BUILT_IN_TEMPLATES) {
      const texts = localisedTexts(input, input.key);
      expect(texts.length).toBeGreaterThan(10);
      for (const { path, text } of texts) {
        const t = text as { fr?: unknown; en?: unknown };
        expect({ path, fr: typeof t.fr === 'string' && t.fr.trim().length > 0, en: typeof t.en === 'string' && t.en.trim().length > 0 }).toEqual({ path, fr: true, en: true });
      }
    }
  });

  it('have lower-case kebab step keys and a reasonable number of steps', () => {
    for (const t of templates.values()) {
      const steps = t.phases.flatMap((p) => p.steps);
      // A recurring step (issue 19) stands for one occurrence a period: three of them make a year of governance.
      expect(steps.length).toBeGreaterThanOrEqual(steps.some((s) => s.repeat) ? 3 : 8);
      expect(steps.length).toBeLessThanOrEqual(25);
      for (const s of steps) expect(s.key).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(steps.some((s) => s.milestone)).toBe(true);
    }
  });

  it('refer only to built-in templates for their children', () => {
    const children = [...templates.values()].flatMap((t) => t.children);
    expect(children.length).toBeGreaterThan(0);
    for (const c of children) expect(templates.has(c.templateKey)).toBe(true);
  });

  it('use only the lifecycle modules the engine knows', () => {
    const known = ['tender-consultation', 'tender-bids', 'tender-assessment', 'tender-award'];
    for (const t of templates.values()) {
      for (const s of t.phases.flatMap((p) => p.steps)) if (s.module) expect(known).toContain(s.module.name);
    }
  });
});

describe('tender', () => {
  const t = template('tender');

  it('consults at least three providers and collects answers by the answers-deadline param', () => {
    expect(t.phases.map((p) => p.key)).toEqual(['specification', 'consultation', 'assessment', 'notification', 'contract']);
    expect(t.dateParams).toContain('answers-deadline');
    const send = engine.templateStep(t, 'send')!;
    expect(send.module).toEqual({ name: 'tender-consultation', config: { minProviders: 3 } });
    const answers = engine.templateStep(t, 'answers')!;
    expect(answers).toMatchObject({ assignee: { kind: 'eachPartner' }, dependsOn: ['send'], due: { from: 'param', param: 'answers-deadline' }, module: { name: 'tender-bids' } });
    expect(answers.deliverables.map((d) => d.kind)).toEqual(['bid']);
    expect(engine.templatePhase(t, 'consultation')!.capacity).toEqual({ min: 3, max: 30 });
    expect(engine.templateStep(t, 'assessment')!.module).toEqual({
      name: 'tender-assessment',
      config: { bidsStep: 'answers', criteria: [{ key: 'price', weight: 40 }, { key: 'technical', weight: 60 }] },
    });
    expect(engine.templateStep(t, 'award')).toMatchObject({ dependsOn: ['assessment'], milestone: true, module: { name: 'tender-award' } });
    expect(engine.templateStep(t, 'deliverables')).toMatchObject({ assignee: { kind: 'slot', slot: 'winner' }, deliverables: [{ kind: 'deliverable', acceptance: true }] });
  });

  it('runs from the specification to the accepted deliverables', () => {
    const state = start(t);
    expect(status(state, 'write-specification')).toBe('active');
    expect(complete(t, state, { actor: coordinator, stepKey: 'write-specification' })).toMatchObject({ code: 'deliverable_missing' });
    deliver(t, state, 'write-specification', 'specification');
    expect(complete(t, state, { actor: coordinator, stepKey: 'write-specification' })).toBeUndefined();

    enrol(t, state, 'org_a', 'consultation');
    enrol(t, state, 'org_b', 'consultation');
    expect(complete(t, state, { actor: coordinator, stepKey: 'send' })).toMatchObject({ code: 'too_few_providers' });
    enrol(t, state, 'org_c', 'consultation');
    expect(complete(t, state, { actor: coordinator, stepKey: 'send' })).toBeUndefined();
    expect(state.milestones.map((m) => m.key)).toContain('consultation-sent');

    for (const org of ['org_a', 'org_b']) {
      expect(deliver(t, state, 'answers', 'bid', partner(org), false)).toBeUndefined();
      expect(complete(t, state, { actor: partner(org), stepKey: 'answers' })).toBeUndefined();
    }
    expect(status(state, 'answers')).toBe('active');
    // org_c never answers: the coordinator closes the collection.
    expect(complete(t, state, { actor: coordinator, stepKey: 'answers' })).toBeUndefined();

    const scores = { org_a: { price: 12, technical: 16 }, org_b: { price: 18, technical: 10 } };
    expect(complete(t, state, { actor: coordinator, stepKey: 'assessment', data: { scores } })).toBeUndefined();
    expect(complete(t, state, { actor: coordinator, stepKey: 'award', data: { winner: 'org_a' } })).toBeUndefined();
    expect(state.slots.winner).toBe('org_a');
    expect(state.milestones.map((m) => m.key)).toEqual(expect.arrayContaining(['awarded', 'award']));

    expect(complete(t, state, { actor: coordinator, stepKey: 'notify' })).toBeUndefined();
    expect(complete(t, state, { actor: coordinator, stepKey: 'contract-signed' })).toBeUndefined();
    expect(engine.stepState(state, 'kick-off')!.assignee).toEqual({ kind: 'organisation', organisationId: 'org_a', slot: 'winner' });
    expect(complete(t, state, { actor: partner('org_b'), stepKey: 'kick-off' })).toMatchObject({ code: 'not_assignee' });
    expect(complete(t, state, { actor: partner('org_a'), stepKey: 'kick-off' })).toBeUndefined();

    expect(deliver(t, state, 'deliverables', 'deliverable', partner('org_a'), false)).toBeUndefined();
    expect(complete(t, state, { actor: partner('org_a'), stepKey: 'deliverables' })).toMatchObject({ code: 'deliverable_not_accepted' });
    const submitted = engine.stepState(state, 'deliverables')!.deliverables[0]!;
    perform(engine.reviewDeliverable, t, state, { actor: coordinator, stepKey: 'deliverables', deliverableId: submitted.id, decision: 'accepted' }, NOW);
    expect(complete(t, state, { actor: partner('org_a'), stepKey: 'deliverables' })).toBeUndefined();
    expect(state.status).toBe('completed');
  });
});

describe('defi', () => {
  const t = template('defi');

  it('starts three tenders with the programme', () => {
    expect(t.children.map((c) => [c.key, c.templateKey, c.start])).toEqual([
      ['tender-intellectual-property', 'tender', 'withParent'],
      ['tender-communication', 'tender', 'withParent'],
      ['tender-evaluation', 'tender', 'withParent'],
    ]);
  });

  it('bounds each phase: one OF in Test, up to 5 in Experimentation, up to 10 in Deployment', () => {
    expect(t.phases.map((p) => p.key)).toEqual(['launch', 'test', 'experimentation', 'deployment', 'evaluation']);
    expect(engine.templatePhase(t, 'test')!.capacity).toEqual({ min: 1, max: 1 });
    expect(engine.templatePhase(t, 'experimentation')!.capacity).toMatchObject({ max: 5 });
    expect(engine.templatePhase(t, 'deployment')!.capacity).toMatchObject({ max: 10 });
    for (const key of ['test', 'experimentation', 'deployment', 'evaluation']) expect(engine.templatePhase(t, key)!.gate).toBeDefined();

    const state = start(t);
    expect(enrol(t, state, 'org_afpa', 'test')).toBeUndefined();
    expect(enrol(t, state, 'org_greta', 'test')).toMatchObject({ code: 'phase_full' });
    for (let i = 1; i <= 10; i++) expect(enrol(t, state, `org_dep_${i}`, 'deployment')).toBeUndefined();
    expect(enrol(t, state, 'org_dep_11', 'deployment')).toMatchObject({ code: 'phase_full' });
    // Contractors fill named slots and do not take a training organisation's seat.
    expect(enrol(t, state, 'org_manzalab', 'test', 'digital-contractor')).toBeUndefined();
    expect(enrol(t, state, 'org_laab', 'test', 'theatre-contractor')).toBeUndefined();
  });

  it('opens every phase with the training of the partners’ trainers before the bricks are run', () => {
    for (const phase of ['test', 'experimentation', 'deployment']) {
      const p = engine.templatePhase(t, phase)!;
      expect(p.steps[0]!.key).toBe(`trainers-training-${phase}`);
      const run = engine.templateStep(t, `bricks-run-${phase}`)!;
      expect(run.assignee).toEqual({ kind: 'eachPartner' });
      expect(run.dependsOn).toContain(`trainers-training-${phase}`);
    }
  });

  it('tracks the launch indicators, the three bricks and the digital tools', () => {
    expect(t.indicators.map((i) => [i.key, i.target])).toEqual([['partners-contacted', 40], ['partners-met', 14]]);
    const kinds = t.phases.flatMap((p) => p.steps).flatMap((s) => s.deliverables.map((d) => d.kind));
    for (const kind of ['brick-1', 'brick-2', 'brick-3', 'rapid-learning-app', 'serious-game', 'vr-hub', 'pedagogical-guide', 'dissemination-kit', 'final-evaluation-report']) {
      expect(kinds).toContain(kind);
    }
    const tools = engine.templateStep(t, 'digital-tools-delivery')!;
    expect(tools.assignee).toEqual({ kind: 'slot', slot: 'digital-contractor' });
    expect(tools.deliverables.every((d) => d.acceptance)).toBe(true);
    expect(tools.deliverables.find((d) => d.kind === 'serious-game')!.min).toBe(2);
    const slots = new Set(t.phases.flatMap((p) => p.steps).flatMap((s) => (s.assignee.kind === 'slot' ? [s.assignee.slot] : [])));
    expect([...slots].sort()).toEqual(['digital-contractor', 'evaluator', 'theatre-contractor']);
    expect(engine.templateStep(t, 'evaluation-final-report')).toMatchObject({ assignee: { kind: 'slot', slot: 'evaluator' }, milestone: true });
  });

  it('opens the evaluation only once the evaluation tender is awarded', () => {
    expect(engine.templatePhase(t, 'evaluation')!.gate!.requiresChildren).toEqual([{ child: 'tender-evaluation', milestone: 'awarded' }]);
    const state = start(t);
    for (const s of state.steps) if (s.phaseKey !== 'evaluation') s.status = 'completed';
    for (const p of state.phases) if (p.key !== 'evaluation') p.status = 'completed';
    engine.advance(t, state, NOW);
    expect(engine.phaseState(state, 'evaluation')!.status).toBe('awaiting_gate');
    state.children.push({ childKey: 'tender-evaluation', programmeId: 'prg_defi.tender-evaluation', templateKey: 'tender', title: 'Évaluation', status: 'active', milestones: ['consultation-sent', 'assessed'] });
    expect(approve(t, state, 'evaluation')).toMatchObject({ code: 'gate_children_pending' });
    state.children[0]!.milestones.push('awarded');
    expect(approve(t, state, 'evaluation')).toBeUndefined();
    expect(status(state, 'evaluation-interim-reports')).toBe('active');
  });

  it('refuses to open the Test phase without its training organisation', () => {
    const state = start(t);
    for (const s of state.steps.filter((s) => s.phaseKey === 'launch')) {
      for (const d of engine.templateStep(t, s.key)!.deliverables) deliver(t, state, s.key, d.kind);
    }
    for (const key of ['partner-mobilisation', 'framing-intellectual-property', 'framing-communication', 'framing-evaluation', 'partner-allocation']) {
      expect(complete(t, state, { actor: coordinator, stepKey: key })).toBeUndefined();
    }
    expect(engine.phaseState(state, 'test')!.status).toBe('awaiting_gate');
    expect(approve(t, state, 'test')).toMatchObject({ code: 'gate_capacity_below_minimum' });
    enrol(t, state, 'org_afpa', 'test');
    expect(approve(t, state, 'test')).toBeUndefined();
    expect(engine.stepState(state, 'bricks-run-test')!.status).toBe('pending');
    expect(complete(t, state, { actor: coordinator, stepKey: 'trainers-training-test' })).toBeUndefined();
    for (const kind of ['brick-1', 'brick-2', 'brick-3']) deliver(t, state, 'bricks-co-construction-test', kind);
    expect(complete(t, state, { actor: coordinator, stepKey: 'bricks-co-construction-test' })).toBeUndefined();
    expect(engine.stepState(state, 'bricks-run-test')!.assignee).toEqual({ kind: 'eachPartner', organisationIds: ['org_afpa'] });
  });
});

describe('ti-action-23 and ti-sector', () => {
  const parent = template('ti-action-23');
  const sector = template('ti-sector');

  it('opens sectors on demand, as many as needed, from the ti-sector template', () => {
    expect(parent.children).toEqual([
      expect.objectContaining({ key: 'sector', templateKey: 'ti-sector', start: 'byCoordinator', repeatable: true }),
    ]);
    const governance = engine.templatePhase(parent, 'governance')!;
    expect(governance.steps.filter((s) => s.key.startsWith('steering-committee')).length).toBeGreaterThanOrEqual(2);
    expect(governance.steps.some((s) => s.key.startsWith('operational-committee'))).toBe(true);
  });

  it('runs the four steps of the method in order, each waiting for the one before', () => {
    expect(sector.phases.map((p) => p.key)).toEqual(['diagnostic', 'analysis', 'experimentation', 'adaptation']);
    expect(sector.indicators.map((i) => i.key)).toEqual(['interviews', 'jobs-covered']);
    expect(engine.templateStep(sector, 'exploratory-interviews')!.indicator).toEqual({ key: 'interviews', atLeast: 1 });
    expect(engine.templateStep(sector, 'problem-statement')).toMatchObject({
      dependsOn: ['literature-watch', 'ecosystem-map', 'exploratory-interviews'],
      deliverables: [{ kind: 'problem-statement', acceptance: true }],
    });
    // Every step after the diagnostic's first three depends on a step before it.
    const steps = sector.phases.flatMap((p) => p.steps);
    const seen = new Set<string>();
    for (const s of steps) {
      if (!['literature-watch', 'ecosystem-map', 'exploratory-interviews'].includes(s.key)) {
        expect(s.dependsOn.length).toBeGreaterThan(0);
        for (const d of s.dependsOn) expect(seen.has(d)).toBe(true);
      }
      seen.add(s.key);
    }
  });

  it('needs interviews recorded and a validated problem statement to close the diagnostic', () => {
    const state = start(sector);
    expect(complete(sector, state, { actor: coordinator, stepKey: 'exploratory-interviews' })).toMatchObject({ code: 'indicator_below_target' });
    perform(engine.recordIndicator, sector, state, { actor: coordinator, key: 'interviews', increment: 46 }, NOW);
    expect(complete(sector, state, { actor: coordinator, stepKey: 'exploratory-interviews' })).toBeUndefined();
    expect(complete(sector, state, { actor: coordinator, stepKey: 'literature-watch' })).toBeUndefined();
    deliver(sector, state, 'ecosystem-map', 'ecosystem-map');
    expect(complete(sector, state, { actor: coordinator, stepKey: 'ecosystem-map' })).toBeUndefined();
    deliver(sector, state, 'problem-statement', 'problem-statement', coordinator, false);
    expect(complete(sector, state, { actor: coordinator, stepKey: 'problem-statement' })).toMatchObject({ code: 'deliverable_not_accepted' });
    expect(status(state, 'job-gestures-analysis')).toBe('pending');
  });
});

describe('cite-apprentie', () => {
  const t = template('cite-apprentie');

  it('follows each session up at 1, 3 and 6 months after the exit, and keeps chasing', () => {
    expect(t.indicators.map((i) => i.key)).toEqual(expect.arrayContaining(['young-people', 'followups-answered']));
    const followUps = [
      ['followup-1-month', 30],
      ['followup-3-months', 91],
      ['followup-6-months', 182],
    ] as const;
    for (const [key, days] of followUps) {
      const s = engine.templateStep(t, key)!;
      expect(s.assignee).toEqual({ kind: 'coordinator' });
      expect(s.due).toEqual({ from: 'stepCompleted', stepKey: 'exit', offset: { amount: days, unit: 'calendarDays' } });
      expect(s.reminders).toEqual({ unit: 'days', beforeDue: [7], onDue: true, overdueEvery: 7, escalateAfter: 3 });
    }
    expect(t.phases.flatMap((p) => p.steps).some((s) => s.assignee.kind === 'eachPartner')).toBe(false);
    const order = t.phases.flatMap((p) => p.steps).map((s) => s.key);
    expect(order.indexOf('info-meeting')).toBeLessThan(order.indexOf('session'));
    expect(order.indexOf('session')).toBeLessThan(order.indexOf('company-placement'));
    expect(order.indexOf('company-placement')).toBeLessThan(order.indexOf('exit'));
  });
});

describe('governance-cadence', () => {
  const t = template('governance-cadence');

  it('repeats for the programme’s life: a newsletter then a steering committee twice a year, four technical committees a year', () => {
    const steps = t.phases.flatMap((p) => p.steps);
    expect(steps.map((s) => [s.key, s.repeat && { every: s.repeat.every, unit: s.repeat.unit, until: s.repeat.until }])).toEqual([
      ['newsletter', { every: 6, unit: 'months', until: undefined }],
      ['steering-committee', { every: 6, unit: 'months', until: undefined }],
      ['technical-committee', { every: 3, unit: 'months', until: undefined }],
    ]);
    // Each newsletter comes before its steering committee, in the same month.
    const newsletter = steps[0]!.repeat!;
    const steering = steps[1]!.repeat!;
    expect(newsletter.startAfter).toBe(steering.startAfter);
    expect(newsletter.dayOfMonth!).toBeLessThan(steering.dayOfMonth!);
  });
});

describe('call-for-projects', () => {
  const t = template('call-for-projects');
  const dates = { 'submission-deadline': '2021-03-01T17:00:00.000Z' };
  const phaseStatus = (state: ProgrammeState) => Object.fromEntries(state.phases.map((p) => [p.key, p.status]));

  function throughSubmission(): ProgrammeState {
    const state = start(t, dates);
    expect(complete(t, state, { actor: coordinator, stepKey: 'partnership' })).toBeUndefined();
    expect(complete(t, state, { actor: coordinator, stepKey: 'application-file' })).toMatchObject({ code: 'deliverable_missing' });
    deliver(t, state, 'application-file', 'application-file');
    expect(complete(t, state, { actor: coordinator, stepKey: 'application-file' })).toBeUndefined();
    deliver(t, state, 'submission', 'submission-receipt');
    expect(complete(t, state, { actor: coordinator, stepKey: 'submission' })).toBeUndefined();
    expect(status(state, 'funder-answer')).toBe('active');
    return state;
  }

  it('records the funder’s answer, retained or not retained, named in French, on which the launch and the delivery hang', () => {
    expect(t.dateParams).toEqual(['submission-deadline']);
    expect(engine.templateStep(t, 'submission')!.due).toEqual({ from: 'param', param: 'submission-deadline' });
    expect(engine.templateStep(t, 'funder-answer')).toMatchObject({ outcomes: ['retained', 'not-retained'], dependsOn: ['submission'], milestone: true });
    expect(t.labels.outcomes).toEqual({ retained: { fr: 'Retenu', en: 'Retained' }, 'not-retained': { fr: 'Non retenu', en: 'Not retained' } });
    expect(t.phases.map((p) => [p.key, p.when?.outcome])).toEqual([
      ['applying', undefined],
      ['decision', undefined],
      ['launch', 'retained'],
      ['delivery', 'retained'],
    ]);
    expect(engine.templateStep(t, 'debrief')!.when).toEqual({ step: 'funder-answer', outcome: 'not-retained' });
  });

  it('retained: the answer needs an outcome, then the launch opens and the debrief is skipped; the programme ends with the final report', () => {
    const state = throughSubmission();
    expect(complete(t, state, { actor: coordinator, stepKey: 'funder-answer' })).toMatchObject({ code: 'invalid_outcome', params: { reason: 'outcome_required' } });
    expect(complete(t, state, { actor: coordinator, stepKey: 'funder-answer', outcome: 'retained' })).toBeUndefined();
    expect(engine.stepState(state, 'funder-answer')!.outcome).toBe('retained');
    expect(status(state, 'debrief')).toBe('skipped');
    expect(phaseStatus(state)).toEqual({ applying: 'completed', decision: 'completed', launch: 'active', delivery: 'pending' });
    expect(['funding-agreement', 'kick-off'].map((k) => status(state, k))).toEqual(['active', 'active']);
    for (const [step, kind] of [['funding-agreement', 'funding-agreement'], ['kick-off', 'kick-off-minutes']]) {
      deliver(t, state, step!, kind!);
      expect(complete(t, state, { actor: coordinator, stepKey: step! })).toBeUndefined();
    }
    expect(complete(t, state, { actor: coordinator, stepKey: 'actions-delivery' })).toBeUndefined();
    deliver(t, state, 'final-report', 'final-report');
    expect(complete(t, state, { actor: coordinator, stepKey: 'final-report' })).toBeUndefined();
    expect(phaseStatus(state)).toEqual({ applying: 'completed', decision: 'completed', launch: 'completed', delivery: 'completed' });
    expect(state.status).toBe('completed');
  });

  it('not retained: the debrief opens, the launch and the delivery are skipped with all their steps, and the programme ends with the debrief', () => {
    const state = throughSubmission();
    expect(complete(t, state, { actor: coordinator, stepKey: 'funder-answer', outcome: 'not-retained' })).toBeUndefined();
    expect(status(state, 'debrief')).toBe('active');
    expect(phaseStatus(state)).toEqual({ applying: 'completed', decision: 'active', launch: 'pending', delivery: 'pending' });
    expect(complete(t, state, { actor: coordinator, stepKey: 'debrief' })).toBeUndefined();
    expect(phaseStatus(state)).toEqual({ applying: 'completed', decision: 'completed', launch: 'skipped', delivery: 'skipped' });
    expect(['funding-agreement', 'kick-off', 'actions-delivery', 'final-report'].map((k) => status(state, k))).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
    expect(state.status).toBe('completed');
  });
});

describe('trades-event', () => {
  const t = template('trades-event');

  it('takes its indicator targets from La Voie des Talents 2021', () => {
    expect(t.indicators.map((i) => [i.key, i.target])).toEqual([
      ['registrations', 912],
      ['visitors', 900],
      ['speakers', 90],
      ['advisers', 50],
      ['offers-collected', 134],
      ['offering-organisations', 46],
      ['offers-space-visitors', 463],
      ['offer-applications', 164],
    ]);
    expect(t.phases.map((p) => p.key)).toEqual(['preparation', 'registrations', 'event', 'post-event-offers', 'review']);
    expect(t.dateParams).toEqual(['event-date']);
    expect(engine.templateStep(t, 'event-held')).toMatchObject({ due: { from: 'param', param: 'event-date' }, indicator: { key: 'visitors', atLeast: 1 }, milestone: true });
  });

  it('runs from the organising committee to the swarming kit, each count recorded before its step closes', () => {
    const state = start(t, { 'event-date': '2021-10-11T07:00:00.000Z' });
    deliver(t, state, 'organising-committee', 'event-concept');
    expect(complete(t, state, { actor: coordinator, stepKey: 'organising-committee' })).toBeUndefined();
    expect(complete(t, state, { actor: coordinator, stepKey: 'venue-and-agency' })).toBeUndefined();
    expect(status(state, 'speakers-briefing')).toBe('pending');
    expect(complete(t, state, { actor: coordinator, stepKey: 'speakers-mobilisation' })).toMatchObject({ code: 'indicator_below_target' });
    perform(engine.recordIndicator, t, state, { actor: coordinator, key: 'speakers', increment: 92 }, NOW);
    expect(complete(t, state, { actor: coordinator, stepKey: 'speakers-mobilisation' })).toBeUndefined();
    expect(complete(t, state, { actor: coordinator, stepKey: 'speakers-briefing' })).toBeUndefined();
    expect(engine.phaseState(state, 'registrations')!.status).toBe('active');

    expect(complete(t, state, { actor: coordinator, stepKey: 'event-communication' })).toBeUndefined();
    perform(engine.recordIndicator, t, state, { actor: coordinator, key: 'offers-collected', increment: 134 }, NOW);
    perform(engine.recordIndicator, t, state, { actor: coordinator, key: 'offering-organisations', increment: 46 }, NOW);
    expect(complete(t, state, { actor: coordinator, stepKey: 'offers-collection' })).toBeUndefined();
    expect(complete(t, state, { actor: coordinator, stepKey: 'registrations-close' })).toMatchObject({ code: 'indicator_below_target' });
    perform(engine.recordIndicator, t, state, { actor: coordinator, key: 'registrations', increment: 912 }, NOW);
    expect(complete(t, state, { actor: coordinator, stepKey: 'registrations-close' })).toBeUndefined();

    perform(engine.recordIndicator, t, state, { actor: coordinator, key: 'visitors', increment: 905 }, NOW);
    expect(complete(t, state, { actor: coordinator, stepKey: 'event-held' })).toBeUndefined();
    expect(state.milestones.map((m) => m.key)).toContain('event-held');
    perform(engine.recordIndicator, t, state, { actor: coordinator, key: 'offer-applications', increment: 164 }, NOW);
    expect(complete(t, state, { actor: coordinator, stepKey: 'offers-follow-up' })).toBeUndefined();

    deliver(t, state, 'media-coverage', 'press-review');
    expect(complete(t, state, { actor: coordinator, stepKey: 'media-coverage' })).toBeUndefined();
    deliver(t, state, 'event-review', 'event-review');
    expect(complete(t, state, { actor: coordinator, stepKey: 'event-review' })).toBeUndefined();
    expect(complete(t, state, { actor: coordinator, stepKey: 'swarming-kit' })).toMatchObject({ code: 'deliverable_missing' });
    deliver(t, state, 'swarming-kit', 'swarming-kit');
    expect(complete(t, state, { actor: coordinator, stepKey: 'swarming-kit' })).toBeUndefined();
    expect(state.status).toBe('completed');
    // Counts the steps do not wait for start at zero, to be recorded at the review.
    expect(state.indicators).toEqual({ speakers: 92, 'offers-collected': 134, 'offering-organisations': 46, registrations: 912, visitors: 905, 'offer-applications': 164, advisers: 0, 'offers-space-visitors': 0 });
  });
});

describe('label-renewal', () => {
  const t = template('label-renewal');

  it('needs the 11 criteria of the national specification met before the application closes', () => {
    expect(t.indicators).toEqual([expect.objectContaining({ key: 'criteria-met', target: 11 })]);
    expect(engine.templateStep(t, 'criteria-file')!.indicator).toEqual({ key: 'criteria-met', atLeast: 11 });
    const state = start(t, { 'renewal-deadline': '2021-03-31T16:00:00.000Z' });
    for (const key of ['network-consultation', 'perimeter', 'strategic-axes']) expect(complete(t, state, { actor: coordinator, stepKey: key })).toBeUndefined();
    expect(engine.phaseState(state, 'renewal-application')!.status).toBe('active');
    deliver(t, state, 'criteria-file', 'renewal-file');
    perform(engine.recordIndicator, t, state, { actor: coordinator, key: 'criteria-met', increment: 10 }, NOW);
    expect(complete(t, state, { actor: coordinator, stepKey: 'criteria-file' })).toMatchObject({ code: 'indicator_below_target' });
    perform(engine.recordIndicator, t, state, { actor: coordinator, key: 'criteria-met', increment: 1 }, NOW);
    expect(complete(t, state, { actor: coordinator, stepKey: 'criteria-file' })).toBeUndefined();
    expect(status(state, 'renewal-submission')).toBe('pending');
    deliver(t, state, 'action-plan', 'action-plan');
    expect(complete(t, state, { actor: coordinator, stepKey: 'action-plan' })).toBeUndefined();
    expect(complete(t, state, { actor: coordinator, stepKey: 'renewal-submission' })).toBeUndefined();
    expect(engine.templateStep(t, 'renewal-submission')!.due).toEqual({ from: 'param', param: 'renewal-deadline' });
  });

  it('once the label is granted, repeats the self-evaluation every year, each year its own step, for the label’s life', () => {
    expect(engine.templateStep(t, 'self-evaluation')!.repeat).toEqual({ every: 12, unit: 'months', startAfter: 12 });
    const state = start(t, { 'renewal-deadline': '2021-03-31T16:00:00.000Z' });
    for (const s of state.steps) if (s.phaseKey !== 'label-life') s.status = 'completed';
    for (const p of state.phases) if (p.key !== 'label-life') p.status = 'completed';
    engine.advance(t, state, NOW);
    expect(engine.phaseState(state, 'label-life')!.status).toBe('active');
    expect(engine.stepState(state, 'self-evaluation~1')).toMatchObject({ status: 'active', occurrence: { n: 1, on: '2022-01-04' } });
    expect(complete(t, state, { actor: coordinator, stepKey: 'self-evaluation~1' })).toMatchObject({ code: 'deliverable_missing' });
    deliver(t, state, 'self-evaluation~1', 'self-evaluation');
    expect(complete(t, state, { actor: coordinator, stepKey: 'self-evaluation~1' })).toBeUndefined();
    expect(engine.stepState(state, 'self-evaluation~2')).toMatchObject({ status: 'active', occurrence: { n: 2, on: '2023-01-04' } });
    expect(engine.phaseState(state, 'label-life')!.status).toBe('active');
    expect(state.status).toBe('active');
  });
});

describe('cleaning-sector-group', () => {
  const t = template('cleaning-sector-group');

  it('designs the event in four meetings, each after the one before, then holds a half-day event for about 80 participants', () => {
    const design = engine.templatePhase(t, 'design')!;
    expect(design.steps.map((s) => [s.key, s.dependsOn])).toEqual([
      ['preparatory-meeting-1', []],
      ['preparatory-meeting-2', ['preparatory-meeting-1']],
      ['preparatory-meeting-3', ['preparatory-meeting-2']],
      ['preparatory-meeting-4', ['preparatory-meeting-3']],
    ]);
    expect(t.indicators.map((i) => [i.key, i.target])).toEqual([
      ['event-participants', 80],
      ['charter-signatories', undefined],
    ]);
    expect(engine.templateStep(t, 'half-day-event')).toMatchObject({ indicator: { key: 'event-participants', atLeast: 1 }, milestone: true });
  });

  it('runs from the first meeting to the stock-taking meeting, the participants counted before the event closes', () => {
    const state = start(t);
    expect(status(state, 'preparatory-meeting-2')).toBe('pending');
    for (let n = 1; n <= 4; n++) {
      expect(complete(t, state, { actor: coordinator, stepKey: `preparatory-meeting-${n}` })).toMatchObject({ code: 'deliverable_missing' });
      deliver(t, state, `preparatory-meeting-${n}`, `meeting-minutes-${n}`);
      expect(complete(t, state, { actor: coordinator, stepKey: `preparatory-meeting-${n}` })).toBeUndefined();
    }
    expect(complete(t, state, { actor: coordinator, stepKey: 'event-invitations' })).toBeUndefined();
    expect(complete(t, state, { actor: coordinator, stepKey: 'half-day-event' })).toMatchObject({ code: 'indicator_below_target' });
    perform(engine.recordIndicator, t, state, { actor: coordinator, key: 'event-participants', increment: 80 }, NOW);
    perform(engine.recordIndicator, t, state, { actor: coordinator, key: 'charter-signatories', increment: 12 }, NOW);
    expect(complete(t, state, { actor: coordinator, stepKey: 'half-day-event' })).toBeUndefined();
    deliver(t, state, 'group-review', 'event-review');
    expect(complete(t, state, { actor: coordinator, stepKey: 'group-review' })).toBeUndefined();
    expect(complete(t, state, { actor: coordinator, stepKey: 'stock-taking-meeting' })).toBeUndefined();
    expect(state.status).toBe('completed');
    expect(state.indicators).toEqual({ 'event-participants': 80, 'charter-signatories': 12 });
  });
});

describe('reception-points', () => {
  const t = template('reception-points');
  const JULY_2021 = new Date('2021-07-05T09:00:00Z');
  const record = (state: ProgrammeState, input: engine.RecordIndicatorInput, at: Date) => {
    const refusal = checkWithValidator(engine.recordIndicator, t, state, input, at);
    if (!refusal) perform(engine.recordIndicator, t, state, input, at);
    return refusal;
  };

  it('counts in-person and telephone interviews every month per reception point, entered by the reception operator', () => {
    expect(t.indicators.map((i) => [i.key, i.period, i.dimensions?.map((d) => d.values.map((v) => v.name.fr)), i.recordedBy])).toEqual([
      ['in-person-interviews', 'month', [['Grésilles', 'Fontaine d’Ouche']], 'reception-operator'],
      ['phone-interviews', 'month', [['Grésilles', 'Fontaine d’Ouche']], 'reception-operator'],
    ]);
    expect(engine.templateStep(t, 'monthly-counts')).toMatchObject({ assignee: { kind: 'slot', slot: 'reception-operator' }, repeat: { every: 1, unit: 'months' } });
  });

  it('takes the seed’s first half of 2021 for Grésilles from the reception operator, and refuses another partner', () => {
    const state = start(t);
    expect(checkWithValidator(engine.enrolOrganisation, t, state, { actor: coordinator, organisationId: 'org_apsalc', phaseKey: 'set-up', slot: 'reception-operator' }, NOW)).toBeUndefined();
    perform(engine.enrolOrganisation, t, state, { actor: coordinator, organisationId: 'org_apsalc', phaseKey: 'set-up', slot: 'reception-operator' }, NOW);
    const seed: [string, number, number][] = [['2021-03', 312, 72], ['2021-04', 283, 73], ['2021-05', 297, 105], ['2021-06', 477, 129]];
    for (const [period, inPerson, phone] of seed) {
      const site = { site: 'gresilles' };
      expect(record(state, { actor: partner('org_apsalc'), key: 'in-person-interviews', value: inPerson, period, dimensions: site }, JULY_2021)).toBeUndefined();
      expect(record(state, { actor: partner('org_apsalc'), key: 'phone-interviews', value: phone, period, dimensions: site }, JULY_2021)).toBeUndefined();
    }
    // The seed's semester totals: 1,369 in person, 379 by telephone.
    expect(state.indicators).toEqual({ 'in-person-interviews': 1369, 'phone-interviews': 379 });
    expect(record(state, { actor: partner('org_other'), key: 'phone-interviews', value: 1, period: '2021-06', dimensions: { site: 'gresilles' } }, JULY_2021)).toMatchObject({
      code: 'not_allowed',
      params: { reason: 'indicator_recorded_by_role' },
    });
  });
});

describe('daq-2', () => {
  const t = template('daq-2');

  it('counts company meetings and shared offers against the seed’s 60 and 57, and visits and discovery days without a target', () => {
    expect(t.phases.map((p) => p.key)).toEqual(['scheme-appropriation', 'site-actions', 'jobs-forum', 'review']);
    expect(t.indicators.map((i) => [i.key, i.target])).toEqual([
      ['company-meetings', 60],
      ['shared-offers', 57],
      ['company-visits', undefined],
      ['discovery-days', undefined],
    ]);
    expect(engine.templateStep(t, 'company-meetings')!.indicator).toEqual({ key: 'company-meetings', atLeast: 60 });
    expect(engine.templateStep(t, 'shared-offers')!.indicator).toEqual({ key: 'shared-offers', atLeast: 57 });
  });

  it('runs from the partnership agreement to the next year’s actions, the meetings and offers counted before their steps close', () => {
    const state = start(t);
    expect(complete(t, state, { actor: coordinator, stepKey: 'partnership-agreement' })).toMatchObject({ code: 'deliverable_missing' });
    deliver(t, state, 'partnership-agreement', 'partnership-agreement');
    for (const key of ['partnership-agreement', 'daq-teams-meetings', 'discovery-sessions', 'steering-committee', 'needs-identification']) expect(complete(t, state, { actor: coordinator, stepKey: key })).toBeUndefined();
    deliver(t, state, 'offer-sharing-process', 'tracking-file');
    expect(complete(t, state, { actor: coordinator, stepKey: 'offer-sharing-process' })).toBeUndefined();
    expect(engine.phaseState(state, 'site-actions')!.status).toBe('active');

    perform(engine.recordIndicator, t, state, { actor: coordinator, key: 'company-meetings', increment: 59 }, NOW);
    expect(complete(t, state, { actor: coordinator, stepKey: 'company-meetings' })).toMatchObject({ code: 'indicator_below_target' });
    perform(engine.recordIndicator, t, state, { actor: coordinator, key: 'company-meetings', increment: 1 }, NOW);
    expect(complete(t, state, { actor: coordinator, stepKey: 'company-meetings' })).toBeUndefined();
    perform(engine.recordIndicator, t, state, { actor: coordinator, key: 'shared-offers', increment: 57 }, NOW);
    expect(complete(t, state, { actor: coordinator, stepKey: 'shared-offers' })).toBeUndefined();
    deliver(t, state, 'job-analysis', 'job-profiles');
    expect(complete(t, state, { actor: coordinator, stepKey: 'job-analysis' })).toBeUndefined();
    perform(engine.recordIndicator, t, state, { actor: coordinator, key: 'company-visits', increment: 1 }, NOW);
    expect(complete(t, state, { actor: coordinator, stepKey: 'company-visits' })).toBeUndefined();
    deliver(t, state, 'vine-to-wine-route', 'route-review');
    expect(complete(t, state, { actor: coordinator, stepKey: 'vine-to-wine-route' })).toBeUndefined();
    expect(complete(t, state, { actor: coordinator, stepKey: 'industry-discovery-days' })).toBeUndefined();
    perform(engine.recordIndicator, t, state, { actor: coordinator, key: 'discovery-days', increment: 3 }, NOW);
    expect(complete(t, state, { actor: coordinator, stepKey: 'discovery-days' })).toBeUndefined();

    expect(status(state, 'forum-held')).toBe('pending');
    expect(complete(t, state, { actor: coordinator, stepKey: 'forum-preparation' })).toBeUndefined();
    expect(complete(t, state, { actor: coordinator, stepKey: 'forum-held' })).toBeUndefined();
    deliver(t, state, 'review-at-steering-committee', 'review');
    expect(complete(t, state, { actor: coordinator, stepKey: 'review-at-steering-committee' })).toBeUndefined();
    expect(complete(t, state, { actor: coordinator, stepKey: 'next-actions' })).toBeUndefined();
    expect(state.status).toBe('completed');
    expect(state.indicators).toEqual({ 'company-meetings': 60, 'shared-offers': 57, 'company-visits': 1, 'discovery-days': 3 });
  });
});

describe('response', () => {
  const t = template('response');

  it('goes from the working group to the action plan, then the six actions, then the review', () => {
    expect(t.phases.map((p) => [p.key, p.steps.map((s) => s.key)])).toEqual([
      ['working-group', ['working-group-set-up', 'working-sessions']],
      ['action-plan', ['project-presentation', 'climate-fresco', 'action-plan']],
      ['promotion-actions', ['site-visits', 'placements', 'serious-game', 'get-smart-forum', 'speed-dating', 'social-clauses', 'clause-support']],
      ['review', ['strand-review']],
    ]);
    // The seed counts the professionals at the presentation (10); it gives no other count.
    expect(t.indicators.filter((i) => i.target !== undefined).map((i) => [i.key, i.target])).toEqual([['presentation-professionals', 10]]);
  });

  it('runs to the review, the support to the companies only once the clauses are in the contracts', () => {
    const state = start(t);
    for (const key of ['working-group-set-up', 'working-sessions', 'climate-fresco']) expect(complete(t, state, { actor: coordinator, stepKey: key })).toBeUndefined();
    expect(complete(t, state, { actor: coordinator, stepKey: 'project-presentation' })).toMatchObject({ code: 'indicator_below_target' });
    perform(engine.recordIndicator, t, state, { actor: coordinator, key: 'presentation-professionals', increment: 10 }, NOW);
    expect(complete(t, state, { actor: coordinator, stepKey: 'project-presentation' })).toBeUndefined();
    deliver(t, state, 'action-plan', 'action-plan');
    expect(complete(t, state, { actor: coordinator, stepKey: 'action-plan' })).toBeUndefined();
    expect(engine.phaseState(state, 'promotion-actions')!.status).toBe('active');
    expect(status(state, 'clause-support')).toBe('pending');
    for (const [key, indicator] of [['site-visits', 'site-visits'], ['placements', 'placements'], ['social-clauses', 'clause-works-sites']] as const) {
      perform(engine.recordIndicator, t, state, { actor: coordinator, key: indicator, increment: 1 }, NOW);
      expect(complete(t, state, { actor: coordinator, stepKey: key })).toBeUndefined();
    }
    deliver(t, state, 'serious-game', 'serious-game');
    for (const key of ['serious-game', 'get-smart-forum', 'speed-dating', 'clause-support']) expect(complete(t, state, { actor: coordinator, stepKey: key })).toBeUndefined();
    deliver(t, state, 'strand-review', 'strand-review');
    expect(complete(t, state, { actor: coordinator, stepKey: 'strand-review' })).toBeUndefined();
    expect(state.status).toBe('completed');
  });
});

describe('health-hub', () => {
  const t = template('health-hub');

  it('has its two tenders as sub-programmes filling the contractors’ roles, and its committees for the programme’s life', () => {
    expect(t.children.map((c) => [c.key, c.templateKey, c.start, c.fillsSlot])).toEqual([
      ['tender-escape-game', 'tender', 'withParent', 'escape-game-contractor'],
      ['tender-website', 'tender', 'withParent', 'website-contractor'],
    ]);
    expect(engine.templateStep(t, 'escape-game-delivery')!.assignee).toEqual({ kind: 'slot', slot: 'escape-game-contractor' });
    expect(engine.templateStep(t, 'steering-committee')!.repeat).toMatchObject({ every: 6, unit: 'months' });
    expect(engine.templateStep(t, 'technical-committee')!.repeat).toMatchObject({ every: 3, unit: 'months' });
    // Twice and four times a year, with no end: the last phase, which stays open.
    expect(t.phases.at(-1)!.steps.filter((s) => s.repeat).map((s) => [s.key, s.repeat!.until])).toEqual([
      ['steering-committee', undefined],
      ['technical-committee', undefined],
    ]);
    expect(t.indicators.map((i) => [i.key, i.target])).toEqual([
      ['launch-participants', 30],
      ['companies-surveyed', 16],
      ['pilot-companies', 5],
    ]);
  });

  it('holds its committees from March alongside the action plan, which completes while the hub stays active', () => {
    const state = start(t);
    expect(complete(t, state, { actor: coordinator, stepKey: 'steering-tools' })).toBeUndefined();
    perform(engine.recordIndicator, t, state, { actor: coordinator, key: 'launch-participants', increment: 30 }, NOW);
    expect(complete(t, state, { actor: coordinator, stepKey: 'launch-event' })).toBeUndefined();
    deliver(t, state, 'partnership-agreement', 'partnership-agreement');
    expect(complete(t, state, { actor: coordinator, stepKey: 'partnership-agreement' })).toBeUndefined();
    expect(engine.phaseState(state, 'action-plan')!.status).toBe('active');
    expect(engine.stepState(state, 'steering-committee~1')).toMatchObject({ status: 'active', occurrence: { n: 1, on: '2021-03-15' } });
    expect(engine.stepState(state, 'technical-committee~1')).toMatchObject({ status: 'active', occurrence: { n: 1, on: '2021-03-02' } });

    deliver(t, state, 'visual-identity', 'visual-identity');
    expect(complete(t, state, { actor: coordinator, stepKey: 'visual-identity' })).toBeUndefined();
    expect(complete(t, state, { actor: coordinator, stepKey: 'survey-framework' })).toBeUndefined();
    deliver(t, state, 'skills-survey', 'survey-report');
    perform(engine.recordIndicator, t, state, { actor: coordinator, key: 'companies-surveyed', increment: 15 }, NOW);
    expect(complete(t, state, { actor: coordinator, stepKey: 'skills-survey' })).toMatchObject({ code: 'indicator_below_target' });
    perform(engine.recordIndicator, t, state, { actor: coordinator, key: 'companies-surveyed', increment: 1 }, NOW);
    expect(complete(t, state, { actor: coordinator, stepKey: 'skills-survey' })).toBeUndefined();
    deliver(t, state, 'escape-game-delivery', 'escape-game-boxes');
    expect(complete(t, state, { actor: coordinator, stepKey: 'escape-game-delivery' })).toBeUndefined();
    deliver(t, state, 'website-online', 'website');
    expect(complete(t, state, { actor: coordinator, stepKey: 'website-online' })).toBeUndefined();
    expect(complete(t, state, { actor: coordinator, stepKey: 'recruitment-study' })).toBeUndefined();
    perform(engine.recordIndicator, t, state, { actor: coordinator, key: 'pilot-companies', increment: 5 }, NOW);
    expect(complete(t, state, { actor: coordinator, stepKey: 'recruitment-experiment' })).toBeUndefined();
    deliver(t, state, 'experiment-restitution', 'restitution-report');
    expect(complete(t, state, { actor: coordinator, stepKey: 'experiment-restitution' })).toBeUndefined();

    deliver(t, state, 'steering-committee~1', 'steering-minutes');
    expect(complete(t, state, { actor: coordinator, stepKey: 'steering-committee~1' })).toBeUndefined();
    expect(engine.stepState(state, 'steering-committee~2')).toMatchObject({ status: 'active', occurrence: { n: 2, on: '2021-09-15' } });
    expect(engine.phaseState(state, 'action-plan')!.status).toBe('active');
    expect(state.status).toBe('active');
  });
});

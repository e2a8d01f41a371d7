import { definitionKey } from '../../domain/step-row-key';
import { createOrganisation, type Harness } from './harness';

type Api = { call(method: string, url: string, opts?: { token?: string; body?: unknown }): Promise<{ status: number; body: any }> };

/**
 * Drives a programme to the end through the public API, as a diligent coordinator would, using
 * only what the API shows: it enrols organisations where a phase needs them, adds and accepts the
 * deliverables each step expects, records indicators up to their thresholds, answers tenders
 * (consultation, bids, scores, award), records the first outcome of a step that lists outcomes,
 * passes gates (driving the sub-programme a gate waits for) and completes every step. It knows no
 * template by name, so it proves the lifecycles carry themselves. Every refusal on the way fails the test with the workflow's reason.
 */
export async function driveToCompletion(h: Harness, api: Api, token: string, programmeId: string, opts: { until?: (view: any) => boolean; maxRounds?: number; log?: string[] } = {}): Promise<any> {
  const log = opts.log ?? [];
  const must = async (method: string, url: string, body?: unknown) => {
    const res = await api.call(method, url, { token, body });
    if (res.status >= 300) throw new Error(`${method} ${url} ${JSON.stringify(body)} → ${res.status} ${res.body?.code}: ${res.body?.detail}`);
    log.push(`${method} ${url.replace(`/api/v1/programmes/${programmeId}`, '')}`);
    return res.body;
  };
  const base = `/api/v1/programmes/${programmeId}`;
  const newOrg = () => createOrganisation(h, undefined, 'contractor');
  for (let round = 0; round < (opts.maxRounds ?? 200); round++) {
    const view = await must('GET', base);
    if (view.status === 'completed' || opts.until?.(view)) return view;
    if (view.status !== 'active') throw new Error(`programme ${programmeId} is ${view.status}`);
    const phase = view.phases.find((p: any) => p.status === 'awaiting_gate' || p.status === 'active');
    if (!phase) throw new Error(`no open phase in ${programmeId}`);
    // Organisations a phase needs (capacity minimum; three providers for a consultation).
    const needsProviders = phase.steps.some((s: any) => s.status !== 'completed') && (await moduleOf(h, view, phase.key)).includes('tender-consultation');
    const wanted = Math.max(phase.capacity?.min ?? 0, needsProviders ? 3 : 0, phase.capacity && phase.steps.some((s: any) => s.assignee.kind === 'eachPartner') ? 1 : 0);
    if (phase.capacity && phase.capacity.enrolled < wanted) {
      await must('POST', `${base}/partners`, { organisationId: await newOrg(), phaseKey: phase.key });
      continue;
    }
    if (phase.status === 'awaiting_gate') {
      const gate = await gateRequirements(h, view, phase.key);
      for (const req of gate) {
        const child = view.children.find((c: any) => c.childKey === req.child);
        if (child) await driveToCompletion(h, api, token, child.id, { until: (v) => (req.milestone ? v.milestones.some((m: any) => m.key === req.milestone) : false), log });
      }
      await waitForChildren(api, token, base, gate);
      await must('POST', `${base}/phases/${phase.key}/approve`);
      continue;
    }
    const step = phase.steps.find((s: any) => s.status === 'active');
    if (!step) throw new Error(`phase ${phase.key} of ${programmeId} is active with no active step`);
    await completeStep(h, api, token, view, step, must, newOrg);
  }
  throw new Error(`programme ${programmeId} did not finish`);
}

async function completeStep(h: Harness, api: Api, token: string, view: any, step: any, must: (m: string, u: string, b?: unknown) => Promise<any>, newOrg: () => Promise<string>) {
  const base = `/api/v1/programmes/${view.id}/steps/${step.key}`;
  const template = await templateStep(h, view, step.key);
  if (step.assignee.kind === 'unassigned') {
    await must('PATCH', base, { assignee: await newOrg() });
    return;
  }
  const parts: (string | undefined)[] = step.assignee.kind === 'eachPartner' ? step.assignee.organisationIds.filter((o: string) => !step.parts[o]) : [undefined];
  if (template.indicator) {
    const current = view.indicators.find((i: any) => i.key === template.indicator.key)?.actual ?? 0;
    if (current < template.indicator.atLeast) await must('POST', `/api/v1/programmes/${view.id}/indicators/${template.indicator.key}`, { value: template.indicator.atLeast });
  }
  for (const organisationId of parts) {
    for (const req of step.expectedDeliverables) {
      const have = step.deliverables.filter((d: any) => d.kind === req.kind && d.status !== 'rejected' && (!organisationId || d.organisationId === organisationId));
      for (let i = have.length; i < req.min; i++) {
        const d = await must('POST', `${base}/deliverables`, { title: `${req.label} ${i + 1}`, url: `https://example.org/${view.id}/${step.key}/${req.kind}-${i + 1}.pdf`, kind: req.kind, ...(organisationId ? { organisationId } : {}) });
        if (req.acceptance) await must('POST', `${base}/deliverables/${d.id}/review`, { decision: 'accepted' });
      }
      for (const d of have.filter((x: any) => req.acceptance && x.status === 'submitted')) await must('POST', `${base}/deliverables/${d.id}/review`, { decision: 'accepted' });
    }
    const data = await moduleData(template, view);
    // A step that records an outcome (issue 19) gets its first one, the branch the template's preview assumes.
    const outcome: string | undefined = template.outcomes?.[0];
    await must('POST', `${base}/complete`, { note: 'autopilote', ...(organisationId ? { organisationId } : {}), ...(data ? { data } : {}), ...(outcome ? { outcome } : {}) });
  }
}

async function moduleData(template: any, view: any): Promise<Record<string, unknown> | undefined> {
  const name = template.module?.name;
  if (name === 'tender-assessment') {
    const bids = view.phases.flatMap((p: any) => p.steps).find((s: any) => s.key === (template.module.config.bidsStep ?? 'answers'));
    const bidders = [...new Set<string>(bids.deliverables.filter((d: any) => d.status !== 'rejected').map((d: any) => d.organisationId))];
    const criteria = (template.module.config.criteria ?? []) as { key: string }[];
    return { scores: Object.fromEntries(bidders.map((b, i) => [b, Object.fromEntries(criteria.map((c) => [c.key, 15 - i]))])) };
  }
  if (name === 'tender-award') return { winner: (view.moduleState.tender as { ranking: { organisationId: string }[] }).ranking[0]!.organisationId };
  return undefined;
}

const templates = new Map<string, any>();
async function templateOf(h: Harness, view: any): Promise<any> {
  const id = `${view.templateKey}@${view.templateVersion}`;
  if (!templates.has(id)) templates.set(id, (await h.prisma.template.findUniqueOrThrow({ where: { key_version: { key: view.templateKey, version: view.templateVersion } } })).definition);
  return templates.get(id);
}
/** The template step of a programme step; an occurrence of a recurring step (`key~n`, issue 19) has its series' definition. */
async function templateStep(h: Harness, view: any, key: string) {
  return (await templateOf(h, view)).phases.flatMap((p: any) => p.steps).find((s: any) => s.key === definitionKey(key));
}
async function moduleOf(h: Harness, view: any, phaseKey: string): Promise<string[]> {
  return (await templateOf(h, view)).phases.find((p: any) => p.key === phaseKey).steps.map((s: any) => s.module?.name).filter(Boolean);
}
async function gateRequirements(h: Harness, view: any, phaseKey: string): Promise<{ child: string; milestone?: string }[]> {
  return (await templateOf(h, view)).phases.find((p: any) => p.key === phaseKey).gate?.requiresChildren ?? [];
}

/** The parent hears of a child's milestone by signal: wait until its view shows it. */
async function waitForChildren(api: Api, token: string, base: string, gate: { child: string; milestone?: string }[]) {
  for (let i = 0; i < 100; i++) {
    const view = (await api.call('GET', base, { token })).body;
    const met = gate.every((req) => {
      const child = view.children.find((c: any) => c.childKey === req.child);
      return child && (req.milestone ? child.milestones.includes(req.milestone) : child.status === 'completed');
    });
    if (met) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the gate’s sub-programmes never reported');
}

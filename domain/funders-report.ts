/**
 * The funders' report of one programme over a period (*bilan pour les financeurs*): actions done,
 * milestones with their dates, deliverables accepted, indicators against targets (by month and
 * quarter), partners enrolled per phase, each tender's compliance record, late steps with their
 * delays. Built from the projected states (the programme, its tender sub-programmes) and the
 * audit events, filtered by the one visibility rule (domain/visibility.ts). Pure: no I/O.
 */
import { parisDateToInstant, toParisDate } from './calendar';
import { parisDaysBetween, parisMonthOf } from './french-dates';
import { formatPeriod } from './paris-format';
import { periodsBetween, previousYearPeriod, totalOfPeriod, indicatorCells } from './indicator-periods';
import type { AuditEvent, ProgrammeState, ProgrammeStatus, StepState } from './programme-state';
import type { Template, TemplateLabels } from './template-schema';
import { labelText, resolveTemplateLabels } from './template-labels';
import { canSeeDeliverable, confidentialScope, seesConfidential, visibleEnrolments, visibleParts, type Viewer } from './visibility';
import { isPastDue } from './lateness';

/** Every French word the exports print (the web page has its own catalogue, web/src/i18n/fr.ts). */
export const REPORT_LABELS = {
  title: 'Bilan pour les financeurs',
  period: 'Période',
  from: 'du',
  to: 'au',
  generatedAt: 'Édité le',
  programme: 'Programme',
  template: 'Modèle',
  status: 'Statut',
  startDate: 'Date de démarrage',
  summary: 'Synthèse',
  actions: 'Actions réalisées',
  milestones: 'Jalons',
  deliverables: 'Livrables acceptés',
  indicators: 'Indicateurs',
  indicatorsByMonth: 'Indicateurs par mois',
  indicatorsByPeriod: 'Indicateurs saisis par période',
  enrolments: 'Partenaires inscrits par phase',
  tenders: 'Consultations et marchés',
  tenderScores: 'Notes des offres',
  lateSteps: 'Étapes en retard',
  none: 'Aucun élément sur la période.',
  sealed: 'Consultation en cours : les offres, les candidats et les notes sont réservés à l’équipe du programme jusqu’à l’attribution.',
  columns: {
    phase: 'Phase',
    step: 'Étape',
    completedAt: 'Réalisée le',
    by: 'Par',
    organisation: 'Organisme',
    milestone: 'Jalon',
    dueDate: 'Échéance',
    reachedAt: 'Atteint le',
    state: 'État',
    deliverable: 'Livrable',
    acceptedAt: 'Accepté le',
    indicator: 'Indicateur',
    unit: 'Unité',
    target: 'Objectif',
    valueAtEnd: 'Réalisé en fin de période',
    change: 'Évolution sur la période',
    rate: 'Taux d’atteinte (%)',
    month: 'Mois',
    quarter: 'Trimestre',
    period: 'Période',
    periodValue: 'Réalisé',
    targetPerPeriod: 'Objectif de la période',
    previousYear: 'Même période un an plus tôt',
    capacity: 'Capacité',
    enrolledAt: 'Inscrit le',
    tender: 'Consultation',
    status: 'Statut',
    specification: 'Cahier des charges',
    providers: 'Prestataires consultés',
    providersCount: 'Nombre consultés',
    deadline: 'Date limite des réponses',
    answers: 'Réponses reçues',
    answersOnTime: 'Réponses dans les délais',
    criteria: 'Critères (pondération)',
    winner: 'Titulaire',
    awardedAt: 'Attribué le',
    notifiedAt: 'Notifié le',
    contractSignedAt: 'Contrat signé le',
    compliance: 'Conformité',
    bidder: 'Candidat',
    receivedAt: 'Reçue le',
    onTime: 'Dans les délais',
    total: 'Note pondérée /20',
    rank: 'Rang',
    daysLate: 'Retard (jours)',
  },
  yes: 'oui',
  no: 'non',
  programmeStatus: { active: 'En cours', paused: 'En pause', completed: 'Terminé', cancelled: 'Annulé' } satisfies Record<ProgrammeStatus, string>,
  milestoneState: { reached: 'Atteint', reached_late: 'Atteint en retard', late: 'En retard', planned: 'Prévu' },
  lateState: { done: 'Réalisée en retard', open: 'Toujours ouverte' },
  criteria: { price: 'Prix', technical: 'Valeur technique' } as Record<string, string>,
  compliance: {
    providers: (n: number, min: number) => `${n} prestataire${n > 1 ? 's' : ''} consulté${n > 1 ? 's' : ''} (minimum ${min})`,
    lateAnswers: (n: number) => `${n} réponse${n > 1 ? 's' : ''} hors délai`,
    allOnTime: 'toutes les réponses reçues dans les délais',
    scored: 'chaque offre notée sur chaque critère',
    notScored: 'offres non encore notées',
    bestWins: 'titulaire classé premier',
    notBest: 'titulaire non classé premier',
    notified: 'candidats notifiés',
    notNotified: 'notification non encore envoyée',
  },
} as const;

export interface ReportPeriod {
  /** YYYY-MM-DD, Paris days, both included. */
  from: string;
  to: string;
}

export interface ReportNames {
  organisations: Map<string, string>;
  users: Map<string, string>;
}

export interface ReportProgramme {
  template: Template;
  state: ProgrammeState;
  viewer: Viewer;
  /** The programme's audit events (indicator.recorded, deliverable.accepted are read). */
  events: AuditEvent[];
  /** Names of the template's roles and module milestones (templates/labels.ts `labelsOf`); the template's own when absent. */
  labels?: TemplateLabels;
}

export interface TenderRecord {
  programmeId: string;
  title: string;
  status: ProgrammeStatus;
  /** Bids, bidders and scores withheld from this reader (sealed tender, outside its team). */
  sealed: boolean;
  specificationAt: string | null;
  consultationSentAt: string | null;
  minProviders: number;
  providers: string[] | null;
  answersDeadline: string | null;
  answers: { organisation: string; receivedAt: string; onTime: boolean }[] | null;
  criteria: { key: string; label: string; weight: number }[];
  scores: { organisation: string; rank: number; byCriterion: Record<string, number | null>; total: number }[] | null;
  winner: string | null;
  awardedAt: string | null;
  notifiedAt: string | null;
  contractSignedAt: string | null;
  /** French sentences, one per check (providers, deadline, scoring, award, notification). */
  compliance: string[];
}

export interface FundersReport {
  agencyName: string;
  /** The agency's logo as a data: URI (PNG or JPEG), when configured (AGENCY_LOGO). */
  agencyLogo?: string | null;
  generatedAt: string;
  period: ReportPeriod;
  programme: { id: string; title: string; templateName: string; status: ProgrammeStatus; statusLabel: string; startDate: string };
  actions: { phase: string; step: string; organisation: string | null; completedAt: string; by: string | null }[];
  milestones: { name: string; dueAt: string | null; reachedAt: string | null; state: keyof typeof REPORT_LABELS.milestoneState; stateLabel: string }[];
  deliverables: { step: string; title: string; organisation: string | null; acceptedAt: string }[];
  indicators: {
    key: string;
    name: string;
    unit: string | null;
    target: number | null;
    valueAtEnd: number;
    change: number;
    /** Value at the end of the period against the target, in %, rounded. */
    rate: number | null;
    byMonth: { month: string; change: number; valueAtEnd: number }[];
    byQuarter: { quarter: string; change: number; valueAtEnd: number }[];
    /** A periodic indicator (issue 19): its count per period of the report, against its target per period and the same period a year earlier. */
    periods: { period: string; label: string; value: number; target: number | null; previousYear: number | null; byDimension: { name: string; value: number }[] }[];
  }[];
  enrolments: { phase: string; capacity: { min: number; max: number } | null; organisations: { name: string; enrolledAt: string; slot: string | null; role: string | null }[] }[];
  tenders: TenderRecord[];
  lateSteps: { phase: string; step: string; organisation: string | null; dueAt: string; completedAt: string | null; daysLate: number; state: 'done' | 'open'; stateLabel: string }[];
}

const nameOf = (map: Map<string, string>, id: string | undefined | null) => (id ? (map.get(id) ?? id) : null);

/** The instants bounding a period of Paris days: [start of `from`, start of the day after `to`). */
export function periodBounds(period: ReportPeriod): { start: Date; end: Date } {
  const next = new Date(Date.parse(`${period.to}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return { start: parisDateToInstant(period.from, '00:00'), end: parisDateToInstant(next, '00:00') };
}

function within(at: string | undefined, start: Date, end: Date): at is string {
  if (!at) return false;
  const t = Date.parse(at);
  return t >= start.getTime() && t < end.getTime();
}

function stepDefinitions(template: Template) {
  const defs = new Map<string, { name: string; phase: string; milestone: boolean; module?: { name: string; config: Record<string, unknown> } }>();
  for (const phase of template.phases) {
    for (const s of phase.steps) defs.set(s.key, { name: s.name.fr, phase: phase.name.fr, milestone: s.milestone, module: s.module && { name: s.module.name, config: (s.module.config ?? {}) as Record<string, unknown> } });
  }
  return defs;
}

function stepWithModule(template: Template, state: ProgrammeState, module: string): { step: StepState | undefined; config: Record<string, unknown> } | undefined {
  for (const phase of template.phases) {
    for (const s of phase.steps) {
      if (s.module?.name === module) return { step: state.steps.find((x) => x.key === s.key), config: (s.module.config ?? {}) as Record<string, unknown> };
    }
  }
  return undefined;
}

/** Whether a programme is a tender (its template uses the tender modules). */
export function isTender(template: Template): boolean {
  return template.phases.some((p) => p.steps.some((s) => s.module?.name === 'tender-award' || s.module?.name === 'tender-bids'));
}

/** One tender's compliance record, as this reader may see it. */
export function buildTenderRecord(source: ReportProgramme, names: ReportNames): TenderRecord {
  const { template, state, viewer } = source;
  const scope = confidentialScope(template, state);
  const sees = seesConfidential(viewer, scope);
  const tender = (state.moduleState.tender ?? {}) as { consulted?: string[]; ranking?: { organisationId: string; score: number }[]; winner?: string };
  const consultation = stepWithModule(template, state, 'tender-consultation');
  const bids = stepWithModule(template, state, 'tender-bids');
  const assessment = stepWithModule(template, state, 'tender-assessment');
  const award = stepWithModule(template, state, 'tender-award');
  const minProviders = typeof consultation?.config.minProviders === 'number' ? consultation.config.minProviders : 3;
  const criteria = (Array.isArray(assessment?.config.criteria) ? (assessment.config.criteria as { key: string; weight: number }[]) : []).map((c) => ({
    key: c.key,
    label: REPORT_LABELS.criteria[c.key] ?? c.key,
    weight: c.weight,
  }));
  const milestoneAt = (key: string) => state.milestones.find((m) => m.key === key)?.at ?? null;
  const completedAt = (key: string) => state.steps.find((s) => s.key === key && s.status === 'completed')?.completedAt ?? null;

  const deadline = bids?.step?.dueAt ?? null;
  const firstBid = new Map<string, string>();
  for (const d of bids?.step?.deliverables ?? []) {
    if (d.status === 'rejected' || !d.organisationId) continue;
    const seen = firstBid.get(d.organisationId);
    if (!seen || Date.parse(d.addedAt) < Date.parse(seen)) firstBid.set(d.organisationId, d.addedAt);
  }
  const answers = [...firstBid.entries()]
    .map(([org, at]) => ({ organisation: nameOf(names.organisations, org)!, receivedAt: at, onTime: !deadline || Date.parse(at) <= Date.parse(deadline) }))
    .sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt) || a.organisation.localeCompare(b.organisation));
  const consulted = tender.consulted?.length ? tender.consulted : (state.phases.find((p) => scope.providerPhases.has(p.key))?.enrolled ?? []).filter((e) => !e.slot).map((e) => e.organisationId);
  const given = ((assessment?.step?.data ?? {}) as { scores?: Record<string, Record<string, number>> }).scores ?? {};
  const scores = (tender.ranking ?? []).map((r, i) => ({
    organisation: nameOf(names.organisations, r.organisationId)!,
    rank: i + 1,
    byCriterion: Object.fromEntries(criteria.map((c) => [c.key, typeof given[r.organisationId]?.[c.key] === 'number' ? given[r.organisationId]![c.key]! : null])),
    total: r.score,
  }));
  const awardedAt = milestoneAt('awarded') ?? (award?.step?.completedAt || null);
  const notifiedAt = completedAt('notify');

  const compliance: string[] = [];
  const c = REPORT_LABELS.compliance;
  if (sees) {
    compliance.push(c.providers(consulted.length, minProviders));
    if (answers.length) {
      const late = answers.filter((a) => !a.onTime).length;
      compliance.push(late ? c.lateAnswers(late) : c.allOnTime);
    }
    if (scores.length) compliance.push(scores.every((s) => Object.values(s.byCriterion).every((v) => v !== null)) ? c.scored : c.notScored);
    else if (answers.length) compliance.push(c.notScored);
    // A winner entered as history without the scores (issue 20) says nothing about its rank.
    if (tender.winner && tender.ranking?.length) compliance.push(tender.ranking[0]?.organisationId === tender.winner ? c.bestWins : c.notBest);
  }
  if (tender.winner) compliance.push(notifiedAt ? c.notified : c.notNotified);

  return {
    programmeId: state.programmeId,
    title: state.title,
    status: state.status,
    sealed: !sees,
    specificationAt: completedAt('write-specification'),
    consultationSentAt: milestoneAt('consultation-sent') ?? (consultation?.step?.completedAt || null),
    minProviders,
    providers: sees ? consulted.map((o) => nameOf(names.organisations, o)!) : null,
    answersDeadline: deadline,
    answers: sees ? answers : null,
    criteria,
    scores: sees ? scores : null,
    winner: sees ? nameOf(names.organisations, tender.winner) : null,
    awardedAt,
    notifiedAt,
    contractSignedAt: completedAt('contract-signed'),
    compliance,
  };
}

/**
 * A periodic indicator's counts for each of its periods that overlap the report's (issue 19): the
 * current value of every cell (corrections applied), per dimension value, with the target and the
 * same period a year earlier. Empty for an indicator without a period.
 */
function periodicFigures(def: Template['indicators'][number], state: ProgrammeState, period: ReportPeriod): FundersReport['indicators'][number]['periods'] {
  if (!def.period) return [];
  const entries = state.indicatorEntries?.[def.key] ?? [];
  const cells = indicatorCells(entries);
  const dimension = def.dimensions?.[0];
  return periodsBetween(def.period, period.from, period.to).map((p) => {
    const previous = previousYearPeriod(p);
    const previousYear = cells.some((c) => c.period === previous) ? totalOfPeriod(entries, previous) : null;
    return {
      period: p,
      label: formatPeriod(p, 'fr'),
      value: totalOfPeriod(entries, p),
      target: def.targetPerPeriod ?? null,
      previousYear,
      // The first dimension's values (a site); a second dimension is summed within each.
      byDimension: (dimension?.values ?? []).map((v) => ({
        name: v.name.fr,
        value: cells.filter((c) => c.period === p && c.dimensions[dimension!.key] === v.key).reduce((sum, c) => sum + c.current.value, 0),
      })),
    };
  });
}

function quarterOf(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return `T${Math.ceil(m / 3)} ${year}`;
}

function monthsOf(period: ReportPeriod): string[] {
  const months: string[] = [];
  let [year, month] = period.from.slice(0, 7).split('-').map(Number) as [number, number];
  const last = period.to.slice(0, 7);
  for (;;) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    months.push(key);
    if (key >= last || months.length > 240) break;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

/**
 * The report. `children` are the programme's tender sub-programmes (each with its own viewer:
 * the team of a tender is its parent's team and its own). `now` decides what is late today.
 */
export function buildFundersReport(input: {
  agencyName: string;
  period: ReportPeriod;
  now: Date;
  programme: ReportProgramme;
  children: ReportProgramme[];
  names: ReportNames;
}): FundersReport {
  const { programme, names, period, now } = input;
  const { template, state, viewer, events } = programme;
  const { start, end } = periodBounds(period);
  const asOf = new Date(Math.min(now.getTime(), end.getTime() - 1));
  const scope = confidentialScope(template, state);
  const defs = stepDefinitions(template);

  // Actions done: steps completed in the period, and the parts of "each partner" steps.
  const actions: FundersReport['actions'] = [];
  for (const step of state.steps) {
    const def = defs.get(step.key);
    if (!def) continue;
    if (step.assignee.kind === 'eachPartner') {
      for (const [org, part] of Object.entries(visibleParts(scope, step, step.parts, viewer))) {
        if (within(part.at, start, end)) actions.push({ phase: def.phase, step: def.name, organisation: nameOf(names.organisations, org), completedAt: part.at, by: nameOf(names.users, part.by) });
      }
      if (step.status === 'completed' && within(step.completedAt, start, end) && Object.keys(step.parts).length === 0) {
        actions.push({ phase: def.phase, step: def.name, organisation: null, completedAt: step.completedAt, by: nameOf(names.users, step.completedBy) });
      }
      continue;
    }
    if (step.status === 'completed' && within(step.completedAt, start, end)) {
      const org = step.onBehalfOf ?? (step.assignee.kind === 'organisation' ? step.assignee.organisationId : undefined);
      actions.push({ phase: def.phase, step: def.name, organisation: nameOf(names.organisations, org), completedAt: step.completedAt, by: nameOf(names.users, step.completedBy) });
    }
  }
  actions.sort((a, b) => Date.parse(a.completedAt) - Date.parse(b.completedAt) || a.step.localeCompare(b.step));

  // Milestones: milestone steps reached in the period or due by its end, and module milestones reached in it.
  const milestones: FundersReport['milestones'] = [];
  for (const step of state.steps) {
    const def = defs.get(step.key);
    if (!def?.milestone || step.status === 'cancelled') continue;
    const reachedAt = step.status === 'completed' ? (step.completedAt ?? null) : null;
    const dueAt = step.dueAt ?? null;
    const inPeriod = reachedAt ? within(reachedAt, start, end) : Boolean(dueAt && Date.parse(dueAt) < end.getTime());
    if (!inPeriod) continue;
    const late = dueAt !== null && isPastDue(dueAt, reachedAt ? new Date(reachedAt) : asOf);
    const stateKey = reachedAt ? (late ? 'reached_late' : 'reached') : late ? 'late' : 'planned';
    milestones.push({ name: def.name, dueAt, reachedAt, state: stateKey, stateLabel: REPORT_LABELS.milestoneState[stateKey] });
  }
  const labels = programme.labels ?? resolveTemplateLabels(template);
  for (const m of state.milestones) {
    const label = labels.milestones[m.key] && labelText(labels, 'milestones', m.key);
    if (label && within(m.at, start, end)) milestones.push({ name: label, dueAt: null, reachedAt: m.at, state: 'reached', stateLabel: REPORT_LABELS.milestoneState.reached });
  }
  // Sub-programmes' milestones (a tender awarded), named after the sub-programme.
  for (const child of input.children) {
    const childLabels = child.labels ?? resolveTemplateLabels(child.template);
    for (const m of child.state.milestones) {
      const label = childLabels.milestones[m.key] && labelText(childLabels, 'milestones', m.key);
      if (label && m.key === 'awarded' && within(m.at, start, end)) milestones.push({ name: `${label} — ${child.state.title}`, dueAt: null, reachedAt: m.at, state: 'reached', stateLabel: REPORT_LABELS.milestoneState.reached });
    }
  }
  milestones.sort((a, b) => Date.parse(a.reachedAt ?? a.dueAt ?? '') - Date.parse(b.reachedAt ?? b.dueAt ?? ''));

  // Deliverables accepted in the period (the acceptance event dates them).
  const deliverables: FundersReport['deliverables'] = [];
  for (const e of events) {
    if (e.type !== 'deliverable.accepted' || !within(e.at, start, end)) continue;
    const step = state.steps.find((s) => s.key === e.data.stepKey);
    const d = step?.deliverables.find((x) => x.id === e.data.deliverableId);
    if (!step || !d || !canSeeDeliverable(scope, step, d, viewer)) continue;
    deliverables.push({ step: defs.get(step.key)?.name ?? step.key, title: d.title, organisation: nameOf(names.organisations, d.organisationId), acceptedAt: e.at });
  }

  // Indicators: the value at the end of the period and its changes per month, from the recorded values.
  const months = monthsOf(period);
  const indicators: FundersReport['indicators'] = template.indicators.map((def) => {
    const recorded = events
      .filter((e) => e.type === 'indicator.recorded' && e.data.key === def.key)
      .map((e) => ({ at: Date.parse(e.at), month: parisMonthOf(e.at), from: Number(e.data.from ?? 0), to: Number(e.data.to ?? 0) }))
      .sort((a, b) => a.at - b.at);
    const valueAt = (t: number) => {
      let v = 0;
      for (const r of recorded) if (r.at < t) v = r.to;
      return v;
    };
    const valueAtEnd = end.getTime() > now.getTime() && recorded.length === 0 ? (state.indicators[def.key] ?? 0) : valueAt(end.getTime());
    const change = valueAtEnd - valueAt(start.getTime());
    const byMonth = months.map((month) => {
      const inMonth = recorded.filter((r) => r.month === month && r.at >= start.getTime() && r.at < end.getTime());
      const last = inMonth[inMonth.length - 1];
      return { month, change: inMonth.reduce((sum, r) => sum + (r.to - r.from), 0), valueAtEnd: last ? last.to : Number.NaN };
    });
    // A month without a record keeps the value it had before.
    let carried = valueAt(start.getTime());
    for (const m of byMonth) {
      if (Number.isNaN(m.valueAtEnd)) m.valueAtEnd = carried;
      carried = m.valueAtEnd;
    }
    const quarters = new Map<string, { quarter: string; change: number; valueAtEnd: number }>();
    for (const m of byMonth) {
      const q = quarterOf(m.month);
      const entry = quarters.get(q) ?? { quarter: q, change: 0, valueAtEnd: m.valueAtEnd };
      entry.change += m.change;
      entry.valueAtEnd = m.valueAtEnd;
      quarters.set(q, entry);
    }
    const target = def.target ?? null;
    return {
      key: def.key,
      name: def.name.fr,
      unit: def.unit ?? null,
      target,
      valueAtEnd,
      change,
      rate: target ? Math.round((valueAtEnd / target) * 100) : null,
      byMonth,
      byQuarter: [...quarters.values()],
      periods: periodicFigures(def, state, period),
    };
  });

  // Partners enrolled per phase by the end of the period.
  const enrolments: FundersReport['enrolments'] = [];
  for (const phaseDef of template.phases) {
    const phase = state.phases.find((p) => p.key === phaseDef.key);
    if (!phase) continue;
    const enrolled = visibleEnrolments(scope, phase, viewer).filter((e) => Date.parse(e.at) < end.getTime());
    if (!enrolled.length && !phaseDef.capacity) continue;
    enrolments.push({
      phase: phaseDef.name.fr,
      capacity: phaseDef.capacity ? { min: phaseDef.capacity.min, max: phaseDef.capacity.max } : null,
      organisations: enrolled.map((e) => ({ name: nameOf(names.organisations, e.organisationId)!, enrolledAt: e.at, slot: e.slot ?? null, role: e.slot ? labelText(labels, 'roles', e.slot) : null })),
    });
  }

  // Late steps: due before the end of the period, done after their due date (or still open), late during the period.
  const lateSteps: FundersReport['lateSteps'] = [];
  for (const step of state.steps) {
    const def = defs.get(step.key);
    if (!def || !step.dueAt || step.status === 'cancelled' || step.status === 'pending') continue;
    const due = Date.parse(step.dueAt);
    if (due >= end.getTime()) continue;
    const done = step.status === 'completed' ? step.completedAt : undefined;
    if (done && Date.parse(done) < start.getTime()) continue;
    const until = done ? new Date(Math.min(Date.parse(done), asOf.getTime())) : asOf;
    const daysLate = parisDaysBetween(step.dueAt, until);
    if (daysLate < 1 || (done && Date.parse(done) <= due)) continue;
    const org = step.assignee.kind === 'organisation' ? step.assignee.organisationId : undefined;
    const state_ = done && Date.parse(done) < end.getTime() ? 'done' : 'open';
    lateSteps.push({ phase: def.phase, step: def.name, organisation: nameOf(names.organisations, org), dueAt: step.dueAt, completedAt: state_ === 'done' ? done! : null, daysLate, state: state_, stateLabel: REPORT_LABELS.lateState[state_] });
  }
  lateSteps.sort((a, b) => b.daysLate - a.daysLate || a.step.localeCompare(b.step));

  const tenderSources = [...(isTender(template) ? [programme] : []), ...input.children.filter((c) => isTender(c.template))];

  return {
    agencyName: input.agencyName,
    generatedAt: now.toISOString(),
    period,
    programme: {
      id: state.programmeId,
      title: state.title,
      templateName: template.name.fr,
      status: state.status,
      statusLabel: REPORT_LABELS.programmeStatus[state.status],
      startDate: state.startDate,
    },
    actions,
    milestones,
    deliverables,
    indicators,
    enrolments,
    tenders: tenderSources.map((t) => buildTenderRecord(t, names)),
    lateSteps,
  };
}

/** The default period: from the programme's start to today, in Paris. */
export function defaultPeriod(state: Pick<ProgrammeState, 'startDate'>, now: Date): ReportPeriod {
  const today = toParisDate(now);
  const from = state.startDate <= today ? state.startDate : today;
  return { from, to: today };
}

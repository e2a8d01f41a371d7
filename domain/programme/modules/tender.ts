/**
 * Tender (consultation / marché) rules: consult at least N providers, refuse late bids,
 * score answers on weighted criteria, award to a ranked bidder and notify everyone.
 */
import type { ProgrammeState } from '../../programme-state';
import { phaseState } from '../lookups';
import { refuse } from '../refusal';
import type { LifecycleModule, ModuleContext } from './lifecycle-module';
import { isPastDue } from '../../lateness';

interface TenderState {
  consulted: string[];
  ranking: { organisationId: string; score: number }[];
  winner?: string;
}

function tenderState(state: ProgrammeState): TenderState {
  const existing = state.moduleState.tender as TenderState | undefined;
  if (existing) return existing;
  const fresh: TenderState = { consulted: [], ranking: [] };
  state.moduleState.tender = fresh;
  return fresh;
}

function providersOf(ctx: ModuleContext): string[] {
  const phaseKey = typeof ctx.config.providersPhase === 'string' ? ctx.config.providersPhase : ctx.step.phaseKey;
  return (phaseState(ctx.state, phaseKey)?.enrolled ?? []).filter((e) => !e.slot).map((e) => e.organisationId);
}

/** Bidders: providers that submitted at least one non-rejected bid deliverable. */
function biddersOf(state: ProgrammeState, bidsStep: string): string[] {
  const step = state.steps.find((s) => s.key === bidsStep);
  const orgs = (step?.deliverables ?? []).filter((d) => d.status !== 'rejected' && d.organisationId).map((d) => d.organisationId!);
  return [...new Set(orgs)];
}

const consultation: LifecycleModule = {
  name: 'tender-consultation',
  checkCompletion(ctx) {
    const min = typeof ctx.config.minProviders === 'number' ? ctx.config.minProviders : 3;
    const providers = providersOf(ctx);
    if (providers.length < min) {
      return refuse('too_few_providers', `A tender is sent to at least ${min} providers; ${providers.length} enrolled.`, { reason: 'providers_minimum', minimum: min, enrolled: providers.length });
    }
    return undefined;
  },
  onCompleted(ctx, _input, now) {
    const tender = tenderState(ctx.state);
    tender.consulted = providersOf(ctx);
    ctx.state.milestones.push({ key: 'consultation-sent', at: now.toISOString() });
    return [{ kind: 'tender_consultation', stepKey: ctx.step.key, to: { organisations: tender.consulted } }];
  },
};

const bids: LifecycleModule = {
  name: 'tender-bids',
  checkDeliverable(ctx, _input, now) {
    // The deadline is the lateness rule's (domain/lateness.ts): from the due instant on, answers are late.
    if (ctx.step.dueAt && isPastDue(ctx.step.dueAt, now)) {
      return refuse('bid_after_deadline', `Answers were due by ${ctx.step.dueAt}; late answers are refused.`, { reason: 'answers_due', dueAt: ctx.step.dueAt });
    }
    return undefined;
  },
  checkCompletion(ctx, input, now) {
    const closing = input.actor.role !== 'partner' && input.organisationId === undefined;
    if (closing && ctx.step.dueAt && !isPastDue(ctx.step.dueAt, now)) {
      return refuse('not_allowed', `Answers are collected until ${ctx.step.dueAt}; the collection closes after that.`, { reason: 'answers_collected_until', dueAt: ctx.step.dueAt });
    }
    return undefined;
  },
};

function criteriaOf(config: Record<string, unknown>): { key: string; weight: number }[] {
  const raw = Array.isArray(config.criteria) ? config.criteria : [];
  return raw.filter((c): c is { key: string; weight: number } => typeof c?.key === 'string' && typeof c?.weight === 'number');
}

const assessment: LifecycleModule = {
  name: 'tender-assessment',
  checkCompletion(ctx, input) {
    const bidsStep = String(ctx.config.bidsStep ?? 'answers');
    const bidders = biddersOf(ctx.state, bidsStep);
    const scores = (input.data as { scores?: Record<string, Record<string, number>> } | undefined)?.scores;
    if (!scores) return refuse('invalid_assessment', 'The assessment needs `data.scores`: for each bidder, a score per criterion.', { reason: 'assessment_scores_missing' });
    if (bidders.length === 0) return refuse('invalid_assessment', 'No answer was received: there is nothing to assess.', { reason: 'assessment_no_answer' });
    for (const bidder of bidders) {
      const mine = scores[bidder];
      if (!mine) return refuse('invalid_assessment', `Bidder ${bidder} has no scores.`, { reason: 'assessment_bidder_unscored', organisationId: bidder });
      for (const c of criteriaOf(ctx.config)) {
        const v = mine[c.key];
        if (typeof v !== 'number' || v < 0 || v > 20) return refuse('invalid_assessment', `Score "${c.key}" for bidder ${bidder} must be a number from 0 to 20.`, { reason: 'assessment_score_range', organisationId: bidder, minimum: 0, maximum: 20 });
      }
    }
    const strangers = Object.keys(scores).filter((o) => !bidders.includes(o));
    if (strangers.length) return refuse('invalid_assessment', `Scores given for organisations that did not answer: ${strangers.join(', ')}.`, { reason: 'assessment_not_bidders', count: strangers.length });
    return undefined;
  },
  onCompleted(ctx, input, now) {
    const scores = (input.data as { scores: Record<string, Record<string, number>> }).scores;
    const criteria = criteriaOf(ctx.config);
    const total = criteria.reduce((a, c) => a + c.weight, 0) || 1;
    tenderState(ctx.state).ranking = Object.entries(scores)
      .map(([organisationId, s]) => ({ organisationId, score: Math.round((criteria.reduce((a, c) => a + c.weight * (s[c.key] ?? 0), 0) / total) * 100) / 100 }))
      .sort((a, b) => b.score - a.score || a.organisationId.localeCompare(b.organisationId));
    ctx.state.milestones.push({ key: 'assessed', at: now.toISOString() });
    return [];
  },
};

const award: LifecycleModule = {
  name: 'tender-award',
  checkCompletion(ctx, input) {
    const winner = (input.data as { winner?: string } | undefined)?.winner;
    const ranking = tenderState(ctx.state).ranking;
    if (!winner) return refuse('invalid_award', 'The award decision needs `data.winner`, the organisation chosen.', { reason: 'award_winner_missing' });
    if (!ranking.some((r) => r.organisationId === winner)) return refuse('invalid_award', 'The winner must be one of the assessed bidders.', { reason: 'award_winner_not_ranked' });
    return undefined;
  },
  onCompleted(ctx, input, now) {
    const winner = (input.data as { winner: string }).winner;
    const tender = tenderState(ctx.state);
    tender.winner = winner;
    ctx.state.slots[String(ctx.config.slot ?? 'winner')] = winner;
    ctx.state.milestones.push({ key: 'awarded', at: now.toISOString() });
    const losers = tender.ranking.map((r) => r.organisationId).filter((o) => o !== winner);
    return [
      { kind: 'tender_awarded', stepKey: ctx.step.key, to: { organisations: [winner] } },
      { kind: 'tender_not_awarded', stepKey: ctx.step.key, to: { organisations: losers } },
    ];
  },
};

export const tenderModules: LifecycleModule[] = [consultation, bids, assessment, award];

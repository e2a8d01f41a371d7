/**
 * Tender steps in the UI: the rules shown before the workflow refuses (at least N providers,
 * the answers deadline), the scoring form on the template's weighted criteria with the ranking
 * it gives, and the award decision with its reason. The step's module (from the programme's
 * template version) decides which of these a step shows; nothing depends on the template key.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client';
import { formatDateTime, formatNumber } from '../lib/format';
import { useProgrammeAction, type ProgrammeView, type StepView } from '../lib/programme-data';
import { Notice, ProblemMessage } from './ui';
import { templateStepKey } from '../../../domain/step-row-key';
import { isPastDue } from '../../../domain/lateness';

export interface StepModule {
  name: string;
  config: Record<string, unknown>;
}

interface Criterion {
  key: string;
  weight: number;
  label?: { fr: string; en: string };
}

interface RankedBidder {
  organisationId: string;
  score: number;
}

/** The current time, refreshed every 30 s: a deadline passing while the page is open changes what it shows. */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** The module of a step as the programme's template version defines it (undefined when none). */
export function useStepModule(programme: ProgrammeView | undefined, stepKey: string): { module?: StepModule; isPending: boolean } {
  const query = useQuery({
    queryKey: ['template', programme?.templateKey, programme?.templateVersion],
    queryFn: () => unwrap(api.GET('/api/v1/templates/{key}', { params: { path: { key: programme!.templateKey }, query: { version: programme!.templateVersion } } })),
    enabled: Boolean(programme),
    staleTime: Infinity,
  });
  const base = templateStepKey(stepKey);
  const def = query.data?.phases.flatMap((p) => p.steps).find((s) => s.key === base);
  return { module: def?.module ? { name: def.module.name, config: def.module.config ?? {} } : undefined, isPending: query.isPending && Boolean(programme) };
}

export function criteriaOf(config: Record<string, unknown>): Criterion[] {
  const raw = Array.isArray(config.criteria) ? (config.criteria as unknown[]) : [];
  return raw.filter((c): c is Criterion => typeof (c as Criterion)?.key === 'string' && typeof (c as Criterion)?.weight === 'number');
}

/** Weighted mean on 20, rounded to two decimals: the same rule as the workflow's assessment module. */
export function weightedScore(criteria: Criterion[], scores: Record<string, number>): number {
  const total = criteria.reduce((a, c) => a + c.weight, 0) || 1;
  return Math.round((criteria.reduce((a, c) => a + c.weight * (scores[c.key] ?? 0), 0) / total) * 100) / 100;
}

/** Organisations that sent a bid that was not refused, in the order of their first bid. */
export function biddersOf(programme: ProgrammeView, bidsStep: string): string[] {
  const step = programme.phases.flatMap((p) => p.steps).find((s) => s.key === bidsStep);
  const orgs = (step?.deliverables ?? []).filter((d) => d.status !== 'rejected' && d.organisationId).map((d) => d.organisationId!);
  return [...new Set(orgs)];
}

export function rankingOf(programme: ProgrammeView): RankedBidder[] {
  const tender = programme.moduleState?.tender as { ranking?: RankedBidder[] } | undefined;
  return tender?.ranking ?? [];
}

function useCriterionLabel() {
  const { t, i18n } = useTranslation();
  return (c: Criterion) => {
    if (c.label) return i18n.language === 'en' ? c.label.en : c.label.fr;
    return i18n.exists(`tender.criteria.${c.key}`) ? t(`tender.criteria.${c.key}` as 'tender.criteria.price') : t('tender.criterionFallback');
  };
}

/** Rules the workflow applies to this step, said before anyone tries. */
export function TenderRules({ module, programme, step, steward, now }: { module: StepModule; programme: ProgrammeView; step: StepView; steward: boolean; now: number }) {
  const { t } = useTranslation();
  if (module.name === 'tender-consultation') {
    const min = typeof module.config.minProviders === 'number' ? module.config.minProviders : 3;
    const phaseKey = typeof module.config.providersPhase === 'string' ? module.config.providersPhase : programme.phases.find((p) => p.steps.some((s) => s.key === step.key))?.key;
    const enrolled = programme.partners.filter((p) => p.phaseKey === phaseKey && !p.slot).length;
    const enough = enrolled >= min;
    return (
      <div className={`rule ${enough ? 'rule-ok' : 'rule-warn'}`} data-testid="tender-rule">
        <p>{t('tender.minProviders', { min, count: enrolled })}</p>
        {!enough && steward && <p className="small">{t('tender.enrolMore', { missing: min - enrolled })}</p>}
      </div>
    );
  }
  if (module.name === 'tender-bids' && step.dueAt) {
    const passed = isPastDue(step.dueAt, now);
    return (
      <div className="rule" data-testid="tender-rule">
        <p>{passed ? t('tender.deadlinePassed', { date: formatDateTime(step.dueAt) }) : t('tender.deadline', { date: formatDateTime(step.dueAt) })}</p>
        {steward && <p className="small">{passed ? t('tender.closeNow') : t('tender.closeAfter', { date: formatDateTime(step.dueAt) })}</p>}
      </div>
    );
  }
  return null;
}

/** True when the rule forbids completing now: the button stays disabled and the rule says why. */
export function tenderBlocksCompletion(module: StepModule | undefined, programme: ProgrammeView, step: StepView, steward: boolean, now: number): boolean {
  if (!module) return false;
  if (module.name === 'tender-consultation') {
    const min = typeof module.config.minProviders === 'number' ? module.config.minProviders : 3;
    const phaseKey = typeof module.config.providersPhase === 'string' ? module.config.providersPhase : programme.phases.find((p) => p.steps.some((s) => s.key === step.key))?.key;
    return programme.partners.filter((p) => p.phaseKey === phaseKey && !p.slot).length < min;
  }
  if (module.name === 'tender-bids' && steward && step.dueAt) return !isPastDue(step.dueAt, now);
  return false;
}

/** Partners may not upload once the answers deadline has passed. */
export function tenderBlocksUpload(module: StepModule | undefined, step: StepView, now: number): boolean {
  return module?.name === 'tender-bids' && step.dueAt !== null && isPastDue(step.dueAt, now);
}

function completeStep(programmeId: string, stepKey: string, body: { note?: string; data?: Record<string, unknown> }) {
  return unwrap(
    api.POST('/api/v1/programmes/{id}/steps/{stepKey}/complete', {
      params: { path: { id: programmeId, stepKey } },
      body,
      headers: { 'Idempotency-Key': crypto.randomUUID() },
    }),
  );
}

export function RankingTable({ ranking, names, caption }: { ranking: RankedBidder[]; names: Map<string, string>; caption: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="table-wrap">
      <table data-testid="tender-ranking">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('tender.rank')}</th>
            <th scope="col">{t('tender.bidder')}</th>
            <th scope="col">{t('tender.score')}</th>
          </tr>
        </thead>
        <tbody>
          {ranking.map((r, i) => (
            <tr key={r.organisationId}>
              <td>{i + 1}</td>
              <th scope="row">{names.get(r.organisationId) ?? t('tender.unknownBidder')}</th>
              <td>{t('tender.scoreOn20', { score: formatNumber(r.score) })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Scores 0–20 per bidder and criterion; the weighted ranking updates as the coordinator types. */
export function AssessmentForm({ programme, step, module, names }: { programme: ProgrammeView; step: StepView; module: StepModule; names: Map<string, string> }) {
  const { t } = useTranslation();
  const labelOf = useCriterionLabel();
  const criteria = criteriaOf(module.config);
  const bidders = biddersOf(programme, String(module.config.bidsStep ?? 'answers'));
  const [values, setValues] = useState<Record<string, Record<string, string>>>({});
  const parse = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : Number(v.trim().replace(',', '.')));
  const valid = (n: number | undefined) => n !== undefined && Number.isFinite(n) && n >= 0 && n <= 20;
  const complete = bidders.length > 0 && bidders.every((b) => criteria.every((c) => valid(parse(values[b]?.[c.key]))));
  const numeric = (b: string) => Object.fromEntries(criteria.map((c) => [c.key, parse(values[b]?.[c.key]) ?? 0]));
  const preview = bidders
    .map((b) => ({ organisationId: b, score: weightedScore(criteria, numeric(b)) }))
    .sort((a, b) => b.score - a.score || a.organisationId.localeCompare(b.organisationId));
  const submit = useProgrammeAction(programme.id, () => completeStep(programme.id, step.key, { data: { scores: Object.fromEntries(bidders.map((b) => [b, numeric(b)])) } }));
  const total = criteria.reduce((a, c) => a + c.weight, 0) || 1;
  if (bidders.length === 0) return <p className="muted">{t('tender.noBids')}</p>;
  return (
    <form
      className="stack"
      data-testid="assessment-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (complete) submit.mutate(undefined);
      }}
    >
      <p>{t('tender.assessIntro', { criteria: criteria.map((c) => `${labelOf(c)} (${formatNumber(Math.round((c.weight / total) * 100))} %)`).join(', ') })}</p>
      <div className="table-wrap">
        <table>
          <caption>{t('tender.scoresCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('tender.bidder')}</th>
              {criteria.map((c) => (
                <th scope="col" key={c.key}>
                  {labelOf(c)} ({formatNumber(Math.round((c.weight / total) * 100))} %)
                </th>
              ))}
              <th scope="col">{t('tender.weighted')}</th>
            </tr>
          </thead>
          <tbody>
            {bidders.map((b) => {
              const name = names.get(b) ?? t('tender.unknownBidder');
              return (
                <tr key={b} data-testid="bidder-row">
                  <th scope="row">{name}</th>
                  {criteria.map((c) => {
                    const raw = values[b]?.[c.key] ?? '';
                    const bad = raw.trim() !== '' && !valid(parse(raw));
                    return (
                      <td key={c.key}>
                        <input
                          // Text, not number: a French reader types "12,5", which a number field would drop.
                          type="text"
                          inputMode="decimal"
                          size={5}
                          maxLength={5}
                          required
                          aria-label={t('tender.scoreFor', { criterion: labelOf(c), bidder: name })}
                          aria-invalid={bad || undefined}
                          title={bad ? t('tender.scoreRange') : undefined}
                          value={raw}
                          onChange={(e) => setValues((v) => ({ ...v, [b]: { ...v[b], [c.key]: e.target.value } }))}
                        />
                      </td>
                    );
                  })}
                  <td>{t('tender.scoreOn20', { score: formatNumber(weightedScore(criteria, numeric(b))) })}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="small muted">{t('tender.scoreRange')}</p>
      {complete && <RankingTable ranking={preview} names={names} caption={t('tender.previewRanking')} />}
      <ProblemMessage error={submit.error} />
      <button type="submit" className="primary" disabled={!complete || submit.isPending}>
        {t('tender.saveAssessment')}
      </button>
    </form>
  );
}

/** The winner among the assessed bidders, with the reason written down; the others are told too. */
export function AwardForm({ programme, step, names }: { programme: ProgrammeView; step: StepView; names: Map<string, string> }) {
  const { t } = useTranslation();
  const ranking = rankingOf(programme);
  const [winner, setWinner] = useState(ranking[0]?.organisationId ?? '');
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const award = useProgrammeAction(programme.id, () => completeStep(programme.id, step.key, { note: reason.trim(), data: { winner, reason: reason.trim() } }));
  if (ranking.length === 0) return <p className="muted">{t('tender.noRanking')}</p>;
  const losers = ranking.length - 1;
  return (
    <form
      className="stack"
      data-testid="award-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!confirming) return setConfirming(true);
        award.mutate(undefined);
      }}
    >
      <fieldset>
        <legend>{t('tender.chooseWinner')}</legend>
        {ranking.map((r, i) => (
          <label key={r.organisationId} className="choice">
            <input
              type="radio"
              name="winner"
              value={r.organisationId}
              checked={winner === r.organisationId}
              onChange={() => {
                setWinner(r.organisationId);
                setConfirming(false);
              }}
            />{' '}
            {t('tender.rankedBidder', { rank: i + 1, name: names.get(r.organisationId) ?? t('tender.unknownBidder'), score: formatNumber(r.score) })}
          </label>
        ))}
      </fieldset>
      <label>
        {t('tender.reason')}
        <textarea
          rows={3}
          required
          minLength={10}
          maxLength={5000}
          value={reason}
          onChange={(e) => {
            setReason(e.target.value);
            setConfirming(false);
          }}
        />
      </label>
      <p className="small muted">{t('tender.awardEffect', { count: losers })}</p>
      {confirming && (
        <div className="confirm" role="alert">
          <p>{t('tender.confirmAward', { name: names.get(winner) ?? t('tender.unknownBidder'), count: losers })}</p>
          <button type="button" onClick={() => setConfirming(false)}>
            {t('tender.back')}
          </button>
        </div>
      )}
      <ProblemMessage error={award.error} />
      {award.isSuccess && <Notice>{t('tender.awarded')}</Notice>}
      <button type="submit" className="primary" disabled={!winner || reason.trim().length < 10 || award.isPending}>
        {confirming ? t('tender.confirmAwardSubmit') : t('tender.award')}
      </button>
    </form>
  );
}

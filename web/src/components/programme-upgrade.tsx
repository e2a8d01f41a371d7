import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, ApiProblem, unwrap } from '../api/client';
import { formatDateTime } from '../lib/format';
import { describeProblem } from '../lib/problem-text';
import { ProblemMessage, Skeleton } from './ui';

type Planned = Awaited<ReturnType<typeof fetchPlans>>['items'][number];
type Plan = Planned['plan'];
type Name = { fr: string; en?: string };

function fetchPlans(key: string, version: number) {
  return unwrap(api.GET('/api/v1/templates/{key}/upgrade-plans', { params: { path: { key }, query: { version, limit: 200 } } }));
}

/** What happened to each programme of the last "apply": upgraded, or refused with the reason. */
type Outcome = { title: string } & ({ kind: 'applied' } | { kind: 'failed'; error: unknown });

/**
 * Upgrading running programmes to `version` (issue 19): each programme's dry run in words (nothing
 * changes), a choice of programmes, then one upgrade after another with the progress shown; a
 * programme the workflow refuses says why, the others go on.
 */
export function ProgrammeUpgrade({ templateKey, version }: { templateKey: string; version: number }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const plans = useQuery({ queryKey: ['upgrade-plans', templateKey, version], queryFn: () => fetchPlans(templateKey, version) });
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [progress, setProgress] = useState<{ done: number; total: number } | undefined>();
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({});
  // One Idempotency-Key per programme and version, kept until its answer settles (a retry after a network failure reuses it).
  const keys = useRef(new Map<string, string>());

  if (plans.isPending) return <Skeleton lines={3} />;
  if (plans.error) return <ProblemMessage error={plans.error} />;
  const items = plans.data.items;
  const name = (n: Name) => (i18n.language === 'en' ? (n.en ?? n.fr) : n.fr);
  const upgradable = items.filter((p) => p.plan.refusals.length === 0);
  const running = progress !== undefined && progress.done < progress.total;

  const toggle = (id: string) =>
    setChosen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  async function apply() {
    const picked = items.filter((p) => chosen.has(p.id));
    if (!picked.length || running) return;
    setOutcomes({});
    setProgress({ done: 0, total: picked.length });
    for (const [n, { id, title }] of picked.entries()) {
      const slot = `${id}@${version}`;
      const key = keys.current.get(slot) ?? crypto.randomUUID();
      keys.current.set(slot, key);
      try {
        await unwrap(api.POST('/api/v1/programmes/{id}/upgrade', { params: { path: { id } }, headers: { 'Idempotency-Key': key }, body: { version } }));
        keys.current.delete(slot);
        setOutcomes((prev) => ({ ...prev, [id]: { title, kind: 'applied' } }));
      } catch (error) {
        if (!(error instanceof ApiProblem) || (error.status > 0 && error.status < 500)) keys.current.delete(slot);
        setOutcomes((prev) => ({ ...prev, [id]: { title, kind: 'failed', error } }));
      }
      setProgress({ done: n + 1, total: picked.length });
    }
    setChosen(new Set());
    await queryClient.invalidateQueries({ queryKey: ['upgrade-plans', templateKey] });
  }

  const finished = Object.entries(outcomes);
  return (
    <section aria-labelledby="upgrade-title" data-testid="programme-upgrade">
      <h2 id="upgrade-title">{t('upgrade.title')}</h2>
      <p className="muted">{t('upgrade.intro', { version })}</p>
      {progress && (
        <div role="status" aria-live="polite" data-testid="upgrade-progress">
          <progress max={progress.total} value={progress.done} aria-label={t('upgrade.applying', progress)} />
          <p>{running ? t('upgrade.applying', progress) : t('upgrade.summary', { done: finished.filter(([, o]) => o.kind === 'applied').length, failed: finished.filter(([, o]) => o.kind === 'failed').length })}</p>
        </div>
      )}
      {finished.length > 0 && (
        <ul className="upgrade-outcomes" data-testid="upgrade-outcomes">
          {finished.map(([id, outcome]) => (
            <li key={id}>
              <Link to={`/programmes/${id}`}>{outcome.title}</Link> —{' '}
              {outcome.kind === 'applied' ? t('upgrade.applied', { version }) : <>{t('upgrade.failed')} {sentenceOf(outcome.error)}</>}
            </li>
          ))}
        </ul>
      )}
      {items.length === 0 ? (
        <p className="muted" data-testid="upgrade-none">
          {t('upgrade.none', { version })}
        </p>
      ) : (
        <>
          <p>
            <button type="button" className="secondary" disabled={running || upgradable.length === 0} onClick={() => setChosen(new Set(upgradable.map((p) => p.id)))}>
              {t('upgrade.selectAll')}
            </button>
          </p>
          <ul className="upgrade-plans">
            {items.map((p) => (
              <li key={p.id} className="card" data-testid="upgrade-plan" data-programme={p.id}>
                <label className="inline">
                  <input type="checkbox" checked={chosen.has(p.id)} disabled={running || p.plan.refusals.length > 0} onChange={() => toggle(p.id)} />{' '}
                  <strong>{p.title}</strong> <span className="muted">({t('upgrade.currentVersion', { version: p.templateVersion })})</span>
                </label>{' '}
                <Link to={`/programmes/${p.id}`} className="small">
                  {t('upgrade.programme')}
                </Link>
                {p.plan.refusals.length > 0 ? (
                  <div className="problem" data-testid="upgrade-refusals">
                    <p>
                      <strong>{t('upgrade.refused')}</strong>
                    </p>
                    <ul>
                      {p.plan.refusals.map((r, i) => (
                        <li key={i}>{describeProblem({ status: 409, code: r.code, params: r.params }, i18n).sentence}</li>
                      ))}
                    </ul>
                  </div>
                ) : (
                  <p className="small">{t('upgrade.ready')}</p>
                )}
                <PlanLines plan={p.plan} name={name} />
              </li>
            ))}
          </ul>
          <button type="button" disabled={running || chosen.size === 0} onClick={() => void apply()} data-testid="upgrade-apply">
            {t('upgrade.apply', { count: chosen.size })}
          </button>
        </>
      )}
    </section>
  );

  function sentenceOf(error: unknown): string {
    const problem = error instanceof ApiProblem ? error : new ApiProblem(0, 'internal', String(error));
    return describeProblem(problem, i18n).sentence;
  }
}

/** A plan in readable sentences: phases and steps added or removed, steps renamed, due dates moved, enrolments against capacity. */
function PlanLines({ plan, name }: { plan: Plan; name: (n: Name) => string }) {
  const { t } = useTranslation();
  const lines: string[] = [
    ...plan.phasesAdded.map((p) => t('upgrade.phaseAdded', { phase: name(p.phase) })),
    ...plan.phasesRemoved.map((p) => t('upgrade.phaseRemoved', { phase: name(p.phase) })),
    ...plan.added.map((s) => t('upgrade.stepAdded', { step: name(s.step), phase: name(s.phase) })),
    ...plan.removed.map((s) => t('upgrade.stepRemoved', { step: name(s.step), phase: name(s.phase) })),
    ...plan.renamed.map((s) => t('upgrade.stepRenamed', { before: name(s.before), after: name(s.after) })),
    ...plan.dueDates.map((d) => {
      const step = name(d.step);
      if (d.problem) return t('upgrade.dueProblem', { step });
      if (!d.recompute) return t('upgrade.dueLater', { step });
      if (!d.after) return t('upgrade.dueCleared', { step });
      return d.before ? t('upgrade.dueMoved', { step, before: formatDateTime(d.before), after: formatDateTime(d.after) }) : t('upgrade.dueSet', { step, after: formatDateTime(d.after) });
    }),
    ...plan.capacity
      .filter((c) => c.before !== c.after || c.enrolled > 0)
      .map((c) => t('upgrade.capacity', { phase: name(c.phase), enrolled: c.enrolled, before: c.before ?? t('upgrade.capacityNone'), after: c.after ?? t('upgrade.capacityNone') })),
  ];
  if (!lines.length) return <p className="muted small">{t('upgrade.noChange')}</p>;
  return (
    <ul className="small" data-testid="upgrade-plan-lines">
      {lines.map((line, i) => (
        <li key={i}>{line}</li>
      ))}
    </ul>
  );
}

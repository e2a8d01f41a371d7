import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { IndicatorChart } from '../components/indicator-chart';
import { PageTitle, ProblemMessage, RagBadge, Skeleton, StatusBadge } from '../components/ui';
import { formatDate, formatDateTime, formatNumber } from '../lib/format';
import { useTemplateNames } from '../lib/programme-data';
import { AT_RISK_DAYS, type RagRule } from '../../../domain/portfolio-health';

const STATUSES = ['active', 'paused', 'completed', 'cancelled'] as const;
type Status = (typeof STATUSES)[number];

export function DashboardPage() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const templateName = useTemplateNames();
  const templateKey = params.get('modele') ?? '';
  const statusParam = params.get('etat') ?? '';
  const status = (STATUSES as readonly string[]).includes(statusParam) ? (statusParam as Status) : undefined;
  const templates = useQuery({ queryKey: ['templates'], queryFn: () => unwrap(api.GET('/api/v1/templates')), staleTime: 300_000 });
  const dashboard = useQuery({
    queryKey: ['dashboard', templateKey, status],
    queryFn: () => unwrap(api.GET('/api/v1/dashboard', { params: { query: { ...(templateKey ? { templateKey } : {}), ...(status ? { status } : {}) } } })),
    refetchInterval: 60_000,
  });
  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  // The API sends the rule's code (domain/portfolio-health.ts); the words are the UI's.
  const ruleText = (row: { rule: RagRule; lateSteps: number; nextDueAt: string | null }) =>
    row.rule === 'late_steps'
      ? t('dashboard.ruleRed', { count: row.lateSteps })
      : row.rule === 'due_soon'
        ? t('dashboard.ruleAmber', { date: formatDate(row.nextDueAt), days: AT_RISK_DAYS })
        : t('dashboard.ruleGreen', { days: AT_RISK_DAYS });
  // Every programme, built by the server (Paris dates, names, formulas neutralised): the table here shows the first 200.
  const exportQuery = new URLSearchParams({ ...(templateKey ? { templateKey } : {}), ...(status ? { status } : {}), lang: i18n.language === 'en' ? 'en' : 'fr' }).toString();
  const exportUrl = (format: 'csv' | 'xlsx') => `/api/v1/dashboard/export.${format}?${exportQuery}`;
  const data = dashboard.data;
  return (
    <section className="dashboard">
      <header className="page-header">
        <div>
          <PageTitle title={t('dashboard.title')}>{t('dashboard.title')}</PageTitle>
          <p className="muted no-print">{t('dashboard.intro')}</p>
          <p className="print-only">{t('dashboard.reportTitle', { date: formatDate(new Date().toISOString()) })}</p>
        </div>
        <div className="row no-print">
          <a className="button" href={exportUrl('csv')} download>
            {t('dashboard.exportCsv')}
          </a>
          <a className="button" href={exportUrl('xlsx')} download>
            {t('dashboard.exportXlsx')}
          </a>
          <button type="button" onClick={() => window.print()} disabled={!data}>
            {t('dashboard.print')}
          </button>
        </div>
      </header>
      <form className="filters no-print" aria-label={t('dashboard.filters')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('dashboard.template')}
          <select value={templateKey} onChange={(e) => setFilter('modele', e.target.value)}>
            <option value="">{t('dashboard.allTemplates')}</option>
            {(templates.data?.items ?? []).map((tpl) => (
              <option key={tpl.key} value={tpl.key}>
                {tpl.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('dashboard.status')}
          <select value={status ?? ''} onChange={(e) => setFilter('etat', e.target.value)}>
            <option value="">{t('dashboard.allStatuses')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </form>
      {dashboard.isPending ? (
        <Skeleton lines={12} height="36rem" />
      ) : dashboard.error ? (
        <ProblemMessage error={dashboard.error} />
      ) : data ? (
        <>
          <ul className="rag-summary" aria-label={t('dashboard.rag')}>
            {(['red', 'amber', 'green'] as const).map((rag) => (
              <li key={rag} className={`rag-card rag-card-${rag}`} data-testid={`rag-count-${rag}`}>
                <span className="rag-count">{formatNumber(data.ragCounts[rag])}</span>
                <RagBadge rag={rag} />
              </li>
            ))}
          </ul>
          <p className="muted small">{t('dashboard.legend')}</p>
          <div className="table-wrap">
            <table data-testid="health-table">
              <thead>
                <tr>
                  <th scope="col">{t('dashboard.programme')}</th>
                  <th scope="col" className="hide-narrow">{t('dashboard.template')}</th>
                  <th scope="col" className="hide-narrow">{t('dashboard.status')}</th>
                  <th scope="col">{t('dashboard.rag')}</th>
                  <th scope="col">{t('dashboard.rule')}</th>
                </tr>
              </thead>
              <tbody>
                {data.health.map((h) => (
                  <tr key={h.programmeId} data-programme={h.programmeId}>
                    <th scope="row">
                      <Link to={`/programmes/${h.programmeId}`}>{h.title}</Link>
                    </th>
                    <td className="hide-narrow">{templateName(h.templateKey)}</td>
                    <td className="hide-narrow">
                      <StatusBadge status={h.status} />
                    </td>
                    <td>
                      <RagBadge rag={h.rag} />
                    </td>
                    <td>{ruleText(h)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="columns">
            <section aria-labelledby="upcoming">
              <h2 id="upcoming">{t('dashboard.upcoming')}</h2>
              {data.upcomingMilestones.length === 0 ? (
                <p className="muted">{t('dashboard.noUpcoming')}</p>
              ) : (
                <ol className="milestones">
                  {data.upcomingMilestones.map((m) => (
                    <li key={`${m.programmeId}:${m.stepKey}`}>
                      <time dateTime={m.dueAt}>{formatDateTime(m.dueAt)}</time> — <Link to={`/programmes/${m.programmeId}#step-${m.stepKey}`}>{m.stepName}</Link>
                      <div className="muted small">{m.programmeTitle}</div>
                    </li>
                  ))}
                </ol>
              )}
            </section>
            <section aria-labelledby="late">
              <h2 id="late">{t('dashboard.late')}</h2>
              {data.lateSteps.length === 0 ? (
                <p className="muted">{t('dashboard.noLate')}</p>
              ) : (
                <ol className="milestones">
                  {data.lateSteps.map((s) => (
                    <li key={`${s.programmeId}:${s.stepKey}:${s.organisationId ?? ''}`}>
                      <time dateTime={s.dueAt} className="late-text">
                        {formatDateTime(s.dueAt)}
                      </time>{' '}
                      — <Link to={`/programmes/${s.programmeId}#step-${s.stepKey}`}>{s.stepName}</Link>
                      <div className="muted small">{s.programmeTitle}</div>
                    </li>
                  ))}
                </ol>
              )}
            </section>
          </div>
          <section aria-labelledby="indicators">
            <h2 id="indicators">{t('dashboard.indicators')}</h2>
            {data.indicators.length === 0 ? (
              <p className="muted">{t('dashboard.noIndicators')}</p>
            ) : (
              <div className="columns">
                <IndicatorChart points={data.indicators.map((i) => ({ label: `${i.name} — ${i.programmeTitle.slice(0, 40)}`, actual: i.actual, target: i.target }))} />
                <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('dashboard.programme')}</th>
                      <th scope="col">{t('programme.indicators')}</th>
                      <th scope="col">{t('dashboard.actual')}</th>
                      <th scope="col">{t('dashboard.target')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.indicators.map((i) => (
                      <tr key={`${i.programmeId}:${i.key}`}>
                        <td>{i.programmeTitle}</td>
                        <th scope="row">{i.name}</th>
                        <td>{formatNumber(i.actual)}</td>
                        <td>{i.target === null ? '—' : formatNumber(i.target)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                </div>
              </div>
            )}
          </section>
          <p className="muted small">{t('dashboard.generatedAt', { date: formatDateTime(data.generatedAt) })}</p>
        </>
      ) : null}
    </section>
  );
}

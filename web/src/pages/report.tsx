import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { IndicatorChart } from '../components/indicator-chart';
import { PageTitle, ProblemMessage, Skeleton } from '../components/ui';
import { formatDate, formatDateTime, formatNumber } from '../lib/format';

/**
 * The funders' report of one programme over a period (?du=&au=), with its XLSX and PDF
 * downloads. Names, states and compliance sentences come from the API (French); headings and
 * columns from the catalogue.
 */
export function ReportPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const from = params.get('du') ?? undefined;
  const to = params.get('au') ?? undefined;
  const report = useQuery({
    queryKey: ['report', id, from, to],
    queryFn: () => unwrap(api.GET('/api/v1/programmes/{id}/report', { params: { path: { id }, query: { ...(from ? { from } : {}), ...(to ? { to } : {}) } } })),
  });
  const [draft, setDraft] = useState<{ from?: string; to?: string }>({});
  if (report.isPending) return <Skeleton lines={8} height="20rem" />;
  if (report.error) return <ProblemMessage error={report.error} />;
  const r = report.data;
  const query = new URLSearchParams({ from: r.period.from, to: r.period.to }).toString();
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setParams({ du: draft.from ?? r.period.from, au: draft.to ?? r.period.to });
  };
  const number = (v: number | null | undefined) => (v === null || v === undefined ? '—' : formatNumber(v));
  const months = r.indicators[0]?.byMonth ?? [];
  const quarters = r.indicators[0]?.byQuarter ?? [];

  return (
    <article className="report-page">
      <header className="page-header">
        <div>
          {r.agencyLogo && <img className="agency-logo" src={r.agencyLogo} alt="" />}
          <p className="muted">{r.agencyName}</p>
          <PageTitle title={`${t('report.title')} — ${r.programme.title}`}>
            {t('report.title')} — {r.programme.title}
          </PageTitle>
          <p className="muted">
            {t('report.periodText', { from: formatDate(r.period.from), to: formatDate(r.period.to) })} · {r.programme.templateName} · {r.programme.statusLabel} ·{' '}
            {t('report.generatedAt', { date: formatDateTime(r.generatedAt) })}
          </p>
          <p className="no-print">
            <Link to={`/programmes/${encodeURIComponent(id)}`}>{t('report.back')}</Link>
          </p>
        </div>
        <div className="row no-print">
          <a className="button" href={`/api/v1/programmes/${encodeURIComponent(id)}/report.xlsx?${query}`} download>
            {t('report.downloadXlsx')}
          </a>
          <a className="button" href={`/api/v1/programmes/${encodeURIComponent(id)}/report.pdf?${query}`} download>
            {t('report.downloadPdf')}
          </a>
          <button type="button" onClick={() => window.print()}>
            {t('report.print')}
          </button>
        </div>
      </header>
      <p className="muted no-print">{t('report.intro')}</p>

      <form className="filters no-print" aria-label={t('report.period')} onSubmit={apply}>
        <label>
          {t('report.from')}
          <input type="date" value={draft.from ?? r.period.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} required />
        </label>
        <label>
          {t('report.to')}
          <input type="date" value={draft.to ?? r.period.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} required />
        </label>
        <button type="submit">{t('report.apply')}</button>
      </form>

      <Section id="report-indicators" title={t('report.indicators')} empty={r.indicators.length === 0}>
        <IndicatorChart points={r.indicators.map((i) => ({ label: i.unit ? `${i.name} (${i.unit})` : i.name, actual: i.valueAtEnd, target: i.target }))} />
        <Table
          headers={[t('report.col.indicator'), t('report.col.target'), t('report.col.valueAtEnd'), t('report.col.change'), t('report.col.rate')]}
          numeric={[1, 2, 3, 4]}
          rows={r.indicators.map((i) => [i.unit ? `${i.name} (${i.unit})` : i.name, number(i.target), number(i.valueAtEnd), number(i.change), i.rate === null ? '—' : `${formatNumber(i.rate)} %`])}
        />
        {quarters.length > 1 && quarters.length <= 8 && (
          <>
            <h3>{t('report.indicatorsByQuarter')}</h3>
            <Table headers={[t('report.col.indicator'), ...quarters.map((q) => q.quarter)]} numeric={quarters.map((_, i) => i + 1)} rows={r.indicators.map((i) => [i.name, ...i.byQuarter.map((q) => number(q.change))])} />
          </>
        )}
        {months.length <= 12 && (
          <>
            <h3>{t('report.indicatorsByMonth')}</h3>
            <Table headers={[t('report.col.indicator'), ...months.map((m) => formatDate(`${m.month}-15`).replace(/^\d+\s/, ''))]} numeric={months.map((_, i) => i + 1)} rows={r.indicators.map((i) => [i.name, ...i.byMonth.map((m) => number(m.change))])} />
          </>
        )}
        {r.indicators
          .filter((i) => i.periods.length > 0 && i.periods.length <= 24)
          .map((i) => (
            <div key={i.key}>
              <h3>
                {t('report.indicatorsByPeriod')} — {i.name}
              </h3>
              <Table
                headers={[t('report.col.period'), ...(i.periods[0]?.byDimension.map((d) => d.name) ?? []), t('report.col.periodValue'), t('report.col.targetPerPeriod'), t('report.col.previousYear')]}
                numeric={[...(i.periods[0]?.byDimension ?? []).map((_, n) => n + 1), (i.periods[0]?.byDimension.length ?? 0) + 1, (i.periods[0]?.byDimension.length ?? 0) + 2, (i.periods[0]?.byDimension.length ?? 0) + 3]}
                rows={i.periods.map((p) => [p.label, ...p.byDimension.map((d) => number(d.value)), number(p.value), number(p.target), number(p.previousYear)])}
              />
            </div>
          ))}
      </Section>

      <Section id="report-milestones" title={t('report.milestones')} empty={r.milestones.length === 0}>
        <Table headers={[t('report.col.milestone'), t('report.col.dueDate'), t('report.col.reachedAt'), t('report.col.state')]} rows={r.milestones.map((m) => [m.name, formatDate(m.dueAt), formatDate(m.reachedAt), m.stateLabel])} />
      </Section>

      <Section id="report-actions" title={t('report.actions')} empty={r.actions.length === 0}>
        <Table headers={[t('report.col.phase'), t('report.col.step'), t('report.col.organisation'), t('report.col.completedAt'), t('report.col.by')]} rows={r.actions.map((a) => [a.phase, a.step, a.organisation ?? '—', formatDate(a.completedAt), a.by ?? '—'])} />
      </Section>

      <Section id="report-deliverables" title={t('report.deliverables')} empty={r.deliverables.length === 0}>
        <Table headers={[t('report.col.step'), t('report.col.deliverable'), t('report.col.organisation'), t('report.col.acceptedAt')]} rows={r.deliverables.map((d) => [d.step, d.title, d.organisation ?? '—', formatDate(d.acceptedAt)])} />
      </Section>

      <Section id="report-enrolments" title={t('report.enrolments')} empty={r.enrolments.length === 0}>
        <Table
          headers={[t('report.col.phase'), t('report.col.capacity'), t('report.col.organisation'), t('report.col.enrolledAt')]}
          rows={r.enrolments.flatMap((p) => {
            const capacity = p.capacity ? `${p.organisations.filter((o) => !o.slot).length} / ${p.capacity.max}` : '—';
            return p.organisations.length ? p.organisations.map((o) => [p.phase, capacity, o.role ? `${o.name} (${o.role})` : o.name, formatDate(o.enrolledAt)]) : [[p.phase, capacity, '—', '—']];
          })}
        />
      </Section>

      <Section id="report-tenders" title={t('report.tenders')} empty={r.tenders.length === 0}>
        {r.tenders.map((tender) => (
          <section key={tender.programmeId} className="card report-tender">
            <h3>
              <Link to={`/programmes/${encodeURIComponent(tender.programmeId)}`}>{tender.title}</Link>
            </h3>
            {tender.sealed && <p className="muted">{t('report.sealed')}</p>}
            <dl className="facts">
              <Fact term={t('report.col.specification')}>{formatDate(tender.specificationAt)}</Fact>
              <Fact term={t('report.col.providers')}>{tender.providers ? `${tender.providers.length} : ${tender.providers.join(', ')}` : '—'}</Fact>
              <Fact term={t('report.col.deadline')}>{formatDateTime(tender.answersDeadline)}</Fact>
              <Fact term={t('report.col.answersOnTime')}>{tender.answers ? `${tender.answers.filter((a) => a.onTime).length} / ${tender.answers.length}` : '—'}</Fact>
              <Fact term={t('report.col.criteria')}>{tender.criteria.map((c) => `${c.label} (${c.weight} %)`).join(', ') || '—'}</Fact>
              <Fact term={t('report.col.winner')}>{tender.winner ?? '—'}</Fact>
              <Fact term={t('report.col.awardedAt')}>{formatDate(tender.awardedAt)}</Fact>
              <Fact term={t('report.col.notifiedAt')}>{formatDate(tender.notifiedAt)}</Fact>
              <Fact term={t('report.col.contractSignedAt')}>{formatDate(tender.contractSignedAt)}</Fact>
              <Fact term={t('report.col.compliance')}>{tender.compliance.join(' ; ') || '—'}</Fact>
            </dl>
            {tender.answers && tender.answers.length > 0 && (
              <Table
                headers={[t('report.col.bidder'), t('report.col.receivedAt'), t('report.col.onTime'), ...tender.criteria.map((c) => c.label), t('report.col.total'), t('report.col.rank')]}
                numeric={[3, 4, 5, 6]}
                rows={tender.answers.map((a) => {
                  const s = tender.scores?.find((x) => x.organisation === a.organisation);
                  return [a.organisation, formatDate(a.receivedAt), a.onTime ? t('report.yes') : t('report.no'), ...tender.criteria.map((c) => number(s?.byCriterion[c.key])), number(s?.total), number(s?.rank)];
                })}
              />
            )}
          </section>
        ))}
      </Section>

      <Section id="report-late" title={t('report.lateSteps')} empty={r.lateSteps.length === 0}>
        <Table
          headers={[t('report.col.phase'), t('report.col.step'), t('report.col.organisation'), t('report.col.dueDate'), t('report.col.completedAt'), t('report.col.daysLate'), t('report.col.state')]}
          numeric={[5]}
          rows={r.lateSteps.map((s) => [s.phase, s.step, s.organisation ?? '—', formatDate(s.dueAt), formatDate(s.completedAt), number(s.daysLate), s.stateLabel])}
        />
      </Section>
    </article>
  );
}

function Section({ id, title, empty, children }: { id: string; title: string; empty: boolean; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {empty ? <p className="muted">{t('report.none')}</p> : children}
    </section>
  );
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Table({ headers, rows, numeric = [] }: { headers: string[]; rows: string[][]; numeric?: number[] }) {
  return (
    <div className="report-table">
      <table>
        <thead>
          <tr>
            {headers.map((h, i) => (
              <th key={i} scope="col" className={numeric.includes(i) ? 'num' : undefined}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={r}>
              {row.map((v, i) => (
                <td key={i} className={numeric.includes(i) ? 'num' : undefined}>
                  {v}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

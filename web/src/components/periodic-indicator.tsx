import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartDataset } from 'chart.js';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client';
import { cellKeyOf, periodOfDate, periodsOfYear, previousYearPeriod } from '../../../domain/indicator-periods';
import { formatDateTime, formatNumber, formatPeriod, todayInParis } from '../lib/format';
import { useProgrammeAction, type ProgrammeView } from '../lib/programme-data';
import type { Me } from '../lib/session';
import { Notice, ProblemMessage } from './ui';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);

type IndicatorView = ProgrammeView['indicators'][number];
type Cell = IndicatorView['cells'][number];
type Named = { fr: string; en?: string };

/** One column of the entry table: a combination of dimension values (one per dimension), or the indicator itself. */
interface Column {
  dimensions: Record<string, string>;
  label: string;
}

const STACK_COLOURS = ['#1d4ed8', '#0f766e', '#b45309', '#7c3aed', '#be185d', '#475569'];

function useNamed(): (name: Named) => string {
  const { i18n } = useTranslation();
  return (name) => (i18n.language === 'en' && name.en ? name.en : name.fr);
}

/** Every combination of the dimensions' values (a site, or a site and a public…), in the template's order. */
function columnsOf(indicator: IndicatorView, named: (name: Named) => string): Column[] {
  let columns: Column[] = [{ dimensions: {}, label: '' }];
  for (const dimension of indicator.dimensions) {
    columns = columns.flatMap((c) =>
      dimension.values.map((v) => ({ dimensions: { ...c.dimensions, [dimension.key]: v.key }, label: c.label ? `${c.label} · ${named(v.name)}` : named(v.name) })),
    );
  }
  return indicator.dimensions.length ? columns : [];
}

/** The sum of the current values entered for a period (over every dimension value); null when nothing was entered. */
function periodTotal(cells: Cell[], period: string): number | null {
  const of = cells.filter((c) => c.period === period);
  return of.length ? of.reduce((sum, c) => sum + c.value, 0) : null;
}

/**
 * A periodic indicator (issue 19) on the programme page: the year's entry table (periods × dimension
 * values, the total, the target per period, a year earlier), a chart of the same numbers, and the
 * entry form for those who record it (the API decides who may; its refusal is shown in words).
 */
export function PeriodicIndicator({ programme, indicator, me }: { programme: ProgrammeView; indicator: IndicatorView; me: Me }) {
  const { t } = useTranslation();
  const named = useNamed();
  const kind = indicator.period!;
  const today = todayInParis();
  const currentYear = Number(today.slice(0, 4));
  const firstYear = Math.min(Number(programme.startDate.slice(0, 4)), ...indicator.cells.map((c) => Number(c.period.slice(0, 4))));
  const years = Array.from({ length: Math.max(1, currentYear - firstYear + 1) }, (_, i) => firstYear + i);
  const [year, setYear] = useState(currentYear);
  const name = named({ fr: indicator.name, en: indicator.nameEn });
  const periods = periodsOfYear(kind, year);
  const columns = columnsOf(indicator, named);
  const cellAt = (period: string, dimensions: Record<string, string>) => {
    const key = cellKeyOf({ period, dimensions });
    return indicator.cells.find((c) => cellKeyOf(c) === key);
  };
  const totals = periods.map((p) => periodTotal(indicator.cells, p));
  // The target applies from the programme's first period on: none for the months before it started.
  const firstPeriod = periodOfDate(kind, programme.startDate);
  const targets = periods.map((p) => (indicator.targetPerPeriod !== null && p >= firstPeriod ? indicator.targetPerPeriod : null));
  const previous = periods.map((p) => periodTotal(indicator.cells, previousYearPeriod(p)));
  const hasPrevious = previous.some((v) => v !== null);
  const sum = (values: (number | null)[]) => (values.some((v) => v !== null) ? values.reduce<number>((s, v) => s + (v ?? 0), 0) : null);
  const number = (value: number | null | undefined) => (value === null || value === undefined ? '—' : formatNumber(value));
  const canRecord = programme.status === 'active' && (me.role === 'partner' || me.role === 'admin' || (me.role === 'coordinator' && programme.onTeam));
  const headingId = `indicator-${indicator.key}`;

  return (
    <section className="periodic-indicator" aria-labelledby={headingId} data-testid="periodic-indicator" data-indicator={indicator.key}>
      <h3 id={headingId}>{name}</h3>
      <p className="small">
        {indicator.target !== null ? t('periodic.summaryWithTarget', { actual: formatNumber(indicator.actual), target: formatNumber(indicator.target) }) : t('periodic.summary', { actual: formatNumber(indicator.actual) })}
        {indicator.unit ? ` ${indicator.unit}` : ''}
        {indicator.targetPerPeriod !== null && (
          <>
            {' · '}
            <span data-testid="target-per-period">{t('periodic.targetEach', { target: formatNumber(indicator.targetPerPeriod) })}</span>
          </>
        )}
        {indicator.recordedBy && (
          <>
            {' · '}
            {t('periodic.recordedBy', { role: named(indicator.recordedBy) })}
          </>
        )}
      </p>
      <label className="field inline">
        <span>{t('periodic.year')}</span>
        <select value={year} onChange={(e) => setYear(Number(e.target.value))} data-testid="periodic-year">
          {years.map((y) => (
            <option key={y} value={y}>
              {y}
            </option>
          ))}
        </select>
      </label>

      <PeriodicChart
        title={t('periodic.chartLabel', { name, year })}
        labels={periods.map(formatPeriod)}
        stacks={
          columns.length
            ? columns.map((c) => ({ label: c.label, data: periods.map((p) => cellAt(p, c.dimensions)?.value ?? null) }))
            : [{ label: t('periodic.total'), data: totals }]
        }
        targets={indicator.targetPerPeriod !== null ? targets : null}
        previous={hasPrevious ? previous : null}
      />

      <div className="table-wrap">
        <table data-testid="periodic-table">
          <caption>{t('periodic.tableCaption', { name, year })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('periodic.period')}</th>
              {columns.map((c) => (
                <th scope="col" className="num" key={c.label}>
                  {c.label}
                </th>
              ))}
              <th scope="col" className="num">
                {t('periodic.total')}
              </th>
              {indicator.targetPerPeriod !== null && (
                <th scope="col" className="num">
                  {t('periodic.targetPerPeriod')}
                </th>
              )}
              {hasPrevious && (
                <th scope="col" className="num">
                  {t('periodic.previousYear')}
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {periods.map((period, row) => (
              <tr key={period} data-testid="periodic-row">
                <th scope="row">{formatPeriod(period)}</th>
                {columns.map((c) => (
                  <td className="num" key={c.label} data-testid="periodic-cell">
                    <CellValue cell={cellAt(period, c.dimensions)} />
                  </td>
                ))}
                <td className="num" data-testid="periodic-total">
                  {columns.length ? <strong>{number(totals[row])}</strong> : <CellValue cell={cellAt(period, {})} />}
                </td>
                {indicator.targetPerPeriod !== null && (
                  <td className="num" data-testid="periodic-target">
                    {number(targets[row])}
                  </td>
                )}
                {hasPrevious && (
                  <td className="num" data-testid="periodic-previous">
                    {number(previous[row])}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('periodic.yearTotal')}</th>
              {columns.map((c) => (
                <td className="num" key={c.label}>
                  {number(sum(periods.map((p) => cellAt(p, c.dimensions)?.value ?? null)))}
                </td>
              ))}
              <td className="num" data-testid="periodic-year-total">
                <strong>{number(sum(totals))}</strong>
              </td>
              {indicator.targetPerPeriod !== null && <td className="num">{number(sum(targets))}</td>}
              {hasPrevious && <td className="num">{number(sum(previous))}</td>}
            </tr>
          </tfoot>
        </table>
      </div>

      {canRecord && <EntryForm key={year} programme={programme} indicator={indicator} year={year} today={today} />}
    </section>
  );
}

/** A cell's current value, who entered it and when (Paris time), and the values it corrected on demand. */
function CellValue({ cell }: { cell: Cell | undefined }) {
  const { t } = useTranslation();
  if (!cell) return <>—</>;
  return (
    <>
      <span className="periodic-value">{formatNumber(cell.value)}</span>
      <span className="muted small periodic-by">
        {cell.recordedByName ? t('periodic.enteredBy', { name: cell.recordedByName, date: formatDateTime(cell.recordedAt) }) : t('periodic.enteredAt', { date: formatDateTime(cell.recordedAt) })}
      </span>
      {cell.corrections.length > 0 && (
        <details className="periodic-corrections">
          <summary>{t('periodic.corrected')}</summary>
          <ul>
            {cell.corrections.map((c) => (
              <li key={c.recordedAt}>
                {c.recordedByName
                  ? t('periodic.earlierValue', { value: formatNumber(c.value), name: c.recordedByName, date: formatDateTime(c.recordedAt) })
                  : t('periodic.earlierValueNoName', { value: formatNumber(c.value), date: formatDateTime(c.recordedAt) })}
              </li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}

type EntryBody = { value: number; period: string; dimensions?: Record<string, string> };

/** Choose a begun period of the year, one value per dimension and the count; entering a filled cell again corrects it. */
function EntryForm({ programme, indicator, year, today }: { programme: ProgrammeView; indicator: IndicatorView; year: number; today: string }) {
  const { t } = useTranslation();
  const named = useNamed();
  const kind = indicator.period!;
  const current = periodOfDate(kind, today);
  // Only begun periods are offered (the API refuses the others too).
  const periods = periodsOfYear(kind, year).filter((p) => p <= current);
  const [period, setPeriod] = useState(periods.at(-1) ?? '');
  const [dimensions, setDimensions] = useState<Record<string, string>>(() => Object.fromEntries(indicator.dimensions.map((d) => [d.key, d.values[0]?.key ?? ''])));
  const [count, setCount] = useState('');
  const record = useProgrammeAction(programme.id, (body: EntryBody, headers) =>
    unwrap(api.POST('/api/v1/programmes/{id}/indicators/{key}', { params: { path: { id: programme.id, key: indicator.key } }, body, headers })),
  );
  const existing = indicator.cells.find((c) => cellKeyOf(c) === cellKeyOf({ period, dimensions: indicator.dimensions.length ? dimensions : {} }));
  if (!periods.length) return <p className="muted small">{t('periodic.noPeriodYet')}</p>;
  const value = Number(count);
  const valid = count.trim() !== '' && Number.isFinite(value) && value >= 0;
  return (
    <details className="periodic-entry" open>
      <summary>{t('periodic.form')}</summary>
      <form
        className="stack"
        data-testid="periodic-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!valid) return;
          record.mutate(
            { value, period, ...(indicator.dimensions.length ? { dimensions } : {}) },
            {
              onSuccess: () => setCount(''),
            },
          );
        }}
      >
        <p className="muted small">{t('periodic.formHelp')}</p>
        <div className="field-row">
          <label className="field">
            <span>{t('periodic.period')}</span>
            <select value={period} onChange={(e) => setPeriod(e.target.value)}>
              {periods.map((p) => (
                <option key={p} value={p}>
                  {formatPeriod(p)}
                </option>
              ))}
            </select>
          </label>
          {indicator.dimensions.map((d) => (
            <label className="field" key={d.key}>
              <span>{named(d.name)}</span>
              <select value={dimensions[d.key] ?? ''} onChange={(e) => setDimensions({ ...dimensions, [d.key]: e.target.value })}>
                {d.values.map((v) => (
                  <option key={v.key} value={v.key}>
                    {named(v.name)}
                  </option>
                ))}
              </select>
            </label>
          ))}
          <label className="field">
            <span>{t('periodic.count')}</span>
            <input type="number" min={0} step={1} required inputMode="numeric" value={count} onChange={(e) => setCount(e.target.value)} />
          </label>
        </div>
        {existing && <p className="muted small">{t('periodic.currentValue', { value: formatNumber(existing.value) })}</p>}
        <ProblemMessage error={record.error} />
        {record.isSuccess && !record.isPending && <Notice>{t('periodic.saved')}</Notice>}
        <button type="submit" className="primary" disabled={!valid || record.isPending}>
          {t('periodic.submit')}
        </button>
      </form>
    </details>
  );
}

interface ChartProps {
  title: string;
  labels: string[];
  stacks: { label: string; data: (number | null)[] }[];
  targets: (number | null)[] | null;
  previous: (number | null)[] | null;
}

/** Bars per period (stacked per dimension value), the target per period and the year before as lines; the table carries the same numbers. */
function PeriodicChart({ title, labels, stacks, targets, previous }: ChartProps) {
  const { t } = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  const signature = JSON.stringify({ labels, stacks, targets, previous });
  useEffect(() => {
    if (!canvas.current) return;
    const datasets: ChartDataset<'bar' | 'line', (number | null)[]>[] = [
      ...stacks.map((s, i) => ({ type: 'bar' as const, label: s.label, data: s.data, backgroundColor: STACK_COLOURS[i % STACK_COLOURS.length], stack: 'entries', order: 2 })),
      ...(targets ? [{ type: 'line' as const, label: t('periodic.targetPerPeriod'), data: targets, borderColor: '#dc2626', borderDash: [6, 4], pointRadius: 0, fill: false, stack: 'target', order: 1 }] : []),
      ...(previous ? [{ type: 'line' as const, label: t('periodic.previousYear'), data: previous, borderColor: '#64748b', backgroundColor: '#64748b', spanGaps: true, fill: false, stack: 'previous', order: 0 }] : []),
    ];
    const chart = new Chart<'bar' | 'line', (number | null)[], string>(canvas.current, {
      type: 'bar',
      data: { labels, datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } },
        plugins: { legend: { position: 'bottom' } },
      },
    });
    return () => chart.destroy();
    // Rebuilt only when the numbers or the language change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [signature, t]);
  return (
    <figure className="periodic-chart">
      <div className="chart" style={{ height: '280px' }}>
        <canvas ref={canvas} aria-hidden="true" data-testid="periodic-chart" />
      </div>
      <figcaption className="muted small">{title}</figcaption>
    </figure>
  );
}

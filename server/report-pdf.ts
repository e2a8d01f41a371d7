import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { formatFrenchDate, formatFrenchDateTime, formatFrenchMonth } from '../domain/french-dates';
import { REPORT_LABELS as L, type FundersReport } from '../domain/funders-report';
import { AppError } from './errors';

/**
 * The funders' report as a printable page (A4, French, Paris dates, CSS bar charts of the
 * indicators against their targets), and that page printed to PDF by Debian's Chromium through
 * playwright-core: no script runs in the page and no request leaves it.
 */
const escapeHtml = (v: unknown) =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const date = (v: string | null | undefined) => (v ? formatFrenchDate(v) : '—');
const number = (v: number | null | undefined) => (v === null || v === undefined ? '—' : new Intl.NumberFormat('fr-FR').format(v));

function table(headers: string[], rows: unknown[][], numeric: number[] = []): string {
  if (!rows.length) return `<p class="none">${escapeHtml(L.none)}</p>`;
  const cell = (v: unknown, i: number, tag: 'td' | 'th') => `<${tag}${numeric.includes(i) ? ' class="num"' : ''}>${escapeHtml(v)}</${tag}>`;
  return `<table><thead><tr>${headers.map((h, i) => cell(h, i, 'th')).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((v, i) => cell(v, i, 'td')).join('')}</tr>`).join('')}</tbody></table>`;
}

function indicatorBars(report: FundersReport): string {
  return report.indicators
    .map((i) => {
      const scale = Math.max(i.valueAtEnd, i.target ?? 0, 1);
      const pct = (v: number) => `${Math.min(100, Math.round((v / scale) * 1000) / 10)}%`;
      return `<div class="indicator"><div class="label">${escapeHtml(i.name)} : <strong>${number(i.valueAtEnd)}</strong>${i.target !== null ? ` / ${number(i.target)} (${number(i.rate)} %)` : ''}${i.unit ? ` ${escapeHtml(i.unit)}` : ''}</div>
        <div class="bar"><span class="actual" style="width:${pct(i.valueAtEnd)}"></span>${i.target !== null ? `<span class="target" style="left:${pct(i.target)}"></span>` : ''}</div></div>`;
    })
    .join('');
}

/** Each periodic indicator's counts per period (issue 19): per site, total, target and the previous year. */
function periodicTables(report: FundersReport): string {
  const C = L.columns;
  const periodic = report.indicators.filter((i) => i.periods.length && i.periods.length <= 24);
  if (!periodic.length) return '';
  return `<h3>${escapeHtml(L.indicatorsByPeriod)}</h3>${periodic
    .map((i) => {
      const names = i.periods[0]!.byDimension.map((d) => d.name);
      const rows = i.periods.map((p) => [p.label, ...p.byDimension.map((d) => number(d.value)), number(p.value), number(p.target), number(p.previousYear)]);
      return `<h4>${escapeHtml(i.name)}</h4>${table([C.period, ...names, C.periodValue, C.targetPerPeriod, C.previousYear], rows, rows[0]!.map((_, n) => n).slice(1))}`;
    })
    .join('')}`;
}

export function renderReportHtml(report: FundersReport): string {
  const C = L.columns;
  const months = report.indicators[0]?.byMonth.map((m) => m.month) ?? [];
  const tenders = report.tenders
    .map(
      (t) => `<section class="tender"><h3>${escapeHtml(t.title)}</h3>
      ${t.sealed ? `<p class="note">${escapeHtml(L.sealed)}</p>` : ''}
      <dl>
        <dt>${escapeHtml(C.status)}</dt><dd>${escapeHtml(L.programmeStatus[t.status])}</dd>
        <dt>${escapeHtml(C.specification)}</dt><dd>${date(t.specificationAt)}</dd>
        <dt>${escapeHtml(C.providers)}</dt><dd>${t.providers ? `${t.providers.length} : ${escapeHtml(t.providers.join(', '))}` : '—'}</dd>
        <dt>${escapeHtml(C.deadline)}</dt><dd>${t.answersDeadline ? escapeHtml(formatFrenchDateTime(t.answersDeadline)) : '—'}</dd>
        <dt>${escapeHtml(C.answersOnTime)}</dt><dd>${t.answers ? `${t.answers.filter((a) => a.onTime).length} / ${t.answers.length}` : '—'}</dd>
        <dt>${escapeHtml(C.criteria)}</dt><dd>${escapeHtml(t.criteria.map((c) => `${c.label} (${c.weight} %)`).join(', ') || '—')}</dd>
        <dt>${escapeHtml(C.winner)}</dt><dd>${escapeHtml(t.winner ?? '—')}</dd>
        <dt>${escapeHtml(C.awardedAt)}</dt><dd>${date(t.awardedAt)}</dd>
        <dt>${escapeHtml(C.notifiedAt)}</dt><dd>${date(t.notifiedAt)}</dd>
        <dt>${escapeHtml(C.contractSignedAt)}</dt><dd>${date(t.contractSignedAt)}</dd>
        <dt>${escapeHtml(C.compliance)}</dt><dd>${escapeHtml(t.compliance.join(' ; ') || '—')}</dd>
      </dl>
      ${t.answers && t.answers.length ? table([C.bidder, C.receivedAt, C.onTime, ...t.criteria.map((c) => c.label), C.total, C.rank], t.answers.map((a) => {
        const s = t.scores?.find((x) => x.organisation === a.organisation);
        return [a.organisation, date(a.receivedAt), a.onTime ? L.yes : L.no, ...t.criteria.map((c) => number(s?.byCriterion[c.key])), number(s?.total), number(s?.rank)];
      }), [3, 4, 5, 6]) : ''}</section>`,
    )
    .join('');

  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${escapeHtml(`${L.title} — ${report.programme.title}`)}</title>
<style>
  @page { size: A4; margin: 16mm 14mm; }
  body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt; color: #111827; }
  header { border-bottom: 2px solid #1d4ed8; margin-bottom: 12px; }
  .agency { font-size: 14pt; font-weight: bold; color: #1d4ed8; }
  h1 { font-size: 16pt; margin: 4px 0; } h2 { font-size: 12pt; margin: 16px 0 6px; color: #1e3a8a; break-after: avoid; }
  h3 { font-size: 11pt; margin: 10px 0 4px; }
  table { border-collapse: collapse; width: 100%; margin-bottom: 8px; } th, td { border: 1px solid #cbd5e1; padding: 3px 5px; text-align: left; vertical-align: top; }
  th { background: #eff6ff; } td.num, th.num { text-align: right; } tr { break-inside: avoid; }
  .none, .note { color: #4b5563; font-style: italic; }
  dl { display: grid; grid-template-columns: 45mm 1fr; gap: 2px 8px; margin: 0 0 6px; } dt { font-weight: bold; } dd { margin: 0; }
  .indicator { margin: 4px 0 8px; } .bar { position: relative; height: 10px; background: #e5e7eb; border-radius: 2px; }
  .bar .actual { position: absolute; left: 0; top: 0; bottom: 0; background: #1d4ed8; } .bar .target { position: absolute; top: -3px; bottom: -3px; width: 2px; background: #b91c1c; }
  .tender { break-inside: avoid; } .logo { float: right; max-height: 18mm; max-width: 50mm; }
</style></head><body>
<header>${report.agencyLogo ? `<img class="logo" src="${escapeHtml(report.agencyLogo)}" alt="">` : ''}<div class="agency">${escapeHtml(report.agencyName)}</div><h1>${escapeHtml(L.title)} — ${escapeHtml(report.programme.title)}</h1>
<p>${escapeHtml(L.period)} ${escapeHtml(L.from)} ${date(report.period.from)} ${escapeHtml(L.to)} ${date(report.period.to)} · ${escapeHtml(L.template)} : ${escapeHtml(report.programme.templateName)} · ${escapeHtml(L.status)} : ${escapeHtml(report.programme.statusLabel)} · ${escapeHtml(L.startDate)} : ${date(report.programme.startDate)} · ${escapeHtml(L.generatedAt)} ${escapeHtml(formatFrenchDateTime(report.generatedAt))}</p></header>
<h2>${escapeHtml(L.indicators)}</h2>
${report.indicators.length ? indicatorBars(report) : ''}
${table([C.indicator, C.target, C.valueAtEnd, C.change, C.rate], report.indicators.map((i) => [i.unit ? `${i.name} (${i.unit})` : i.name, number(i.target), number(i.valueAtEnd), number(i.change), number(i.rate)]), [1, 2, 3, 4])}
${report.indicators.length && months.length <= 24 ? `<h3>${escapeHtml(L.indicatorsByMonth)}</h3>${table([C.indicator, ...months.map(formatFrenchMonth)], report.indicators.map((i) => [i.name, ...i.byMonth.map((m) => number(m.change))]), months.map((_, i) => i + 1))}` : ''}
${periodicTables(report)}
<h2>${escapeHtml(L.milestones)}</h2>
${table([C.milestone, C.dueDate, C.reachedAt, C.state], report.milestones.map((m) => [m.name, date(m.dueAt), date(m.reachedAt), m.stateLabel]))}
<h2>${escapeHtml(L.actions)}</h2>
${table([C.phase, C.step, C.organisation, C.completedAt, C.by], report.actions.map((a) => [a.phase, a.step, a.organisation ?? '—', date(a.completedAt), a.by ?? '—']))}
<h2>${escapeHtml(L.deliverables)}</h2>
${table([C.step, C.deliverable, C.organisation, C.acceptedAt], report.deliverables.map((d) => [d.step, d.title, d.organisation ?? '—', date(d.acceptedAt)]))}
<h2>${escapeHtml(L.enrolments)}</h2>
${table([C.phase, C.capacity, C.organisation, C.enrolledAt], report.enrolments.flatMap((p) => {
    const capacity = p.capacity ? `${p.organisations.filter((o) => !o.slot).length} / ${p.capacity.max}` : '—';
    return p.organisations.length ? p.organisations.map((o) => [p.phase, capacity, o.role ? `${o.name} (${o.role})` : o.name, date(o.enrolledAt)]) : [[p.phase, capacity, '—', '—']];
  }))}
<h2>${escapeHtml(L.tenders)}</h2>
${tenders || `<p class="none">${escapeHtml(L.none)}</p>`}
<h2>${escapeHtml(L.lateSteps)}</h2>
${table([C.phase, C.step, C.organisation, C.dueDate, C.completedAt, C.daysLate, C.state], report.lateSteps.map((s) => [s.phase, s.step, s.organisation ?? '—', date(s.dueAt), date(s.completedAt), number(s.daysLate), s.stateLabel]), [5])}
</body></html>`;
}

// One print at a time: Chromium is heavy and the machine is shared.
let printing: Promise<unknown> = Promise.resolve();

export function assertChromium(chromiumPath: string): void {
  if (!existsSync(chromiumPath)) throw new AppError('dependency_unavailable', `The PDF export needs Chromium at ${chromiumPath} (CHROMIUM_PATH).`);
}

/**
 * Prints the page to an A4 PDF with Chromium (offline: every request from the page is refused).
 * `gone` is asked before printing: a caller who left while queued gets nothing (undefined).
 */
export function printReportPdf(html: string, chromiumPath: string, gone: () => boolean = () => false): Promise<Buffer | undefined> {
  const run = printing.then(async () => {
    if (gone()) return undefined;
    assertChromium(chromiumPath);
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    try {
      const context = await browser.newContext({ javaScriptEnabled: false, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
      const page = await context.newPage();
      await page.route('**/*', (route) => route.abort());
      await page.setContent(html, { waitUntil: 'load' });
      return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '16mm', bottom: '16mm', left: '14mm', right: '14mm' } });
    } finally {
      await browser.close();
    }
  });
  printing = run.catch(() => undefined);
  return run;
}

import ExcelJS from 'exceljs';
import { formatFrenchDate, formatFrenchDateTime, formatFrenchMonth } from '../domain/french-dates';
import { REPORT_LABELS as L, type FundersReport } from '../domain/funders-report';

/**
 * The funders' report as an XLSX workbook (exceljs): one sheet per section, French headers,
 * dates written as Paris dates in words ("14 décembre 2026"). Every cell is a plain value: text
 * that starts with "=", "+", "-" or "@" (a title typed by a user) stays text, never a formula.
 */
type Cell = string | number | null;

const date = (v: string | null | undefined) => (v ? formatFrenchDate(v) : null);
const yesNo = (v: boolean) => (v ? L.yes : L.no);

function addTable(workbook: ExcelJS.Workbook, name: string, headers: string[], rows: Cell[][], widths: number[]): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = headers.map((header, i) => ({ header, width: widths[i] ?? 20 }));
  sheet.getRow(1).font = { bold: true };
  // Empty values stay empty cells; strings are written as text (never as formulas).
  for (const row of rows) sheet.addRow(row.map((v) => (v === '' ? null : v)));
  if (!rows.length) sheet.addRow([L.none]);
  return sheet;
}

export async function renderReportXlsx(report: FundersReport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = report.agencyName;
  workbook.title = `${L.title} — ${report.programme.title}`;
  workbook.created = new Date(report.generatedAt);
  const C = L.columns;

  const summary = workbook.addWorksheet(L.summary);
  summary.columns = [{ width: 34 }, { width: 70 }];
  summary.addRow([report.agencyName]).font = { bold: true, size: 14 };
  const logo = /^data:image\/(png|jpeg);base64,(.+)$/.exec(report.agencyLogo ?? '');
  if (logo) summary.addImage(workbook.addImage({ base64: logo[2]!, extension: logo[1] as 'png' | 'jpeg' }), { tl: { col: 2, row: 0 }, ext: { width: 160, height: 60 } });
  summary.addRow([L.title]).font = { bold: true, size: 12 };
  const info: [string, Cell][] = [
    [L.programme, report.programme.title],
    [L.template, report.programme.templateName],
    [L.status, report.programme.statusLabel],
    [L.startDate, date(report.programme.startDate)],
    [L.period, `${L.from} ${date(report.period.from)} ${L.to} ${date(report.period.to)}`],
    [L.generatedAt, formatFrenchDateTime(report.generatedAt)],
    [L.actions, report.actions.length],
    [L.milestones, report.milestones.length],
    [L.deliverables, report.deliverables.length],
    [L.tenders, report.tenders.length],
    [L.lateSteps, report.lateSteps.length],
  ];
  for (const [label, value] of info) summary.addRow([label, value]).getCell(1).font = { bold: true };

  addTable(workbook, L.actions, [C.phase, C.step, C.organisation, C.completedAt, C.by], report.actions.map((a) => [a.phase, a.step, a.organisation, date(a.completedAt), a.by]), [28, 50, 30, 20, 26]);
  addTable(workbook, L.milestones, [C.milestone, C.dueDate, C.reachedAt, C.state], report.milestones.map((m) => [m.name, date(m.dueAt), date(m.reachedAt), m.stateLabel]), [50, 20, 20, 20]);
  addTable(workbook, L.deliverables, [C.step, C.deliverable, C.organisation, C.acceptedAt], report.deliverables.map((d) => [d.step, d.title, d.organisation, date(d.acceptedAt)]), [40, 50, 30, 20]);
  addTable(
    workbook,
    L.indicators,
    [C.indicator, C.unit, C.target, C.valueAtEnd, C.change, C.rate],
    report.indicators.map((i) => [i.name, i.unit, i.target, i.valueAtEnd, i.change, i.rate]),
    [50, 16, 12, 24, 24, 18],
  );
  const months = report.indicators[0]?.byMonth.map((m) => m.month) ?? [];
  addTable(
    workbook,
    L.indicatorsByMonth,
    [C.indicator, ...months.map(formatFrenchMonth)],
    report.indicators.map((i) => [i.name, ...i.byMonth.map((m) => m.change)]),
    [50, ...months.map(() => 16)],
  );
  const periodic = report.indicators.filter((i) => i.periods.length);
  if (periodic.length) {
    // One column per value of the first dimension (the sites), the same for every row of one indicator.
    const dimensionNames = [...new Set(periodic.flatMap((i) => i.periods.flatMap((p) => p.byDimension.map((d) => d.name))))];
    addTable(
      workbook,
      L.indicatorsByPeriod,
      [C.indicator, C.period, ...dimensionNames, C.periodValue, C.targetPerPeriod, C.previousYear],
      periodic.flatMap((i) => i.periods.map((p) => [i.name, p.label, ...dimensionNames.map((n) => p.byDimension.find((d) => d.name === n)?.value ?? null), p.value, p.target, p.previousYear])),
      [40, 22, ...dimensionNames.map(() => 18), 14, 20, 24],
    );
  }
  addTable(
    workbook,
    L.enrolments,
    [C.phase, C.capacity, C.organisation, C.enrolledAt],
    report.enrolments.flatMap((p) => {
      const capacity = p.capacity ? `${p.organisations.filter((o) => !o.slot).length} / ${p.capacity.max}` : null;
      return p.organisations.length ? p.organisations.map((o) => [p.phase, capacity, o.role ? `${o.name} (${o.role})` : o.name, date(o.enrolledAt)]) : [[p.phase, capacity, null, null]];
    }),
    [30, 14, 40, 20],
  );
  addTable(
    workbook,
    L.tenders,
    [C.tender, C.status, C.specification, C.providersCount, C.providers, C.deadline, C.answers, C.answersOnTime, C.criteria, C.winner, C.awardedAt, C.notifiedAt, C.contractSignedAt, C.compliance],
    report.tenders.map((t) => [
      t.title,
      L.programmeStatus[t.status],
      date(t.specificationAt),
      t.providers ? t.providers.length : null,
      t.providers ? t.providers.join(', ') : t.sealed ? L.sealed : null,
      date(t.answersDeadline),
      t.answers ? t.answers.length : null,
      t.answers ? t.answers.filter((a) => a.onTime).length : null,
      t.criteria.map((c) => `${c.label} (${c.weight} %)`).join(', '),
      t.winner,
      date(t.awardedAt),
      date(t.notifiedAt),
      date(t.contractSignedAt),
      t.compliance.join(' ; '),
    ]),
    [40, 14, 18, 14, 50, 20, 12, 14, 34, 30, 20, 20, 20, 60],
  );
  const criteria = [...new Map(report.tenders.flatMap((t) => t.criteria).map((c) => [c.key, c.label])).entries()];
  addTable(
    workbook,
    L.tenderScores,
    [C.tender, C.bidder, C.receivedAt, C.onTime, ...criteria.map(([, label]) => label), C.total, C.rank],
    report.tenders.flatMap((t) =>
      (t.answers ?? []).map((a) => {
        const score = t.scores?.find((s) => s.organisation === a.organisation);
        return [t.title, a.organisation, date(a.receivedAt), yesNo(a.onTime), ...criteria.map(([key]) => score?.byCriterion[key] ?? null), score?.total ?? null, score?.rank ?? null];
      }),
    ),
    [40, 34, 20, 14, ...criteria.map(() => 16), 18, 8],
  );
  addTable(
    workbook,
    L.lateSteps,
    [C.phase, C.step, C.organisation, C.dueDate, C.completedAt, C.daysLate, C.state],
    report.lateSteps.map((s) => [s.phase, s.step, s.organisation, date(s.dueAt), date(s.completedAt), s.daysLate, s.stateLabel]),
    [28, 50, 30, 20, 20, 16, 22],
  );

  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * Issue 20, done when: importing the model spreadsheet of DEFI as it stood at the end of 2021
 * gives the programme page and journal a coordinator expects (past steps done on their dates,
 * "saisi a posteriori" by whom, today's open steps with their reminders planned from today), a
 * bad line is reported with its number and nothing is written, and the 2021 report comes out as
 * JSON, XLSX and PDF with the indicators against their targets and the three tenders' record.
 * Real API, Temporal, PostgreSQL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { toParisDate } from '../../domain/calendar';
import { IMPORT_MODEL_ORGANISATIONS } from '../../domain/import-sheet';
import type { ProgrammeState } from '../../domain/programme-state';
import { apiClient, createOrganisation, createUser, startHarness, waitFor, type Harness, type TestUser } from '../support/harness';
import { recordHistory } from '../support/histories';
import { waitForReadModelInSync } from '../support/read-model';

describe('DEFI imported as it stood at the end of 2021', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  let coordinator: TestUser;
  const org: Record<string, string> = {};

  // The agency's logo (AGENCY_LOGO): a 1×1 PNG, read by the in-process API's config.
  const LOGO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
  const previousLogo = process.env.AGENCY_LOGO;

  beforeAll(async () => {
    const logoPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jalons-logo-')), 'logo.png');
    fs.writeFileSync(logoPath, LOGO);
    process.env.AGENCY_LOGO = logoPath;
    h = await startHarness({ notifier: false });
    api = apiClient(h.apiUrl);
    coordinator = await createUser(h, 'coordinator');
    // The suite shares one database: another test may have made some of these organisations.
    for (const name of IMPORT_MODEL_ORGANISATIONS) org[name] = (await h.prisma.organisation.findUnique({ where: { name } }))?.id ?? (await createOrganisation(h, name));
  });
  afterAll(async () => {
    if (previousLogo === undefined) delete process.env.AGENCY_LOGO;
    else process.env.AGENCY_LOGO = previousLogo;
    await h?.stop();
  });

  const ok = async (p: Promise<{ status: number; body: any }>, status = 200) => {
    const res = await p;
    expect({ status: res.status, detail: res.body?.detail }).toEqual({ status, detail: undefined });
    return res.body;
  };
  const download = async (url: string) => {
    const res = await fetch(`${h.apiUrl}${url}`, { headers: { Authorization: `Bearer ${coordinator.token}` } });
    return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
  };
  const day = (iso: string | null | undefined) => (iso ? toParisDate(new Date(iso)) : undefined);
  const send = (id: string, content: Buffer, confirm: boolean) => api.post(`/api/v1/programmes/${id}/import`, { fileName: 'defi-2021.csv', content: content.toString('base64'), confirm }, coordinator.token);

  it('gives past steps done on their dates, today’s open steps with reminders, and the 2021 report', async () => {
    const defi = await ok(api.post('/api/v1/programmes', { templateKey: 'defi', title: 'DEFI — Destination Formation Innovante (2021)', startDate: '2021-01-04' }, coordinator.token), 201);
    const model = (await download('/api/v1/imports/model.csv')).body;
    const modelLines = model.toString('utf8').replace(/\r\n$/, '').split('\r\n');
    expect(modelLines).toHaveLength(30);

    // A bad line (a step of Expérimentation done before the steps it depends on) and an unknown organisation:
    // each reported with its line number, and nothing written even when asked to confirm.
    const bad = Buffer.from([...modelLines, 'DEFI-2021-900;etape;;bricks-run-experimentation;AFPA;22/12/2021;;;;', 'DEFI-2021-901;inscription;deployment;;Lycée Inconnu;31/12/2021;;;;'].join('\r\n'), 'utf8');
    const before = await waitForReadModelInSync(h, defi.id);
    const dry = await ok(send(defi.id, bad, false));
    expect([dry.plan.valid, dry.plan.counts]).toEqual([false, { create: 29, unchanged: 0, error: 2 }]);
    expect(dry.plan.lines.filter((l: { outcome: string }) => l.outcome === 'error').map((l: { line: number; problems: { code: string; message: string }[] }) => [l.line, l.problems.map((p) => [p.code, p.message])])).toEqual([
      [31, [['history_dependency_not_done', 'Étape « Mise en œuvre des briques en formation (Expérimentation) » réalisée le 22/12/2021 avant l’étape « Temps de formation aux professionnels (Expérimentation) » dont elle dépend.']]],
      [32, [['unknown_organisation', 'Organisation « Lycée Inconnu » inconnue : créez-la d’abord ou corrigez son nom.']]],
    ]);
    const refused = await send(defi.id, bad, true);
    expect([refused.status, refused.body.code]).toEqual([422, 'import_rejected']);
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual(['ligne 31', 'ligne 32']);
    expect((await waitForReadModelInSync(h, defi.id)).version).toBe(before.version);
    expect(await h.prisma.importRow.count({ where: { programmeId: defi.id } })).toBe(0);

    // The model itself: 29 lines written as the programme's past.
    const done = await ok(send(defi.id, model, true));
    expect([done.written, done.plan.counts, done.applied.length]).toEqual([true, { create: 29, unchanged: 0, error: 0 }, 29]);
    const state = await waitFor('the award of the evaluation tender to reach DEFI', async () => {
      const s = await waitForReadModelInSync(h, defi.id);
      return s.slots.evaluator === org.DIDACTION && s.children.every((c) => c.milestones.includes('awarded')) ? s : undefined;
    });
    const step = (key: string) => state.steps.find((s) => s.key === key)!;
    const phase = (key: string) => state.phases.find((p) => p.key === key)!;
    // Past steps done on their dates (the Paris day of the fact).
    const doneOn = (key: string) => toParisDate(new Date(step(key).completedAt!));
    expect(['partner-mobilisation', 'partner-allocation', 'framing-evaluation', 'framing-intellectual-property', 'framing-communication', 'trainers-training-test', 'bricks-co-construction-test', 'bricks-run-test', 'test-review'].map((k) => [k, doneOn(k)])).toEqual([
      ['partner-mobilisation', '2021-06-30'],
      ['partner-allocation', '2021-07-15'],
      ['framing-evaluation', '2021-08-31'],
      ['framing-intellectual-property', '2021-09-15'],
      ['framing-communication', '2021-09-30'],
      ['trainers-training-test', '2021-10-29'],
      ['bricks-co-construction-test', '2021-11-30'],
      ['bricks-run-test', '2021-12-10'],
      ['test-review', '2021-12-17'],
    ]);
    expect(step('partner-mobilisation').note).toBe(`Saisi a posteriori par ${coordinator.name} (import, ligne 2, clé DEFI-2021-001). 40 structures contactées, 14 rencontrées`);
    expect(step('bricks-run-test').parts[org.AFPA!]!.at.slice(0, 10)).toBe('2021-12-10');
    expect([phase('launch').status, toParisDate(new Date(phase('launch').openedAt!)), toParisDate(new Date(phase('launch').completedAt!))]).toEqual(['completed', '2021-01-04', '2021-09-30']);
    expect([phase('test').status, toParisDate(new Date(phase('test').openedAt!))]).toEqual(['completed', '2021-10-04']);
    expect([phase('experimentation').status, toParisDate(new Date(phase('experimentation').openedAt!))]).toEqual(['active', '2021-12-20']);
    expect(phase('experimentation').enrolled.map((e) => e.organisationId)).toEqual(['AFPA', 'Réseau GRETA Bourgogne', 'Réseau MFR Bourgogne-Franche-Comté', 'CCI Formation 21', 'Prom’Hôte IFITEL – Groupe Stelo formation'].map((n) => org[n]));
    expect(phase('deployment').enrolled).toHaveLength(7);
    expect(state.indicators).toEqual({ 'partners-contacted': 40, 'partners-met': 14 });

    // Today's open steps: Expérimentation's, due from the template rules counted from 20 December 2021, late today,
    // with their overdue reminders planned from today on (not the missed ones of 2022).
    const open = state.steps.filter((s) => s.status === 'active').map((s) => s.key);
    expect(open).toEqual(['trainers-training-experimentation', 'bricks-co-construction-experimentation', 'digital-tools-delivery']);
    const now = Date.now();
    for (const key of open) {
      const s = step(key);
      expect([key, s.late, Date.parse(s.dueAt!) < Date.parse('2022-07-01')]).toEqual([key, true, true]);
      const upcoming = (s.reminderPlan?.reminders ?? []).filter((r) => r.at > now - 60_000);
      expect(upcoming.length).toBeGreaterThan(0);
      expect(upcoming.every((r) => r.dueAt === s.dueAt && ['overdue', 'escalation'].includes(r.kind))).toBe(true);
    }
    expect(toParisDate(new Date(step('trainers-training-experimentation').dueAt!))).toBe('2022-01-19');
    expect(step('digital-tools-delivery').assignee).toEqual({ kind: 'unassigned', slot: 'digital-contractor' });
    // Nothing in the future of the Test phase is still open, and the history left no reminder of the past.
    expect(state.steps.filter((s) => s.status === 'completed').every((s) => s.remindersSent.length === 0)).toBe(true);

    // The journal: every fact at its real date, "saisi a posteriori" by the coordinator, then today's events.
    const journal = await ok(api.get(`/api/v1/programmes/${defi.id}/events?limit=200`, coordinator.token));
    const mobilised = journal.items.find((e: { type: string; data: { stepKey?: string } }) => e.type === 'step.completed' && e.data.stepKey === 'partner-mobilisation');
    expect(mobilised).toMatchObject({ at: '2021-06-30T10:00:00.000Z', actorId: coordinator.id, actorName: coordinator.name, data: { backfill: { enteredBy: coordinator.id } } });
    expect(Date.parse(mobilised.data.backfill.enteredAt)).toBeGreaterThan(now - 5 * 60_000);
    const gate = journal.items.find((e: { type: string; data: { phaseKey?: string } }) => e.type === 'phase.opened' && e.data.phaseKey === 'experimentation');
    expect(gate).toMatchObject({ at: '2021-12-20T10:00:00.000Z', actorId: coordinator.id });
    const entered = journal.items.find((e: { type: string }) => e.type === 'programme.backfilled');
    expect(entered).toMatchObject({ actorId: coordinator.id, data: { facts: 29 } });
    // (Before the import, the programme started today with a 2021 start date: its launch steps were late at once.)
    expect(journal.items.filter((e: { type: string; seq: number }) => e.type === 'step.overdue' && e.seq > entered.seq).map((e: { data: { stepKey: string } }) => e.data.stepKey).sort()).toEqual([...open].sort());

    // The tenders took their award at its date, with their winner.
    const tenders = await Promise.all(state.children.map((c) => waitForReadModelInSync(h, c.programmeId)));
    expect(tenders.map((t: ProgrammeState) => [(t.moduleState.tender as { winner: string }).winner, toParisDate(new Date(t.milestones.find((m) => m.key === 'awarded')!.at))])).toEqual([
      [org['In concreto'], '2021-06-01'],
      [org.CinqAvril, '2021-06-07'],
      [org.DIDACTION, '2021-11-12'],
    ]);

    // A rerun changes nothing.
    const again = await ok(send(defi.id, model, true));
    expect([again.written, again.plan.counts]).toEqual([false, { create: 0, unchanged: 29, error: 0 }]);
    // Guards the history-after-start path (recordHistoryUpdate) in the replay test.
    await recordHistory(h, defi.id, 'backfill-import-record-history');

    // The 2021 report: indicators against targets, the three tenders' record, the year's actions at their dates.
    const report = await ok(api.get(`/api/v1/programmes/${defi.id}/report?from=2021-01-01&to=2021-12-31`, coordinator.token));
    expect(report.period).toEqual({ from: '2021-01-01', to: '2021-12-31' });
    expect([report.agencyName, report.agencyLogo]).toEqual(["Creativ'", `data:image/png;base64,${LOGO.toString('base64')}`]);
    expect(report.indicators.map((i: { key: string; target: number; valueAtEnd: number; rate: number }) => [i.key, i.target, i.valueAtEnd, i.rate])).toEqual([
      ['partners-contacted', 40, 40, 100],
      ['partners-met', 14, 14, 100],
    ]);
    expect(report.indicators[0].byMonth).toContainEqual(expect.objectContaining({ month: '2021-06', valueAtEnd: 40 }));
    expect(report.tenders.map((t: { title: string; winner: string; awardedAt: string; providers: string[]; compliance: string[] }) => [t.title, t.winner, toParisDate(new Date(t.awardedAt)), t.providers, t.compliance.length > 0])).toEqual([
      ['Consultation propriété intellectuelle', 'In concreto', '2021-06-01', ['In concreto'], true],
      ['Consultation communication et identité visuelle', 'CinqAvril', '2021-06-07', ['CinqAvril'], true],
      ['Consultation évaluation continue', 'DIDACTION', '2021-11-12', ['DIDACTION'], true],
    ]);
    // Awards entered without their scores: the record says who won and when, nothing about a rank it does not know.
    expect(report.tenders.map((t: { compliance: string[] }) => t.compliance.filter((c) => /class/.test(c)))).toEqual([[], [], []]);
    expect(report.actions.find((a: { step: string }) => a.step === 'Mobilisation des partenaires')).toMatchObject({ completedAt: '2021-06-30T10:00:00.000Z' });
    expect(report.actions.map((a: { step: string }) => a.step)).not.toContain('Temps de formation aux professionnels (Expérimentation)');
    expect(report.milestones).toContainEqual(expect.objectContaining({ name: 'Marché attribué — Consultation communication et identité visuelle', state: 'reached' }));
    expect(report.enrolments.find((e: { phase: string }) => e.phase === 'Phase Expérimentation').organisations).toHaveLength(5);

    const xlsx = await download(`/api/v1/programmes/${defi.id}/report.xlsx?from=2021-01-01&to=2021-12-31`);
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    // The logo heads the summary sheet.
    expect(workbook.getWorksheet('Synthèse')!.getImages()).toHaveLength(1);
    const rows = (name: string) => (workbook.getWorksheet(name)!.getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.slice(1));
    expect(rows('Indicateurs').slice(1).map((r) => r.slice(0, 4))).toEqual([
      ['Réseaux et organismes de formation contactés', undefined, 40, 40],
      ['Réseaux et organismes de formation rencontrés', undefined, 14, 14],
    ]);
    const tenderRows = rows('Consultations et marchés');
    const awardedAt = tenderRows[0]!.indexOf('Attribué le');
    const titulaire = tenderRows[0]!.indexOf('Titulaire');
    expect(tenderRows.slice(1).map((r) => [r[0], r[titulaire], r[awardedAt]])).toEqual([
      ['Consultation propriété intellectuelle', 'In concreto', '1er juin 2021'],
      ['Consultation communication et identité visuelle', 'CinqAvril', '7 juin 2021'],
      ['Consultation évaluation continue', 'DIDACTION', '12 novembre 2021'],
    ]);

    const pdf = await download(`/api/v1/programmes/${defi.id}/report.pdf?from=2021-01-01&to=2021-12-31`);
    expect([pdf.status, pdf.type, pdf.body.subarray(0, 5).toString('latin1')]).toEqual([200, 'application/pdf', '%PDF-']);
    expect(pdf.body.length).toBeGreaterThan(10_000);
  }, 180_000);

  it('starts a programme in the past from the API: history refused with its problems in French (nothing started), or taken at its dates', async () => {
    const count = () => h.prisma.programme.count({ where: { title: 'DEFI — démarré dans le passé' } });
    const bad = await api.post('/api/v1/programmes', {
      templateKey: 'defi',
      title: 'DEFI — démarré dans le passé',
      startDate: '2021-01-04',
      history: {
        facts: [
          { type: 'step', date: '2021-07-15', stepKey: 'partner-allocation' },
          { type: 'enrolment', date: '2021-07-15', phaseKey: 'test', organisationId: 'org_nobody' },
          { type: 'step', date: '2099-01-01', stepKey: 'partner-mobilisation' },
        ],
      },
    }, coordinator.token);
    expect([bad.status, bad.body.code, bad.body.params]).toEqual([422, 'history_invalid', { count: 3, first: 'history_unknown_organisation' }]);
    expect(bad.body.errors).toEqual([
      { path: 'body.history.facts.1', message: 'Organisation « org_nobody » inconnue.', code: 'history_fact', params: { text: 'Organisation « org_nobody » inconnue.' } },
      { path: 'body.history.facts.2', message: 'Date 01/01/2099 dans le futur : seul ce qui a déjà eu lieu se saisit a posteriori.', code: 'history_fact', params: { text: 'Date 01/01/2099 dans le futur : seul ce qui a déjà eu lieu se saisit a posteriori.' } },
      { path: 'body.history.facts.0', message: 'Étape « Répartition des organismes de formation par phase » réalisée le 15/07/2021 avant l’étape « Mobilisation des partenaires » dont elle dépend.', code: 'history_fact', params: { text: 'Étape « Répartition des organismes de formation par phase » réalisée le 15/07/2021 avant l’étape « Mobilisation des partenaires » dont elle dépend.' } },
    ]);
    expect(await count()).toBe(0);

    // A sub-programme's facts go to it: the evaluation tender awarded with three providers and their scores.
    const [a, b, c] = [org.DIDACTION!, org['In concreto']!, org.CinqAvril!];
    const started = await ok(api.post('/api/v1/programmes', {
      templateKey: 'defi',
      title: 'DEFI — démarré dans le passé',
      startDate: '2021-01-04',
      history: {
        facts: [
          { type: 'step', date: '2021-06-30', stepKey: 'partner-mobilisation' },
          { type: 'award', date: '2021-11-12', childKey: 'tender-evaluation', winner: a, providers: [b, c], scores: { [a]: { price: 16, technical: 17 }, [b]: { price: 12, technical: 11 }, [c]: { price: 14, technical: 10 } } },
          { type: 'step', date: '2021-11-16', stepKey: 'notify', childKey: 'tender-evaluation' },
        ],
      },
    }, coordinator.token), 201);
    expect(started.phases[0].steps[0]).toMatchObject({ key: 'partner-mobilisation', status: 'completed' });
    const tender = await waitForReadModelInSync(h, `${started.id}.tender-evaluation`);
    expect([(tender.moduleState.tender as { winner: string }).winner, day(tender.steps.find((s) => s.key === 'notify')!.completedAt)]).toEqual([a, '2021-11-16']);
    const report = await ok(api.get(`/api/v1/programmes/${started.id}/report?from=2021-01-01&to=2021-12-31`, coordinator.token));
    const evaluation = report.tenders.find((t: { title: string }) => t.title === 'Consultation évaluation continue');
    expect(evaluation).toMatchObject({ providers: ['In concreto', 'CinqAvril', 'DIDACTION'], winner: 'DIDACTION', scores: [expect.objectContaining({ organisation: 'DIDACTION', rank: 1 }), expect.objectContaining({ rank: 2 }), expect.objectContaining({ rank: 3 })] });
    expect([day(evaluation.awardedAt), day(evaluation.notifiedAt)]).toEqual(['2021-11-12', '2021-11-16']);
    expect(evaluation.compliance).toContain('3 prestataires consultés (minimum 3)');
    expect(evaluation.compliance).toContain('titulaire classé premier');
    expect(evaluation.compliance).toContain('candidats notifiés');
    // Guards the patched('backfill-at-start') path in the replay test.
    await recordHistory(h, started.id, 'backfill-at-start');
  }, 120_000);
});

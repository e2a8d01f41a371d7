/**
 * Bulk import of a programme's history (POST /api/v1/programmes/:id/import) against the real API,
 * Temporal and PostgreSQL: the model file, a dry run that writes nothing, a bad file reported line
 * by line in French with nothing written, a confirmed import, and a rerun that changes nothing.
 */
import ExcelJS from 'exceljs';
import { apiClient, createOrganisation, createUser, startHarness, type Harness, type TestUser } from '../support/harness';
import { waitForReadModelInSync } from '../support/read-model';

const COLUMNS = ['cle', 'type', 'phase', 'etape', 'organisation', 'date', 'indicateur', 'valeur', 'note', 'sousprogramme'];
/** Five lines of DEFI in mid-2021 (the model file holds the whole of 2021: tests/integration/defi-2021-import.test.ts). */
const MID_2021 = [
  COLUMNS.slice(0, 9).join(';'),
  'DEFI-2021-001;etape;;partner-mobilisation;;30/06/2021;;;40 structures contactées, 14 rencontrées',
  'DEFI-2021-002;indicateur;;;;30/06/2021;partners-contacted;40;',
  'DEFI-2021-003;indicateur;;;;30/06/2021;partners-met;14;',
  'DEFI-2021-004;etape;;partner-allocation;;15/07/2021;;;AFPA en phase Test',
  'DEFI-2021-005;inscription;test;;AFPA;01/09/2021;;;',
].join('\r\n');

describe('bulk import of a programme’s history', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  let coordinator: TestUser;
  let outsider: TestUser;
  let partner: TestUser;

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    api = apiClient(h.apiUrl);
    [coordinator, outsider] = await Promise.all([createUser(h, 'coordinator'), createUser(h, 'coordinator')]);
    // The model names AFPA: the suite shares one database, another test may have made it.
    const afpa = (await h.prisma.organisation.findUnique({ where: { name: 'AFPA' } }))?.id ?? (await createOrganisation(h, 'AFPA'));
    partner = await createUser(h, 'partner', afpa);
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
    return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
  };
  const send = (id: string, fileName: string, content: Buffer, confirm: boolean, token = coordinator.token) => api.post(`/api/v1/programmes/${id}/import`, { fileName, content: content.toString('base64'), confirm }, token);
  const startDefi = async () => (await ok(api.post('/api/v1/programmes', { templateKey: 'defi', title: 'DEFI — import', startDate: '2021-01-04' }, coordinator.token), 201)).id as string;

  it('offers the model as CSV (French Excel dialect) and XLSX, with DEFI’s lines and the columns explained', async () => {
    const csv = await download('/api/v1/imports/model.csv', coordinator.token);
    expect([csv.status, csv.type]).toEqual([200, 'text/csv; charset=utf-8']);
    const text = csv.body.toString('utf8');
    expect(text.startsWith('\uFEFFcle;type;phase;etape;organisation;date;indicateur;valeur;note;sousprogramme\r\n')).toBe(true);
    expect(text).toContain('DEFI-2021-007;inscription;test;;AFPA;15/07/2021;;;;\r\n');
    expect(text).toContain('DEFI-2021-018;attribution;;;DIDACTION;12/11/2021;;;Cabinet retenu pour l’évaluation continue;tender-evaluation\r\n');
    const xlsx = await download('/api/v1/imports/model.xlsx', coordinator.token);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Import', 'Colonnes']);
    expect((workbook.getWorksheet('Import')!.getRow(1).values as unknown[]).slice(1)).toEqual(COLUMNS);
    expect((workbook.getWorksheet('Colonnes')!.getRow(7).values as unknown[]).slice(1)).toEqual(['date', 'Date de l’événement, JJ/MM/AAAA, entre le démarrage du programme et aujourd’hui.']);
    expect((await download('/api/v1/imports/model.csv', partner.token)).status).toBe(403);
  });

  it('reports a bad file line by line in French and writes nothing, even when asked to confirm', async () => {
    const id = await startDefi();
    const before = await waitForReadModelInSync(h, id);
    const lines = [
      COLUMNS.join(';'),
      'L1;etape;;partner-mobilisation;;30/06/2021;;;',
      'L2;inscription;test;;Organisme Fantôme;01/09/2021;;;',
      'L3;etape;;etape-inconnue;;30/06/2021;;;',
      'L4;indicateur;;;;01/12/2020;partners-met;14;',
      'L5;indicateur;;;;2021-06-30;partners-met;quatorze;',
      'L1;etape;;partner-allocation;;15/07/2021;;;',
      'L7;rencontre;;;;15/07/2021;;;',
    ];
    const file = Buffer.from(lines.join('\r\n'), 'utf8');
    const dry = await ok(send(id, 'historique.csv', file, false));
    expect(dry.dryRun).toBe(true);
    expect([dry.written, dry.plan.valid, dry.plan.counts]).toEqual([false, false, { create: 1, unchanged: 0, error: 6 }]);
    expect(dry.plan.lines.map((l: { line: number; outcome: string; problems: { message: string }[] }) => [l.line, l.outcome, l.problems.map((p) => p.message)])).toEqual([
      [2, 'create', []],
      [3, 'error', ['Organisation « Organisme Fantôme » inconnue : créez-la d’abord ou corrigez son nom.']],
      [4, 'error', ['Étape « etape-inconnue » absente du modèle DEFI — Destination Formation Innovante.']],
      [5, 'error', ['Date 01/12/2020 antérieure au démarrage du programme (04/01/2021).']],
      [6, 'error', ['Valeur « quatorze » illisible : attendu un nombre (virgule décimale).', 'Date « 2021-06-30 » illisible : attendu JJ/MM/AAAA.']],
      [7, 'error', ['La clé « L1 » figure déjà ligne 2.']],
      [8, 'error', ['Type « rencontre » inconnu : inscription, phase, etape, indicateur ou attribution.']],
    ]);
    expect(dry.plan.lines[0].description).toBe('Étape « Mobilisation des partenaires » réalisée le 30/06/2021');

    const refused = await send(id, 'historique.csv', file, true);
    expect([refused.status, refused.body.code]).toEqual([422, 'import_rejected']);
    expect(refused.body.errors).toContainEqual(expect.objectContaining({ path: 'ligne 3', message: 'Organisation « Organisme Fantôme » inconnue : créez-la d’abord ou corrigez son nom.' }));
    const after = await waitForReadModelInSync(h, id);
    expect([after.version, after.steps.find((s) => s.key === 'partner-mobilisation')!.status]).toEqual([before.version, before.steps.find((s) => s.key === 'partner-mobilisation')!.status]);
    expect(await h.prisma.importRow.count({ where: { programmeId: id } })).toBe(0);
  });

  it('imports a file once: a dry run writes nothing, the confirmation writes each line at its date, a rerun changes nothing', async () => {
    const id = await startDefi();
    const model = Buffer.from(MID_2021, 'utf8');
    // Who may import: the programme's team (and admins), never a partner.
    expect((await send(id, 'modele.csv', model, false, outsider.token)).body.code).toBe('not_programme_member');
    expect((await send(id, 'modele.csv', model, false, partner.token)).status).toBe(403);

    const dry = await ok(send(id, 'modele.csv', model, false));
    expect([dry.plan.valid, dry.plan.counts]).toEqual([true, { create: 5, unchanged: 0, error: 0 }]);
    expect(dry.plan.lines.map((l: { description: string }) => l.description)).toEqual([
      'Étape « Mobilisation des partenaires » réalisée le 30/06/2021',
      'Indicateur « Réseaux et organismes de formation contactés » : 40 au 30/06/2021',
      'Indicateur « Réseaux et organismes de formation rencontrés » : 14 au 30/06/2021',
      'Étape « Répartition des organismes de formation par phase » réalisée le 15/07/2021',
      'Inscrire AFPA en « Phase Test » le 01/09/2021',
    ]);
    expect((await waitForReadModelInSync(h, id)).steps.find((s) => s.key === 'partner-mobilisation')!.status).toBe('active');

    const done = await ok(send(id, 'modele.csv', model, true));
    expect([done.dryRun, done.written]).toEqual([false, true]);
    expect(done.applied.map((a: { key: string; outcome: string }) => [a.key, a.outcome])).toEqual([
      ['DEFI-2021-001', 'applied'],
      ['DEFI-2021-002', 'applied'],
      ['DEFI-2021-003', 'applied'],
      ['DEFI-2021-004', 'applied'],
      ['DEFI-2021-005', 'applied'],
    ]);
    const state = await waitForReadModelInSync(h, id);
    const mobilisation = state.steps.find((s) => s.key === 'partner-mobilisation')!;
    expect(mobilisation.status).toBe('completed');
    // A programme nothing had happened to: the file is its past, each line at its real date (issue 20).
    expect(mobilisation.note).toBe(`Saisi a posteriori par ${coordinator.name} (import, ligne 2, clé DEFI-2021-001). 40 structures contactées, 14 rencontrées`);
    expect(mobilisation.completedAt).toBe('2021-06-30T10:00:00.000Z');
    expect(state.steps.find((s) => s.key === 'partner-allocation')!.status).toBe('completed');
    expect(state.indicators).toEqual({ 'partners-contacted': 40, 'partners-met': 14 });
    expect(state.phases.find((p) => p.key === 'test')!.enrolled.map((e) => e.organisationId)).toEqual([partner.organisationId]);
    const rows = await h.prisma.importRow.findMany({ where: { programmeId: id }, orderBy: { key: 'asc' } });
    expect(rows.map((r) => [r.key, r.factDate, r.appliedBy])).toEqual([
      ['DEFI-2021-001', '2021-06-30', coordinator.id],
      ['DEFI-2021-002', '2021-06-30', coordinator.id],
      ['DEFI-2021-003', '2021-06-30', coordinator.id],
      ['DEFI-2021-004', '2021-07-15', coordinator.id],
      ['DEFI-2021-005', '2021-09-01', coordinator.id],
    ]);

    // The same file again, as CSV and as an XLSX with real date cells: nothing to do, nothing written.
    const again = await ok(send(id, 'modele.csv', model, true));
    expect([again.written, again.plan.counts, again.applied]).toEqual([false, { create: 0, unchanged: 5, error: 0 }, []]);
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Import');
    sheet.addRow(COLUMNS);
    sheet.addRow(['DEFI-2021-002', 'indicateur', null, null, null, new Date(Date.UTC(2021, 5, 30)), 'partners-contacted', 40, null]);
    sheet.addRow(['DEFI-2021-010', 'indicateur', null, null, null, new Date(Date.UTC(2021, 11, 31)), 'partners-met', '14,5', null]);
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
    const viaXlsx = await ok(send(id, 'suivi.xlsx', xlsx, false));
    expect(viaXlsx.plan.lines.map((l: { key: string; outcome: string; description: string }) => [l.key, l.outcome, l.description])).toEqual([
      ['DEFI-2021-002', 'unchanged', 'Indicateur « Réseaux et organismes de formation contactés » : 40 au 30/06/2021'],
      ['DEFI-2021-010', 'create', 'Indicateur « Réseaux et organismes de formation rencontrés » : 14,5 au 31/12/2021'],
    ]);
    const versionBefore = (await waitForReadModelInSync(h, id)).version;
    expect((await ok(send(id, 'modele.csv', model, false))).plan.counts).toEqual({ create: 0, unchanged: 5, error: 0 });
    expect((await waitForReadModelInSync(h, id)).version).toBe(versionBefore);
  }, 60_000);
});

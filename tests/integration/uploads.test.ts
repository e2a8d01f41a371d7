import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, type Harness, type TestUser } from '../support/harness';
import { expectReadModelInSync } from '../support/read-model';
import { contentDisposition, MAX_FILE_NAME_BYTES, safeFileName } from '../../server/storage';
import { engineTestTemplate } from '../support/test-templates';

/** Deliverable files: streamed, hashed, type-checked three ways, size-limited, private, never half-written. */
describe('deliverable uploads', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  let coordinator: TestUser;
  let contractor: TestUser;
  let other: TestUser;
  let programmeId: string;
  const uploadsDir = () => path.join(h.config.dataDir, 'uploads');
  const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('Rapport intermédiaire — contenu de test\n'.repeat(50)), Buffer.from('%%EOF\n')]);
  const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3]);

  /** The file name as the server read it back from a Content-Disposition header (RFC 6266 / 8187). */
  function nameFromDisposition(header: string | null): string | undefined {
    const star = /filename\*=UTF-8''([^;]+)/i.exec(header ?? '');
    return star ? decodeURIComponent(star[1]!) : undefined;
  }

  async function upload(stepKey: string, token: string, file: { name: string; type: string; bytes: Buffer }, fields: Record<string, string> = {}) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob([file.bytes], { type: file.type }), file.name);
    const res = await fetch(`${h.apiUrl}/api/v1/programmes/${programmeId}/steps/${stepKey}/deliverables`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
    return { status: res.status, body: (await res.json()) as any };
  }

  function storedFiles(): string[] {
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
        if (e.isDirectory()) walk(path.join(dir, e.name));
        else out.push(path.join(dir, e.name));
      }
    };
    walk(uploadsDir());
    return out;
  }

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    api = apiClient(h.apiUrl);
    const key = `uploads-${Date.now()}`;
    await publishTemplates(h.prisma, [engineTestTemplate(key)]);
    const [orgC, orgX] = await Promise.all([createOrganisation(h), createOrganisation(h)]);
    coordinator = await createUser(h, 'coordinator');
    contractor = await createUser(h, 'partner', orgC);
    other = await createUser(h, 'partner', orgX);
    const started = await api.post('/api/v1/programmes', { templateKey: key, title: 'Livrables', startDate: '2026-11-28', params: { slots: { contractor: orgC } } }, coordinator.token);
    programmeId = started.body.id;
    await api.post(`/api/v1/programmes/${programmeId}/partners`, { organisationId: orgX, phaseKey: 'trial' }, coordinator.token);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('refuses a file for a step that is not active, keeping nothing', async () => {
    const before = storedFiles().length;
    const res = await upload('report', contractor.token, { name: 'rapport.pdf', type: 'application/pdf', bytes: PDF });
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code: 'step_not_active' });
    expect(storedFiles().length).toBe(before);
  });

  it('stores a partner’s file with its hash and lets only those allowed download it', async () => {
    expect((await api.post(`/api/v1/programmes/${programmeId}/steps/kickoff/complete`, {}, coordinator.token)).status).toBe(200);
    const res = await upload('report', contractor.token, { name: '../../Rapport final (v2).pdf', type: 'application/pdf', bytes: PDF }, { title: 'Rapport final' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'report', title: 'Rapport final', status: 'submitted', file: { name: 'Rapport final (v2).pdf', size: PDF.length, sha256: createHash('sha256').update(PDF).digest('hex'), mediaType: 'application/pdf' } });
    const state = await expectReadModelInSync(h, programmeId);
    expect(state.steps.find((s) => s.key === 'report')!.deliverables).toHaveLength(1);

    const url = `${h.apiUrl}/api/v1/programmes/${programmeId}/steps/report/deliverables/${res.body.id}/file`;
    const mine = await fetch(url, { headers: { Authorization: `Bearer ${contractor.token}` } });
    expect(mine.status).toBe(200);
    expect(mine.headers.get('content-disposition')).toContain('attachment');
    expect(Buffer.from(await mine.arrayBuffer()).equals(PDF)).toBe(true);
    expect((await fetch(url, { headers: { Authorization: `Bearer ${coordinator.token}` } })).status).toBe(200);
    // Another partner of the same programme, not assigned to the step: as if it did not exist.
    expect((await fetch(url, { headers: { Authorization: `Bearer ${other.token}` } })).status).toBe(404);
  });

  it('refuses disallowed types, lying extensions and oversized files, leaving no file behind', async () => {
    const before = storedFiles().length;
    const exe = await upload('report', contractor.token, { name: 'outil.exe', type: 'application/octet-stream', bytes: Buffer.from('MZ......') });
    expect({ status: exe.status, code: exe.body.code }).toEqual({ status: 415, code: 'unsupported_media_type' });
    const disguised = await upload('report', contractor.token, { name: 'image.pdf', type: 'application/pdf', bytes: PNG });
    expect({ status: disguised.status, code: disguised.body.code }).toEqual({ status: 415, code: 'unsupported_media_type' });
    const big = await upload('report', contractor.token, { name: 'enorme.pdf', type: 'application/pdf', bytes: Buffer.concat([PDF, Buffer.alloc(25 * 1024 * 1024)]) });
    expect({ status: big.status, code: big.body.code }).toEqual({ status: 413, code: 'payload_too_large' });
    expect(storedFiles().length).toBe(before);
    expect(fs.readdirSync(path.join(uploadsDir(), 'tmp'))).toEqual([]);
    const state = await expectReadModelInSync(h, programmeId);
    expect(state.steps.find((s) => s.key === 'report')!.deliverables).toHaveLength(1);
  });

  it('keeps a French file name exactly as sent, and downloads it under that name', async () => {
    const name = 'Compte-rendu_réunion_n°3_équipe_pédagogique_version_finale_définitive.pdf';
    const res = await upload('report', contractor.token, { name, type: 'application/pdf', bytes: PDF }, { title: 'Compte rendu n°3' });
    expect(res.status).toBe(201);
    expect(res.body.file.name).toBe(name);
    const download = await fetch(`${h.apiUrl}/api/v1/programmes/${programmeId}/steps/report/deliverables/${res.body.id}/file`, { headers: { Authorization: `Bearer ${contractor.token}` } });
    expect(download.status).toBe(200);
    const header = download.headers.get('content-disposition');
    expect(header).toContain(`filename*=UTF-8''${encodeURIComponent(name)}`);
    expect(nameFromDisposition(header)).toBe(name);
    // The ASCII fallback for old clients: accents dropped, never mangled into Latin-1 soup.
    expect(header).toContain('filename="Compte-rendu_reunion_n_3_equipe_pedagogique_version_finale_definitive.pdf"');
    expect(Buffer.from(await download.arrayBuffer()).equals(PDF)).toBe(true);

    // macOS sends decomposed accents (NFD): stored composed (NFC), the same name to every reader.
    const decomposed = await upload('report', contractor.token, { name: 'Synthèse évaluée.pdf'.normalize('NFD'), type: 'application/pdf', bytes: PDF }, { title: 'Synthèse' });
    expect(decomposed.status).toBe(201);
    expect(decomposed.body.file.name).toBe('Synthèse évaluée.pdf'.normalize('NFC'));
  });

  it('accepts the media types Windows and macOS declare for a .zip and a .csv, deciding the type from the content', async () => {
    const ZIP = Buffer.from('504b0506000000000000000000000000000000000000', 'hex'); // an empty archive
    const zip = await upload('report', contractor.token, { name: 'Livrables finaux.zip', type: 'application/x-zip-compressed', bytes: ZIP }, { title: 'Archive' });
    expect({ status: zip.status, mediaType: zip.body.file?.mediaType, name: zip.body.file?.name }).toEqual({ status: 201, mediaType: 'application/zip', name: 'Livrables finaux.zip' });
    const CSV = Buffer.from('\uFEFFNom;Prénom;Inscrit le\r\nDurand;Élodie;03/12/2026\r\n');
    const csv = await upload('report', contractor.token, { name: 'Émargement.csv', type: 'application/vnd.ms-excel', bytes: CSV }, { title: 'Émargement' });
    expect({ status: csv.status, mediaType: csv.body.file?.mediaType }).toEqual({ status: 201, mediaType: 'text/csv' });
    const anything = await upload('report', contractor.token, { name: 'photo.JPG', type: 'application/octet-stream', bytes: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]) }, { title: 'Photo' });
    expect({ status: anything.status, mediaType: anything.body.file?.mediaType }).toEqual({ status: 201, mediaType: 'image/jpeg' });
  });

  it('explains every refusal with a reason the UI words in French: too large, empty, wrong type, lying type', async () => {
    const before = storedFiles().length;
    const big = await upload('report', contractor.token, { name: 'vidéo de présentation.pdf', type: 'application/pdf', bytes: Buffer.concat([PDF, Buffer.alloc(27 * 1024 * 1024)]) });
    expect({ status: big.status, code: big.body.code, params: big.body.params }).toEqual({ status: 413, code: 'payload_too_large', params: { reason: 'file_too_large', maxMb: 25 } });
    const empty = await upload('report', contractor.token, { name: 'vide.pdf', type: 'application/pdf', bytes: Buffer.alloc(0) });
    expect({ status: empty.status, code: empty.body.code, params: empty.body.params }).toEqual({ status: 400, code: 'validation_failed', params: { reason: 'file_empty' } });
    const exe = await upload('report', contractor.token, { name: 'outil.exe', type: 'application/octet-stream', bytes: Buffer.from('MZ......') });
    expect({ status: exe.status, reason: exe.body.params?.reason, extension: exe.body.params?.extension }).toEqual({ status: 415, reason: 'extension_not_accepted', extension: 'exe' });
    const noExtension = await upload('report', contractor.token, { name: 'rapport', type: 'application/pdf', bytes: PDF });
    expect({ status: noExtension.status, reason: noExtension.body.params?.reason }).toEqual({ status: 415, reason: 'extension_missing' });
    const disguised = await upload('report', contractor.token, { name: 'image.pdf', type: 'application/pdf', bytes: PNG });
    expect({ status: disguised.status, params: disguised.body.params }).toEqual({ status: 415, params: { reason: 'content_mismatch', extension: 'pdf' } });
    const declared = await upload('report', contractor.token, { name: 'rapport.pdf', type: 'image/png', bytes: PDF });
    expect({ status: declared.status, params: declared.body.params }).toEqual({ status: 415, params: { reason: 'declared_type_mismatch', extension: 'pdf', declared: 'image/png' } });
    expect(storedFiles().length).toBe(before);
    expect(fs.readdirSync(path.join(uploadsDir(), 'tmp'))).toEqual([]);
  });

  it('makes any name safe on every OS: no folder, no forbidden or invisible character, no reserved name, bounded length', () => {
    expect(safeFileName('C:\\Users\\élodie\\Bureau\\Bilan final.docx')).toBe('Bilan final.docx');
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('Rapport: "final" <v2>?.pdf')).toBe('Rapport_ _final_ _v2__.pdf');
    expect(safeFileName('facture\u202Efdp.exe')).toBe('facturefdp.exe'); // a right-to-left override hides the real extension
    expect(safeFileName('.htaccess')).toBe('htaccess');
    expect(safeFileName('CON.txt')).toBe('_CON.txt');
    expect(safeFileName('rapport.pdf. . ')).toBe('rapport.pdf');
    expect(safeFileName('\u0000\u0007')).toBe('fichier');
    const long = `${'Compte-rendu détaillé de la réunion pédagogique '.repeat(10)}.pdf`;
    const kept = safeFileName(long);
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
    expect(kept.endsWith('.pdf')).toBe(true);
    expect(kept.startsWith('Compte-rendu détaillé de la réunion')).toBe(true);
    expect(kept).toBe(kept.normalize('NFC'));
    // Emoji and accents are never cut in half.
    expect(safeFileName(`${'é'.repeat(150)}👩‍🏫.pdf`)).toMatch(/^é+(👩‍🏫)?\.pdf$/);
    expect(contentDisposition("l'offre (finale)*.pdf")).toBe(`attachment; filename="l'offre (finale)*.pdf"; filename*=UTF-8''l%27offre%20%28finale%29%2A.pdf`);
  });
});

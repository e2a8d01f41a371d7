import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, type Harness, type TestUser } from '../support/harness';
import { expectReadModelInSync } from '../support/read-model';
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
    expect(res.body).toMatchObject({ kind: 'report', title: 'Rapport final', status: 'submitted', file: { name: 'Rapport_final_v2_.pdf', size: PDF.length, sha256: createHash('sha256').update(PDF).digest('hex'), mediaType: 'application/pdf' } });
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
});

import { apiClient, createOrganisation, createUser, startHarness, type Harness, type TestUser } from '../support/harness';
import { fetchOpenApi, type JsonSchema, type OpenApiDocument } from '../support/route-catalogue';

/** The served OpenAPI document says what the server enforces: bounds, cross-field rules, statuses, headers. */
describe('the OpenAPI document tells the truth', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  let doc: OpenApiDocument;
  let admin: TestUser;
  let coordinator: TestUser;

  type Operation = { parameters?: { name: string; in: string; schema?: JsonSchema }[]; requestBody?: { content: Record<string, { schema: JsonSchema }> }; responses: Record<string, { content?: Record<string, unknown> }>; security?: Record<string, string[]>[] };
  const op = (method: string, path: string) => (doc.paths[path] as Record<string, Operation>)[method]!;
  const body = (method: string, path: string) => op(method, path).requestBody!.content['application/json']!.schema;

  beforeAll(async () => {
    h = await startHarness({ notifier: false, worker: false });
    api = apiClient(h.apiUrl);
    doc = await fetchOpenApi(h.apiUrl);
    admin = await createUser(h, 'admin');
    coordinator = await createUser(h, 'coordinator');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('bounds numeric inputs to int4: 2147483648 is a 400, not a 500', async () => {
    const version = op('get', '/api/v1/templates/{key}').parameters!.find((p) => p.name === 'version')!.schema!;
    expect(version.maximum).toBe(2_147_483_647);
    const cursor = op('get', '/api/v1/programmes/{id}/events').parameters!.find((p) => p.name === 'cursor')!.schema!;
    // The journal's cursor is bounded by its pattern (at most 9 digits, below int4), so any schema-valid cursor is served.
    expect(cursor.pattern).toBe('^\\d{1,9}$');
    for (const url of ['/api/v1/templates/defi?version=2147483648', '/api/v1/programmes/prg_unknown/events?cursor=2147483648']) {
      const res = await api.get(url, coordinator.token);
      expect({ url, status: res.status, code: res.body.code }).toEqual({ url, status: 400, code: 'validation_failed' });
    }
    expect((await api.get('/api/v1/templates/defi?version=2147483647', coordinator.token)).status).toBe(404);
  });

  it('documents the file download as 200 with its media types', () => {
    const responses = op('get', '/api/v1/programmes/{id}/steps/{stepKey}/deliverables/{deliverableId}/file').responses;
    expect(responses['204']).toBeUndefined();
    expect(Object.keys(responses['200']!.content!)).toEqual(expect.arrayContaining(['application/pdf', 'image/png', 'text/csv']));
  });

  it('expresses cross-field rules as closed shapes', () => {
    // PATCH step: dueDate, dueAt or assignee; not dueDate and dueAt together.
    const patch = body('patch', '/api/v1/programmes/{id}/steps/{stepKey}');
    expect(patch.anyOf?.map((s) => s.required?.slice().sort())).toEqual([['dueDate'], ['dueAt'], ['assignee']]);
    for (const shape of patch.anyOf!) expect(shape.additionalProperties).toBe(false);
    // Indicator: exactly one of increment and value.
    const indicator = body('post', '/api/v1/programmes/{id}/indicators/{key}');
    expect(indicator.anyOf?.map((s) => [s.required, s.additionalProperties])).toEqual([[['increment'], false], [['value'], false]]);
    // A partner user needs an organisation.
    const user = body('post', '/api/v1/users');
    const partner = (user.oneOf ?? user.anyOf)!.find((s) => s.properties?.role?.const === 'partner')!;
    expect(partner.required).toContain('organisationId');
    // POST /templates: the template's own schema, not "any object".
    const template = body('post', '/api/v1/templates');
    expect(template.required).toEqual(expect.arrayContaining(['key', 'name', 'phases']));
    expect(template.properties?.phases?.type).toBe('array');
  });

  it('says how free text is trimmed, and closes the multipart upload with its fields', () => {
    const title = body('post', '/api/v1/programmes').properties!.title! as JsonSchema & { not?: { pattern: string } };
    // NUL characters are refused everywhere: every input string says so.
    expect(title.not).toEqual({ pattern: '\\u0000' });
    expect(new RegExp(title.not!.pattern, 'u').test('a\u0000b')).toBe(true);
    expect({ maxLength: title.maxLength, pattern: title.pattern }).toEqual({ maxLength: 300, pattern: '\\S' });
    expect(body('post', '/api/v1/programmes/{id}/cancel').properties!.reason!.pattern).toBe('\\S[\\s\\S]{1,}\\S');
    const multipart = op('post', '/api/v1/programmes/{id}/steps/{stepKey}/deliverables').requestBody!.content['multipart/form-data']!.schema;
    expect(Object.keys(multipart.properties!).sort()).toEqual(['file', 'kind', 'organisationId', 'title']);
    expect({ required: multipart.required, additionalProperties: multipart.additionalProperties }).toEqual({ required: ['file'], additionalProperties: false });
  });

  it('enforces what the schema says about those rules', async () => {
    const org = await createOrganisation(h);
    const both = await api.patch('/api/v1/programmes/prg_x/steps/report', { dueDate: '2027-01-01', dueAt: '2027-01-01T10:00:00Z' }, coordinator.token);
    expect(both.status).toBe(400);
    expect((await api.patch('/api/v1/programmes/prg_x/steps/report', { reason: 'rien' }, coordinator.token)).status).toBe(400);
    expect((await api.post('/api/v1/programmes/prg_x/indicators/x', { increment: 1, value: 2 }, coordinator.token)).status).toBe(400);
    expect((await api.post('/api/v1/organisations', { name: '   ', kind: 'association' }, coordinator.token)).status).toBe(400);
    expect((await api.post('/api/v1/programmes/prg_x/cancel', { reason: ' ab ' }, coordinator.token)).status).toBe(400);
    expect((await api.post('/api/v1/users', { email: 'no-org@test.jalons', name: 'Sans', role: 'partner', password: 'mot de passe solide' }, admin.token)).status).toBe(400);
    expect((await api.post('/api/v1/users', { email: `with-org-${Date.now()}@test.jalons`, name: 'Avec', role: 'partner', organisationId: org, password: 'mot de passe solide' }, admin.token)).status).toBe(201);
  });

  it('documents the Idempotency-Key bounds, the CSRF header and the error statuses of each operation', () => {
    const start = op('post', '/api/v1/programmes');
    expect(start.parameters!.find((p) => p.name === 'Idempotency-Key')!.schema).toEqual({ type: 'string', minLength: 1, maxLength: 200 });
    expect(start.security).toEqual([{ bearer: [] }, { cookie: [], csrf: [] }]);
    expect(Object.keys(start.responses).sort()).toEqual(['201', '400', '401', '403', '409', '413', '415', '422', '503', 'default'].sort());
    expect(Object.keys(op('post', '/api/v1/auth/login').responses)).toContain('429');
  });

  // Found by the Schemathesis run (tests/integration/schemathesis.test.ts, docs/testing-contract.md).
  it('documents the media type of CSV, XLSX and PDF answers', () => {
    expect(Object.keys(op('get', '/api/v1/dashboard/export.csv').responses['200']!.content!)).toEqual(['text/csv; charset=utf-8']);
    expect(Object.keys(op('get', '/api/v1/imports/model.xlsx').responses['200']!.content!)).toEqual(['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']);
    expect(Object.keys(op('get', '/api/v1/programmes/{id}/report.pdf').responses['200']!.content!)).toEqual(['application/pdf']);
  });

  it('says the date range (1990 to 2100) in the schema', async () => {
    const to = op('get', '/api/v1/programmes/{id}/report').parameters!.find((p) => p.name === 'to')!.schema! as JsonSchema & { allOf?: { pattern?: string }[] };
    const patterns = (to.allOf ?? []).map((p) => new RegExp(p.pattern!, 'u'));
    const fits = (date: string) => patterns.every((p) => p.test(date));
    expect([fits('0020-02-29'), fits('1989-12-31'), fits('1990-01-01'), fits('2100-12-31'), fits('2101-01-01')]).toEqual([false, false, true, true, false]);
    expect((await api.get('/api/v1/programmes/prg_x/report?to=0020-02-29', coordinator.token)).status).toBe(400);
  });

  it('answers a schema-valid body that breaks a rule beyond JSON Schema with a declared 422 and its code', async () => {
    const quiet = await api.patch('/api/v1/me/notification-preferences', { quietHours: { start: '00:00', end: '00:00' } }, coordinator.token);
    expect({ status: quiet.status, code: quiet.body.code }).toEqual({ status: 422, code: 'quiet_hours_empty' });
    const template = await api.post('/api/v1/programmes', { templateKey: 'no-such-template', title: 'x', startDate: '2027-01-04' }, coordinator.token);
    expect({ status: template.status, code: template.body.code }).toEqual({ status: 422, code: 'unknown_reference' });
    const users = await api.post('/api/v1/users', { email: `unknown-org-${Date.now()}@test.jalons`, name: 'X', role: 'partner', organisationId: 'org_nope', password: 'mot de passe solide' }, admin.token);
    expect({ status: users.status, code: users.body.code }).toEqual({ status: 422, code: 'unknown_reference' });
    const dateParam = {
      key: `cross-${Date.now()}`,
      name: { fr: 'X', en: 'X' },
      phases: [{ key: 'p', name: { fr: 'P', en: 'P' }, steps: [{ key: 's', name: { fr: 'S', en: 'S' }, assignee: { kind: 'coordinator' }, due: { from: 'param', param: 'undeclared' } }] }],
    };
    const invalid = await api.post('/api/v1/templates', dateParam, coordinator.token);
    expect({ status: invalid.status, code: invalid.body.code }).toEqual({ status: 422, code: 'invalid_template' });
    expect(op('patch', '/api/v1/me/notification-preferences').responses['422']).toBeDefined();
  });
});

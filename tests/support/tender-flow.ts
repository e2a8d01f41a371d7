import { apiClient, createOrganisation, createUser, waitFor, type Harness, type TestUser } from './harness';
import { expectReadModelInSync, waitForReadModelInSync } from './read-model';

/**
 * Runs one of DEFI's tenders through the API to its notification: a specification, three
 * providers consulted, the first two answer by a deadline a few seconds away (the third is then
 * refused as late), scores on price and technical value, the award to the first, the notification.
 */
export async function runTenderToNotification(
  h: Harness,
  coordinator: TestUser,
  tenderId: string,
  names: [string, string, string],
  scores: [{ price: number; technical: number }, { price: number; technical: number }],
  hooks: { beforeDeadline?: () => Promise<void>; organisation?: (name: string) => Promise<string> } = {},
): Promise<{ providers: string[]; deadline: number; partners: TestUser[] }> {
  const api = apiClient(h.apiUrl);
  const ok = async (p: Promise<{ status: number; body: any }>, status = 200) => {
    const res = await p;
    expect({ status: res.status, detail: res.body?.detail }).toEqual({ status, detail: undefined });
    return res.body;
  };
  const providers = await Promise.all(names.map((n) => (hooks.organisation ? hooks.organisation(n) : createOrganisation(h, n, 'contractor'))));
  const partners = await Promise.all(providers.map((o) => createUser(h, 'partner', o)));
  await ok(api.post(`/api/v1/programmes/${tenderId}/steps/write-specification/deliverables`, { title: 'Cahier des charges', url: 'https://example.org/cdc.pdf' }, coordinator.token), 201);
  await ok(api.post(`/api/v1/programmes/${tenderId}/steps/write-specification/complete`, {}, coordinator.token));
  for (const o of providers) await ok(api.post(`/api/v1/programmes/${tenderId}/partners`, { organisationId: o, phaseKey: 'consultation' }, coordinator.token), 201);
  await ok(api.post(`/api/v1/programmes/${tenderId}/steps/send/complete`, {}, coordinator.token));
  await ok(api.patch(`/api/v1/programmes/${tenderId}/steps/answers`, { dueAt: new Date(Date.now() + 4000).toISOString() }, coordinator.token));
  await ok(api.post(`/api/v1/programmes/${tenderId}/steps/answers/deliverables`, { title: `Offre ${names[0]}`, url: 'https://a.example/offre.pdf' }, partners[0]!.token), 201);
  await ok(api.post(`/api/v1/programmes/${tenderId}/steps/answers/deliverables`, { title: `Offre ${names[1]}`, url: 'https://b.example/offre.pdf' }, partners[1]!.token), 201);
  await hooks.beforeDeadline?.();
  const deadline = Date.parse((await expectReadModelInSync(h, tenderId)).steps.find((s) => s.key === 'answers')!.dueAt!);
  await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now() + 300)));
  expect((await api.post(`/api/v1/programmes/${tenderId}/steps/answers/deliverables`, { title: 'Offre tardive', url: 'https://c.example/offre.pdf' }, partners[2]!.token)).status).toBe(409);
  await ok(api.post(`/api/v1/programmes/${tenderId}/steps/answers/complete`, { note: 'Réception close' }, coordinator.token));
  await ok(api.post(`/api/v1/programmes/${tenderId}/steps/assessment/complete`, { data: { scores: { [providers[0]!]: scores[0], [providers[1]!]: scores[1] } } }, coordinator.token));
  await ok(api.post(`/api/v1/programmes/${tenderId}/steps/award/complete`, { data: { winner: providers[0] } }, coordinator.token));
  await ok(api.post(`/api/v1/programmes/${tenderId}/steps/notify/complete`, {}, coordinator.token));
  const parentId = tenderId.slice(0, tenderId.lastIndexOf('.'));
  await waitFor('the award to reach the parent', async () => (await waitForReadModelInSync(h, parentId)).children.some((c) => c.programmeId === tenderId && c.milestones.includes('awarded')));
  return { providers, deadline, partners };
}

/**
 * The 2021 situation from the seed (the agency's activity report), loaded through the public
 * API like any integrator would: DEFI with AFPA in Test and the Expérimentation training
 * organisations enrolled, TI action 23 with the CHU sector in Diagnostic and the farming sector
 * just opened, the health-industries hub's escape-game tender awarded to Arcanium and notified.
 *
 * `npm run demo` against a running `npm start`, or `npm start -- --demo`. Idempotent: a second
 * run finds the demo programmes and changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../infra/config';
import { createPrisma, type PrismaClient } from '../infra/prisma';
import { hashPassword } from '../server/auth';

export const DEMO_PASSWORD = 'demo-jalons-2021';
export const DEMO_COORDINATOR = 'coordination@demo.jalons.local';
export const DEMO_MANAGER = 'direction@demo.jalons.local';

const ORGANISATIONS = {
  afpa: { name: 'AFPA', kind: 'training-organisation' },
  gretaBourgogne: { name: 'Réseau GRETA Bourgogne', kind: 'training-organisation' },
  mfr: { name: 'Réseau MFR Bourgogne-Franche-Comté', kind: 'training-organisation' },
  cci21: { name: 'CCI Formation 21', kind: 'training-organisation' },
  promHote: { name: 'Prom’Hôte IFITEL – Groupe Stelo formation', kind: 'training-organisation' },
  manzalab: { name: 'Manzalab', kind: 'contractor' },
  laab: { name: 'LAAB', kind: 'contractor' },
  chu: { name: 'CHU Dijon Bourgogne', kind: 'public-body' },
  arcanium: { name: 'Arcanium', kind: 'contractor' },
  // The seed says the escape-game specification went to three providers but names only the winner.
  escapeB: { name: 'Prestataire escape game B (non nommé dans le rapport)', kind: 'contractor' },
  escapeC: { name: 'Prestataire escape game C (non nommé dans le rapport)', kind: 'contractor' },
} as const;
type OrgKey = keyof typeof ORGANISATIONS;

export const DEMO_TITLES = {
  defi: 'DEFI — Destination Formation Innovante',
  ti: 'Territoire d’Innovation « Dijon, alimentation durable 2030 » — action 23 Évolution des métiers',
  escape: 'Hub des industries de santé — consultation escape game',
};

export interface Api {
  call(method: string, path: string, body?: unknown, token?: string): Promise<any>;
}

/** JSON calls to the public API; a non-2xx answer throws with its problem's detail. */
export function createApi(baseUrl: string): Api {
  return {
    async call(method, path, body, token) {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      const parsed = text ? JSON.parse(text) : undefined;
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${parsed?.detail ?? text}`);
      return parsed;
    },
  };
}

async function ensureOrganisations(prisma: PrismaClient): Promise<Record<OrgKey, string>> {
  const ids = {} as Record<OrgKey, string>;
  for (const [key, org] of Object.entries(ORGANISATIONS) as [OrgKey, { name: string; kind: string }][]) {
    const row = await prisma.organisation.upsert({ where: { name: org.name }, update: {}, create: { id: `org_${randomUUID()}`, name: org.name, kind: org.kind } });
    ids[key] = row.id;
  }
  return ids;
}

async function ensureUser(prisma: PrismaClient, email: string, name: string, role: 'coordinator' | 'manager' | 'partner', organisationId?: string): Promise<void> {
  const existing = await prisma.user.findUnique({ where: { email } });
  if (existing) return;
  await prisma.user.create({ data: { id: `usr_${randomUUID()}`, email, name, role, organisationId: organisationId ?? null, passwordHash: await hashPassword(DEMO_PASSWORD) } });
}

async function login(api: Api, email: string): Promise<string> {
  return (await api.call('POST', '/api/v1/auth/login', { email, password: DEMO_PASSWORD })).token;
}

export async function loadDemo(apiUrl: string, databaseUrl: string, say: (line: string) => void = () => undefined): Promise<{ created: boolean; programmes: Record<string, string> }> {
  const prisma = createPrisma(databaseUrl);
  const api = createApi(apiUrl);
  try {
    const orgs = await ensureOrganisations(prisma);
    await ensureUser(prisma, DEMO_COORDINATOR, 'Chargée de projet (démo)', 'coordinator');
    await ensureUser(prisma, DEMO_MANAGER, 'Direction (démo)', 'manager');
    for (const key of ['afpa', 'arcanium', 'escapeB', 'escapeC'] as const) {
      await ensureUser(prisma, `${key.toLowerCase()}@demo.jalons.local`, `${ORGANISATIONS[key].name} (démo)`, 'partner', orgs[key]);
    }
    // Demo programmes are the demo coordinator's: other programmes may share their titles.
    const demoCoordinator = await prisma.user.findUniqueOrThrow({ where: { email: DEMO_COORDINATOR } });
    const existing = await prisma.programme.findMany({ where: { title: { in: Object.values(DEMO_TITLES) }, parentId: null, coordinatorId: demoCoordinator.id }, select: { id: true, title: true } });
    if (new Set(existing.map((p) => p.title)).size === Object.keys(DEMO_TITLES).length) {
      say('  demo data already loaded');
      return { created: false, programmes: Object.fromEntries(existing.map((p) => [p.title, p.id])) };
    }
    const coordinator = await login(api, DEMO_COORDINATOR);
    const post = (path: string, body: unknown = {}) => api.call('POST', path, body, coordinator);

    // DEFI, started January 2021 with its two contractors.
    const defi = await post('/api/v1/programmes', { templateKey: 'defi', title: DEMO_TITLES.defi, startDate: '2021-01-04', params: { slots: { 'digital-contractor': orgs.manzalab, 'theatre-contractor': orgs.laab } } });
    await post(`/api/v1/programmes/${defi.id}/indicators/partners-contacted`, { value: 40 });
    await post(`/api/v1/programmes/${defi.id}/indicators/partners-met`, { value: 14 });
    await post(`/api/v1/programmes/${defi.id}/steps/partner-mobilisation/complete`, { note: '40 réseaux et OF contactés, 14 rencontrés' });
    await post(`/api/v1/programmes/${defi.id}/steps/partner-allocation/complete`, { note: 'Répartition des OF par phase' });
    await post(`/api/v1/programmes/${defi.id}/steps/framing-intellectual-property/deliverables`, { title: 'Cadre de propriété intellectuelle (prestation attribuée le 1er juin 2021)', url: 'https://example.org/defi/propriete-intellectuelle.pdf' });
    await post(`/api/v1/programmes/${defi.id}/steps/framing-intellectual-property/complete`);
    await post(`/api/v1/programmes/${defi.id}/steps/framing-communication/deliverables`, { title: 'Identité visuelle DEFI (prestation attribuée le 7 juin 2021)', url: 'https://example.org/defi/identite-visuelle.pdf' });
    await post(`/api/v1/programmes/${defi.id}/steps/framing-communication/complete`);
    await post(`/api/v1/programmes/${defi.id}/steps/framing-evaluation/complete`, { note: 'Prestataire d’évaluation continue retenu le 12 novembre 2021' });
    await post(`/api/v1/programmes/${defi.id}/partners`, { organisationId: orgs.afpa, phaseKey: 'test' });
    for (const key of ['gretaBourgogne', 'mfr', 'cci21', 'promHote'] as const) {
      await post(`/api/v1/programmes/${defi.id}/partners`, { organisationId: orgs[key], phaseKey: 'experimentation' });
    }
    await post(`/api/v1/programmes/${defi.id}/phases/test/approve`);
    say(`  DEFI: ${defi.id} (AFPA in Test, 4 training organisations enrolled in Expérimentation)`);

    // TI action 23: the CHU sector in Diagnostic, farming just opened.
    const ti = await post('/api/v1/programmes', { templateKey: 'ti-action-23', title: DEMO_TITLES.ti, startDate: '2021-01-04' });
    const chu = await post(`/api/v1/programmes/${ti.id}/children`, { childKey: 'sector', title: 'Restauration hospitalière (CHU Dijon Bourgogne)' });
    await post(`/api/v1/programmes/${chu.id}/indicators/interviews`, { value: 46 });
    await post(`/api/v1/programmes/${chu.id}/indicators/jobs-covered`, { value: 31 });
    await post(`/api/v1/programmes/${chu.id}/steps/ecosystem-map/deliverables`, { title: 'Cartographie des acteurs de la restauration hospitalière', url: 'https://example.org/ti23/chu-cartographie.pdf' });
    for (const step of ['literature-watch', 'ecosystem-map', 'exploratory-interviews']) await post(`/api/v1/programmes/${chu.id}/steps/${step}/complete`);
    const farming = await post(`/api/v1/programmes/${ti.id}/children`, { childKey: 'sector', title: 'Agriculture' });
    say(`  TI action 23: ${ti.id} (CHU sector ${chu.id} in Diagnostic, farming ${farming.id} opened)`);

    // The health-industries hub's escape-game tender: three providers, Arcanium chosen, notified.
    const deadline = new Date(Date.now() + 24 * 3600_000).toISOString();
    const escape = await post('/api/v1/programmes', { templateKey: 'tender', title: DEMO_TITLES.escape, startDate: '2021-07-01', params: { dates: { 'answers-deadline': deadline } } });
    await post(`/api/v1/programmes/${escape.id}/steps/write-specification/deliverables`, { title: 'Cahier des charges escape game mobile', url: 'https://example.org/hub-sante/cdc-escape-game.pdf' });
    await post(`/api/v1/programmes/${escape.id}/steps/write-specification/complete`);
    for (const key of ['arcanium', 'escapeB', 'escapeC'] as const) await post(`/api/v1/programmes/${escape.id}/partners`, { organisationId: orgs[key], phaseKey: 'consultation' });
    await post(`/api/v1/programmes/${escape.id}/steps/send/complete`, { note: 'Envoyé à trois prestataires' });
    for (const key of ['arcanium', 'escapeB', 'escapeC'] as const) {
      const token = await login(api, `${key.toLowerCase()}@demo.jalons.local`);
      await api.call('POST', `/api/v1/programmes/${escape.id}/steps/answers/deliverables`, { title: `Offre ${ORGANISATIONS[key].name}`, url: `https://example.org/hub-sante/offre-${key}.pdf` }, token);
      await api.call('POST', `/api/v1/programmes/${escape.id}/steps/answers/complete`, {}, token);
    }
    await post(`/api/v1/programmes/${escape.id}/steps/assessment/complete`, { data: { scores: { [orgs.arcanium]: { price: 15, technical: 17 }, [orgs.escapeB]: { price: 14, technical: 12 }, [orgs.escapeC]: { price: 16, technical: 10 } } } });
    await post(`/api/v1/programmes/${escape.id}/steps/award/complete`, { data: { winner: orgs.arcanium } });
    await post(`/api/v1/programmes/${escape.id}/steps/notify/complete`, { note: 'Arcanium notifié ; les deux autres prestataires informés' });
    say(`  escape-game tender: ${escape.id} (awarded to Arcanium, notified)`);
    say(`  demo sign-in: ${DEMO_COORDINATOR} (coordinator), ${DEMO_MANAGER} (manager), afpa@demo.jalons.local (partner) / ${DEMO_PASSWORD}`);
    return { created: true, programmes: { [DEMO_TITLES.defi]: defi.id, [DEMO_TITLES.ti]: ti.id, [DEMO_TITLES.escape]: escape.id } };
  } finally {
    await prisma.$disconnect();
  }
}

if (require.main === module) {
  const config = loadConfig();
  const apiUrl = config.APP_URL ?? `http://127.0.0.1:${config.PORT}`;
  if (!config.DATABASE_URL) {
    process.stderr.write('npm run demo talks to a running instance: set DATABASE_URL (printed by npm start) or use `npm start -- --demo`.\n');
    process.exit(1);
  }
  loadDemo(apiUrl, config.DATABASE_URL, (l) => process.stdout.write(`${l}\n`)).catch((err) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  });
}

/**
 * The 2021 situation from the seed (the agency's activity report) at its true dates, loaded
 * through the public API like any integrator would: each programme starts on its real start
 * date with what happened in 2021 as history (issue 20, docs/engine.md "Starting in the past"),
 * so that today's status is the seed's plus the time elapsed since. DEFI (started 4 January
 * 2021: its three framing tenders awarded on 1 June, 7 June and 12 November 2021, AFPA through
 * the Test phase, Expérimentation open with its five organisations, seven organisations lined up
 * for Déploiement), TI action 23 (started 1 January 2021, launched on 27 April; the CHU sector
 * with its 46 interviews over 31 jobs, farming from mid-2021 with 22 + 11 interviews), the
 * health-industries hub's escape-game tender (awarded to Arcanium, kick-off on 26 August 2021);
 * DAQ 2.0 (its first half of 2021 getting to know the scheme, then the actions per site: 60
 * company meetings, 57 shared offers, a collective company visit), RESPONSE's jobs and training
 * strand (working group from May 2021, 10 professionals at the project's presentation, the action
 * plan, a first works site with social clauses), the health-industries hub itself (launched on 26
 * January 2021 before about thirty actors, 16 companies surveyed, its two tenders awarded to
 * Arcanium and Nel Graphisme, the recruiting experiment in 5 pilot companies restituted on 14
 * December), the reception points (March to June 2021 per site), the hub's answer to the Region's
 * "Initiatives territoriales" call (retained, its outcome entered with the history; kick-off on 24
 * November 2021), La Voie des Talents (11 and 12 October 2021, the seed's counts), the CMQ's label
 * renewal (order of 27 July 2021 for 5 years) and the cleaning-sector group (four meetings, the
 * event of 1 July 2021 with about 80 participants, the review). The hub's committees repeat (issue 19) and history cannot record an occurrence of a
 * series (`step~n`), so the 2021 committees are not in it: each series stands open at its first.
 * Dates the seed does not give are marked "assumed" below.
 *
 * `npm run demo` against a running `npm start`, or `npm start -- --demo`. Idempotent: a second
 * run finds the demo programmes and changes nothing; a data set loaded before some programme joined
 * the demo gains only the programmes it lacks.
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
  gretaFc: { name: 'Réseau GRETA Franche-Comté', kind: 'training-organisation' },
  cci89: { name: 'CCI Formation 89', kind: 'training-organisation' },
  cifa: { name: 'CIFA Yonne', kind: 'training-organisation' },
  ifpa: { name: 'IFPA', kind: 'training-organisation' },
  saintBenigne: { name: 'Lycée Saint Bénigne', kind: 'training-organisation' },
  mandela: { name: 'Lycée Nelson Mandela', kind: 'training-organisation' },
  castel: { name: 'Lycée Castel', kind: 'training-organisation' },
  manzalab: { name: 'Manzalab', kind: 'contractor' },
  laab: { name: 'LAAB', kind: 'contractor' },
  inConcreto: { name: 'In concreto', kind: 'contractor' },
  cinqAvril: { name: 'CinqAvril', kind: 'contractor' },
  didaction: { name: 'DIDACTION', kind: 'contractor' },
  chu: { name: 'CHU Dijon Bourgogne', kind: 'public-body' },
  arcanium: { name: 'Arcanium', kind: 'contractor' },
  // The seed says the escape-game specification went to three providers but names only the winner.
  escapeB: { name: 'Prestataire escape game B (non nommé dans le rapport)', kind: 'contractor' },
  escapeC: { name: 'Prestataire escape game C (non nommé dans le rapport)', kind: 'contractor' },
  nelGraphisme: { name: 'Nel Graphisme', kind: 'contractor' },
  apsalc: { name: 'APSALC', kind: 'association' },
} as const;
type OrgKey = keyof typeof ORGANISATIONS;

export const DEMO_TITLES = {
  defi: 'DEFI — Destination Formation Innovante',
  ti: 'Territoire d’Innovation « Dijon, alimentation durable 2030 » — action 23 Évolution des métiers',
  escape: 'Hub des industries de santé — consultation escape game',
  daq: 'DAQ 2.0 — Dispositif Amont pour la Qualification (Dijon, Beaune, Haute Côte d’Or)',
  response: 'RESPONSE — volet emploi-formation (Dijon Métropole, Fontaine d’Ouche)',
  healthHub: 'Hub emplois et compétences des industries de santé',
  receptionPoints: 'Points Relais dijonnais — Grésilles et Fontaine d’Ouche',
  callForProjects: 'Hub des industries de santé — AAP « Initiatives territoriales » de la Région (CNAM, UIMM, pôle BFCare)',
  tradesEvent: 'La Voie des Talents — Consortium, Dijon (11 et 12 octobre 2021)',
  labelRenewal: 'CMQ Alimentation, Goût, Tourisme — renouvellement de labellisation',
  cleaningGroup: 'Groupe territorial propreté — événement RSE du 1er juillet 2021',
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
    for (const key of ['afpa', 'arcanium', 'escapeB', 'escapeC', 'apsalc'] as const) {
      await ensureUser(prisma, `${key.toLowerCase()}@demo.jalons.local`, `${ORGANISATIONS[key].name} (démo)`, 'partner', orgs[key]);
    }
    // Demo programmes are the demo coordinator's: other programmes may share their titles.
    const demoCoordinator = await prisma.user.findUniqueOrThrow({ where: { email: DEMO_COORDINATOR } });
    const existing = await prisma.programme.findMany({ where: { title: { in: Object.values(DEMO_TITLES) }, parentId: null, coordinatorId: demoCoordinator.id }, select: { id: true, title: true } });
    // Each demo programme once: a data set loaded before a programme joined it gains only the new ones.
    const ids: Record<string, string> = Object.fromEntries(existing.map((p) => [p.title, p.id]));
    if (Object.values(DEMO_TITLES).every((title) => ids[title])) {
      say('  demo data already loaded');
      return { created: false, programmes: ids };
    }
    const coordinator = await login(api, DEMO_COORDINATOR);
    const post = (path: string, body: unknown = {}) => api.call('POST', path, body, coordinator);
    const step = (date: string, stepKey: string, extra: Record<string, unknown> = {}) => ({ type: 'step', date, stepKey, ...extra });
    const enrol = (date: string, phaseKey: string, org: OrgKey) => ({ type: 'enrolment', date, phaseKey, organisationId: orgs[org] });
    const indicator = (date: string, key: string, value: number) => ({ type: 'indicator', date, key, value });

    if (!ids[DEMO_TITLES.defi]) {
      // DEFI, started on 4 January 2021 with its two contractors; its 2021 as history.
      /** A framing tender carried out in 2021: notified, signed, kicked off, delivered (dates assumed). */
      const tenderDone = (childKey: string, notified: string, signed: string, kickOff: string, delivered: string) => [
        step(notified, 'notify', { childKey }),
        step(signed, 'contract-signed', { childKey }),
        step(kickOff, 'kick-off', { childKey }),
        step(delivered, 'deliverables', { childKey }),
      ];
      const defi = await post('/api/v1/programmes', {
        templateKey: 'defi',
        title: DEMO_TITLES.defi,
        startDate: '2021-01-04',
        params: { slots: { 'digital-contractor': orgs.manzalab, 'theatre-contractor': orgs.laab } },
        history: {
          facts: [
            step('2021-06-30', 'partner-mobilisation', { note: '40 réseaux et organismes de formation contactés, 14 rencontrés' }), // assumed date
            indicator('2021-06-30', 'partners-contacted', 40),
            indicator('2021-06-30', 'partners-met', 14),
            // The three framing tenders, awarded on their seed dates; the first two carried out in 2021 (dates assumed).
            { type: 'award', date: '2021-06-01', childKey: 'tender-intellectual-property', winner: orgs.inConcreto, note: 'Cabinet In concreto retenu le 1er juin 2021' },
            ...tenderDone('tender-intellectual-property', '2021-06-03', '2021-06-10', '2021-06-15', '2021-09-15'),
            { type: 'award', date: '2021-06-07', childKey: 'tender-communication', winner: orgs.cinqAvril, note: 'Agence CinqAvril retenue le 7 juin 2021' },
            ...tenderDone('tender-communication', '2021-06-09', '2021-06-16', '2021-06-22', '2021-09-30'),
            { type: 'award', date: '2021-11-12', childKey: 'tender-evaluation', winner: orgs.didaction, note: 'Cabinet DIDACTION retenu le 12 novembre 2021 : évaluation sur 2022' },
            step('2021-11-16', 'notify', { childKey: 'tender-evaluation' }), // assumed
            step('2021-11-30', 'contract-signed', { childKey: 'tender-evaluation' }), // assumed
            step('2021-07-15', 'partner-allocation', { note: 'AFPA en Test, cinq organismes en Expérimentation' }), // assumed
            enrol('2021-07-15', 'test', 'afpa'),
            ...(['afpa', 'gretaBourgogne', 'mfr', 'cci21', 'promHote'] as const).map((o) => enrol('2021-07-15', 'experimentation', o)),
            step('2021-08-31', 'framing-evaluation', { note: 'Cahier des charges de l’évaluation produit sur l’été' }),
            step('2021-09-15', 'framing-intellectual-property', { note: 'Cadre contractuel d’exploitation des droits, avec In concreto' }),
            step('2021-09-30', 'framing-communication', { note: 'Logo et charte graphique, avec CinqAvril' }),
            // The Test phase with AFPA, autumn 2021 (dates assumed).
            { type: 'gate', date: '2021-10-04', phaseKey: 'test' },
            step('2021-10-29', 'trainers-training-test'),
            step('2021-11-30', 'bricks-co-construction-test', { note: 'Scénarios des serious games et structure de l’application co-construits' }),
            step('2021-12-10', 'bricks-run-test', { organisationId: orgs.afpa }),
            step('2021-12-17', 'test-review'),
            { type: 'gate', date: '2021-12-20', phaseKey: 'experimentation' },
            ...(['gretaFc', 'cci89', 'cifa', 'ifpa', 'saintBenigne', 'mandela', 'castel'] as const).map((o) => enrol('2021-12-31', 'deployment', o)),
          ],
        },
      });
      say(`  DEFI: ${defi.id} (started 4 January 2021; tenders awarded 1 June, 7 June, 12 November 2021; Test done with AFPA; Expérimentation open with five organisations)`);
      ids[DEMO_TITLES.defi] = defi.id;
    }

    if (!ids[DEMO_TITLES.ti]) {
      // TI action 23: started on 1 January 2021, launched on 27 April; its sectors opened in 2021.
      const ti = await post('/api/v1/programmes', {
        templateKey: 'ti-action-23',
        title: DEMO_TITLES.ti,
        startDate: '2021-01-01',
        history: {
          facts: [
            step('2021-01-01', 'funding-secured', { note: 'Banque des territoires, Dijon Métropole, Conseil Régional' }),
            step('2021-01-15', 'project-team', { note: 'Directrice opérationnelle du campus (35 %) et deux chargées de projet à mi-temps' }), // assumed date
            step('2021-03-31', 'working-tools', { note: 'Arbre des objectifs, cartographie des acteurs, revue des indicateurs, plan d’actions' }), // assumed date
            step('2021-04-27', 'steering-committee-year-1', { note: 'Lancement officiel de l’action' }),
            step('2021-06-17', 'operational-committee-report-year-1', { note: 'Présentation au comité opérationnel du Territoire d’Innovation' }),
          ],
        },
      });
      const chu = await post(`/api/v1/programmes/${ti.id}/children`, {
        childKey: 'sector',
        title: 'Restauration hospitalière (CHU Dijon Bourgogne)',
        startDate: '2021-02-01', // "au cours du 1er semestre 2021": assumed
        history: {
          facts: [
            step('2021-06-30', 'literature-watch'), // assumed date
            step('2021-09-30', 'ecosystem-map'), // assumed date
            indicator('2021-12-31', 'interviews', 46),
            indicator('2021-12-31', 'jobs-covered', 31),
            step('2021-12-31', 'exploratory-interviews', { note: '46 rendez-vous exploratoires auprès de 31 métiers et fonctions' }),
          ],
        },
      });
      const farming = await post(`/api/v1/programmes/${ti.id}/children`, {
        childKey: 'sector',
        title: 'Agriculture',
        startDate: '2021-07-01', // "en milieu de l'année civile 2021"
        history: {
          facts: [
            step('2021-10-31', 'literature-watch'), // assumed date
            indicator('2021-10-31', 'interviews', 22),
            indicator('2021-10-31', 'jobs-covered', 17),
            step('2021-10-31', 'ecosystem-map', { note: '22 entretiens sur l’écosystème agricole auprès de 17 métiers et fonctions' }),
            // Exploratory interviews since September 2021: 11 more over 11 jobs by 31 December (still going on).
            indicator('2021-12-31', 'interviews', 33),
            indicator('2021-12-31', 'jobs-covered', 28),
          ],
        },
      });
      say(`  TI action 23: ${ti.id} (CHU sector ${chu.id} in Diagnostic, farming ${farming.id} in Diagnostic)`);
      ids[DEMO_TITLES.ti] = ti.id;
    }

    if (!ids[DEMO_TITLES.escape]) {
      // The health-industries hub's escape-game tender, July 2021: three providers, Arcanium chosen, kick-off on 26 August.
      const escapeProviders = ['arcanium', 'escapeB', 'escapeC'] as const;
      const escape = await post('/api/v1/programmes', {
        templateKey: 'tender',
        title: DEMO_TITLES.escape,
        startDate: '2021-07-01',
        params: { dates: { 'answers-deadline': '2021-07-20' } }, // assumed
        history: {
          facts: [
            step('2021-07-05', 'write-specification', { note: 'Cahier des charges escape game mobile' }),
            ...escapeProviders.map((o) => enrol('2021-07-06', 'consultation', o)),
            step('2021-07-06', 'send', { note: 'Envoyé à trois prestataires' }),
            ...escapeProviders.map((o) => step('2021-07-19', 'answers', { organisationId: orgs[o] })),
            step('2021-07-23', 'assessment', { data: { scores: { [orgs.arcanium]: { price: 15, technical: 17 }, [orgs.escapeB]: { price: 14, technical: 12 }, [orgs.escapeC]: { price: 16, technical: 10 } } } }),
            step('2021-07-26', 'award', { data: { winner: orgs.arcanium } }),
            step('2021-07-27', 'notify', { note: 'Arcanium notifié ; les deux autres prestataires informés' }),
            step('2021-08-02', 'contract-signed'),
            step('2021-08-26', 'kick-off', { note: 'Réunion de lancement avec 8 industries de santé, le pôle BFCare et Creativ’' }),
          ],
        },
      });
      say(`  escape-game tender: ${escape.id} (awarded to Arcanium in July 2021, kick-off on 26 August; 9 boxes due March 2022)`);
      ids[DEMO_TITLES.escape] = escape.id;
    }

    if (!ids[DEMO_TITLES.daq]) {
      // DAQ 2.0: the first half of 2021 getting to know the scheme on its three sites, then the actions per site (start assumed).
      const daq = await post('/api/v1/programmes', {
        templateKey: 'daq-2',
        title: DEMO_TITLES.daq,
        startDate: '2021-01-04',
        history: {
          facts: [
            step('2021-01-29', 'partnership-agreement', { note: 'Contribution de Creativ’ définie dans la convention de partenariat' }), // assumed date
            step('2021-03-31', 'daq-teams-meetings', { note: 'Équipes des DAQ de Dijon, Beaune et Haute Côte d’Or, experts-métiers' }), // assumed date
            step('2021-05-31', 'discovery-sessions'), // assumed date
            step('2021-06-15', 'steering-committee', { note: 'COPIL du DAQ et Comité de mutualisation' }), // assumed date
            step('2021-06-30', 'offer-sharing-process', { note: 'Process de partage des offres défini, fichier partagé de suivi créé' }), // "1er semestre 2021"
            step('2021-06-30', 'needs-identification'),
            // DAQ Dijon: a collective company visit, "plus de 60 rdv en entreprise", "plus de 57 offres partagées" (dates assumed).
            indicator('2021-11-29', 'company-visits', 1),
            step('2021-11-30', 'company-visits', { note: 'Visite collective d’entreprises pour les stagiaires et RP (DAQ Dijon)' }),
            step('2021-12-15', 'vine-to-wine-route', { note: 'Parcours « la vigne au vin » avec le CFPPA : bilan et axes de recommandations' }),
            step('2021-12-15', 'industry-discovery-days', { note: 'Formation aux escape games « Maintenance », mis à disposition des journées découverte Industrie' }),
            indicator('2021-12-30', 'company-meetings', 60),
            indicator('2021-12-30', 'shared-offers', 57),
            step('2021-12-31', 'company-meetings', { note: 'Plus de 60 rendez-vous en entreprise (DAQ Dijon)' }),
            step('2021-12-31', 'shared-offers', { note: 'Plus de 57 offres partagées, suivies dans le fichier partagé' }),
          ],
        },
      });
      say(`  DAQ 2.0: ${daq.id} (60 company meetings, 57 shared offers in 2021; job analysis and pooled discovery days still to do)`);
      ids[DEMO_TITLES.daq] = daq.id;
    }

    if (!ids[DEMO_TITLES.response]) {
      // RESPONSE: the jobs and training strand, its working group from May 2021.
      const response = await post('/api/v1/programmes', {
        templateKey: 'response',
        title: DEMO_TITLES.response,
        startDate: '2021-05-03',
        history: {
          facts: [
            step('2021-05-31', 'working-group-set-up', { note: 'Creativ’, le Rectorat et Dijon Métropole' }), // assumed date
            step('2021-09-30', 'working-sessions'), // assumed date
            step('2021-10-15', 'climate-fresco', { note: 'Fresque du climat testée chez Creativ’, à proposer aux stagiaires du DAQ' }), // assumed date
            indicator('2021-11-24', 'presentation-professionals', 10),
            step('2021-11-25', 'project-presentation', { note: '10 professionnels (PLIE, Mission Locale, DAQ, ARIQ) et des enseignants ; un groupe de jeunes de la Mission Locale' }), // assumed date
            step('2021-12-15', 'action-plan'), // assumed date
            indicator('2021-12-30', 'clause-works-sites', 1),
            step('2021-12-31', 'social-clauses', { note: 'Un premier chantier a débuté ; offres d’emploi dans le BTP et l’administratif' }), // assumed date
          ],
        },
      });
      say(`  RESPONSE: ${response.id} (working group from May 2021, action plan, a first works site with social clauses)`);
      ids[DEMO_TITLES.response] = response.id;
    }

    if (!ids[DEMO_TITLES.healthHub]) {
      // The health-industries hub: launched on 26 January 2021; its two tenders awarded to Arcanium and Nel Graphisme (start assumed).
      const hub = await post('/api/v1/programmes', {
        templateKey: 'health-hub',
        title: DEMO_TITLES.healthHub,
        startDate: '2021-01-04',
        history: {
          facts: [
            step('2021-01-22', 'steering-tools', { note: 'Espace collaboratif nextcloud, plan d’action, rétroplanning, arbre des objectifs, indicateurs' }), // assumed date
            indicator('2021-01-25', 'launch-participants', 30),
            step('2021-01-26', 'launch-event', { note: 'Une trentaine d’acteurs du territoire' }),
            step('2021-02-26', 'partnership-agreement', { note: 'Convention entre les membres opérationnels, Creativ’ et le pôle BFCare' }), // assumed date
            step('2021-03-23', 'recruitment-study', { note: 'Conférence de presse chez Delpharm : résultats de l’étude Smart Data de Randstad' }),
            step('2021-04-30', 'visual-identity', { note: 'Identité visuelle officialisée en avril 2021' }), // assumed day
            step('2021-05-03', 'survey-framework'), // assumed date
            indicator('2021-07-29', 'companies-surveyed', 16),
            step('2021-07-30', 'skills-survey', { note: 'Investigations dans 16 entreprises, entre mai et juillet 2021' }), // assumed day
            { type: 'award', date: '2021-07-26', childKey: 'tender-escape-game', winner: orgs.arcanium, providers: [orgs.arcanium, orgs.escapeB, orgs.escapeC], note: 'Arcanium retenu' }, // assumed date
            step('2021-07-27', 'notify', { childKey: 'tender-escape-game' }), // assumed
            step('2021-08-02', 'contract-signed', { childKey: 'tender-escape-game' }), // assumed
            step('2021-08-26', 'kick-off', { childKey: 'tender-escape-game', note: '8 industries de santé, Arcanium, le pôle BFCare et Creativ’' }),
            { type: 'award', date: '2021-09-24', childKey: 'tender-website', winner: orgs.nelGraphisme, note: 'Nel Graphisme retenu' }, // assumed date
            step('2021-09-27', 'notify', { childKey: 'tender-website' }), // assumed
            step('2021-10-04', 'contract-signed', { childKey: 'tender-website' }), // assumed
            step('2021-10-20', 'kick-off', { childKey: 'tender-website', note: 'Le Hub expose ses attentes ; architecture proposée le 9 novembre' }),
            indicator('2021-09-29', 'pilot-companies', 5),
            step('2021-09-30', 'recruitment-experiment', { note: 'Corden Pharma, Recipharm, Delpharm, Adhex Pharma et SPPH Fareva, avec Randstad' }), // assumed date
            step('2021-12-14', 'experiment-restitution', { note: 'Webinaire de restitution ; communiqué de presse' }),
          ],
        },
      });
      say(`  health-industries hub: ${hub.id} (16 companies surveyed, escape game to Arcanium, website to Nel Graphisme, experiment in 5 pilot companies)`);
      ids[DEMO_TITLES.healthHub] = hub.id;
    }
    if (!ids[DEMO_TITLES.receptionPoints]) {
      // The two Points Relais in 2021 (seed, first half-year): January and February were lost in the March 2021 server fire
      // and are left unentered rather than entered as zero; March is partial. Each month entered on the 5th of the next (assumed).
      const counts: [string, string, number, number, number, number][] = [
        // month, entered on, Grésilles in person, Grésilles by phone, Fontaine d'Ouche in person, Fontaine d'Ouche by phone
        ['2021-03', '2021-04-05', 312, 72, 367, 144],
        ['2021-04', '2021-05-05', 283, 73, 227, 92],
        ['2021-05', '2021-06-07', 297, 105, 341, 173],
        ['2021-06', '2021-07-05', 477, 129, 416, 204],
      ];
      const entry = (date: string, key: string, period: string, site: string, value: number) => ({ type: 'indicator', date, key, value, period, dimensions: { site } });
      const reception = await post('/api/v1/programmes', {
        templateKey: 'reception-points',
        title: DEMO_TITLES.receptionPoints,
        startDate: '2021-01-04',
        params: { slots: { 'reception-operator': orgs.apsalc } },
        history: {
          facts: counts.flatMap(([period, on, gIn, gPhone, fIn, fPhone]) => [
            entry(on, 'in-person-interviews', period, 'gresilles', gIn),
            entry(on, 'phone-interviews', period, 'gresilles', gPhone),
            entry(on, 'in-person-interviews', period, 'fontaine-d-ouche', fIn),
            entry(on, 'phone-interviews', period, 'fontaine-d-ouche', fPhone),
          ]),
        },
      });
      say(`  reception points: ${reception.id} (monthly interviews per site, March to June 2021; January and February lost in the fire)`);
      ids[DEMO_TITLES.receptionPoints] = reception.id;
    }
    if (!ids[DEMO_TITLES.callForProjects]) {
      // The hub's answer to the Region's "Initiatives territoriales" call with the CNAM, UIMM and the BFCare cluster:
      // retained, and launched by the kick-off meeting of all the partners on 24 November 2021. The seed dates only the
      // kick-off; the funding agreement is not in it and stays open.
      const call = await post('/api/v1/programmes', {
        templateKey: 'call-for-projects',
        title: DEMO_TITLES.callForProjects,
        startDate: '2021-05-03', // assumed
        params: { dates: { 'submission-deadline': '2021-06-30' } }, // assumed
        history: {
          facts: [
            step('2021-05-28', 'partnership', { note: 'CNAM, UIMM, pôle BFCare et Creativ’' }), // assumed date
            step('2021-06-25', 'application-file', { note: 'SAS découverte des métiers des industries de santé, coloration santé de deux formations maintenance, bac+1 process industriel appliqué à la santé' }), // assumed date
            step('2021-06-30', 'submission'), // assumed date
            step('2021-10-15', 'funder-answer', { outcome: 'retained', note: 'Réponse positive de la Région' }), // assumed date
            step('2021-11-24', 'kick-off', { note: 'Réunion de lancement avec l’ensemble des partenaires : cadre de travail et méthodologie définis collectivement' }),
          ],
        },
      });
      say(`  call for projects: ${call.id} (the hub's "Initiatives territoriales" answer, retained; kick-off with all the partners on 24 November 2021)`);
      ids[DEMO_TITLES.callForProjects] = call.id;
    }

    if (!ids[DEMO_TITLES.tradesEvent]) {
      // La Voie des Talents: planned for 1 and 2 February 2021 at the Consortium, held on 11 and 12 October 2021; the seed's counts.
      // Preparation began before the first date (start assumed); the swarming kit, the last step, stays open so the programme runs.
      const talents = await post('/api/v1/programmes', {
        templateKey: 'trades-event',
        title: DEMO_TITLES.tradesEvent,
        startDate: '2020-10-01', // assumed
        params: { dates: { 'event-date': '2021-10-11' } },
        history: {
          facts: [
            step('2020-10-30', 'organising-committee', { note: 'Creativ’, le CMQ Alimentation, Goût, Tourisme, Vitagora, l’Umih Côte d’Or, le Comité gastronomie et la CCI 21' }), // assumed date
            step('2020-11-27', 'venue-and-agency', { note: 'Le Consortium à Dijon, avec l’agence EMA Events ; prévu les 1er et 2 février 2021, reporté aux 11 et 12 octobre' }), // assumed date
            indicator('2021-09-17', 'speakers', 90),
            step('2021-09-17', 'speakers-mobilisation', { note: 'Plus de 90 intervenants de toute la Bourgogne-Franche-Comté' }), // assumed date
            step('2021-09-24', 'speakers-briefing'), // assumed date
            step('2021-09-27', 'event-communication'), // assumed date
            indicator('2021-10-08', 'offers-collected', 134),
            indicator('2021-10-08', 'offering-organisations', 46),
            step('2021-10-08', 'offers-collection', { note: '134 offres de 46 établissements et entreprises, recueillies par la CCI' }), // assumed date
            indicator('2021-10-08', 'registrations', 912),
            step('2021-10-08', 'registrations-close', { note: '912 inscrits, plus de 70 % de scolaires' }), // assumed date
            indicator('2021-10-12', 'visitors', 900),
            indicator('2021-10-12', 'advisers', 50),
            indicator('2021-10-12', 'offers-space-visitors', 463),
            step('2021-10-12', 'event-held', { note: 'Plus de 900 visiteurs en deux jours ; plus de 50 prescripteurs de l’emploi et de l’orientation' }),
            indicator('2021-10-22', 'offer-applications', 164),
            step('2021-10-22', 'offers-follow-up', { note: '164 positionnements ; les entreprises informées par la CCI' }), // assumed date
            step('2021-11-30', 'media-coverage', { note: '5 articles, 2 reportages radio, 1 reportage TV, 13 vidéos métiers' }), // assumed date
            step('2021-12-15', 'event-review'), // assumed date
          ],
        },
      });
      say(`  La Voie des Talents: ${talents.id} (11 and 12 October 2021: 912 registered, 900+ visitors, 90+ speakers, 134 offers, 164 applications)`);
      ids[DEMO_TITLES.tradesEvent] = talents.id;
    }

    if (!ids[DEMO_TITLES.labelRenewal]) {
      // The CMQ's label renewal: the strategy revisited in autumn 2020, the 11 criteria met, the 5-year order of 27 July 2021.
      // The 2021 self-evaluation is an occurrence of a series (`self-evaluation~n`): history cannot record it, the first stays open.
      const cmq = await post('/api/v1/programmes', {
        templateKey: 'label-renewal',
        title: DEMO_TITLES.labelRenewal,
        startDate: '2020-09-01', // "à l'automne 2020": assumed
        params: { dates: { 'renewal-deadline': '2021-03-31' } }, // assumed
        history: {
          facts: [
            step('2020-11-30', 'network-consultation', { note: 'Analyse socio-économique des secteurs couverts et de leurs enjeux en Bourgogne-Franche-Comté' }), // assumed date
            step('2020-11-30', 'perimeter', { note: 'Périmètre inchangé (Bourgogne-Franche-Comté) ; la production agricole intégrée aux secteurs' }), // assumed date
            step('2020-12-18', 'strategic-axes', { note: 'Alimentation durable ; relation client et tourisme ; numérique' }), // assumed date
            indicator('2021-03-26', 'criteria-met', 11),
            step('2021-03-26', 'criteria-file'), // assumed date
            step('2021-03-26', 'action-plan', { note: 'Plan d’actions 2021-2024 et ses indicateurs de réalisation et de résultats' }), // assumed date
            step('2021-03-31', 'renewal-submission'), // assumed date
            step('2021-07-27', 'label-order', { note: 'Arrêté ministériel du 27 juillet 2021, label pour 5 ans' }),
          ],
        },
      });
      say(`  CMQ label renewal: ${cmq.id} (11 criteria, label order of 27 July 2021 for 5 years; yearly self-evaluation)`);
      ids[DEMO_TITLES.labelRenewal] = cmq.id;
    }

    if (!ids[DEMO_TITLES.cleaningGroup]) {
      // The cleaning-sector group: four meetings (13 January, 15 March, 10 May, 3 June 2021), the half-day event of 1 July
      // (about 80 participants; the seed gives no count of charter signatories), the group's review in the second half-year;
      // the stock-taking meeting planned for January 2022 stays open.
      const cleaning = await post('/api/v1/programmes', {
        templateKey: 'cleaning-sector-group',
        title: DEMO_TITLES.cleaningGroup,
        startDate: '2021-01-04', // assumed
        history: {
          facts: [
            step('2021-01-13', 'preparatory-meeting-1', { note: 'Dijon Métropole, FEP Grand Est, FARE, Creativ’, Préfecture, DREETS, Département, SGAR…' }),
            step('2021-03-15', 'preparatory-meeting-2'),
            step('2021-05-10', 'preparatory-meeting-3'),
            step('2021-06-03', 'preparatory-meeting-4'),
            step('2021-06-07', 'event-invitations', { note: 'Annonce de la date sur LinkedIn et Facebook, courrier d’invitation co-signé, le Journal du Palais partenaire' }), // assumed date
            indicator('2021-07-01', 'event-participants', 80),
            step('2021-07-01', 'half-day-event', { note: 'Environ 80 participants, deux tables rondes, les signataires de la charte mis en avant' }),
            step('2021-09-30', 'group-review'), // "second semestre": assumed date
          ],
        },
      });
      say(`  cleaning-sector group: ${cleaning.id} (four meetings, the 1 July 2021 event with about 80 participants, the group's review)`);
      ids[DEMO_TITLES.cleaningGroup] = cleaning.id;
    }
    say(`  demo sign-in: ${DEMO_COORDINATOR} (coordinator), ${DEMO_MANAGER} (manager), afpa@demo.jalons.local (partner) / ${DEMO_PASSWORD}`);
    return { created: true, programmes: ids };
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

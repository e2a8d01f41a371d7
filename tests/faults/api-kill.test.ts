import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { TemplateInput } from '../../domain/template-schema';
import { findFreePort } from '../../infra/ports';
import { killTree } from '../../infra/process-tree';
import { programmeStateQuery } from '../../workflows/programme';
import { spawnApiProcess } from '../support/api-process';
import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, waitFor, type Harness, type TestUser } from '../support/harness';
import { expectReadModelInSync } from '../support/read-model';

const TASKS = 8;

/** Many partner steps open at once, plus one that falls due during the drill (its reminders must go out once each). */
function killDrillTemplate(key: string): TemplateInput {
  return {
    key,
    version: 1,
    labels: { roles: { partner: { fr: 'Partenaire' } } },
    name: { fr: 'Exercice arrêt API', en: 'API kill drill' },
    reminders: { unit: 'seconds', beforeDue: [3], onDue: true, overdueEvery: 2, escalateAfter: 1 },
    phases: [
      {
        key: 'work',
        name: { fr: 'Travaux', en: 'Work' },
        steps: [
          ...Array.from({ length: TASKS }, (_, i) => ({ key: `task-${i + 1}`, name: { fr: `Tâche ${i + 1}`, en: `Task ${i + 1}` }, assignee: { kind: 'slot' as const, slot: 'partner' } })),
          { key: 'late', name: { fr: 'En retard', en: 'Late' }, assignee: { kind: 'slot' as const, slot: 'partner' }, due: { from: 'programmeStart' as const, offset: { amount: 15, unit: 'seconds' as const } } },
        ],
      },
    ],
  };
}

interface Attempt {
  key: string;
  startedAt: number;
  endedAt: number;
  status: number;
  body?: any;
}

/**
 * The API server is killed with SIGKILL while partners complete steps through it, then restarted.
 * Every completion answered 2xx before the kill is in the workflow afterwards; the requests cut
 * by the kill are retried with the same Idempotency-Key and applied once; a completion retried
 * after a 2xx is answered again, not applied again; reminders are neither lost nor doubled.
 */
describe('fault drill: the API server is killed with SIGKILL mid-flight', () => {
  let h: Harness;
  let api: ChildProcess | undefined;
  let port: number;
  const logFile = () => path.join(process.env.DATA_DIR!, 'api-kill.log');

  beforeAll(async () => {
    h = await startHarness();
    port = await findFreePort();
  });
  afterAll(async () => {
    if (api) await killTree(api);
    await h?.stop();
  });

  it('loses no acknowledged completion, applies none twice, and keeps reminders exact', async () => {
    const key = `api-kill-${Date.now()}`;
    await publishTemplates(h.prisma, [killDrillTemplate(key)]);
    const coordinator = await createUser(h, 'coordinator');
    const local = apiClient(h.apiUrl);
    const partners: { user: TestUser; programmeId: string }[] = [];
    for (let i = 0; i < 6; i++) {
      const org = await createOrganisation(h);
      const user = await createUser(h, 'partner', org);
      const started = await local.post('/api/v1/programmes', { templateKey: key, title: `Arrêt API ${i}`, startDate: '2026-11-28', params: { slots: { partner: org } } }, coordinator.token);
      expect(started.status).toBe(201);
      partners.push({ user, programmeId: started.body.id });
    }

    api = await spawnApiProcess(h, port, logFile());
    const base = `http://127.0.0.1:${port}`;
    const attempts: Attempt[] = [];
    let inFlight = 0;
    async function complete(token: string, programmeId: string, stepKey: string, idemKey: string): Promise<Attempt> {
      const a: Attempt = { key: idemKey, startedAt: Date.now(), endedAt: 0, status: 0 };
      inFlight++;
      try {
        const res = await fetch(`${base}/api/v1/programmes/${programmeId}/steps/${stepKey}/complete`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': idemKey },
          body: JSON.stringify({ note: idemKey }),
          signal: AbortSignal.timeout(60_000),
        });
        a.status = res.status;
        a.body = await res.json().catch(() => undefined);
      } catch {
        a.status = 0; // connection refused or reset: the outcome is unknown to the partner
      } finally {
        inFlight--;
        a.endedAt = Date.now();
        attempts.push(a);
      }
      return a;
    }

    // Each partner completes its tasks one after the other; an unknown outcome (cut connection,
    // refused connection, 5xx) is retried with the same Idempotency-Key until it gets an answer.
    const acknowledged = new Map<string, Attempt>();
    const partnerRuns = partners.map(async ({ user, programmeId }, p) => {
      for (let t = 1; t <= TASKS; t++) {
        const idemKey = `p${p}-task-${t}-${Date.now()}`;
        for (let n = 0; n < 400; n++) {
          const a = await complete(user.token, programmeId, `task-${t}`, idemKey);
          if (a.status >= 200 && a.status < 300) {
            acknowledged.set(idemKey, a);
            break;
          }
          if (a.status >= 400 && a.status < 500) throw new Error(`${idemKey} refused: ${a.status} ${JSON.stringify(a.body)}`);
          await new Promise((r) => setTimeout(r, 250));
        }
        if (!acknowledged.has(idemKey)) throw new Error(`${idemKey} never acknowledged`);
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 150));
      }
    });

    // Kill -9 once a few completions went through and some are in flight.
    await waitFor('completions under way', async () => acknowledged.size >= 10 && inFlight > 0, 120_000);
    const killedAt = Date.now();
    const inFlightAtKill = inFlight;
    const acknowledgedBeforeKill = [...acknowledged.keys()];
    await killTree(api);
    api = undefined;
    await new Promise((r) => setTimeout(r, 2000));
    api = await spawnApiProcess(h, port, logFile());
    const restartedAt = Date.now();
    await Promise.all(partnerRuns);

    // Requests cut by the kill, and the ones refused while it was down, were retried with the same key.
    const cut = attempts.filter((a) => a.status === 0 && a.startedAt < killedAt);
    const retriedKeys = [...new Set(attempts.filter((a) => a.status === 0).map((a) => a.key))];
    process.stdout.write(`[api kill drill] in flight at the kill: ${inFlightAtKill}; cut: ${cut.length}; keys retried after restart: ${retriedKeys.length}; acknowledged before the kill: ${acknowledgedBeforeKill.length}; API down ${Math.round((restartedAt - killedAt) / 100) / 10} s\n`);
    expect(inFlightAtKill).toBeGreaterThan(0);
    expect(retriedKeys.length).toBeGreaterThan(0);
    for (const k of retriedKeys) expect(acknowledged.get(k)?.status).toBe(200);
    expect(attempts.filter((a) => a.status >= 500)).toEqual([]);

    // A completion acknowledged before the kill, sent again with its key after the restart: answered, not applied again.
    const again = acknowledgedBeforeKill.slice(0, 3);
    for (const k of again) {
      const [p, t] = k.match(/^p(\d+)-task-(\d+)-/)!.slice(1).map(Number) as [number, number];
      const a = await complete(partners[p]!.user.token, partners[p]!.programmeId, `task-${t}`, k);
      expect({ key: k, status: a.status, stepStatus: a.body?.status }).toEqual({ key: k, status: 200, stepStatus: 'completed' });
    }

    // Reminders of the step left late: wait for the escalation, then the partner completes it.
    for (const { programmeId } of partners) {
      await waitFor(`escalation of ${programmeId}`, async () => (await h.client.workflow.getHandle(programmeId).query(programmeStateQuery)).steps.find((s) => s.key === 'late')!.remindersSent.some((r) => r.includes('escalation')), 120_000);
    }
    for (const { user, programmeId } of partners) {
      const done = await complete(user.token, programmeId, 'late', `late-${programmeId}`);
      expect(done.status).toBe(200);
    }

    // The workflow's own record: every acknowledged completion is there with its note, each applied once.
    for (const [p, { programmeId }] of partners.entries()) {
      const state = await h.client.workflow.getHandle(programmeId).query(programmeStateQuery);
      expect(state.status).toBe('completed');
      for (let t = 1; t <= TASKS; t++) {
        const step = state.steps.find((s) => s.key === `task-${t}`)!;
        const ack = [...acknowledged.keys()].find((k) => k.startsWith(`p${p}-task-${t}-`))!;
        expect({ step: step.key, status: step.status, note: step.note }).toEqual({ step: step.key, status: 'completed', note: ack });
      }
      // Temporal history: one accepted Update per Idempotency-Key, one per step.
      const history = await h.client.workflow.getHandle(programmeId).fetchHistory();
      const updateIds = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).map((e) => e.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.meta!.updateId!);
      expect(new Set(updateIds).size).toBe(updateIds.length);
      // The projected audit trail agrees: one step.completed per step.
      const completedEvents = await h.prisma.programmeEvent.findMany({ where: { programmeId, type: 'step.completed' } });
      const perStep = completedEvents.reduce<Record<string, number>>((acc, e) => ((acc[(e.data as { stepKey: string }).stepKey] = (acc[(e.data as { stepKey: string }).stepKey] ?? 0) + 1), acc), {});
      expect(perStep).toEqual(Object.fromEntries([...Array.from({ length: TASKS }, (_, i) => [`task-${i + 1}`, 1]), ['late', 1]]));
      await expectReadModelInSync(h, programmeId);

      // Reminders: one row per reminder the workflow recorded, each sent in exactly one e-mail.
      const fired = state.steps.find((s) => s.key === 'late')!.remindersSent;
      expect(fired.length).toBeGreaterThanOrEqual(4);
      const rows = await waitFor(`reminders of ${programmeId} sent`, async () => {
        const r = await h.prisma.notification.findMany({ where: { programmeId, kind: { in: ['reminder_before_due', 'due_today', 'overdue', 'escalation'] } } });
        return r.length === fired.length && r.every((n) => n.status === 'sent') && r;
      }, 60_000);
      expect(rows.map((r) => (r.payload as { data: { reminderKey: string } }).data.reminderKey).sort()).toEqual([...fired].sort());
      const mailDir = process.env.MAIL_DIR!;
      const mails = fs.readdirSync(mailDir).filter((f) => f.endsWith('.eml')).map((f) => fs.readFileSync(path.join(mailDir, f), 'utf8'));
      for (const n of rows) expect({ id: n.id, mails: mails.filter((m) => m.includes(`X-Jalons-Notification: ${n.id}`)).length }).toEqual({ id: n.id, mails: 1 });
    }
  }, 600_000);
});

import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import type { Harness } from './harness';

export const HISTORIES_DIR = path.resolve(__dirname, '..', 'histories');
const History = temporal.api.history.v1.History;
type HistoryObject = { events?: Array<Record<string, any>> };

/**
 * With JALONS_RECORD_HISTORIES=1, saves a run's event history under tests/histories/
 * for the replay test (tests/integration/replay.test.ts) that guards determinism.
 * Stored as protobuf "object" JSON (longs and bytes as strings) and read back with fromObject:
 * the SDK's historyFromJSON trips over two copies of protobufjs in node_modules.
 *
 * A history of the same name recorded on another code path (another set of `patched()` markers)
 * is kept, renamed `<name>.before-<first new patch>.json`: it still guards the programmes that run
 * on that path until its patches are retired (docs/engine.md, "Retiring patches").
 */
export async function recordHistory(h: Harness, workflowId: string, name: string): Promise<void> {
  if (process.env.JALONS_RECORD_HISTORIES !== '1') return;
  const history = History.fromObject(await h.client.workflow.getHandle(workflowId).fetchHistory());
  const json = History.toObject(history, { longs: String, enums: String, bytes: String }) as HistoryObject;
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  const file = path.join(HISTORIES_DIR, `${name}.json`);
  if (fs.existsSync(file)) {
    const before = patchesOf(JSON.parse(fs.readFileSync(file, 'utf8')) as HistoryObject);
    const added = [...patchesOf(json)].filter((p) => !before.has(p));
    const removed = [...before].filter((p) => !patchesOf(json).has(p));
    if (added.length || removed.length) fs.renameSync(file, path.join(HISTORIES_DIR, `${name}.before-${added[0] ?? `without-${removed[0]}`}.json`));
  }
  fs.writeFileSync(file, `${JSON.stringify(json)}\n`);
}

export function loadHistory(file: string): temporal.api.history.v1.History {
  return History.fromObject(JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8')));
}

/** Reads a JSON payload as the SDK's default converter writes it (`json/plain`, base64 data). */
function payloadValue(payload: { data?: string } | undefined): any {
  return payload?.data ? JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')) : undefined;
}

/** What a recorded history exercises: the replay corpus test (tests/unit/replay-corpus.test.ts) checks coverage with it. */
export interface HistorySummary {
  file: string;
  workflowType: string;
  templateKey: string | undefined;
  /** Set for a sub-programme. */
  parentId: string | undefined;
  /** `patched()` ids recorded as markers. */
  patches: Set<string>;
  /** The Updates accepted in this run, with their first argument. */
  updates: { name: string; input: any }[];
  childrenStarted: number;
  /** The run was started with its deadline hours (issue 21: due dates computed in the workflow). */
  dueCalendar: boolean;
  /** The activity type of each local activity the run recorded, in order. */
  localActivities: string[];
}

export function patchesOf(history: HistoryObject): Set<string> {
  const ids = new Set<string>();
  for (const e of history.events ?? []) {
    const marker = e.markerRecordedEventAttributes;
    if (marker?.markerName === 'core_patch') ids.add(payloadValue(marker.details?.['patch-data']?.payloads?.[0])?.id);
  }
  return ids;
}

export function summariseHistory(file: string): HistorySummary {
  const history = JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8')) as HistoryObject;
  const events = history.events ?? [];
  const started = events[0]?.workflowExecutionStartedEventAttributes;
  const input = payloadValue(started?.input?.payloads?.[0]);
  const updates: HistorySummary['updates'] = [];
  let childrenStarted = 0;
  const localActivities: string[] = [];
  for (const e of events) {
    const marker = e.markerRecordedEventAttributes;
    if (marker?.markerName === 'core_local_activity') localActivities.push(payloadValue(marker.details?.data?.payloads?.[0])?.activity_type);
    const request = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input;
    if (request) updates.push({ name: request.name, input: payloadValue(request.args?.payloads?.[0]) });
    if (e.startChildWorkflowExecutionInitiatedEventAttributes) childrenStarted += 1;
  }
  return { file, workflowType: started?.workflowType?.name, templateKey: input?.template?.key, parentId: input?.parentId, patches: patchesOf(history), updates, childrenStarted, dueCalendar: Boolean(input?.dueCalendar), localActivities };
}

import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import type { Harness } from './harness';

export const HISTORIES_DIR = path.resolve(__dirname, '..', 'histories');
const History = temporal.api.history.v1.History;

/**
 * With JALONS_RECORD_HISTORIES=1, saves a finished run's event history under tests/histories/
 * for the replay test (tests/integration/replay.test.ts) that guards determinism.
 * Stored as protobuf "object" JSON (longs and bytes as strings) and read back with fromObject:
 * the SDK's historyFromJSON trips over two copies of protobufjs in node_modules.
 */
export async function recordHistory(h: Harness, workflowId: string, name: string): Promise<void> {
  if (process.env.JALONS_RECORD_HISTORIES !== '1') return;
  const history = History.fromObject(await h.client.workflow.getHandle(workflowId).fetchHistory());
  const json = History.toObject(history, { longs: String, enums: String, bytes: String });
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  fs.writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), `${JSON.stringify(json)}\n`);
}

export function loadHistory(file: string): temporal.api.history.v1.History {
  return History.fromObject(JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8')));
}

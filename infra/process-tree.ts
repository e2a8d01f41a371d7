import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';

/** Every process below `pid` (Linux /proc): tsx runs the real script in a grandchild. */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry), ...descendants(Number(entry)));
    } catch {
      /* raced with exit */
    }
  }
  return out;
}

/** SIGKILL a child and everything below it, as a crash would, and wait for it to be gone. */
export async function killTree(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  for (const pid of descendants(child.pid!)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  child.kill('SIGKILL');
  await exited;
}

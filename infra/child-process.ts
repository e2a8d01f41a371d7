import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  /** SIGTERM (or the service's own stop signal) to its process group, SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL to its process group, now. */
  kill(): void;
  /** Rejects if the process exits or cannot be spawned (with the tail of its log), resolves never. */
  exited: Promise<never>;
}

export interface SpawnServiceOptions {
  /** Where its pid file lives (`<runDir>/<name>.pid`): the next start stops a leftover of a killed run. */
  runDir: string;
  /** Signal the service gets when this process dies, even by SIGKILL (Linux parent-death signal). */
  deathSignal?: 'TERM' | 'INT';
  /** Signal for a graceful stop (PostgreSQL's fast shutdown is SIGINT). */
  stopSignal?: NodeJS.Signals;
  /** Command words put before the service's own (e.g. a user-namespace wrapper). */
  prefix?: string[];
  /** Its environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** spawn() uid/gid, for a service run as another user. */
  uid?: number;
  gid?: number;
}

/**
 * Spawns a long-running service whose output goes to a log file. The child gets its own
 * process group, so a Ctrl-C reaches it only through our ordered shutdown; it also gets a
 * parent-death signal, so it never outlives a crashed parent; and its pid is recorded under
 * `runDir`, so a start after a crash on the same data directory stops the leftover first:
 * never two servers on one data directory.
 */
export function spawnService(name: string, command: string, args: string[], logFile: string, opts: SpawnServiceOptions): ManagedProcess {
  fs.mkdirSync(opts.runDir, { recursive: true });
  const pidFile = path.join(opts.runDir, `${name}.pid`);
  stopLeftover(pidFile);
  const [program = command, ...programArgs] = [...(opts.prefix ?? []), ...withDeathSignal(opts.deathSignal ?? 'TERM'), command, ...args];
  const log = fs.openSync(logFile, 'a');
  const child: ChildProcess = spawn(program, programArgs, { stdio: ['ignore', log, log], detached: true, ...(opts.env ? { env: opts.env } : {}), ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid } : {}) });
  fs.closeSync(log);
  let done = false;
  const exited = new Promise<never>((_, reject) => {
    const fail = (why: string) => {
      done = true;
      fs.rmSync(pidFile, { force: true });
      reject(new Error(`${name} ${why}${logTail(logFile)}`));
    };
    child.once('exit', (code, signal) => fail(signal ? `stopped by ${signal}` : `exited with code ${code}`));
    child.once('error', (err) => fail(`could not be started (${(err as NodeJS.ErrnoException).code ?? err.message}: ${program})`));
  });
  exited.catch(() => undefined);
  if (child.pid !== undefined) fs.writeFileSync(pidFile, `${child.pid} ${processStartTime(child.pid) ?? '-'} ${opts.stopSignal ?? 'SIGTERM'}\n`);
  const signal = (s: NodeJS.Signals) => child.pid !== undefined && signalGroup(child.pid, s);
  return {
    name,
    child,
    exited,
    kill: () => {
      if (!done) signal('SIGKILL');
    },
    async stop(graceMs = 10_000) {
      if (done || child.pid === undefined) return;
      signal(opts.stopSignal ?? 'SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), graceMs);
      await exited.catch(() => undefined);
      clearTimeout(timer);
    },
  };
}

let deathSignalWrapper: boolean | undefined;
/** util-linux `setpriv --pdeathsig`: Node cannot set PR_SET_PDEATHSIG itself. */
function withDeathSignal(signal: 'TERM' | 'INT'): string[] {
  deathSignalWrapper ??= commandExists('setpriv') && canRun('setpriv', ['--pdeathsig', 'TERM', '--', 'true']);
  return deathSignalWrapper ? ['setpriv', '--pdeathsig', signal, '--'] : [];
}

export function commandExists(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function canRun(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Field 22 of /proc/<pid>/stat: tells a recorded process from a later one that reused its pid. */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Stops the process a pid file names if it is still the one recorded (same start time); waits up to 15 s. */
export function stopLeftover(pidFile: string): void {
  let recorded: string;
  try {
    recorded = fs.readFileSync(pidFile, 'utf8').trim();
  } catch {
    return;
  }
  const [pidText, startTime, stopSignal] = recorded.split(/\s+/);
  const pid = Number(pidText);
  if (Number.isInteger(pid) && pid > 1 && startTime && processStartTime(pid) === startTime) {
    signalGroup(pid, stopSignal === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
    const deadline = Date.now() + 15_000;
    while (processStartTime(pid) === startTime && Date.now() < deadline) sleepSync(100);
    if (processStartTime(pid) === startTime) signalGroup(pid, 'SIGKILL');
    while (processStartTime(pid) === startTime && Date.now() < deadline + 5_000) sleepSync(100);
  }
  fs.rmSync(pidFile, { force: true });
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function logTail(logFile: string): string {
  try {
    const lines = fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n    ');
    return lines ? `; last lines of ${logFile}:\n    ${lines}` : '';
  } catch {
    return '';
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

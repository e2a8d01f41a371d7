#!/usr/bin/env node
// Set-up shared by `npm start` and `npm test` on a fresh clone: dependencies, Prisma client,
// Temporal CLI (built once into a cache outside the repo) and redis-server. Each step is
// skipped when already done, so the second run costs a few stat() calls.
// Plain Node: it runs before node_modules exists (step 3 uses them once step 1 installed them).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { provideTemporalCli, provideTemporalServer, temporalCliDir } from './temporal-cli.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;

const log = (msg) => process.stdout.write(`[bootstrap] ${msg}\n`);
const fail = (msg) => {
  process.stderr.write(`\n[bootstrap] ${msg}\n\n`);
  process.exit(1);
};
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const newer = (a, b) => !fs.existsSync(b) || fs.statSync(a).mtimeMs > fs.statSync(b).mtimeMs;
const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  return r.status === 0;
};

// 1. npm dependencies (install scripts allowed per package.json "allowScripts").
const lock = path.join(root, 'package-lock.json');
const installed = path.join(root, 'node_modules', '.package-lock.json');
if (newer(lock, installed)) {
  log('installing npm dependencies (npm ci)…');
  if (!run('npm', ['ci', '--no-audit', '--no-fund'])) fail('npm ci failed: see the output above.');
}

// 2. Prisma client. The CLI wants its native schema engine even to generate; offline it
// cannot download it, and generate does not use it, so point it at a stub.
const schema = path.join(root, 'prisma', 'schema.prisma');
const generated = path.join(root, 'generated', 'prisma', 'client.ts');
if (newer(schema, generated)) {
  log('generating the Prisma client…');
  const stub = path.join(root, 'scripts', 'no-schema-engine.sh');
  if (!run(path.join(root, 'node_modules', '.bin', 'prisma'), ['generate'], { env: { ...env, PRISMA_SCHEMA_ENGINE_BINARY: stub, PRISMA_HIDE_UPDATE_MESSAGE: '1' } })) {
    fail('prisma generate failed: see the output above.');
  }
}

// Commands that need only Node's side (lint, typecheck, unit tests, roles run against external
// services) skip the embedded services' prerequisites.
const nodeOnly = process.argv.includes('--node-only');

// 3. Temporal CLI (dev server), unless an external server is configured: the release archive,
// else built with Go (the one on PATH, else one fetched from the Go module proxy).
if (!nodeOnly && !env.TEMPORAL_ADDRESS && !env.TEMPORAL_CLI_PATH) {
  const cached = path.join(temporalCliDir, 'temporal');
  if (!fs.existsSync(cached) && !has('temporal')) {
    try {
      await provideTemporalCli({ log, has });
    } catch (err) {
      fail(err.message);
    }
  }
}

// 3b. The real Temporal server and its SQL schema tool, built once with Go into the same cache:
// required by `npm run topology` (`--temporal-server`); tried by `npm test` (`--with-browser`) for
// its topology drill, which is skipped with a message when the build is not possible.
if (process.argv.includes('--temporal-server')) {
  try {
    await provideTemporalServer({ log, has });
  } catch (err) {
    fail(err.message);
  }
} else if (process.argv.includes('--with-browser')) {
  try {
    await provideTemporalServer({ log, has });
  } catch (err) {
    log(`note: ${err.message} The topology drill (tests/faults/topology-drill.test.ts) will be skipped.`);
  }
}

// 4. Debian packages: redis-server (unless an external Redis is configured) and sqlite3
// (the online backup of the embedded Temporal store in `npm run backup`).
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
function aptInstall(pkg, why, { recommends = false } = {}) {
  if (!(isRoot && has('apt-get'))) fail(`${pkg} is missing (${why}). Install it (Debian/Ubuntu: sudo apt-get install ${pkg}; macOS: brew install ${pkg === 'redis-server' ? 'redis' : pkg}).`);
  log(`installing Debian's ${pkg}…`);
  const quiet = { env: { ...env, DEBIAN_FRONTEND: 'noninteractive' } };
  // Another apt (unattended upgrades, a second checkout's bootstrap) may hold dpkg's lock: wait for it.
  const args = ['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', ...(recommends ? [] : ['--no-install-recommends']), pkg];
  if (!run('apt-get', args, quiet)) {
    run('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'update'], quiet);
    if (!run('apt-get', args, quiet)) fail(`apt-get install ${pkg} failed.`);
  }
}
if (!nodeOnly && !env.REDIS_URL && !has('redis-server')) {
  aptInstall('redis-server', 'or set REDIS_URL');
  // Debian starts a system-wide redis on 6379; Jalons runs its own child process instead.
  spawnSync('sh', ['-c', 'service redis-server stop >/dev/null 2>&1 || true']);
}
if (!nodeOnly && !env.TEMPORAL_ADDRESS && !has('sqlite3')) {
  // Only backups need it: a normal user without it still gets a running installation.
  if (isRoot && has('apt-get')) aptInstall('sqlite3', 'needed to back up the embedded Temporal store');
  else log('note: sqlite3 is not installed; `npm run backup` needs it to copy the Temporal store (Debian/Ubuntu: sudo apt-get install sqlite3).');
}


// 5. Browser tests (`npm test`) drive Debian's Chromium through playwright-core; never a
// downloaded browser. Its recommended packages bring the fonts the screenshots need.
if (process.argv.includes('--with-browser') && !fs.existsSync('/usr/bin/chromium')) {
  aptInstall('chromium', 'needed by the browser tests in tests/browser', { recommends: true });
}

// 5b. `npm test` validates docker-compose.yml with Debian's docker-compose (`config` needs no
// Docker engine). Optional: without it the test checks the file by parsing it.
if (process.argv.includes('--with-browser') && !has('docker-compose')) {
  if (isRoot && has('apt-get')) {
    log("installing Debian's docker-compose (validates docker-compose.yml in npm test)…");
    const quiet = { env: { ...env, DEBIAN_FRONTEND: 'noninteractive' } };
    if (!run('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '--no-install-recommends', 'docker-compose'], quiet)) log('note: docker-compose could not be installed; the compose test falls back to parsing the file.');
  } else {
    log('note: docker-compose is not installed; the compose test parses docker-compose.yml instead of running `docker-compose config` (Debian/Ubuntu: sudo apt-get install docker-compose).');
  }
}

// 6. The web UI, built into web/dist (served by the API) when its sources changed.
const webDist = path.join(root, 'web', 'dist', 'index.html');
function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}
const webSourcesChanged = !fs.existsSync(webDist) || Math.max(newestMtime(path.join(root, 'web')), fs.statSync(lock).mtimeMs) > fs.statSync(webDist).mtimeMs;
if (webSourcesChanged) {
  log('building the web UI (vite build)…');
  if (!run(path.join(root, 'node_modules', '.bin', 'vite'), ['build', '--config', 'web/vite.config.mts', '--logLevel', 'warn'], { env: { ...env, NODE_ENV: 'production' } })) {
    fail('the web UI build failed: see the output above.');
  }
}

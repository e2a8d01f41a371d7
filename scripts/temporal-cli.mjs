// Provides the Temporal CLI (its dev server is the embedded Temporal) on a machine that may have
// neither the CLI nor Go. Tried in order, each skipped when it cannot apply:
//   1. the official release archive, checked against the release's checksums file (fastest);
//   2. `go install` with the Go found on PATH;
//   3. `go install` with a Go toolchain fetched from the Go module proxy, where the Go project
//      publishes every toolchain as a module (golang.org/toolchain), checked against the SHA-256
//      pinned below. Plain Node + yauzl (installed by the step before), no Go needed beforehand.
// Everything lands in ~/.cache/jalons, outside the clone, so fresh clones reuse it.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';
/** The real Temporal server (`npm run topology`, docker-compose.yml): same version in both. */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const GO_VERSION = '1.25.0';
/** SHA-256 of golang.org/toolchain@v0.0.1-go1.25.0.<platform>.zip as served by proxy.golang.org (2026-12-01). */
const GO_TOOLCHAIN_SHA256 = {
  'linux-amd64': '891083c63e4d7a5020bdaa1911a9c5a1a966b993d9d3c1137d1727be04435e02',
  'linux-arm64': '5b6d398c5062f2094ea8efd8487bd93f4b5a2876cbab4d635e747da9567b7705',
};
const GOARCH = { x64: 'amd64', arm64: 'arm64' }[process.arch];
const GOOS = { linux: 'linux', darwin: 'darwin' }[process.platform];

const cacheRoot = path.join(os.homedir(), '.cache', 'jalons');
export const temporalCliDir = path.join(cacheRoot, 'temporal-cli', TEMPORAL_CLI_VERSION);
/** Holds `server` (temporal-server) and `sql` (temporal-sql-tool), as `go install` names them. */
export const temporalServerDir = path.join(cacheRoot, 'temporal-server', TEMPORAL_SERVER_VERSION);

/**
 * Makes `<temporalCliDir>/temporal` exist.
 * @param {{ log: (msg: string) => void, has: (cmd: string) => boolean }} io
 * @returns {Promise<string>} the binary's path
 * @throws Error with a sentence saying what to do when every way failed
 */
export async function provideTemporalCli({ log, has }) {
  const target = path.join(temporalCliDir, 'temporal');
  fs.mkdirSync(temporalCliDir, { recursive: true });
  const started = Date.now();
  const tried = [];
  try {
    if (await downloadOfficialArchive(target, log)) return target;
  } catch (err) {
    tried.push(`release archive: ${err.message}`);
  }
  const go = await findGo({ log, has }, tried);
  if (go) {
    log(`building the Temporal CLI ${TEMPORAL_CLI_VERSION} with ${describeGo(go)} (first run only, a few minutes)…`);
    if (goInstall(go, temporalCliDir, [`github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`]) && fs.existsSync(target)) {
      log(`Temporal CLI built in ${Math.round((Date.now() - started) / 1000)} s`);
      return target;
    }
    tried.push('go install failed (see its output above)');
  }
  throw new Error(
    `the Temporal CLI could not be obtained (${tried.join('; ')}). ` +
      'Install it on PATH (https://docs.temporal.io/cli), or set TEMPORAL_CLI_PATH to a binary, or TEMPORAL_ADDRESS to an existing server.',
  );
}

/**
 * Makes `<temporalServerDir>/server` and `<temporalServerDir>/sql` exist: the Temporal server and
 * its SQL schema tool, built from the Go module proxy (the module has no `replace` directive),
 * with the Go on PATH or the toolchain fetched as for the CLI. No release archive is tried: the
 * module proxy is what this offline machine reaches (docs/operations.md).
 * @param {{ log: (msg: string) => void, has: (cmd: string) => boolean }} io
 * @returns {Promise<{ server: string, sqlTool: string }>}
 * @throws Error with a sentence saying what to do
 */
export async function provideTemporalServer({ log, has }) {
  const server = path.join(temporalServerDir, 'server');
  const sqlTool = path.join(temporalServerDir, 'sql');
  if (fs.existsSync(server) && fs.existsSync(sqlTool)) return { server, sqlTool };
  fs.mkdirSync(temporalServerDir, { recursive: true });
  const tried = [];
  const go = await findGo({ log, has }, tried);
  if (go) {
    const started = Date.now();
    log(`building the Temporal server ${TEMPORAL_SERVER_VERSION} and its SQL schema tool with ${describeGo(go)} (first run only, about 10 minutes on 2 CPUs)…`);
    const targets = [`go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION}`, `go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`];
    if (goInstall(go, temporalServerDir, targets) && fs.existsSync(server) && fs.existsSync(sqlTool)) {
      log(`Temporal server built in ${Math.round((Date.now() - started) / 1000)} s`);
      return { server, sqlTool };
    }
    tried.push('go install failed (see its output above)');
  }
  throw new Error(
    `the Temporal server ${TEMPORAL_SERVER_VERSION} could not be built (${tried.join('; ')}). ` +
      `Put \`server\` and \`sql\` (temporal-server, temporal-sql-tool ${TEMPORAL_SERVER_VERSION}) in ${temporalServerDir}, or run Jalons against an existing Temporal (TEMPORAL_ADDRESS, docs/operations.md).`,
  );
}

/** The Go on PATH, else a toolchain fetched from the module proxy; undefined (with the reason in `tried`) when neither. */
async function findGo({ log, has }, tried) {
  if (has('go')) return 'go';
  try {
    return await fetchGoToolchain(log);
  } catch (err) {
    tried.push(`Go toolchain from the module proxy: ${err.message}`);
    return undefined;
  }
}

function describeGo(go) {
  return go === 'go' ? 'the Go on PATH' : `Go ${GO_VERSION} from the module proxy`;
}

async function download(url, file, timeoutMs) {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  if (!res.ok || !res.body) throw new Error(`${url} answered ${res.status}`);
  await pipeline(res.body, fs.createWriteStream(file));
}

function sha256(file) {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Returns false when the release site is unreachable (an offline machine), throws when it lies. */
async function downloadOfficialArchive(target, log) {
  if (!GOOS || !GOARCH) return false;
  const bare = TEMPORAL_CLI_VERSION.slice(1);
  const base = `https://github.com/temporalio/cli/releases/download/${TEMPORAL_CLI_VERSION}`;
  const name = `temporal_cli_${bare}_${GOOS}_${GOARCH}.tar.gz`;
  const archive = path.join(temporalCliDir, name);
  let sums;
  try {
    const res = await fetch(`${base}/temporal_cli_${bare}_checksums.txt`, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) return false;
    sums = await res.text();
  } catch {
    return false;
  }
  const expected = sums.split('\n').find((l) => l.trim().endsWith(name))?.split(/\s+/)[0];
  if (!expected) throw new Error(`${name} is not in the release's checksums`);
  log(`downloading the Temporal CLI ${TEMPORAL_CLI_VERSION} release…`);
  await download(`${base}/${name}`, archive, 300_000);
  if (sha256(archive) !== expected) {
    fs.rmSync(archive, { force: true });
    throw new Error(`${name} does not match its published SHA-256`);
  }
  const ok = spawnSync('tar', ['-xzf', archive, '-C', temporalCliDir, 'temporal'], { stdio: 'inherit' }).status === 0;
  fs.rmSync(archive, { force: true });
  if (!ok || !fs.existsSync(target)) throw new Error(`${name} could not be unpacked`);
  fs.chmodSync(target, 0o755);
  return true;
}

/** Downloads and unpacks Go from the module proxy (GOPROXY's first URL, else proxy.golang.org); returns its `go`. */
async function fetchGoToolchain(log) {
  const platform = `${GOOS}-${GOARCH}`;
  const expected = GO_TOOLCHAIN_SHA256[platform];
  if (!expected) throw new Error(`no pinned Go toolchain for ${process.platform}-${process.arch}`);
  const goRoot = path.join(cacheRoot, `go${GO_VERSION}`);
  const goBin = path.join(goRoot, 'bin', 'go');
  if (fs.existsSync(goBin)) return goBin;
  const proxy = (process.env.GOPROXY ?? '').split(/[,|]/).find((p) => p.startsWith('http')) ?? 'https://proxy.golang.org';
  const moduleVersion = `v0.0.1-go${GO_VERSION}.${platform}`;
  const zip = path.join(cacheRoot, `go-toolchain-${moduleVersion}.zip`);
  log(`Go is not on PATH: fetching Go ${GO_VERSION} from ${proxy} (about 64 MB)…`);
  await download(`${proxy.replace(/\/$/, '')}/golang.org/toolchain/@v/${moduleVersion}.zip`, zip, 600_000);
  if (sha256(zip) !== expected) {
    fs.rmSync(zip, { force: true });
    throw new Error(`the Go toolchain archive does not match its pinned SHA-256`);
  }
  const partial = `${goRoot}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  await unzip(zip, partial, `golang.org/toolchain@${moduleVersion}/`);
  // Module zips carry no file modes: the tools must be made executable, as `go` does for toolchains it fetches.
  for (const dir of [path.join(partial, 'bin'), path.join(partial, 'pkg', 'tool', `${GOOS}_${GOARCH}`)]) {
    for (const f of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, f), 0o755);
  }
  fs.renameSync(partial, goRoot);
  fs.rmSync(zip, { force: true });
  return goBin;
}

async function unzip(zipFile, dest, stripPrefix) {
  const yauzl = (await import('yauzl')).default;
  const zip = await new Promise((resolve, reject) => yauzl.open(zipFile, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))));
  await new Promise((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (entry) => {
      const name = entry.fileName.startsWith(stripPrefix) ? entry.fileName.slice(stripPrefix.length) : undefined;
      const out = name ? path.join(dest, name) : undefined;
      if (!out || !out.startsWith(dest + path.sep) || entry.fileName.endsWith('/')) return zip.readEntry();
      fs.mkdirSync(path.dirname(out), { recursive: true });
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        pipeline(stream, fs.createWriteStream(out)).then(() => zip.readEntry(), reject);
      });
    });
    zip.readEntry();
  });
  zip.close();
}

function goInstall(go, gobin, targets) {
  const env = {
    ...process.env,
    CGO_ENABLED: '0',
    GOBIN: gobin,
    GOFLAGS: '-mod=mod',
    // The fetched toolchain must build with itself, not switch to another one.
    ...(go === 'go' ? {} : { GOTOOLCHAIN: 'local', GOPATH: path.join(cacheRoot, 'gopath'), GOCACHE: path.join(cacheRoot, 'gocache') }),
  };
  const run = (args) => spawnSync(go, args, { stdio: 'inherit', env }).status === 0;
  // Newer Go toolchains reject some go:linkname uses at link time; the flag is the documented way out.
  return run(['install', ...targets]) || run(['install', '-ldflags=-checklinkname=0', ...targets]);
}

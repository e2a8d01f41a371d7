import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { load, YAML11_SCHEMA } from 'js-yaml';
import { commandExists } from '../../infra/child-process';
import { TEMPORAL_SCHEMAS, TEMPORAL_SERVER_VERSION } from '../../infra/temporal-server';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

/**
 * docker-compose.yml describes what `npm run topology` runs for real (and what its drill
 * exercises): same Temporal server version, same schema set-up, same config file, same search
 * attributes, Redis as BullMQ needs it. No Docker engine here: `docker-compose config` checks the
 * file (Debian's docker-compose, installed by the bootstrap of `npm test` when root); the
 * alignment checks parse it.
 */
const root = path.resolve(__dirname, '..', '..');
const composeFile = path.join(root, 'docker-compose.yml');

interface Service {
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
}
// YAML 1.1: the `<<: *app` merge keys Compose uses.
const compose = load(fs.readFileSync(composeFile, 'utf8'), { schema: YAML11_SCHEMA }) as { services: Record<string, Service> };
const services = compose.services;
const commandText = (s: Service | undefined) => (Array.isArray(s?.command) ? s.command.join(' ') : (s?.command ?? ''));

describe('docker-compose.yml', () => {
  const hasCompose = commandExists('docker-compose');
  (hasCompose ? it : it.skip)(`is valid for \`docker-compose config\`${hasCompose ? '' : ' (skipped: docker-compose is not installed; apt-get install docker-compose)'}`, () => {
    expect(() => execFileSync('docker-compose', ['-f', composeFile, 'config', '-q'], { cwd: root, stdio: 'pipe' })).not.toThrow();
  });

  it('runs the Temporal server version the topology builds, with the repository config file', () => {
    const version = TEMPORAL_SERVER_VERSION.slice(1);
    expect(services.temporal?.image).toBe(`temporalio/server:${version}`);
    expect(services['temporal-schema']?.image).toMatch(new RegExp(`:${version.replace(/\./g, '\\.')}$`));
    expect(services['temporal-namespace']?.image).toMatch(new RegExp(`:${version.replace(/\./g, '\\.')}$`));
    expect(services.temporal?.volumes).toContain('./infra/temporal-server:/etc/temporal/config/jalons:ro');
    expect(commandText(services.temporal)).toContain('--config etc/temporal/config/jalons --env jalons');
    expect(fs.existsSync(path.join(root, 'infra', 'temporal-server', 'jalons.yaml'))).toBe(true);
  });

  it('sets only variables the config file reads', () => {
    const config = fs.readFileSync(path.join(root, 'infra', 'temporal-server', 'jalons.yaml'), 'utf8');
    const read = new Set([...config.matchAll(/env "([A-Z_]+)"/g)].map((m) => m[1]));
    const set = Object.keys(services.temporal?.environment ?? {});
    expect(set.length).toBeGreaterThan(5);
    expect(set.filter((k) => !read.has(k))).toEqual([]);
  });

  it('sets up the same schemas as the topology (postgres12 plugin)', () => {
    const schema = services['temporal-schema']!;
    expect(schema.environment?.SQL_PLUGIN).toBe('postgres12');
    for (const { database, schemaName } of TEMPORAL_SCHEMAS) expect(commandText(schema)).toContain(`${database}:${schemaName}`);
    expect(services.temporal?.depends_on?.['temporal-schema']?.condition).toBe('service_completed_successfully');
  });

  it('registers every search attribute of workflows/search-attributes.ts and nothing else', () => {
    const command = commandText(services['temporal-namespace']);
    const registered = [...command.matchAll(/(Jalons\w+)=(\w+)/g)].map((m) => `${m[1]}=${m[2]}`).sort();
    expect(registered).toEqual(SEARCH_ATTRIBUTES.map((a) => `${a.name}=${a.type}`).sort());
    for (const role of ['api', 'worker', 'notifier']) {
      expect({ role, dependsOn: services[role]?.depends_on?.['temporal-namespace']?.condition }).toEqual({ role, dependsOn: 'service_completed_successfully' });
    }
  });

  it('keeps Redis as BullMQ needs it: AOF on, no eviction', () => {
    const command = commandText(services.redis);
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--maxmemory-policy noeviction');
  });
});

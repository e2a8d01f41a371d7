import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fr as mailFr } from '../../notifier/catalogues/fr';
import { STATUS_BY_CODE } from '../../server/errors';
import { en } from '../../web/src/i18n/en';
import { fr } from '../../web/src/i18n/fr';

function leafKeys(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
}

describe('web UI contract with the API', () => {
  it('has a French and an English sentence for every error code the API can answer', () => {
    const codes = Object.keys(STATUS_BY_CODE).sort();
    expect(Object.keys(fr.errors.codes).sort()).toEqual(codes);
    expect(Object.keys(en.errors.codes).sort()).toEqual(codes);
  });

  it('names every kind of notification the notifier sends', () => {
    expect(Object.keys(fr.notificationKinds).sort()).toEqual(Object.keys(mailFr.kinds).sort());
  });

  it('has the same keys in every language, none empty', () => {
    expect(leafKeys(en).sort()).toEqual(leafKeys(fr).sort());
    for (const catalogue of [fr, en]) {
      for (const key of leafKeys(catalogue)) expect(key.split('.').reduce<any>((o, k) => o[k], catalogue)).not.toBe('');
    }
  });

  it('uses client types generated from the current OpenAPI document', () => {
    const root = path.resolve(__dirname, '../..');
    const result = spawnSync(path.join(root, 'node_modules/.bin/tsx'), ['scripts/generate-api-types.ts', '--check'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  });
});

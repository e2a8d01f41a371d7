import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { FIELD_PROBLEM_CODES, PROBLEM_REASONS } from '../../domain/problem-codes';
import { ERROR_CODES } from '../../server/errors';
import { REFUSAL_CODES } from '../../domain/programme/refusal';
import { describeProblem } from '../../web/src/lib/problem-text';
import { en } from '../../web/src/i18n/en';
import { fr } from '../../web/src/i18n/fr';
import { webI18n } from '../support/web-i18n';

const ROOT = path.resolve(__dirname, '../..');

/** Every .ts file of the server side (what can answer a refusal). */
function serverSources(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts')) out.push({ file: path.relative(ROOT, full), text: readFileSync(full, 'utf8') });
    }
  };
  for (const dir of ['server', 'workflows', 'domain', 'infra', 'activities', 'notifier']) walk(path.join(ROOT, dir));
  return out;
}

/** Every literal the sources give a pattern's first group. */
function literals(pattern: RegExp): Set<string> {
  const found = new Set<string>();
  for (const { text } of serverSources()) for (const m of text.matchAll(pattern)) found.add(m[1]!);
  return found;
}

const placeholders = (sentence: string) => [...sentence.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('every error the server can answer has a sentence in the web catalogues', () => {
  it('has a French and an English sentence for every error code (server/errors.ts), refusals of the workflow included', () => {
    expect(ERROR_CODES.length).toBeGreaterThan(40);
    for (const code of [...ERROR_CODES, ...REFUSAL_CODES]) {
      expect({ code, fr: typeof (fr.errors.codes as Record<string, string>)[code], en: typeof (en.errors.codes as Record<string, string>)[code] }).toEqual({ code, fr: 'string', en: 'string' });
    }
  });

  it('has a sentence for every reason and every field problem code, with the same values in both languages', () => {
    for (const reason of PROBLEM_REASONS) {
      const frText = (fr.errors.reasons as Record<string, string>)[reason];
      const enText = (en.errors.reasons as Record<string, string>)[reason];
      expect({ reason, fr: typeof frText, en: typeof enText }).toEqual({ reason, fr: 'string', en: 'string' });
      expect({ reason, values: placeholders(enText!) }).toEqual({ reason, values: placeholders(frText!) });
    }
    for (const code of FIELD_PROBLEM_CODES) {
      const frText = (fr.editor.problem as Record<string, string>)[code];
      expect({ code, fr: typeof frText, en: typeof (en.editor.problem as Record<string, string>)[code] }).toEqual({ code, fr: 'string', en: 'string' });
    }
  });

  it('finds in the sources no code or reason outside those lists (derived from the code, not a hand list)', () => {
    const codes = new Set<string>([...ERROR_CODES]);
    const thrown = [...literals(/new AppError\(\s*'([a-z_]+)'/g), ...literals(/refuse\(\s*'([a-z_]+)'/g), ...literals(/\{ code: '([a-z_]+)', message:/g)];
    expect(thrown.length).toBeGreaterThan(30);
    expect(thrown.filter((c) => !codes.has(c))).toEqual([]);
    const reasons = new Set<string>(PROBLEM_REASONS);
    const given = [...literals(/reason: '([a-z_]+)'/g), ...literals(/reason: \w+ \? '([a-z_]+)'/g), ...literals(/reason: \w+ \? '[a-z_]+' : '([a-z_]+)'/g)];
    expect(given.length).toBeGreaterThan(30);
    expect(given.filter((r) => !reasons.has(r))).toEqual([]);
  });
});

describe('a refusal in words (web/src/lib/problem-text.ts)', () => {
  it('says a refusal from its reason and params: a template’s name in the reader’s language, a deadline in Paris time', async () => {
    const frI18n = await webI18n('fr');
    const full = { status: 409, code: 'phase_full', params: { reason: 'phase_full_capacity', phase: { fr: 'Phase Test', en: 'Test phase' }, maximum: 1 } };
    expect(describeProblem(full, frI18n).sentence).toBe('La phase « Phase Test » est complète : 1 organisation(s) au plus.');
    expect(describeProblem(full, await webI18n('en')).sentence).toBe('Phase “Test phase” is full: 1 organisation(s) at most.');
    const late = { status: 409, code: 'bid_after_deadline', params: { reason: 'answers_due', dueAt: '2026-11-30T17:00:00.000Z' } };
    expect(describeProblem(late, frI18n).sentence).toBe('Les réponses étaient attendues au plus tard le 30 novembre 2026, 18 h 00 : une réponse tardive est refusée.');
    expect(describeProblem({ status: 409, code: 'programme_not_active', params: { reason: 'programme_status', status: 'paused' } }, frI18n).sentence).toBe(
      'Le programme est en pause : cette action demande un programme en cours.',
    );
  });

  it('falls back on the code’s sentence, never the English detail, and names fields by their French names', async () => {
    const frI18n = await webI18n('fr');
    expect(describeProblem({ status: 409, code: 'phase_full' }, frI18n).sentence).toBe('La phase est complète : plus de place.');
    expect(describeProblem({ status: 418, code: 'teapot' }, frI18n).sentence).toBe('Erreur inattendue de notre côté.');
    const invalid = {
      status: 400,
      code: 'validation_failed',
      errors: [
        { path: 'body', code: 'unknown_field', params: { keys: 'slot' } },
        { path: 'body.title', code: 'too_long', params: { maximum: 300 } },
        { path: 'body.params.dates.answers-deadline', code: 'required_date', params: { label: 'Date limite de réponse des prestataires' } },
      ],
    };
    expect(describeProblem(invalid, frI18n)).toEqual({
      sentence: 'Certaines valeurs sont invalides.',
      fields: [
        'La demande contient des champs non prévus (Rôle) : rechargez la page et recommencez.',
        'Titre : Au plus 300 caractères.',
        'Dates : La date « Date limite de réponse des prestataires » est obligatoire pour ce modèle.',
      ],
    });
  });
});

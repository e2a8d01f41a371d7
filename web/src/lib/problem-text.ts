import type { i18n as I18n } from 'i18next';
import { formatParisDateTime } from '../../../domain/paris-format';

/** What a screen knows of a refusal: its code, params and field problems (never its English `detail`). */
export interface ProblemLike {
  status: number;
  code: string;
  params?: Record<string, unknown>;
  errors?: { path: string; code?: string; params?: Record<string, unknown> }[];
}

type Translate = (key: string, values?: Record<string, unknown>) => string;

/**
 * The params as the reader reads them: a template's name in their language, an ISO instant
 * (a param named …At) in Paris time, a status word from the catalogue; numbers and text as sent.
 */
function readableParams(params: Record<string, unknown> | undefined, i18n: I18n): Record<string, string | number> {
  const t = i18n.t.bind(i18n) as Translate;
  const english = i18n.language === 'en';
  const out: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    if (value && typeof value === 'object' && typeof (value as { fr?: unknown }).fr === 'string') {
      const named = value as { fr: string; en?: string };
      out[name] = (english ? named.en : undefined) ?? named.fr;
    } else if (typeof value === 'string' && /At$/.test(name) && !Number.isNaN(Date.parse(value))) {
      out[name] = formatParisDateTime(value, english ? 'en' : 'fr');
    } else if (name === 'status' && typeof value === 'string' && i18n.exists(`status.${value}`)) {
      out[name] = t(`status.${value}`);
    } else if (typeof value === 'string' || typeof value === 'number') {
      out[name] = value;
    }
  }
  return out;
}

/** A field's name from the last named segment of its path ('body.params.dates.x' → the catalogue's word). */
function fieldName(segment: string | undefined, i18n: I18n): string {
  const t = i18n.t.bind(i18n) as Translate;
  return segment && i18n.exists(`errors.fields.${segment}`) ? t(`errors.fields.${segment}`) : t('errors.fields.other');
}

/** One field problem in words: "Titre : Au plus 300 caractères." */
function describeField(problem: NonNullable<ProblemLike['errors']>[number], i18n: I18n): string {
  const t = i18n.t.bind(i18n) as Translate;
  const values = readableParams(problem.params, i18n);
  if (problem.code === 'unknown_field') {
    const keys = String(problem.params?.keys ?? '').split(',').map((k) => k.trim()).filter(Boolean);
    return t('errors.unknownFields', { fields: keys.map((k) => fieldName(k, i18n)).join(', ') });
  }
  if (problem.code === 'import_line' && values.line !== undefined) return t('errors.importLine', values);
  const sentence = problem.code && i18n.exists(`editor.problem.${problem.code}`) ? t(`editor.problem.${problem.code}`, values) : t('editor.problem.invalid');
  if (problem.code === 'import_line') return sentence;
  const segments = problem.path.split('.').filter((s) => s && !/^\d+$/.test(s) && s !== 'body' && s !== 'query' && s !== 'headers' && s !== 'fr' && s !== 'en');
  // A date parameter's own name is in the sentence already.
  const named = segments.at(-2) === 'dates' ? 'dates' : segments.at(-1);
  return t('errors.field', { field: fieldName(named, i18n), problem: sentence });
}

/**
 * A refusal in the reader's language, from the catalogues only: the sentence of its `reason`
 * when it has one, else of its code; then one sentence per field problem.
 */
export function describeProblem(problem: ProblemLike, i18n: I18n): { sentence: string; fields: string[] } {
  const t = i18n.t.bind(i18n) as Translate;
  if (problem.status === 0) return { sentence: t('errors.network'), fields: [] };
  const values = readableParams(problem.params, i18n);
  const reason = typeof problem.params?.reason === 'string' && i18n.exists(`errors.reasons.${problem.params.reason}`) ? problem.params.reason : undefined;
  const sentence = reason
    ? t(`errors.reasons.${reason}`, values)
    : i18n.exists(`errors.codes.${problem.code}`)
      ? t(`errors.codes.${problem.code}`, values)
      : t('errors.codes.internal');
  return { sentence, fields: (problem.errors ?? []).map((e) => describeField(e, i18n)) };
}

/**
 * Bulk import of a programme's history from a spreadsheet (XLSX, or CSV in the French Excel
 * dialect: `;` between fields, decimal comma, dates JJ/MM/AAAA). One line = one fact, named by
 * its `cle` (row key). This module is pure: it reads the cells already extracted from the file
 * and plans, line by line, what would be created and every problem, in French (codes with
 * parameters; the sentences come from IMPORT_MESSAGES). Nothing here writes.
 */
import type { HistoryFact, HistoryProblem, HistoryProblemCode } from './backfill';
import type { ProgrammeState } from './programme-state';
import type { Template } from './template-schema';

/** The columns, in the model file's order (documented in docs/import.md). */
export const IMPORT_COLUMNS = ['cle', 'type', 'phase', 'etape', 'organisation', 'date', 'indicateur', 'valeur', 'note', 'sousprogramme'] as const;
/** Columns a file may leave out. */
const OPTIONAL_COLUMNS: readonly string[] = ['note', 'sousprogramme'];
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

export const IMPORT_TYPES = ['inscription', 'phase', 'etape', 'indicateur', 'attribution'] as const;
export type ImportType = (typeof IMPORT_TYPES)[number];

export type ImportProblemCode =
  | 'missing_columns'
  | 'empty_file'
  | 'missing_key'
  | 'duplicate_key'
  | 'unknown_type'
  | 'missing_value'
  | 'unknown_phase'
  | 'unknown_step'
  | 'unknown_organisation'
  | 'unknown_indicator'
  | 'invalid_date'
  | 'date_before_start'
  | 'date_in_future'
  | 'invalid_number'
  | 'key_reused'
  | 'unknown_child';

/** French sentences for each problem, from its parameters. */
export const IMPORT_MESSAGES: Record<ImportProblemCode, (p: Record<string, string>) => string> = {
  missing_columns: (p) => `Colonnes manquantes : ${p.columns}. Le fichier modèle donne la disposition attendue.`,
  empty_file: () => 'Le fichier ne contient aucune ligne à importer.',
  missing_key: () => 'La colonne « cle » est vide : chaque ligne a besoin d’un identifiant unique.',
  duplicate_key: (p) => `La clé « ${p.key} » figure déjà ligne ${p.line}.`,
  unknown_type: (p) => `Type « ${p.value} » inconnu : inscription, phase, etape, indicateur ou attribution.`,
  missing_value: (p) => `La colonne « ${p.column} » est obligatoire pour une ligne de type ${p.type}.`,
  unknown_phase: (p) => `Phase « ${p.value} » absente du modèle ${p.template}.`,
  unknown_step: (p) => `Étape « ${p.value} » absente du modèle ${p.template}.`,
  unknown_organisation: (p) => `Organisation « ${p.value} » inconnue : créez-la d’abord ou corrigez son nom.`,
  unknown_indicator: (p) => `Indicateur « ${p.value} » absent du modèle ${p.template}.`,
  invalid_date: (p) => `Date « ${p.value} » illisible : attendu JJ/MM/AAAA.`,
  date_before_start: (p) => `Date ${p.date} antérieure au démarrage du programme (${p.start}).`,
  date_in_future: (p) => `Date ${p.date} dans le futur : seul ce qui a déjà eu lieu s’importe.`,
  invalid_number: (p) => `Valeur « ${p.value} » illisible : attendu un nombre (virgule décimale).`,
  key_reused: (p) => `La clé « ${p.key} » a déjà été importée avec un autre contenu.`,
  unknown_child: (p) => `Sous-programme « ${p.value} » absent du modèle ${p.template}.`,
};

export interface ImportProblem {
  /** A problem of the line itself, or of the history it makes (the lifecycle could not have lived it: domain/backfill.ts). */
  code: ImportProblemCode | HistoryProblemCode;
  params: Record<string, string>;
  message: string;
}

function problem(code: ImportProblemCode, params: Record<string, string> = {}): ImportProblem {
  return { code, params, message: IMPORT_MESSAGES[code](params) };
}

/** A fact ready to apply, once the whole file is free of problems. */
export type ImportAction =
  | { type: 'inscription'; phaseKey: string; organisationId: string; date: string }
  | { type: 'phase'; phaseKey: string; date: string }
  | { type: 'etape'; stepKey: string; organisationId?: string; date: string; note?: string }
  | { type: 'indicateur'; indicatorKey: string; value: number; date: string }
  | { type: 'attribution'; childKey: string; organisationId: string; date: string; note?: string };

export interface ImportLine {
  /** The line number in the file (the header is line 1). */
  line: number;
  key: string;
  /** `create`: would be written; `unchanged`: already there (a rerun); `error`: see problems. */
  outcome: 'create' | 'unchanged' | 'error';
  /** What the line does, in French. */
  description: string;
  problems: ImportProblem[];
  action?: ImportAction;
  /** Stable digest of the line's content (a key reused with other content is refused). */
  fingerprint: string;
}

export interface ImportPlan {
  problems: ImportProblem[];
  lines: ImportLine[];
  counts: { create: number; unchanged: number; error: number };
  /** True when the file may be confirmed: no problem anywhere. */
  valid: boolean;
}

export type RawRow = Record<string, string>;

/** "14/12/2026" (also "14/12/26" is refused) → "2026-12-14"; undefined if unreadable or no such day. */
export function parseFrenchDate(value: string): string | undefined {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value.trim());
  if (!m) return undefined;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) return undefined;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** "1 234,5" or "1234.5" or "69 %" → 1234.5 / 69; undefined if not a number. */
export function parseFrenchNumber(value: string): number | undefined {
  const cleaned = value.replace(/[\s\u00a0\u202f]/g, '').replace(/%$/, '');
  if (!/^-?\d+([.,]\d+)?$/.test(cleaned)) return undefined;
  return Number(cleaned.replace(',', '.'));
}

const isoToFrench = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const norm = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').trim().toLowerCase();

/** Header cells as column names: case, accents, spaces and dashes do not matter ("Clé" is `cle`, "Sous-programme" `sousprogramme`). */
export function normaliseHeader(header: string): string {
  return norm(header).replace(/[\s_-]+/g, '');
}

export interface PlanInput {
  template: Template;
  state: ProgrammeState;
  /** Rows keyed by normalised header, in file order (line 2 onwards). */
  rows: RawRow[];
  /** Header cells as found (normalised). */
  headers: string[];
  /** Organisations by name (case and accents ignored). */
  organisations: { id: string; name: string }[];
  /** Row keys already imported into this programme, with their fingerprints. */
  imported: Map<string, string>;
  /** Today in Paris, YYYY-MM-DD. */
  today: string;
}

export function fingerprintOf(row: RawRow): string {
  // `sousprogramme` came later: only a line that uses it has it in its fingerprint, so earlier imports still match.
  return IMPORT_COLUMNS.filter((c) => c !== 'sousprogramme' || (row[c] ?? '').trim() !== '')
    .map((c) => (row[c] ?? '').trim())
    .join('\u001f');
}

export function planImport(input: PlanInput): ImportPlan {
  const { template, state, organisations, imported, today } = input;
  const missing = IMPORT_COLUMNS.filter((c) => !OPTIONAL_COLUMNS.includes(c) && !input.headers.includes(c));
  if (missing.length) return { problems: [problem('missing_columns', { columns: missing.join(', ') })], lines: [], counts: { create: 0, unchanged: 0, error: 0 }, valid: false };
  const rows = input.rows.map((row, i) => ({ row, line: i + 2 })).filter(({ row }) => IMPORT_COLUMNS.some((c) => (row[c] ?? '').trim() !== ''));
  if (!rows.length) return { problems: [problem('empty_file')], lines: [], counts: { create: 0, unchanged: 0, error: 0 }, valid: false };

  const templateName = template.name.fr;
  const phases = new Map(template.phases.map((p) => [p.key, p]));
  const steps = new Map(template.phases.flatMap((p) => p.steps.map((s) => [s.key, s] as const)));
  const indicators = new Map(template.indicators.map((i) => [i.key, i]));
  const orgByName = new Map(organisations.map((o) => [norm(o.name), o]));
  const seenKeys = new Map<string, number>();

  const lines: ImportLine[] = rows.map(({ row, line }) => {
    const cell = (c: ImportColumn) => (row[c] ?? '').trim();
    const problems: ImportProblem[] = [];
    const key = cell('cle');
    const fingerprint = fingerprintOf(row);
    if (!key) problems.push(problem('missing_key'));
    else if (seenKeys.has(key)) problems.push(problem('duplicate_key', { key, line: String(seenKeys.get(key)) }));
    else seenKeys.set(key, line);

    const type = norm(cell('type')).replace('é', 'e') as ImportType;
    const required = (column: ImportColumn) => {
      if (!cell(column)) problems.push(problem('missing_value', { column, type }));
      return cell(column);
    };
    let date: string | undefined;
    const readDate = () => {
      const raw = required('date');
      if (!raw) return;
      date = parseFrenchDate(raw);
      if (!date) problems.push(problem('invalid_date', { value: raw }));
      else if (date < state.startDate) problems.push(problem('date_before_start', { date: raw, start: isoToFrench(state.startDate) }));
      else if (date > today) problems.push(problem('date_in_future', { date: raw }));
    };
    const readOrganisation = (mandatory: boolean) => {
      const raw = mandatory ? required('organisation') : cell('organisation');
      if (!raw) return undefined;
      const org = orgByName.get(norm(raw));
      if (!org) problems.push(problem('unknown_organisation', { value: raw }));
      return org;
    };

    let action: ImportAction | undefined;
    let description = '';
    let present = false;
    if (!(IMPORT_TYPES as readonly string[]).includes(type)) {
      problems.push(problem('unknown_type', { value: cell('type') }));
    } else if (type === 'inscription' || type === 'phase') {
      const phaseKey = required('phase');
      const phaseDef = phaseKey ? phases.get(phaseKey) : undefined;
      if (phaseKey && !phaseDef) problems.push(problem('unknown_phase', { value: phaseKey, template: templateName }));
      const org = type === 'inscription' ? readOrganisation(true) : undefined;
      readDate();
      const phaseState = state.phases.find((p) => p.key === phaseKey);
      if (type === 'inscription') {
        description = `Inscrire ${org?.name ?? cell('organisation')} en « ${phaseDef?.name.fr ?? phaseKey} » le ${cell('date')}`;
        if (phaseDef && org && date) action = { type, phaseKey, organisationId: org.id, date };
        present = Boolean(org && phaseState?.enrolled.some((e) => e.organisationId === org.id));
      } else {
        description = `Phase « ${phaseDef?.name.fr ?? phaseKey} » validée le ${cell('date')}`;
        if (phaseDef && date) action = { type, phaseKey, date };
        present = Boolean(phaseState && (phaseState.status === 'active' || phaseState.status === 'completed'));
      }
    } else if (type === 'etape') {
      const stepKey = required('etape');
      const stepDef = stepKey ? steps.get(stepKey) : undefined;
      if (stepKey && !stepDef) problems.push(problem('unknown_step', { value: stepKey, template: templateName }));
      const org = readOrganisation(false);
      readDate();
      description = `Étape « ${stepDef?.name.fr ?? stepKey} » réalisée le ${cell('date')}${org ? ` par ${org.name}` : ''}`;
      if (stepDef && date) action = { type, stepKey, organisationId: org?.id, date, note: cell('note') || undefined };
      const stepState = state.steps.find((s) => s.key === stepKey);
      present = Boolean(stepState && (stepState.status === 'completed' || (org && stepState.parts[org.id])));
    } else if (type === 'attribution') {
      const childKey = required('sousprogramme');
      const childDef = childKey ? template.children.find((c) => c.key === childKey) : undefined;
      if (childKey && !childDef) problems.push(problem('unknown_child', { value: childKey, template: templateName }));
      const org = readOrganisation(true);
      readDate();
      description = `« ${childDef?.title.fr ?? childKey} » attribuée à ${org?.name ?? cell('organisation')} le ${cell('date')}`;
      if (childDef && org && date) action = { type, childKey, organisationId: org.id, date, note: cell('note') || undefined };
      const child = state.children.find((c) => c.childKey === childKey);
      present = Boolean(child?.milestones.includes('awarded'));
    } else {
      const indicatorKey = required('indicateur');
      const def = indicatorKey ? indicators.get(indicatorKey) : undefined;
      if (indicatorKey && !def) problems.push(problem('unknown_indicator', { value: indicatorKey, template: templateName }));
      const raw = required('valeur');
      const value = raw ? parseFrenchNumber(raw) : undefined;
      if (raw && value === undefined) problems.push(problem('invalid_number', { value: raw }));
      readDate();
      description = `Indicateur « ${def?.name.fr ?? indicatorKey} » : ${raw} au ${cell('date')}`;
      if (def && value !== undefined && date) action = { type, indicatorKey, value, date };
    }

    const previous = key ? imported.get(key) : undefined;
    if (previous !== undefined && previous !== fingerprint) problems.push(problem('key_reused', { key }));
    const unchanged = previous === fingerprint || (previous === undefined && present);
    return {
      line,
      key,
      outcome: problems.length ? 'error' : unchanged ? 'unchanged' : 'create',
      description,
      problems,
      action: problems.length ? undefined : action,
      fingerprint,
    };
  });

  const counts = { create: 0, unchanged: 0, error: 0 };
  for (const l of lines) counts[l.outcome] += 1;
  return { problems: [], lines, counts, valid: counts.error === 0 };
}

/** The model file's example rows: DEFI as it stood at the end of 2021 (the seed's activity report), used by the downloadable model. */
export const IMPORT_MODEL_ROWS: Record<ImportColumn, string>[] = [
  ['etape', '', 'partner-mobilisation', '', '30/06/2021', '', '', '40 structures contactées, 14 rencontrées', ''],
  ['indicateur', '', '', '', '30/06/2021', 'partners-contacted', '40', '', ''],
  ['indicateur', '', '', '', '30/06/2021', 'partners-met', '14', '', ''],
  ['attribution', '', '', 'In concreto', '01/06/2021', '', '', 'Cabinet retenu pour la propriété intellectuelle', 'tender-intellectual-property'],
  ['attribution', '', '', 'CinqAvril', '07/06/2021', '', '', 'Agence retenue pour l’identité visuelle', 'tender-communication'],
  ['etape', '', 'partner-allocation', '', '15/07/2021', '', '', 'AFPA en phase Test, quatre réseaux et organismes en Expérimentation', ''],
  ['inscription', 'test', '', 'AFPA', '15/07/2021', '', '', '', ''],
  ['inscription', 'experimentation', '', 'AFPA', '15/07/2021', '', '', '', ''],
  ['inscription', 'experimentation', '', 'Réseau GRETA Bourgogne', '15/07/2021', '', '', '', ''],
  ['inscription', 'experimentation', '', 'Réseau MFR Bourgogne-Franche-Comté', '15/07/2021', '', '', '', ''],
  ['inscription', 'experimentation', '', 'CCI Formation 21', '15/07/2021', '', '', '', ''],
  ['inscription', 'experimentation', '', 'Prom’Hôte IFITEL – Groupe Stelo formation', '15/07/2021', '', '', '', ''],
  ['etape', '', 'framing-evaluation', '', '31/08/2021', '', '', 'Cahier des charges de l’évaluation produit sur l’été', ''],
  ['etape', '', 'framing-intellectual-property', '', '15/09/2021', '', '', 'Cadre contractuel d’exploitation des droits (In concreto)', ''],
  ['etape', '', 'framing-communication', '', '30/09/2021', '', '', 'Logo et charte graphique (CinqAvril)', ''],
  ['phase', 'test', '', '', '04/10/2021', '', '', '', ''],
  ['etape', '', 'trainers-training-test', '', '29/10/2021', '', '', '', ''],
  ['attribution', '', '', 'DIDACTION', '12/11/2021', '', '', 'Cabinet retenu pour l’évaluation continue', 'tender-evaluation'],
  ['etape', '', 'bricks-co-construction-test', '', '30/11/2021', '', '', 'Scénarios des serious games et structure de l’application co-construits', ''],
  ['etape', '', 'bricks-run-test', 'AFPA', '10/12/2021', '', '', '', ''],
  ['etape', '', 'test-review', '', '17/12/2021', '', '', '', ''],
  ['phase', 'experimentation', '', '', '20/12/2021', '', '', '', ''],
  ...['Réseau GRETA Franche-Comté', 'CCI Formation 89', 'CIFA Yonne', 'IFPA', 'Lycée Saint Bénigne', 'Lycée Nelson Mandela', 'Lycée Castel'].map((name) => ['inscription', 'deployment', '', name, '31/12/2021', '', '', '', '']),
].map((cells, i) => ({ cle: `DEFI-2021-${String(i + 1).padStart(3, '0')}`, ...Object.fromEntries(IMPORT_COLUMNS.slice(1).map((c, j) => [c, cells[j]!])) }) as Record<ImportColumn, string>);

/** The organisations the model names (they must exist before it is imported). */
export const IMPORT_MODEL_ORGANISATIONS = [...new Set(IMPORT_MODEL_ROWS.map((r) => r.organisation).filter(Boolean))];

/** What each column holds, in French (the model file's second sheet and docs/import.md). */
export const IMPORT_COLUMN_HELP: Record<ImportColumn, string> = {
  cle: 'Identifiant unique de la ligne (ex. DEFI-2021-001). Réimporter la même ligne ne change rien.',
  type: 'inscription (organisme inscrit dans une phase), phase (porte de phase validée), etape (étape réalisée), indicateur (valeur d’un indicateur à une date), attribution (consultation attribuée : sous-programme, titulaire, date).',
  phase: 'Clé de la phase du modèle (inscription, phase), ex. test.',
  etape: 'Clé de l’étape du modèle (etape), ex. partner-mobilisation.',
  organisation: 'Nom exact de l’organisme (inscription ; etape : partie réalisée par cet organisme ; attribution : titulaire retenu).',
  date: 'Date de l’événement, JJ/MM/AAAA, entre le démarrage du programme et aujourd’hui.',
  indicateur: 'Clé de l’indicateur du modèle (indicateur), ex. partners-contacted.',
  valeur: 'Valeur de l’indicateur à cette date ; virgule décimale (ex. 12,5).',
  note: 'Texte libre, repris dans le journal.',
  sousprogramme: 'Clé du sous-programme du modèle (attribution), ex. tender-evaluation. Colonne facultative.',
};

/** One written line's fact, at its real date (domain/backfill.ts); a step's note says who entered it and from which line. */
export function historyFactOf(action: ImportAction, origin: string): HistoryFact {
  const withNote = (note?: string) => (note ? `${origin}. ${note}` : origin);
  switch (action.type) {
    case 'inscription':
      return { type: 'enrolment', date: action.date, phaseKey: action.phaseKey, organisationId: action.organisationId };
    case 'phase':
      return { type: 'gate', date: action.date, phaseKey: action.phaseKey };
    case 'etape':
      return { type: 'step', date: action.date, stepKey: action.stepKey, ...(action.organisationId ? { organisationId: action.organisationId } : {}), note: withNote(action.note) };
    case 'indicateur':
      return { type: 'indicator', date: action.date, key: action.indicatorKey, value: action.value };
    case 'attribution':
      return { type: 'award', date: action.date, childKey: action.childKey, winner: action.organisationId, note: withNote(action.note) };
  }
}

/** The history's problems on the lines they come from: those lines become errors and the plan cannot be confirmed. */
export function attachHistoryProblems(plan: ImportPlan, problems: HistoryProblem[], lineOfFact: number[]): ImportPlan {
  const byLine = new Map<number, ImportProblem[]>();
  const general: ImportProblem[] = [];
  for (const p of problems) {
    const problem = { code: p.code, params: p.params, message: p.message };
    const line = p.index === undefined ? undefined : lineOfFact[p.index];
    if (line === undefined) general.push(problem);
    else byLine.set(line, [...(byLine.get(line) ?? []), problem]);
  }
  const lines = plan.lines.map((l) => (byLine.has(l.line) ? { ...l, outcome: 'error' as const, problems: [...l.problems, ...byLine.get(l.line)!], action: undefined } : l));
  const counts = { create: 0, unchanged: 0, error: 0 };
  for (const l of lines) counts[l.outcome] += 1;
  return { problems: [...plan.problems, ...general], lines, counts, valid: counts.error === 0 && plan.problems.length + general.length === 0 };
}

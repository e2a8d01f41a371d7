import type { z } from 'zod';
import { IN_RANGE_YEAR, KEY_PATTERN, ZPublishableTemplate, type Template } from './template-schema';

/**
 * A template problem a screen can show next to its field in any language: the field's path
 * ('phases.0.steps.1.name.fr'), a stable code and the values its sentence needs. The English
 * message of the schema stays for the API's `errors` list and for logs.
 */
export interface TemplateFieldProblem {
  path: string;
  code: TemplateProblemCode;
  values: Record<string, string | number>;
  message: string;
}

export const TEMPLATE_PROBLEM_CODES = [
  'required',
  'too_short',
  'too_long',
  'too_few',
  'too_many',
  'too_small',
  'too_big',
  'not_integer',
  'invalid_type',
  'invalid_choice',
  'key_format',
  'date_format',
  'date_out_of_range',
  'unknown_field',
  'duplicate_phase_key',
  'duplicate_step_key',
  'capacity_min_above_max',
  'each_partner_needs_capacity',
  'unknown_child',
  'unknown_step',
  'self_dependency',
  'dependency_in_later_phase',
  'undeclared_date_param',
  'unknown_indicator',
  'dependency_cycle',
  'label_missing_roles',
  'label_missing_milestones',
  'label_missing_dateParams',
  'label_missing_outcomes',
  'branch_step_not_earlier',
  'step_without_outcomes',
  'unknown_outcome',
  'duplicate_outcome',
  'depends_on_recurring_step',
  'recurring_step_due_rule',
  'recurring_step_outcomes',
  'repeat_day_mismatch',
  'indicator_needs_period',
  'unit_for_tests_only',
  'duplicate_dimension_key',
  'text_format',
  'email_format',
  'invalid',
] as const;
export type TemplateProblemCode = (typeof TEMPLATE_PROBLEM_CODES)[number];

const KNOWN = new Set<string>(TEMPLATE_PROBLEM_CODES);

/** Validates a template draft; `problems` is empty when it parses. */
export function checkTemplateDraft(input: unknown): { template?: Template; problems: TemplateFieldProblem[] } {
  const parsed = ZPublishableTemplate.safeParse(input);
  if (parsed.success) return { template: parsed.data, problems: [] };
  return { problems: describeIssues(parsed.error.issues) };
}

/**
 * What people publish (the API, the editor's check and preview): a template's rules, and no
 * `seconds` unit. Seconds exist so that tests and the bench run a lifecycle in seconds; they reach
 * the engine only through `seedTemplates` (tests, bench, built-ins), never from a user.
 */
export function checkTemplateForPublication(input: unknown): { template?: Template; problems: TemplateFieldProblem[] } {
  const checked = checkTemplateDraft(input);
  if (!checked.template) return checked;
  const problems = findTestOnlyUnits(checked.template);
  return problems.length ? { problems } : checked;
}

/** Every place a template uses the test-only `seconds` unit (due offsets, reminder policies, repeats). */
export function findTestOnlyUnits(t: Template): TemplateFieldProblem[] {
  const problems: TemplateFieldProblem[] = [];
  const found = (path: string) => problems.push({ path, code: 'unit_for_tests_only', values: {}, message: 'the "seconds" unit is for tests only' });
  if (t.reminders.unit === 'seconds') found('reminders.unit');
  t.phases.forEach((phase, p) =>
    phase.steps.forEach((step, s) => {
      const at = `phases.${p}.steps.${s}`;
      if (step.due && 'offset' in step.due && step.due.offset?.unit === 'seconds') found(`${at}.due.offset.unit`);
      if (step.reminders?.unit === 'seconds') found(`${at}.reminders.unit`);
      if (step.repeat?.unit === 'seconds') found(`${at}.repeat.unit`);
    }),
  );
  return problems;
}

/** One problem per issue, once per field: the date range's pattern and its refinement say the same thing. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): TemplateFieldProblem[] {
  const seen = new Set<string>();
  return flattenUnionIssues(issues).map(describeIssue).filter((p) => {
    const key = `${p.path}|${p.code}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A union none of whose shapes matched is reported through the one shape the input took (the only
 * branch with no unknown and no missing field), so `{ dueDate: '0099-12-31' }` reads "date out of
 * range" at `dueDate` rather than "invalid choice" at the whole body. Paths are made absolute.
 * With no such branch (or several), the union issue stays as it is.
 */
function flattenUnionIssues(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union' || !issue.errors?.length) return [issue];
    const shaped = issue.errors.filter((branch) => branch.length > 0 && branch.every((i) => i.code !== 'unrecognized_keys' && !(i.code === 'invalid_type' && i.input === undefined)));
    const [only] = shaped;
    if (shaped.length !== 1 || !only) return [issue];
    return flattenUnionIssues(only.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as z.core.$ZodIssue));
  });
}

/** One zod issue as a coded field problem. */
export function describeIssue(issue: z.core.$ZodIssue): TemplateFieldProblem {
  const path = issue.path.map(String).join('.');
  const base = { path, message: issue.message };
  switch (issue.code) {
    case 'custom': {
      const params = (issue.params ?? {}) as Record<string, unknown>;
      const code = typeof params.code === 'string' && KNOWN.has(params.code) ? (params.code as TemplateProblemCode) : 'invalid';
      const values: Record<string, string | number> = {};
      for (const [k, v] of Object.entries(params)) if (k !== 'code' && (typeof v === 'string' || typeof v === 'number')) values[k] = v;
      return { ...base, code, values };
    }
    case 'too_small': {
      const minimum = Number(issue.minimum);
      if (issue.origin === 'string') return { ...base, code: minimum <= 1 ? 'required' : 'too_short', values: { minimum } };
      if (issue.origin === 'array' || issue.origin === 'set') return { ...base, code: 'too_few', values: { minimum } };
      return { ...base, code: 'too_small', values: { minimum } };
    }
    case 'too_big': {
      const maximum = Number(issue.maximum);
      if (issue.origin === 'string') return { ...base, code: 'too_long', values: { maximum } };
      if (issue.origin === 'array' || issue.origin === 'set') return { ...base, code: 'too_many', values: { maximum } };
      return { ...base, code: 'too_big', values: { maximum } };
    }
    case 'invalid_type':
      // zod 4 reports a missing value as an invalid type whose input is undefined.
      if (issue.input === undefined || (issue.expected === 'string' && issue.input === '')) return { ...base, code: 'required', values: {} };
      if (issue.expected === 'int') return { ...base, code: 'not_integer', values: {} };
      return { ...base, code: 'invalid_type', values: {} };
    case 'invalid_format': {
      // The only pattern in the template schema is the key's; the API's other patterns are told apart.
      // The date range's pattern (years 1990–2100) is the same problem as the range's refinement.
      if (issue.format === 'regex' && String(issue.pattern) === String(IN_RANGE_YEAR)) return { ...base, code: 'date_out_of_range', values: {} };
      if (issue.format === 'regex') return { ...base, code: String(issue.pattern) === String(KEY_PATTERN) || !('pattern' in issue) ? 'key_format' : 'text_format', values: {} };
      if (issue.format === 'email') return { ...base, code: 'email_format', values: {} };
      if (issue.format === 'date' || issue.format === 'datetime') return { ...base, code: 'date_format', values: {} };
      return { ...base, code: 'invalid', values: {} };
    }
    case 'invalid_value':
    case 'invalid_union':
      return { ...base, code: 'invalid_choice', values: {} };
    case 'unrecognized_keys':
      return { ...base, code: 'unknown_field', values: { keys: issue.keys.join(', ') } };
    default:
      return { ...base, code: 'invalid', values: {} };
  }
}

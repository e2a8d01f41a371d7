import { createContext, useContext, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** A coded problem from POST /api/v1/templates/preview (domain/template-problems.ts). */
export interface DraftProblem {
  path: string;
  code: string;
  values: Record<string, string | number>;
}

export const ProblemsContext = createContext<DraftProblem[]>([]);

/** DOM id of a field from its template path ('phases.0.steps.1.name.fr'). */
export function fieldId(path: string): string {
  return `champ-${path.replace(/\./g, '-')}`;
}

/** The French (or English) sentence of a coded problem, from the catalogue. */
export function useProblemText(): (p: DraftProblem) => string {
  const { t, i18n } = useTranslation();
  return (p) => {
    const key = `editor.problem.${p.code}`;
    return i18n.exists(key) ? t(key as 'editor.problem.invalid', p.values) : t('editor.problem.invalid');
  };
}

/** Problems reported at exactly `path`, or under it when `nested` (a group such as a due rule). */
export function useProblemsAt(path: string, nested = false): DraftProblem[] {
  const problems = useContext(ProblemsContext);
  return problems.filter((p) => p.path === path || (nested && p.path.startsWith(`${path}.`)));
}

export function FieldProblems({ path, nested = false }: { path: string; nested?: boolean }) {
  const problems = useProblemsAt(path, nested);
  const text = useProblemText();
  if (!problems.length) return null;
  return (
    <span className="field-error" id={`${fieldId(path)}-probleme`} role="alert" data-testid="field-error" data-path={path}>
      {problems.map((p) => text(p)).join(' ')}
    </span>
  );
}

interface FieldProps {
  label: string;
  path: string;
  nested?: boolean;
}

export function TextField({ label, path, value, onChange, disabled, multiline }: FieldProps & { value: string; onChange(v: string): void; disabled?: boolean; multiline?: boolean }) {
  const invalid = useProblemsAt(path).length > 0;
  const common = {
    id: fieldId(path),
    value,
    disabled,
    'aria-invalid': invalid || undefined,
    'aria-describedby': invalid ? `${fieldId(path)}-probleme` : undefined,
  };
  return (
    <label className="field">
      <span>{label}</span>
      {multiline ? <textarea {...common} rows={2} onChange={(e) => onChange(e.target.value)} /> : <input type="text" {...common} onChange={(e) => onChange(e.target.value)} />}
      <FieldProblems path={path} />
    </label>
  );
}

export function NumberField({ label, path, value, onChange }: FieldProps & { value: number | undefined | null; onChange(v: number | undefined): void }) {
  const invalid = useProblemsAt(path).length > 0;
  return (
    <label className="field">
      <span>{label}</span>
      <input
        type="number"
        id={fieldId(path)}
        value={value ?? ''}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? `${fieldId(path)}-probleme` : undefined}
        onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
      />
      <FieldProblems path={path} />
    </label>
  );
}

export function SelectField<V extends string>({ label, path, value, options, onChange, nested }: FieldProps & { value: V; options: { value: V; label: string }[]; onChange(v: V): void }) {
  const invalid = useProblemsAt(path, nested).length > 0;
  return (
    <label className="field">
      <span>{label}</span>
      <select id={fieldId(path)} value={value} aria-invalid={invalid || undefined} onChange={(e) => onChange(e.target.value as V)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldProblems path={path} nested={nested} />
    </label>
  );
}

export function CheckField({ label, path, checked, onChange }: FieldProps & { checked: boolean; onChange(v: boolean): void }) {
  return (
    <label className="field-check">
      <input type="checkbox" id={fieldId(path)} checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <span>{label}</span>
      <FieldProblems path={path} />
    </label>
  );
}

/** Keys separated by commas; problems of any item show under the field. */
export function KeyListField({ label, path, value, onChange }: FieldProps & { value: string[]; onChange(v: string[]): void }) {
  const invalid = useProblemsAt(path, true).length > 0;
  return (
    <label className="field">
      <span>{label}</span>
      <input
        type="text"
        id={fieldId(path)}
        value={value.join(', ')}
        aria-invalid={invalid || undefined}
        onChange={(e) => onChange(e.target.value.trim() === '' ? [] : e.target.value.split(',').map((s) => s.trim()))}
      />
      <FieldProblems path={path} nested />
    </label>
  );
}

/** Up / down / remove buttons for an item of a list (keyboard-friendly reordering). */
export function ItemTools({ index, count, onMove, onRemove, removeLabel }: { index: number; count: number; onMove(to: number): void; onRemove(): void; removeLabel: string }) {
  const { t } = useTranslation();
  return (
    <span className="item-tools">
      <button type="button" className="link-button" disabled={index === 0} onClick={() => onMove(index - 1)}>
        {t('editor.moveUp')}
      </button>
      <button type="button" className="link-button" disabled={index === count - 1} onClick={() => onMove(index + 1)}>
        {t('editor.moveDown')}
      </button>
      <button type="button" className="link-button" onClick={onRemove}>
        {removeLabel}
      </button>
    </span>
  );
}

export function Group({ title, children, path }: { title: ReactNode; children: ReactNode; path?: string }) {
  return (
    <fieldset className="editor-group">
      <legend>{title}</legend>
      {path && <FieldProblems path={path} />}
      {children}
    </fieldset>
  );
}

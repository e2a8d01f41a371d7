import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import {
  CheckField,
  FieldProblems,
  fieldId,
  Group,
  ItemTools,
  KeyListField,
  NumberField,
  ProblemsContext,
  SelectField,
  TextField,
  useProblemText,
  type DraftProblem,
} from '../components/template-fields';
import { TemplatePreviewPanel } from '../components/template-preview';
import { PageTitle, ProblemMessage, Skeleton } from '../components/ui';
import { listLabelledCodes } from '../../../domain/template-codes';
import { todayInParis } from '../lib/format';
import {
  blankPhase,
  blankStep,
  blankTemplate,
  changeDueKind,
  copyTemplate,
  listStepKeys,
  moveItem,
  parseTemplateFile,
  setIn,
  withoutVersion,
  type DraftStep,
  type IndicatorDraft,
  type Path,
  type TemplateDraft,
} from '../lib/template-draft';

type Mode = 'new' | 'copy' | 'edit';

/** /modeles/nouveau, /modeles/:key/copier, /modeles/:key/modifier. */
export function TemplateEditorPage({ mode }: { mode: Mode }) {
  const { key = '' } = useParams();
  const source = useQuery({
    queryKey: ['template', key],
    queryFn: () => unwrap(api.GET('/api/v1/templates/{key}', { params: { path: { key }, query: {} } })),
    enabled: mode !== 'new',
    staleTime: 300_000,
  });
  if (mode !== 'new' && source.isPending) return <Skeleton lines={10} height="30rem" />;
  if (mode !== 'new' && source.error) return <ProblemMessage error={source.error} />;
  const initial: TemplateDraft =
    mode === 'new' ? blankTemplate() : mode === 'copy' ? copyTemplate(source.data as TemplateDraft, { fr: 'copie', en: 'copy' }) : withoutVersion(source.data as TemplateDraft);
  return <TemplateEditor key={`${mode}:${key}`} mode={mode} initial={initial} sourceName={(source.data as TemplateDraft | undefined)?.name.fr ?? ''} />;
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

function TemplateEditor({ mode, initial, sourceName }: { mode: Mode; initial: TemplateDraft; sourceName: string }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<TemplateDraft>(initial);
  const [startDate, setStartDate] = useState(todayInParis());
  const [dates, setDates] = useState<Record<string, string>>({});
  const [importError, setImportError] = useState(false);
  const update = (path: Path, value: unknown) => setDraft((d) => setIn(d, path, value));

  // Live check and preview: the server runs the template schema and the workflow's calendar code.
  const checked = useDebounced({ draft, startDate, dates }, 300);
  const check = useQuery({
    queryKey: ['template-preview', checked],
    queryFn: () =>
      unwrap(
        api.POST('/api/v1/templates/preview', {
          body: {
            template: checked.draft as unknown as Record<string, never>,
            startDate: checked.startDate,
            dates: Object.fromEntries(Object.entries(checked.dates).filter(([k, v]) => v && (checked.draft.dateParams ?? []).includes(k))),
          },
        }),
      ),
    placeholderData: (previous) => previous,
    staleTime: Infinity,
  });
  const problems: DraftProblem[] = check.data?.problems ?? [];
  const upToDate = checked.draft === draft;

  const publish = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/templates', { body: draft as never })),
    onSuccess: async (published) => {
      await queryClient.invalidateQueries({ queryKey: ['templates'] });
      await queryClient.invalidateQueries({ queryKey: ['template', published.key] });
      await queryClient.invalidateQueries({ queryKey: ['template-versions', published.key] });
      await navigate(`/modeles/${published.key}?publie=${published.version}`);
    },
  });

  const title = mode === 'new' ? t('editor.titleNew') : mode === 'copy' ? t('editor.titleCopy', { name: sourceName }) : t('editor.titleEdit', { name: sourceName });
  const stepKeys = listStepKeys(draft);
  // Steps are shown by their names (in the reader's language) wherever another step points at them.
  const stepNames = new Map(draft.phases.flatMap((p) => p.steps.map((st) => [st.key, (i18n.language === 'en' ? st.name?.en : st.name?.fr) || st.name?.fr || st.key] as const)));

  return (
    <ProblemsContext.Provider value={problems}>
      <article className="template-editor">
        <p>
          <Link to="/modeles">← {t('templates.title')}</Link>
        </p>
        <PageTitle title={title}>{title}</PageTitle>
        <p className="muted">{t('editor.intro')}</p>
        <label className="field">
          <span>{t('editor.import')}</span>
          <input
            type="file"
            accept="application/json,.json"
            data-testid="template-import"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              if (!file) return;
              try {
                const imported = parseTemplateFile(await file.text());
                setDraft(mode === 'edit' ? { ...imported, key: draft.key } : imported);
                setImportError(false);
              } catch {
                setImportError(true);
              }
            }}
          />
        </label>
        {importError && <p className="field-error" role="alert">{t('editor.importFailed')}</p>}
        <ProblemSummary problems={problems} />
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            publish.mutate();
          }}
        >
          <Group title={t('editor.general')}>
            <TextField label={t('editor.key')} path="key" value={draft.key} disabled={mode === 'edit'} onChange={(v) => update(['key'], v)} />
            <div className="field-row">
              <TextField label={t('editor.nameFr')} path="name.fr" value={draft.name.fr} onChange={(v) => update(['name', 'fr'], v)} />
              <TextField label={t('editor.nameEn')} path="name.en" value={draft.name.en} onChange={(v) => update(['name', 'en'], v)} />
            </div>
            <Bilingual path={['description']} value={draft.description} labels={[t('editor.descriptionFr'), t('editor.descriptionEn')]} update={update} />
            <SelectField
              label={t('editor.nonWorkingDays')}
              path="nonWorkingDays"
              value={draft.nonWorkingDays ?? 'none'}
              options={(['nextWorkingDay', 'previousWorkingDay', 'none'] as const).map((v) => ({ value: v, label: t(`editor.nonWorkingDay.${v}`) }))}
              onChange={(v) => update(['nonWorkingDays'], v)}
            />
            <KeyListField label={t('editor.dateParams')} path="dateParams" value={draft.dateParams ?? []} onChange={(v) => update(['dateParams'], v)} />
          </Group>
          <LabelsGroup draft={draft} update={update} />

          <h2>{t('editor.phases')}</h2>
          <FieldProblems path="phases" />
          {draft.phases.map((phase, p) => (
            <Group
              key={p}
              path={`phases.${p}`}
              title={
                <>
                  {t('editor.phase', { n: p + 1 })}{' '}
                  <ItemTools index={p} count={draft.phases.length} removeLabel={t('editor.removePhase')} onMove={(to) => update(['phases'], moveItem(draft.phases, p, to))} onRemove={() => update(['phases'], draft.phases.filter((_, i) => i !== p))} />
                </>
              }
            >
              <div className="field-row">
                <TextField label={t('editor.key')} path={`phases.${p}.key`} value={phase.key} onChange={(v) => update(['phases', p, 'key'], v)} />
                <TextField label={t('editor.nameFr')} path={`phases.${p}.name.fr`} value={phase.name.fr} onChange={(v) => update(['phases', p, 'name', 'fr'], v)} />
                <TextField label={t('editor.nameEn')} path={`phases.${p}.name.en`} value={phase.name.en} onChange={(v) => update(['phases', p, 'name', 'en'], v)} />
              </div>
              <CheckField label={t('editor.gate')} path={`phases.${p}.gate`} checked={Boolean(phase.gate)} onChange={(on) => update(['phases', p, 'gate'], on ? { requiresChildren: [] } : undefined)} />
              {phase.gate && (
                <KeyListField
                  label={t('editor.gateChildren')}
                  path={`phases.${p}.gate.requiresChildren`}
                  value={(phase.gate.requiresChildren ?? []).map((c) => c.child)}
                  onChange={(v) => update(['phases', p, 'gate', 'requiresChildren'], v.map((child) => ({ child })))}
                />
              )}
              <CheckField label={t('editor.capacityOn')} path={`phases.${p}.capacity`} checked={Boolean(phase.capacity)} onChange={(on) => update(['phases', p, 'capacity'], on ? { min: 1, max: 10 } : undefined)} />
              {phase.capacity && (
                <div className="field-row">
                  <NumberField label={t('editor.capacityMin')} path={`phases.${p}.capacity.min`} value={phase.capacity.min} onChange={(v) => update(['phases', p, 'capacity', 'min'], v)} />
                  <NumberField label={t('editor.capacityMax')} path={`phases.${p}.capacity.max`} value={phase.capacity.max} onChange={(v) => update(['phases', p, 'capacity', 'max'], v)} />
                </div>
              )}
              <h3>{t('editor.steps')}</h3>
              <FieldProblems path={`phases.${p}.steps`} />
              {phase.steps.map((step, s) => (
                <StepEditor
                  key={s}
                  at={['phases', p, 'steps', s]}
                  step={step}
                  index={s}
                  count={phase.steps.length}
                  stepKeys={stepKeys}
                  stepName={(k) => stepNames.get(k) ?? k}
                  dateParams={draft.dateParams ?? []}
                  update={update}
                  onMove={(to) => update(['phases', p, 'steps'], moveItem(phase.steps, s, to))}
                  onRemove={() => update(['phases', p, 'steps'], phase.steps.filter((_, i) => i !== s))}
                />
              ))}
              <button type="button" onClick={() => update(['phases', p, 'steps'], [...phase.steps, blankStep(stepKeys.length + 1)])}>
                {t('editor.addStep')}
              </button>
            </Group>
          ))}
          <button type="button" onClick={() => update(['phases'], [...draft.phases, blankPhase(draft.phases.length + 1)])}>
            {t('editor.addPhase')}
          </button>

          <Group title={t('editor.indicators')}>
            {(draft.indicators ?? []).map((indicator, i) => (
              <IndicatorEditor key={i} index={i} indicator={indicator} update={update} onRemove={() => update(['indicators'], (draft.indicators ?? []).filter((_, j) => j !== i))} />
            ))}
            <button type="button" onClick={() => update(['indicators'], [...(draft.indicators ?? []), { key: `indicateur-${(draft.indicators ?? []).length + 1}`, name: { fr: '', en: '' } }])}>
              {t('editor.addIndicator')}
            </button>
          </Group>

          <Group title={t('editor.children')}>
            {(draft.children ?? []).map((child, i) => (
              <div key={i} className="field-row">
                <TextField label={t('editor.key')} path={`children.${i}.key`} value={child.key} onChange={(v) => update(['children', i, 'key'], v)} />
                <TextField label={t('editor.childTemplate')} path={`children.${i}.templateKey`} value={child.templateKey} onChange={(v) => update(['children', i, 'templateKey'], v)} />
                <TextField label={t('editor.nameFr')} path={`children.${i}.title.fr`} value={child.title.fr} onChange={(v) => update(['children', i, 'title', 'fr'], v)} />
                <TextField label={t('editor.nameEn')} path={`children.${i}.title.en`} value={child.title.en} onChange={(v) => update(['children', i, 'title', 'en'], v)} />
                <SelectField
                  label={t('editor.childStart')}
                  path={`children.${i}.start`}
                  value={child.start}
                  options={(['withParent', 'byCoordinator'] as const).map((v) => ({ value: v, label: t(`editor.childStarts.${v}`) }))}
                  onChange={(v) => update(['children', i, 'start'], v)}
                />
                <CheckField label={t('editor.childRepeatable')} path={`children.${i}.repeatable`} checked={Boolean(child.repeatable)} onChange={(v) => update(['children', i, 'repeatable'], v)} />
                <TextField label={t('editor.childFillsSlot')} path={`children.${i}.fillsSlot`} value={child.fillsSlot ?? ''} onChange={(v) => update(['children', i, 'fillsSlot'], v || undefined)} />
                <button type="button" className="link-button" onClick={() => update(['children'], (draft.children ?? []).filter((_, j) => j !== i))}>
                  {t('editor.removeIndicator')}
                </button>
              </div>
            ))}
            <button
              type="button"
              onClick={() => update(['children'], [...(draft.children ?? []), { key: `sous-programme-${(draft.children ?? []).length + 1}`, templateKey: 'tender', title: { fr: '', en: '' }, start: 'byCoordinator', repeatable: false }])}
            >
              {t('editor.addChild')}
            </button>
          </Group>

          <TemplatePreviewPanel
            template={draft}
            timeline={upToDate || problems.length === 0 ? check.data?.timeline : undefined}
            valid={problems.length === 0}
            startDate={startDate}
            onStartDate={setStartDate}
            dates={dates}
            onDates={setDates}
          />

          <ProblemMessage error={publish.error ?? check.error} />
          <button type="submit" className="primary" disabled={publish.isPending || !upToDate || problems.length > 0 || check.isFetching}>
            {publish.isPending ? t('editor.publishing') : t('editor.publish')}
          </button>
        </form>
      </article>
    </ProblemsContext.Provider>
  );
}

function ProblemSummary({ problems }: { problems: DraftProblem[] }) {
  const { t } = useTranslation();
  const text = useProblemText();
  if (!problems.length) {
    return (
      <p className="notice" data-testid="template-valid">
        {t('editor.valid')}
      </p>
    );
  }
  return (
    <div className="problem" data-testid="template-problems">
      <p className="problem-title">
        <strong>{t('editor.problemCount', { count: problems.length })}</strong>
      </p>
      <ul>
        {problems.map((p) => (
          <li key={`${p.path}:${p.code}`}>
            <a href={`#${fieldId(p.path)}`}>{describePath(p.path, t, (k) => t(k))}</a> : {text(p)}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** 'phases.0.steps.1.name.fr' → 'Phase 1 › Étape 2 › Nom (français)'. */
/** Only the two words the path needs: the full typed t() over the whole catalogue is too deep for TypeScript here. */
const FIELD_WORDS: Record<string, FieldWord> = { key: 'editor.key', 'name.fr': 'editor.nameFr', 'name.en': 'editor.nameEn', 'description.fr': 'editor.descriptionFr', 'description.en': 'editor.descriptionEn', name: 'editor.field.name', description: 'editor.field.description', assignee: 'editor.field.assignee', due: 'editor.field.due', dependsOn: 'editor.field.dependsOn', deliverables: 'editor.field.deliverables', capacity: 'editor.field.capacity', gate: 'editor.field.gate', reminders: 'editor.field.reminders', indicator: 'editor.field.indicator', title: 'editor.field.title', templateKey: 'editor.field.templateKey', target: 'editor.field.target', unit: 'editor.field.unit', period: 'editor.field.period', targetPerPeriod: 'editor.field.targetPerPeriod', recordedBy: 'editor.field.recordedBy', dimensions: 'editor.field.dimensions' };
type FieldWord = 'editor.general' | 'editor.key' | 'editor.nameFr' | 'editor.nameEn' | 'editor.descriptionFr' | 'editor.descriptionEn' | `editor.field.${'name' | 'description' | 'assignee' | 'due' | 'dependsOn' | 'deliverables' | 'capacity' | 'gate' | 'reminders' | 'indicator' | 'title' | 'templateKey' | 'target' | 'unit' | 'period' | 'targetPerPeriod' | 'recordedBy' | 'dimensions'}`;
function describePath(path: string, t: (key: 'editor.phase' | 'editor.step', options: { n: number }) => string, word: (key: FieldWord) => string): string {
  const parts = path.split('.');
  const out: string[] = [];
  let i = 0;
  while (i < parts.length) {
    const part = parts[i]!;
    if ((part === 'phases' || part === 'steps') && /^\d+$/.test(parts[i + 1] ?? '')) {
      // A plain signature: the catalogue's full key type is too deep to infer here.
      const say = t as unknown as (key: string, values: Record<string, unknown>) => string;
      out.push(say(part === 'phases' ? 'editor.phase' : 'editor.step', { n: Number(parts[i + 1]) + 1 }));
      i += 2;
    } else if ((part === 'indicators' || part === 'dimensions' || part === 'values') && /^\d+$/.test(parts[i + 1] ?? '')) {
      // 'indicators.0.dimensions.1.values.0.key' → 'Indicateur 1 › Dimension 2 › Valeur 1 › Identifiant…'.
      const say = t as unknown as (key: string, values: Record<string, unknown>) => string;
      out.push(say(part === 'indicators' ? 'editor.indicatorN' : part === 'dimensions' ? 'editor.dimension' : 'editor.dimensionValue', { n: Number(parts[i + 1]) + 1 }));
      i += 2;
    } else if (part === 'labels' && parts[i + 1] && parts[i + 2]) {
      // 'labels.roles.winner.fr' → 'Noms affichés… › Rôle « winner »'.
      const say = t as unknown as (key: string, values?: Record<string, unknown>) => string;
      out.push(say('editor.labels'), say(`editor.labelKind.${parts[i + 1]}`, { key: parts[i + 2] }));
      break;
    } else {
      // The field by its name in the reader's language (name.fr → « Nom (français) »), never its path.
      const rest = parts.slice(i).join('.');
      const known = FIELD_WORDS[rest] ?? FIELD_WORDS[parts[i]!];
      if (known) out.push(word(known));
      break;
    }
  }
  return out.join(' › ') || word('editor.general');
}

function Bilingual({ path, value, labels, update }: { path: Path; value: { fr: string; en: string } | undefined; labels: [string, string]; update(path: Path, value: unknown): void }) {
  const at = path.join('.');
  const set = (lang: 'fr' | 'en', text: string) => {
    const next = { fr: value?.fr ?? '', en: value?.en ?? '', [lang]: text };
    update(path, next.fr === '' && next.en === '' ? undefined : next);
  };
  return (
    <div className="field-row">
      <TextField multiline label={labels[0]} path={`${at}.fr`} value={value?.fr ?? ''} onChange={(v) => set('fr', v)} />
      <TextField multiline label={labels[1]} path={`${at}.en`} value={value?.en ?? ''} onChange={(v) => set('en', v)} />
    </div>
  );
}

interface StepEditorProps {
  at: Path;
  step: DraftStep;
  index: number;
  count: number;
  stepKeys: string[];
  stepName(key: string): string;
  dateParams: string[];
  update(path: Path, value: unknown): void;
  onMove(to: number): void;
  onRemove(): void;
}

function StepEditor({ at, step, index, count, stepKeys, stepName, dateParams, update, onMove, onRemove }: StepEditorProps) {
  const { t } = useTranslation();
  const path = at.join('.');
  const set = (rest: Path, value: unknown) => update([...at, ...rest], value);
  const due = step.due;
  const offsetFields = due && due.from !== 'date' && (
    <>
      <NumberField label={t('editor.offsetAmount')} path={`${path}.due.offset.amount`} value={due.offset?.amount} onChange={(v) => set(['due', 'offset'], { unit: due.offset?.unit ?? 'calendarDays', amount: v })} />
      <SelectField
        label={t('editor.offsetUnit')}
        path={`${path}.due.offset.unit`}
        value={due.offset?.unit ?? 'calendarDays'}
        options={(['calendarDays', 'workingDays'] as const).map((u) => ({ value: u, label: t(`editor.unit.${u}`) }))}
        onChange={(u) => set(['due', 'offset'], { amount: due.offset?.amount ?? 0, unit: u })}
      />
    </>
  );
  return (
    <Group
      path={path}
      title={
        <>
          {t('editor.step', { n: index + 1 })} {step.name.fr && `— ${step.name.fr}`} <ItemTools index={index} count={count} removeLabel={t('editor.removeStep')} onMove={onMove} onRemove={onRemove} />
        </>
      }
    >
      <div className="field-row">
        <TextField label={t('editor.key')} path={`${path}.key`} value={step.key} onChange={(v) => set(['key'], v)} />
        <TextField label={t('editor.nameFr')} path={`${path}.name.fr`} value={step.name.fr} onChange={(v) => set(['name', 'fr'], v)} />
        <TextField label={t('editor.nameEn')} path={`${path}.name.en`} value={step.name.en} onChange={(v) => set(['name', 'en'], v)} />
      </div>
      <Bilingual path={[...at, 'description']} value={step.description} labels={[t('editor.descriptionFr'), t('editor.descriptionEn')]} update={update} />
      <div className="field-row">
        <SelectField
          label={t('editor.assignee')}
          path={`${path}.assignee`}
          nested
          value={step.assignee.kind}
          options={(['coordinator', 'slot', 'eachPartner'] as const).map((k) => ({ value: k, label: t(`editor.assigneeKind.${k}`) }))}
          onChange={(kind) => set(['assignee'], kind === 'slot' ? { kind, slot: step.assignee.kind === 'slot' ? step.assignee.slot : '' } : { kind })}
        />
        {step.assignee.kind === 'slot' && <TextField label={t('editor.slot')} path={`${path}.assignee.slot`} value={step.assignee.slot} onChange={(v) => set(['assignee', 'slot'], v)} />}
      </div>
      <div className="field-row">
        <SelectField
          label={t('editor.due')}
          path={`${path}.due`}
          value={due?.from ?? 'none'}
          options={(['none', 'date', 'programmeStart', 'phaseStart', 'stepCompleted', 'param'] as const).map((f) => ({ value: f, label: t(`editor.dueFrom.${f}`) }))}
          onChange={(from) => set(['due'], changeDueKind(due, from, stepKeys.find((k) => k !== step.key) ?? '', dateParams[0] ?? ''))}
        />
        {due?.from === 'date' && <TextField label={t('editor.dueDate')} path={`${path}.due.date`} value={due.date} onChange={(v) => set(['due', 'date'], v)} />}
        {due?.from === 'stepCompleted' && (
          <SelectField label={t('editor.dueStep')} path={`${path}.due.stepKey`} value={due.stepKey} options={stepKeys.filter((k) => k !== step.key).map((k) => ({ value: k, label: stepName(k) }))} onChange={(v) => set(['due', 'stepKey'], v)} />
        )}
        {due?.from === 'param' && <TextField label={t('editor.dueParam')} path={`${path}.due.param`} value={due.param} onChange={(v) => set(['due', 'param'], v)} />}
        {offsetFields}
      </div>
      <fieldset className="editor-inline">
        <legend>{t('editor.dependsOn')}</legend>
        {stepKeys
          .filter((k) => k !== step.key)
          .map((k) => (
            <label key={k} className="field-check">
              <input
                type="checkbox"
                checked={(step.dependsOn ?? []).includes(k)}
                onChange={(e) => set(['dependsOn'], e.target.checked ? [...(step.dependsOn ?? []), k] : (step.dependsOn ?? []).filter((d) => d !== k))}
              />
              <span>{stepName(k)}</span>
            </label>
          ))}
        <FieldProblems path={`${path}.dependsOn`} nested />
      </fieldset>
      <fieldset className="editor-inline">
        <legend>{t('editor.deliverables')}</legend>
        {(step.deliverables ?? []).map((d, i) => (
          <div key={i} className="field-row">
            <TextField label={t('editor.deliverableKind')} path={`${path}.deliverables.${i}.kind`} value={d.kind} onChange={(v) => set(['deliverables', i, 'kind'], v)} />
            <TextField label={t('editor.deliverableLabelFr')} path={`${path}.deliverables.${i}.label.fr`} value={d.label.fr} onChange={(v) => set(['deliverables', i, 'label', 'fr'], v)} />
            <TextField label={t('editor.deliverableLabelEn')} path={`${path}.deliverables.${i}.label.en`} value={d.label.en} onChange={(v) => set(['deliverables', i, 'label', 'en'], v)} />
            <NumberField label={t('editor.deliverableMin')} path={`${path}.deliverables.${i}.min`} value={d.min ?? 1} onChange={(v) => set(['deliverables', i, 'min'], v)} />
            <CheckField label={t('editor.deliverableAcceptance')} path={`${path}.deliverables.${i}.acceptance`} checked={Boolean(d.acceptance)} onChange={(v) => set(['deliverables', i, 'acceptance'], v)} />
            <button type="button" className="link-button" onClick={() => set(['deliverables'], (step.deliverables ?? []).filter((_, j) => j !== i))}>
              {t('editor.removeDeliverable')}
            </button>
          </div>
        ))}
        <button type="button" onClick={() => set(['deliverables'], [...(step.deliverables ?? []), { kind: 'document', label: { fr: '', en: '' }, min: 1, acceptance: false }])}>
          {t('editor.addDeliverable')}
        </button>
      </fieldset>
      <CheckField label={t('editor.milestone')} path={`${path}.milestone`} checked={Boolean(step.milestone)} onChange={(v) => set(['milestone'], v)} />
      <CheckField
        label={t('editor.reminders')}
        path={`${path}.reminders`}
        checked={Boolean(step.reminders)}
        onChange={(on) => set(['reminders'], on ? { unit: 'days', beforeDue: [7, 1], onDue: true, overdueEvery: 3, escalateAfter: 2 } : undefined)}
      />
      {step.reminders && <ReminderFields path={`${path}.reminders`} value={step.reminders} set={(rest, v) => set(['reminders', ...rest], v)} />}
    </Group>
  );
}

function ReminderFields({ path, value, set }: { path: string; value: NonNullable<DraftStep['reminders']>; set(rest: Path, v: unknown): void }) {
  const { t } = useTranslation();
  return (
    <div className="field-row">
      <KeyListField
        label={t('editor.remindersBefore')}
        path={`${path}.beforeDue`}
        value={(value.beforeDue ?? []).map(String)}
        onChange={(v) => set(['beforeDue'], v.map((x) => (x === '' ? x : Number(x))))}
      />
      <CheckField label={t('editor.remindersOnDue')} path={`${path}.onDue`} checked={value.onDue ?? true} onChange={(v) => set(['onDue'], v)} />
      <NumberField label={t('editor.remindersOverdue')} path={`${path}.overdueEvery`} value={value.overdueEvery} onChange={(v) => set(['overdueEvery'], v ?? null)} />
      <NumberField label={t('editor.remindersEscalate')} path={`${path}.escalateAfter`} value={value.escalateAfter} onChange={(v) => set(['escalateAfter'], v ?? null)} />
    </div>
  );
}


/** One French (and optional English) name per role, module milestone and date parameter the draft uses. */
function LabelsGroup({ draft, update }: { draft: TemplateDraft; update: (path: Path, value: unknown) => void }) {
  const { t } = useTranslation();
  const codes = listLabelledCodes(draft);
  if (!codes.length) return null;
  return (
    <Group title={t('editor.labels')}>
      <p className="muted small">{t('editor.labelsIntro')}</p>
      {codes.map(({ kind, key }, index) => {
        const label = draft.labels?.[kind]?.[key];
        // Named by its French name once it has one, by its rank among its kind before: never by its code.
        const n = codes.slice(0, index + 1).filter((c) => c.kind === kind).length;
        const name = label?.fr ? t(`editor.labelKind.${kind}`, { key: label.fr }) : t(`editor.labelKindUnnamed.${kind}`, { n });
        // An emptied English name is removed: the label stays French-only.
        return (
          <div className="field-row" key={`${kind}:${key}`} data-testid="label-row">
            <TextField label={`${name} — ${t('editor.labelFr')}`} path={`labels.${kind}.${key}.fr`} value={label?.fr ?? ''} onChange={(v) => update(['labels', kind, key, 'fr'], v)} />
            <TextField label={`${name} — ${t('editor.labelEn')}`} path={`labels.${kind}.${key}.en`} value={label?.en ?? ''} onChange={(v) => update(['labels', kind, key, 'en'], v || undefined)} />
          </div>
        );
      })}
    </Group>
  );
}

const blankName = () => ({ fr: '', en: '' });

/**
 * One indicator: its names, whole-life target and unit; periodic ones (issue 19) add the period, the
 * target per period, the role that enters the counts and the dimensions (a site…) with their values.
 */
function IndicatorEditor({ index, indicator, update, onRemove }: { index: number; indicator: IndicatorDraft; update(path: Path, value: unknown): void; onRemove(): void }) {
  const { t } = useTranslation();
  const at = `indicators.${index}`;
  const set = (rest: Path, value: unknown) => update(['indicators', index, ...rest], value);
  const dimensions = indicator.dimensions ?? [];
  // Shown when periodic, and whenever they hold something (an imported draft's problems stay next to their field).
  const periodic = Boolean(indicator.period) || indicator.targetPerPeriod !== undefined || dimensions.length > 0 || Boolean(indicator.recordedBy);
  return (
    <Group
      path={at}
      title={
        <>
          {t('editor.indicatorN', { n: index + 1 })} {indicator.name.fr && `— ${indicator.name.fr}`}{' '}
          <button type="button" className="link-button" onClick={onRemove}>
            {t('editor.removeIndicator')}
          </button>
        </>
      }
    >
      <div className="field-row">
        <TextField label={t('editor.key')} path={`${at}.key`} value={indicator.key} onChange={(v) => set(['key'], v)} />
        <TextField label={t('editor.nameFr')} path={`${at}.name.fr`} value={indicator.name.fr} onChange={(v) => set(['name', 'fr'], v)} />
        <TextField label={t('editor.nameEn')} path={`${at}.name.en`} value={indicator.name.en} onChange={(v) => set(['name', 'en'], v)} />
      </div>
      <div className="field-row">
        <NumberField label={t('editor.indicatorTarget')} path={`${at}.target`} value={indicator.target} onChange={(v) => set(['target'], v)} />
        <TextField label={t('editor.indicatorUnit')} path={`${at}.unit`} value={indicator.unit ?? ''} onChange={(v) => set(['unit'], v || undefined)} />
        <SelectField
          label={t('editor.indicatorPeriod')}
          path={`${at}.period`}
          value={indicator.period ?? 'none'}
          options={(['none', 'month', 'quarter', 'year'] as const).map((v) => ({ value: v, label: t(`editor.indicatorPeriods.${v}`) }))}
          onChange={(v) => set(['period'], v === 'none' ? undefined : v)}
        />
      </div>
      {periodic && (
        <>
          <div className="field-row">
            <NumberField label={t('editor.indicatorTargetPerPeriod')} path={`${at}.targetPerPeriod`} value={indicator.targetPerPeriod} onChange={(v) => set(['targetPerPeriod'], v)} />
            <TextField label={t('editor.indicatorRecordedBy')} path={`${at}.recordedBy`} value={indicator.recordedBy ?? ''} onChange={(v) => set(['recordedBy'], v.trim() || undefined)} />
          </div>
          <fieldset className="editor-inline">
            <legend>{t('editor.dimensions')}</legend>
            <FieldProblems path={`${at}.dimensions`} />
            {dimensions.map((dimension, d) => (
              <Group
                key={d}
                path={`${at}.dimensions.${d}`}
                title={
                  <>
                    {t('editor.dimension', { n: d + 1 })} {dimension.name.fr && `— ${dimension.name.fr}`}{' '}
                    <button type="button" className="link-button" onClick={() => set(['dimensions'], dimensions.length > 1 ? dimensions.filter((_, j) => j !== d) : undefined)}>
                      {t('editor.removeDimension')}
                    </button>
                  </>
                }
              >
                <div className="field-row">
                  <TextField label={t('editor.key')} path={`${at}.dimensions.${d}.key`} value={dimension.key} onChange={(v) => set(['dimensions', d, 'key'], v)} />
                  <TextField label={t('editor.nameFr')} path={`${at}.dimensions.${d}.name.fr`} value={dimension.name.fr} onChange={(v) => set(['dimensions', d, 'name', 'fr'], v)} />
                  <TextField label={t('editor.nameEn')} path={`${at}.dimensions.${d}.name.en`} value={dimension.name.en} onChange={(v) => set(['dimensions', d, 'name', 'en'], v)} />
                </div>
                <FieldProblems path={`${at}.dimensions.${d}.values`} />
                {dimension.values.map((value, v) => (
                  <div className="field-row" key={v} data-testid="dimension-value">
                    <TextField label={`${t('editor.dimensionValue', { n: v + 1 })} — ${t('editor.key')}`} path={`${at}.dimensions.${d}.values.${v}.key`} value={value.key} onChange={(x) => set(['dimensions', d, 'values', v, 'key'], x)} />
                    <TextField label={`${t('editor.dimensionValue', { n: v + 1 })} — ${t('editor.nameFr')}`} path={`${at}.dimensions.${d}.values.${v}.name.fr`} value={value.name.fr} onChange={(x) => set(['dimensions', d, 'values', v, 'name', 'fr'], x)} />
                    <TextField label={`${t('editor.dimensionValue', { n: v + 1 })} — ${t('editor.nameEn')}`} path={`${at}.dimensions.${d}.values.${v}.name.en`} value={value.name.en} onChange={(x) => set(['dimensions', d, 'values', v, 'name', 'en'], x)} />
                    <button type="button" className="link-button" onClick={() => set(['dimensions', d, 'values'], dimension.values.filter((_, j) => j !== v))}>
                      {t('editor.removeDimensionValue')}
                    </button>
                  </div>
                ))}
                <button type="button" onClick={() => set(['dimensions', d, 'values'], [...dimension.values, { key: `valeur-${dimension.values.length + 1}`, name: blankName() }])}>
                  {t('editor.addDimensionValue')}
                </button>
              </Group>
            ))}
            <button type="button" onClick={() => set(['dimensions'], [...dimensions, { key: `dimension-${dimensions.length + 1}`, name: blankName(), values: [{ key: 'valeur-1', name: blankName() }] }])}>
              {t('editor.addDimension')}
            </button>
          </fieldset>
        </>
      )}
    </Group>
  );
}

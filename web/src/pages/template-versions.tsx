import { useQuery } from '@tanstack/react-query';
import i18next from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { diffTemplates, type TemplateChange } from '../../../domain/template-diff';
import type { Template } from '../../../domain/template-schema';
import { api, unwrap } from '../api/client';
import { ProgrammeUpgrade } from '../components/programme-upgrade';
import { PageTitle, ProblemMessage, Skeleton } from '../components/ui';
import { isSteward, useSession } from '../lib/session';
import { formatDate } from '../lib/format';
import { useTemplateNames } from '../lib/programme-data';

function fetchVersion(key: string, version: number) {
  return unwrap(api.GET('/api/v1/templates/{key}', { params: { path: { key }, query: { version } } })) as Promise<unknown> as Promise<Template>;
}

/** /modeles/:key/versions: every version, and a readable diff between two of them. */
export function TemplateVersionsPage() {
  const { t } = useTranslation();
  const { key = '' } = useParams();
  const templateName = useTemplateNames();
  const me = useSession().data;
  const versions = useQuery({ queryKey: ['template-versions', key], queryFn: () => unwrap(api.GET('/api/v1/templates/{key}/versions', { params: { path: { key } } })) });
  const [picked, setPicked] = useState<{ from?: number; to?: number }>({});
  const items = versions.data?.items ?? [];
  const to = picked.to ?? items[0]?.version;
  const from = picked.from ?? items[1]?.version ?? items[0]?.version;
  const pair = useQuery({
    queryKey: ['template-diff', key, from, to],
    queryFn: async () => Promise.all([fetchVersion(key, from!), fetchVersion(key, to!)]),
    enabled: from !== undefined && to !== undefined,
    staleTime: Infinity,
  });
  if (versions.isPending) return <Skeleton lines={6} />;
  if (versions.error) return <ProblemMessage error={versions.error} />;
  const select = (which: 'from' | 'to', value: number | undefined) => (
    <select value={value} onChange={(e) => setPicked({ ...picked, [which]: Number(e.target.value) })}>
      {items.map((v) => (
        <option key={v.version} value={v.version}>
          {t('editor.versionOf', { version: v.version, date: formatDate(v.createdAt) })}
        </option>
      ))}
    </select>
  );
  return (
    <article>
      <p>
        <Link to={`/modeles/${key}`}>← {templateName(key)}</Link>
      </p>
      <PageTitle title={t('editor.diffTitle')}>{t('editor.diffTitle')}</PageTitle>
      <div className="field-row">
        <label className="field">
          <span>{t('editor.diffFrom')}</span>
          {select('from', from)}
        </label>
        <label className="field">
          <span>{t('editor.diffTo')}</span>
          {select('to', to)}
        </label>
      </div>
      {pair.isPending ? <Skeleton lines={4} /> : pair.error ? <ProblemMessage error={pair.error} /> : <ChangeList changes={diffTemplates(pair.data[0], pair.data[1])} templates={pair.data} />}
      {/* Issue 19: running programmes move to the version chosen on the right of the diff. */}
      {me && isSteward(me.role) && to !== undefined && <ProgrammeUpgrade templateKey={key} version={to} />}
    </article>
  );
}

type Named = { fr: string; en?: string };
const pick = (name: Named) => (i18next.language === 'en' && name.en ? name.en : name.fr);
const isNamed = (v: unknown): v is Named => typeof v === 'object' && v !== null && typeof (v as Named).fr === 'string';

/**
 * The names a person reads for the keys of two versions (the newer version's name where both have one): phases, steps,
 * indicators, sub-programmes, the template itself; a date to supply by its label. A key neither
 * version names gets the catalogue's neutral word, never the key.
 */
function nameKeys(templates: readonly Template[]): (key: string) => string {
  const names = new Map<string, string>();
  for (const tpl of templates) {
    names.set(tpl.key, pick(tpl.name));
    for (const [k, label] of Object.entries(tpl.labels?.dateParams ?? {})) names.set(k, pick(label));
    for (const [k, label] of Object.entries(tpl.labels?.roles ?? {})) names.set(k, pick(label));
    for (const phase of tpl.phases) {
      names.set(phase.key, pick(phase.name));
      for (const step of phase.steps) names.set(step.key, pick(step.name));
    }
    for (const indicator of tpl.indicators ?? []) names.set(indicator.key, pick(indicator.name));
    for (const child of tpl.children ?? []) if (isNamed(child.title)) names.set(child.key, pick(child.title));
  }
  return (key) => names.get(key) ?? i18next.t('editor.unnamed');
}

export function ChangeList({ changes, templates }: { changes: TemplateChange[]; templates: readonly Template[] }) {
  const { t } = useTranslation();
  if (!changes.length) return <p className="muted">{t('editor.diffNone')}</p>;
  const nameOf = nameKeys(templates);
  // Only values a person reads as they are: a text, a number, a yes/no, a name, a list of steps.
  // A rule (due date, assignee, reminders) is said to have changed, not dumped as data.
  const show = (v: unknown, field?: string): string | undefined => {
    if (v === undefined || v === null) return '—';
    // An indicator's period and recording role are codes: said by their words.
    if (field === 'period' && (v === 'month' || v === 'quarter' || v === 'year')) return t(`editor.indicatorPeriods.${v}`);
    if (field === 'recordedBy' && typeof v === 'string') return nameOf(v);
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return v.toLocaleString(i18next.language);
    if (typeof v === 'boolean') return t(v ? 'editor.yes' : 'editor.no');
    if (isNamed(v)) return pick(v);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.length ? v.map(nameOf).join(', ') : '—';
    return undefined;
  };
  return (
    <ul className="diff-list" data-testid="template-diff">
      {changes.map((c, i) => (
        <li key={i} className={`diff-${c.kind}`}>
          {c.kind === 'changed' ? (
            <>
              {t('editor.change.changed', { target: t(`editor.target.${c.target}`), key: nameOf(c.key), field: t(`editor.field.${c.field}` as 'editor.field.name') })}
              {show(c.before, c.field) !== undefined && show(c.after, c.field) !== undefined && (
                <div className="small">
                  <del>
                    {t('editor.before')} : <q>{show(c.before, c.field)}</q>
                  </del>{' '}
                  <ins>
                    {t('editor.after')} : <q>{show(c.after, c.field)}</q>
                  </ins>
                </div>
              )}
            </>
          ) : c.kind === 'moved' ? (
            t('editor.change.moved', { key: nameOf(c.key), before: nameOf(c.before), after: nameOf(c.after) })
          ) : c.kind === 'reordered' ? (
            <>
              {t('editor.change.reordered', { target: t(`editor.target.${c.target}`), key: nameOf(c.key) })} : {c.after.map(nameOf).join(' → ')}
            </>
          ) : (
            t(`editor.change.${c.kind}`, { target: t(`editor.target.${c.target}`), key: nameOf(c.key) })
          )}
        </li>
      ))}
    </ul>
  );
}

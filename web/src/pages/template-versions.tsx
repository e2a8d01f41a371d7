import { useQuery } from '@tanstack/react-query';
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
      {pair.isPending ? <Skeleton lines={4} /> : pair.error ? <ProblemMessage error={pair.error} /> : <ChangeList changes={diffTemplates(pair.data[0], pair.data[1])} />}
      {/* Issue 19: running programmes move to the version chosen on the right of the diff. */}
      {me && isSteward(me.role) && to !== undefined && <ProgrammeUpgrade templateKey={key} version={to} />}
    </article>
  );
}

export function ChangeList({ changes }: { changes: TemplateChange[] }) {
  const { t } = useTranslation();
  if (!changes.length) return <p className="muted">{t('editor.diffNone')}</p>;
  const show = (v: unknown) => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
  return (
    <ul className="diff-list" data-testid="template-diff">
      {changes.map((c, i) => (
        <li key={i} className={`diff-${c.kind}`}>
          {c.kind === 'changed' ? (
            <>
              {t('editor.change.changed', { target: t(`editor.target.${c.target}`), key: c.key, field: t(`editor.field.${c.field}` as 'editor.field.name') })}
              <div className="small">
                <del>
                  {t('editor.before')} : <code>{show(c.before)}</code>
                </del>{' '}
                <ins>
                  {t('editor.after')} : <code>{show(c.after)}</code>
                </ins>
              </div>
            </>
          ) : c.kind === 'moved' ? (
            t('editor.change.moved', { key: c.key, before: c.before, after: c.after })
          ) : c.kind === 'reordered' ? (
            <>
              {t('editor.change.reordered', { target: t(`editor.target.${c.target}`), key: c.key })} : {c.after.join(' → ')}
            </>
          ) : (
            t(`editor.change.${c.kind}`, { target: t(`editor.target.${c.target}`), key: c.key })
          )}
        </li>
      ))}
    </ul>
  );
}

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { PageTitle, ProblemMessage, Skeleton, StatusBadge } from '../components/ui';
import { formatDate, formatDateTime, formatNumber } from '../lib/format';
import { useTemplateNames } from '../lib/programme-data';
import { isSteward, type Me } from '../lib/session';

type ProgrammeRow = Awaited<ReturnType<typeof fetchPage>>['items'][number];
const SORTS = ['due', 'newest', 'name'] as const;
type Sort = (typeof SORTS)[number];
const PAGE_SIZE = 25;

function fetchPage(cursor?: string) {
  return unwrap(api.GET('/api/v1/programmes', { params: { query: { limit: 200, ...(cursor ? { cursor } : {}) } } }));
}

/** Every programme the reader may see (hundreds at most for an agency): sorted, searched and paged here. */
async function fetchAll(): Promise<ProgrammeRow[]> {
  const all: ProgrammeRow[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page += 1) {
    const res = await fetchPage(cursor);
    all.push(...res.items);
    if (!res.nextCursor) break;
    cursor = res.nextCursor;
  }
  return all;
}

/** French order for names: "Évaluation" next to "Evaluation", numbers as numbers. */
const collator = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });
const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

export function sortProgrammes(items: ProgrammeRow[], sort: Sort): ProgrammeRow[] {
  const byName = (a: ProgrammeRow, b: ProgrammeRow) => collator.compare(a.title, b.title);
  return [...items].sort((a, b) => {
    if (sort === 'name') return byName(a, b);
    if (sort === 'newest') return b.startDate.localeCompare(a.startDate) || byName(a, b);
    // Soonest due first; programmes with nothing due go last.
    if (a.nextDueAt && b.nextDueAt) return a.nextDueAt.localeCompare(b.nextDueAt) || byName(a, b);
    return a.nextDueAt ? -1 : b.nextDueAt ? 1 : byName(a, b);
  });
}

export function ProgrammesPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const templateName = useTemplateNames();
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const sortParam = params.get('tri') ?? '';
  const sort: Sort = (SORTS as readonly string[]).includes(sortParam) ? (sortParam as Sort) : 'due';
  const [page, setPage] = useState(0);
  const programmes = useQuery({ queryKey: ['programmes', 'all'], queryFn: fetchAll });
  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
    setPage(0);
  };
  const all = programmes.data ?? [];
  const titles = new Map(all.map((p) => [p.id, p.title]));
  const needle = fold(search.trim());
  const matching = needle
    ? all.filter((p) => fold(`${p.title} ${templateName(p.templateKey)} ${p.parentId ? (titles.get(p.parentId) ?? '') : ''}`).includes(needle))
    : all;
  const sorted = sortProgrammes(matching, sort);
  const pages = Math.max(1, Math.ceil(sorted.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const shown = sorted.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);
  return (
    <section>
      <header className="page-header">
        <PageTitle title={t('programmes.title')}>{t('programmes.title')}</PageTitle>
        {isSteward(me.role) && (
          <Link className="button primary" to="/programmes/nouveau">
            {t('programmes.new')}
          </Link>
        )}
      </header>
      <form className="filters" role="search" aria-label={t('programmes.searchLabel')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('programmes.search')}
          <input type="search" value={search} maxLength={200} onChange={(e) => setParam('q', e.target.value)} />
        </label>
        <label>
          {t('programmes.sort')}
          <select value={sort} onChange={(e) => setParam('tri', e.target.value === 'due' ? '' : e.target.value)}>
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {t(`programmes.sorts.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </form>
      {programmes.isPending ? (
        <Skeleton lines={6} height="16rem" />
      ) : programmes.error ? (
        <ProblemMessage error={programmes.error} />
      ) : all.length === 0 ? (
        <p className="empty">{t('programmes.empty')}</p>
      ) : sorted.length === 0 ? (
        <p className="empty" role="status">
          {t('programmes.noMatch', { search })}
        </p>
      ) : (
        <>
          <p className="muted small" role="status">
            {t('programmes.count', { count: sorted.length })}
          </p>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('dashboard.programme')}</th>
                  <th scope="col">{t('programmes.template')}</th>
                  <th scope="col">{t('programmes.status')}</th>
                  <th scope="col">{t('programmes.start')}</th>
                  <th scope="col">{t('programmes.nextDue')}</th>
                  <th scope="col">{t('programmes.late')}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((p) => (
                  <tr key={p.id} className={p.lateSteps > 0 ? 'row-late' : undefined} data-testid="programme-row">
                    <th scope="row">
                      <Link to={`/programmes/${p.id}`}>{p.title}</Link>
                      {p.parentId && titles.get(p.parentId) && <div className="muted small">{t('programmes.partOf', { parent: titles.get(p.parentId) })}</div>}
                    </th>
                    <td>{templateName(p.templateKey)}</td>
                    <td>
                      <StatusBadge status={p.status} />
                    </td>
                    <td>{formatDate(p.startDate)}</td>
                    <td>{formatDateTime(p.nextDueAt)}</td>
                    <td>{formatNumber(p.lateSteps)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {pages > 1 && (
            <nav className="row pager" aria-label={t('programmes.pages')}>
              <button type="button" onClick={() => setPage(current - 1)} disabled={current === 0}>
                {t('programmes.previous')}
              </button>
              <span>{t('programmes.pageOf', { page: current + 1, pages })}</span>
              <button type="button" onClick={() => setPage(current + 1)} disabled={current >= pages - 1}>
                {t('programmes.next')}
              </button>
            </nav>
          )}
        </>
      )}
    </section>
  );
}

import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { PageTitle, ProblemMessage, Skeleton, StatusBadge } from '../components/ui';
import { formatDate, formatDateTime } from '../lib/format';
import { isSteward, type Me } from '../lib/session';

export function ProgrammesPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const programmes = useInfiniteQuery({
    queryKey: ['programmes'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET('/api/v1/programmes', { params: { query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = programmes.data?.pages.flatMap((p) => p.items) ?? [];
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
      {programmes.isPending ? (
        <Skeleton lines={6} height="16rem" />
      ) : programmes.error ? (
        <ProblemMessage error={programmes.error} />
      ) : items.length === 0 ? (
        <p className="empty">{t('programmes.empty')}</p>
      ) : (
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
              {items.map((p) => (
                <tr key={p.id} className={p.lateSteps > 0 ? 'row-late' : undefined}>
                  <th scope="row">
                    {p.parentId && <span aria-hidden="true">↳ </span>}
                    <Link to={`/programmes/${p.id}`}>{p.title}</Link>
                  </th>
                  <td>{p.templateKey}</td>
                  <td>
                    <StatusBadge status={p.status} />
                  </td>
                  <td>{formatDate(p.startDate)}</td>
                  <td>{formatDateTime(p.nextDueAt)}</td>
                  <td>{p.lateSteps}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {programmes.hasNextPage && (
        <button type="button" onClick={() => void programmes.fetchNextPage()} disabled={programmes.isFetchingNextPage}>
          {t('programmes.more')}
        </button>
      )}
    </section>
  );
}

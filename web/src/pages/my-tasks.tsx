import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { PageTitle, ProblemMessage, Skeleton, StatusBadge } from '../components/ui';
import { formatDateTime } from '../lib/format';
import type { Me } from '../lib/session';

export function MyTasksPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const tasks = useInfiniteQuery({
    queryKey: ['tasks'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET('/api/v1/tasks', { params: { query: { limit: 100, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = tasks.data?.pages.flatMap((p) => p.items) ?? [];
  const late = items.filter((i) => i.late).length;
  return (
    <section>
      <PageTitle title={t('tasks.title')}>{t('tasks.title')}</PageTitle>
      <p className="muted">
        {me.organisation?.name ? `${me.organisation.name} — ` : ''}
        {t('tasks.intro')}
      </p>
      {tasks.isPending ? (
        <Skeleton lines={5} height="14rem" />
      ) : tasks.error ? (
        <ProblemMessage error={tasks.error} />
      ) : items.length === 0 ? (
        <p className="empty">{t('tasks.empty')}</p>
      ) : (
        <>
          <p aria-live="polite">
            {t('tasks.count', { count: items.length })}
            {late > 0 && <strong className="late-text"> {t('tasks.lateCount', { count: late })}</strong>}
          </p>
          <ul className="task-list">
            {items.map((item) => {
              const to = item.kind === 'gate' ? `/programmes/${item.programmeId}#phase-${item.phaseKey}` : `/programmes/${item.programmeId}/etapes/${encodeURIComponent(item.stepKey)}`;
              return (
                <li key={`${item.programmeId}:${item.kind}:${item.stepKey}`} className={`task ${item.late ? 'task-late' : ''}`} data-testid="task">
                  <div className="task-main">
                    <Link to={to} className="task-name">
                      {item.stepName}
                    </Link>
                    <span className="muted">{item.programmeTitle}</span>
                  </div>
                  <div className="task-meta">
                    <span className="due">
                      <span className="visually-hidden">{t('tasks.due')} : </span>
                      {item.dueAt ? <time dateTime={item.dueAt}>{formatDateTime(item.dueAt)}</time> : t('status.noDue')}
                    </span>
                    {item.late ? <StatusBadge status="late" /> : <StatusBadge status={item.kind === 'gate' ? 'awaiting_gate' : item.status} />}
                  </div>
                </li>
              );
            })}
          </ul>
          {tasks.hasNextPage && (
            <button type="button" disabled={tasks.isFetchingNextPage} onClick={() => void tasks.fetchNextPage()}>
              {t('programmes.more')}
            </button>
          )}
        </>
      )}
    </section>
  );
}

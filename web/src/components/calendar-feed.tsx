import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client';
import { formatDateTime } from '../lib/format';
import { useSubmission } from '../lib/submission';
import { Notice, ProblemMessage, Skeleton } from './ui';

/**
 * "S'abonner au calendrier": a feed link of its own (a token good for the .ics feed only, kept hashed by
 * the server), shown once when made, with copy, regenerate (the old link stops) and revoke. Signing out
 * does not stop it.
 */
export function CalendarFeed() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const state = useQuery({ queryKey: ['calendar-feed'], queryFn: () => unwrap(api.GET('/api/v1/me/calendar-feed')) });
  const [url, setUrl] = useState<string>();
  const [copied, setCopied] = useState(false);
  const make = useSubmission((_: void, headers) => unwrap(api.POST('/api/v1/me/calendar-feed', { headers })), {
    onSuccess: async (feed) => {
      setUrl(feed.url);
      setCopied(false);
      await queryClient.invalidateQueries({ queryKey: ['calendar-feed'] });
    },
  });
  const revoke = useSubmission((_: void, headers) => unwrap(api.DELETE('/api/v1/me/calendar-feed', { headers })), {
    onSuccess: async () => {
      setUrl(undefined);
      await queryClient.invalidateQueries({ queryKey: ['calendar-feed'] });
    },
  });
  const copy = async () => {
    if (!url) return;
    await navigator.clipboard.writeText(url).catch(() => undefined);
    setCopied(true);
  };
  const busy = make.isPending || revoke.isPending;
  return (
    <section className="card narrow" aria-labelledby="calendar-feed-title" data-testid="calendar-feed">
      <h2 id="calendar-feed-title">{t('calendarFeed.title')}</h2>
      <p>{t('calendarFeed.intro')}</p>
      {state.isPending ? (
        <Skeleton lines={2} />
      ) : url ? (
        <div className="stack">
          <label>
            {t('calendarFeed.link')}
            <input type="text" readOnly value={url} onFocus={(e) => e.target.select()} data-testid="calendar-feed-url" />
          </label>
          <p className="muted small">{t('calendarFeed.shownOnce')}</p>
          <button type="button" className="primary" onClick={() => void copy()}>
            {t('calendarFeed.copy')}
          </button>
          {copied && <Notice>{t('calendarFeed.copied')}</Notice>}
        </div>
      ) : state.data?.active ? (
        <p>{t('calendarFeed.active', { date: formatDateTime(state.data.createdAt) })}</p>
      ) : null}
      <div className="controls">
        {!state.data?.active && !url ? (
          <button type="button" className="primary" onClick={() => make.mutate()} disabled={busy}>
            {t('calendarFeed.subscribe')}
          </button>
        ) : (
          <>
            <button type="button" onClick={() => make.mutate()} disabled={busy}>
              {t('calendarFeed.regenerate')}
            </button>
            <button type="button" className="danger" onClick={() => revoke.mutate()} disabled={busy}>
              {t('calendarFeed.revoke')}
            </button>
          </>
        )}
      </div>
      <ProblemMessage error={state.error ?? make.error ?? revoke.error} />
    </section>
  );
}

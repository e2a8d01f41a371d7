import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client';
import { useSubmission } from '../lib/submission';
import { CalendarFeed } from '../components/calendar-feed';
import { Notice, PageTitle, ProblemMessage, Skeleton } from '../components/ui';

interface Preferences {
  delivery: 'immediate' | 'digest';
  quietHours: { start: string; end: string } | null;
}

/** Signed in, or opened from the signed link in an e-mail (token), without a session. */
export function PreferencesPage({ token }: { token?: string }) {
  const { t } = useTranslation();
  const current = useQuery({
    queryKey: ['preferences', token ?? 'me'],
    queryFn: (): Promise<Preferences> =>
      token ? unwrap(api.GET('/api/v1/notification-preferences/by-token', { params: { query: { token } } })) : unwrap(api.GET('/api/v1/me/notification-preferences')),
  });
  return (
    <>
      <section className="card narrow">
        <PageTitle title={t('preferences.title')}>{t('preferences.title')}</PageTitle>
        {current.isPending ? (
          <Skeleton lines={4} />
        ) : current.error ? (
          <ProblemMessage error={current.error} />
        ) : (
          <PreferencesForm initial={current.data} token={token} />
        )}
      </section>
      {!token && <CalendarFeed />}
    </>
  );
}

function PreferencesForm({ initial, token }: { initial: Preferences; token?: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [delivery, setDelivery] = useState<Preferences['delivery']>(initial.delivery);
  const [quiet, setQuiet] = useState<Preferences['quietHours']>(initial.quietHours);
  const save = useSubmission(
    (body: { delivery: Preferences['delivery']; quietHours: Preferences['quietHours'] }, headers) =>
      token ? unwrap(api.PATCH('/api/v1/notification-preferences/by-token', { params: { query: { token } }, body, headers })) : unwrap(api.PATCH('/api/v1/me/notification-preferences', { body, headers })),
    { onSuccess: () => queryClient.invalidateQueries({ queryKey: ['preferences'] }) },
  );
  return (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({ delivery, quietHours: quiet });
          }}
        >
          <fieldset>
            <legend>{t('preferences.delivery')}</legend>
            {(['immediate', 'digest'] as const).map((d) => (
              <label key={d} className="inline">
                <input type="radio" name="delivery" value={d} checked={delivery === d} onChange={() => setDelivery(d)} /> {t(`preferences.${d}`)}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t('preferences.quietHours')}</legend>
            <label className="inline">
              <input type="checkbox" checked={quiet === null} onChange={(e) => setQuiet(e.target.checked ? null : { start: '20:00', end: '08:00' })} /> {t('preferences.noQuietHours')}
            </label>
            {quiet && (
              <div className="row">
                <label>
                  {t('preferences.quietStart')}
                  <input type="time" required value={quiet.start} onChange={(e) => setQuiet({ ...quiet, start: e.target.value })} />
                </label>
                <label>
                  {t('preferences.quietEnd')}
                  <input type="time" required value={quiet.end} onChange={(e) => setQuiet({ ...quiet, end: e.target.value })} />
                </label>
              </div>
            )}
          </fieldset>
          <ProblemMessage error={save.error} />
          {save.isSuccess && <Notice>{t('preferences.saved')}</Notice>}
          <button type="submit" className="primary" disabled={save.isPending}>
            {t('preferences.save')}
          </button>
        </form>
  );
}

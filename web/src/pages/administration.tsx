import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client';
import { Notice, PageTitle, ProblemMessage, Skeleton } from '../components/ui';
import { formatDate } from '../lib/format';
import { fetchAllPages } from '../lib/programme-data';
import type { Me } from '../lib/session';
import { useSubmission } from '../lib/submission';

const PAGE = 200;


/** Offboarding for admins: deactivate or reactivate a user; rename, archive or restore an organisation. */
export function AdministrationPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  return (
    <article>
      <PageTitle title={t('administration.title')}>{t('administration.title')}</PageTitle>
      <UsersSection me={me} />
      <OrganisationsSection />
    </article>
  );
}

function UsersSection({ me }: { me: Me }) {
  const { t } = useTranslation();
  const users = useQuery({
    queryKey: ['users', 'all'],
    queryFn: () => fetchAllPages((cursor) => unwrap(api.GET('/api/v1/users', { params: { query: { limit: PAGE, ...(cursor ? { cursor } : {}) } } }))),
  });
  // Active people first, then by name.
  const items = [...(users.data ?? [])].sort((a, b) => Number(a.deactivatedAt !== null) - Number(b.deactivatedAt !== null) || a.name.localeCompare(b.name, 'fr'));
  return (
    <section aria-labelledby="admin-users" data-testid="admin-users">
      <h2 id="admin-users">{t('administration.users')}</h2>
      <p className="muted small">{t('administration.deactivateHelp')}</p>
      {users.isPending ? (
        <Skeleton lines={4} />
      ) : users.error ? (
        <ProblemMessage error={users.error} />
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('administration.name')}</th>
              <th scope="col">{t('administration.email')}</th>
              <th scope="col">{t('administration.role')}</th>
              <th scope="col">{t('administration.state')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('administration.deactivate')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((u) => (
              <UserRow key={u.id} user={u} self={u.id === me.id} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

type UserItem = { id: string; name: string; email: string; role: 'admin' | 'coordinator' | 'manager' | 'partner'; deactivatedAt: string | null };

function UserRow({ user, self }: { user: UserItem; self: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['users'] });
  const deactivate = useSubmission((_: void, headers) => unwrap(api.POST('/api/v1/users/{id}/deactivate', { params: { path: { id: user.id } }, headers })), { onSuccess: refresh });
  const reactivate = useSubmission((_: void, headers) => unwrap(api.POST('/api/v1/users/{id}/reactivate', { params: { path: { id: user.id } }, headers })), { onSuccess: refresh });
  const busy = deactivate.isPending || reactivate.isPending;
  return (
    <tr data-testid="admin-user">
      <td>
        {user.name}
        {self && <span className="muted small"> ({t('administration.you')})</span>}
      </td>
      <td>{user.email}</td>
      <td>{t(`roles.${user.role}`)}</td>
      <td>{user.deactivatedAt ? t('administration.deactivated', { date: formatDate(user.deactivatedAt) }) : t('administration.active')}</td>
      <td>
        {!self &&
          (user.deactivatedAt ? (
            <button type="button" onClick={() => reactivate.mutate()} disabled={busy} aria-label={`${t('administration.reactivate')} ${user.name}`}>
              {t('administration.reactivate')}
            </button>
          ) : (
            <button type="button" className="danger" onClick={() => deactivate.mutate()} disabled={busy} aria-label={`${t('administration.deactivate')} ${user.name}`}>
              {t('administration.deactivate')}
            </button>
          ))}
        <ProblemMessage error={deactivate.error ?? reactivate.error} />
      </td>
    </tr>
  );
}

function OrganisationsSection() {
  const { t } = useTranslation();
  const [archived, setArchived] = useState(false);
  const organisations = useQuery({
    queryKey: ['organisations', 'admin', archived],
    queryFn: () =>
      fetchAllPages((cursor) => unwrap(api.GET('/api/v1/organisations', { params: { query: { limit: PAGE, ...(archived ? { archived: 'true' as const } : {}), ...(cursor ? { cursor } : {}) } } }))),
  });
  const items = [...(organisations.data ?? [])].sort((a, b) => a.name.localeCompare(b.name, 'fr'));
  return (
    <section aria-labelledby="admin-organisations" data-testid="admin-organisations">
      <h2 id="admin-organisations">{t('administration.organisations')}</h2>
      <p className="muted small">{t('administration.archiveHelp')}</p>
      <label className="checkbox">
        <input type="checkbox" checked={archived} onChange={(e) => setArchived(e.target.checked)} /> {t('administration.showArchived')}
      </label>
      {organisations.isPending ? (
        <Skeleton lines={4} />
      ) : organisations.error ? (
        <ProblemMessage error={organisations.error} />
      ) : (
        <ul className="stack">
          {items.map((o) => (
            <OrganisationRow key={o.id} organisation={o} />
          ))}
        </ul>
      )}
    </section>
  );
}

function OrganisationRow({ organisation }: { organisation: { id: string; name: string; archivedAt: string | null } }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [name, setName] = useState(organisation.name);
  const change = useSubmission(
    (body: { name: string } | { archived: boolean }, headers) => unwrap(api.PATCH('/api/v1/organisations/{id}', { params: { path: { id: organisation.id } }, body, headers })),
    { onSuccess: () => queryClient.invalidateQueries({ queryKey: ['organisations'] }) },
  );
  return (
    <li data-testid="admin-organisation">
      <form
        className="controls"
        onSubmit={(e) => {
          e.preventDefault();
          change.mutate({ name: name.trim() });
        }}
      >
        <label>
          <span className="visually-hidden">{t('administration.newName', { name: organisation.name })}</span>
          <input type="text" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit" disabled={change.isPending || !name.trim() || name.trim() === organisation.name}>
          {t('administration.rename')}
        </button>
        {organisation.archivedAt ? (
          <>
            <span className="muted small">{t('administration.archivedOn', { date: formatDate(organisation.archivedAt) })}</span>
            <button type="button" onClick={() => change.mutate({ archived: false })} disabled={change.isPending}>
              {t('administration.restore')}
            </button>
          </>
        ) : (
          <button type="button" className="danger" onClick={() => change.mutate({ archived: true })} disabled={change.isPending} aria-label={`${t('administration.archive')} ${organisation.name}`}>
            {t('administration.archive')}
          </button>
        )}
      </form>
      <ProblemMessage error={change.error} />
      {change.isSuccess && <Notice>{t('administration.done')}</Notice>}
    </li>
  );
}

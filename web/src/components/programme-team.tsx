import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client';
import { fetchAllPages } from '../lib/programme-data';
import { useSubmission } from '../lib/submission';
import { Notice, ProblemMessage, Skeleton } from './ui';

/** Every active coordinator, page after page (GET /users answers coordinators only to a coordinator). */
async function fetchCoordinators() {
  const items = await fetchAllPages((cursor) => unwrap(api.GET('/api/v1/users', { params: { query: { role: 'coordinator', limit: 200, ...(cursor ? { cursor } : {}) } } })));
  return items.filter((u) => u.deactivatedAt === null);
}

/**
 * A programme's team (GET/PUT /programmes/:id/team): who acts on it. Staff read it; its team and admins
 * change the coordinators added to it (the programme's own coordinator and a parent's team stay).
 */
export function ProgrammeTeam({ programmeId, canEdit }: { programmeId: string; canEdit: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const team = useQuery({ queryKey: ['programme', programmeId, 'team'], queryFn: () => unwrap(api.GET('/api/v1/programmes/{id}/team', { params: { path: { id: programmeId } } })) });
  return (
    <section aria-labelledby="team" data-testid="programme-team">
      <h2 id="team">{t('team.title')}</h2>
      <p className="muted small">{t('team.intro')}</p>
      {team.isPending ? (
        <Skeleton lines={2} />
      ) : team.error ? (
        <ProblemMessage error={team.error} />
      ) : team.data.members.length === 0 ? (
        <p className="muted">{t('team.empty')}</p>
      ) : (
        <ul data-testid="team-members">
          {team.data.members.map((m) => (
            <li key={`${m.userId}:${m.via}`}>
              {m.name} <span className="muted small">({t(`team.via.${m.via}`)})</span>
            </li>
          ))}
        </ul>
      )}
      {canEdit && team.data && (
        <TeamEditor
          programmeId={programmeId}
          // Only the members added to this programme are edited here.
          initial={team.data.members.filter((m) => m.via === 'member').map((m) => m.userId)}
          fixed={new Set(team.data.members.filter((m) => m.via !== 'member').map((m) => m.userId))}
          onSaved={() => queryClient.invalidateQueries({ queryKey: ['programme', programmeId] })}
        />
      )}
    </section>
  );
}

function TeamEditor({ programmeId, initial, fixed, onSaved }: { programmeId: string; initial: string[]; fixed: Set<string>; onSaved: () => Promise<unknown> }) {
  const { t } = useTranslation();
  const coordinators = useQuery({ queryKey: ['users', 'coordinators'], queryFn: fetchCoordinators, staleTime: 60_000 });
  const [members, setMembers] = useState<string[]>(initial);
  const save = useSubmission((body: { members: string[] }, headers) => unwrap(api.PUT('/api/v1/programmes/{id}/team', { params: { path: { id: programmeId } }, body, headers })), {
    onSuccess: () => onSaved(),
  });
  const candidates = (coordinators.data ?? []).filter((u) => !fixed.has(u.id));
  const toggle = (id: string, on: boolean) => setMembers((current) => (on ? [...current.filter((m) => m !== id), id] : current.filter((m) => m !== id)));
  return (
    <details className="team-editor">
      <summary>{t('team.edit')}</summary>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ members: [...members].sort() });
        }}
      >
        <fieldset>
          <legend>{t('team.choose')}</legend>
          {coordinators.isPending ? (
            <Skeleton lines={2} />
          ) : coordinators.error ? (
            <ProblemMessage error={coordinators.error} />
          ) : candidates.length === 0 ? (
            <p className="muted">{t('team.noCandidates')}</p>
          ) : (
            candidates.map((u) => (
              <label key={u.id} className="checkbox">
                <input type="checkbox" checked={members.includes(u.id)} onChange={(e) => toggle(u.id, e.target.checked)} /> {u.name}
              </label>
            ))
          )}
        </fieldset>
        <ProblemMessage error={save.error} />
        {save.isSuccess && <Notice>{t('team.saved')}</Notice>}
        <button type="submit" className="primary" disabled={save.isPending || coordinators.isPending}>
          {t('team.save')}
        </button>
      </form>
    </details>
  );
}

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { AssigneeLabel } from '../components/assignee';
import { DeliverableList } from '../components/deliverables';
import { OrganisationPicker, type PickedOrganisation } from '../components/organisation-picker';
import { EventList } from '../components/event-list';
import { PeriodicIndicator } from '../components/periodic-indicator';
import { ProgrammeTeam } from '../components/programme-team';
import { ProgrammeTimeline } from '../components/programme-timeline';
import { Notice, PageTitle, ProblemMessage, Skeleton, StatusBadge } from '../components/ui';
import { formatDate, formatDateTime, formatNumber, formatTime, localName, todayInParis } from '../lib/format';
import { milestoneLabel, outcomeLabel, slotLabel } from '../lib/labels';
import { refreshAfterChange, useOrganisationNames, useProgramme, useProgrammeAction, useProgrammeEvents, useTemplateNames, type PhaseView, type ProgrammeView, type StepView } from '../lib/programme-data';
import { isSteward, useSession, type Me } from '../lib/session';
import { templateStepKey } from '../../../domain/step-row-key';
import { useSubmission } from '../lib/submission';

export function ProgrammePage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const location = useLocation();
  const programme = useProgramme(id);
  const events = useProgrammeEvents(id);
  const templateName = useTemplateNames();
  const { names } = useOrganisationNames(me.role !== 'partner');
  if (me.organisation) names.set(me.organisation.id, me.organisation.name);
  // Links from e-mails and tasks point at #step-… / #phase-…: scroll there once the data is in.
  useEffect(() => {
    if (programme.data && location.hash) document.getElementById(decodeURIComponent(location.hash.slice(1)))?.scrollIntoView();
  }, [programme.data, location.hash]);
  if (programme.isPending) return <Skeleton lines={10} height="30rem" />;
  if (programme.error) return <ProblemMessage error={programme.error} />;
  const p = programme.data;
  // Coordinator actions for those on the programme's team (admins always); other coordinators read.
  const steward = isSteward(me.role) && p.onTeam;
  const stepNames = new Map(p.phases.flatMap((ph) => ph.steps.map((s) => [templateStepKey(s.key), localName(s)] as const)));
  return (
    <article className="programme-page">
      <header className="page-header">
        <div>
          <PageTitle title={p.title}>{p.title}</PageTitle>
          <p className="muted">
            {t('programme.template', { name: templateName(p.templateKey), version: p.templateVersion })} · {t('programme.startedOn', { date: formatDate(p.startDate) })} · <StatusBadge status={p.status} />
          </p>
          {p.parentId && (
            <p>
              <Link to={`/programmes/${p.parentId}`}>← {t('programme.parent')}</Link>
            </p>
          )}
          {(me.role === 'manager' || me.role === 'admin' || steward) && (
            <p className="no-print">
              <Link to={`/programmes/${encodeURIComponent(p.id)}/bilan`}>{t('report.open')}</Link>
              {steward && (
                <>
                  {' · '}
                  <Link to={`/programmes/${encodeURIComponent(p.id)}/import`}>{t('importPage.open')}</Link>
                </>
              )}
            </p>
          )}
        </div>
        {steward && <ProgrammeControls programme={p} />}
      </header>

      <section aria-labelledby="timeline">
        <h2 id="timeline">{t('programme.timeline')}</h2>
        <p className="muted small">{t('programme.timelineHelp')}</p>
        <ProgrammeTimeline programme={p} />
      </section>

      <section aria-labelledby="phases">
        <h2 id="phases">{t('programme.phases')}</h2>
        {p.phases.map((phase) => (
          <PhaseBlock key={phase.key} programme={p} phase={phase} steward={steward} names={names} />
        ))}
      </section>

      <div className="columns">
        <section aria-labelledby="partners">
          <h2 id="partners">{t('programme.partners')}</h2>
          {p.partners.length === 0 ? (
            <p className="muted">{t('programme.noPartners')}</p>
          ) : (
            <ul>
              {p.partners.map((partner) => (
                <li key={`${partner.organisationId}:${partner.phaseKey}`}>
                  {names.get(partner.organisationId) ?? partner.organisationId} — {localName(p.phases.find((ph) => ph.key === partner.phaseKey) ?? { name: partner.phaseKey })}
                  {partner.slot ? ` (${slotLabel(partner.slot, p.labels)})` : ''}
                </li>
              ))}
            </ul>
          )}
          {steward && p.status === 'active' && <EnrolForm programme={p} />}
        </section>

        <section aria-labelledby="indicators">
          <h2 id="indicators">{t('programme.indicators')}</h2>
          {p.indicators.length === 0 ? (
            <p className="muted">{t('dashboard.noIndicators')}</p>
          ) : (
            <ul className="indicators">
              {p.indicators.map((i) => (
                <li key={i.key}>
                  <span>{i.name}</span>{' '}
                  <strong>
                    {formatNumber(i.actual)}
                    {i.target !== null ? ` / ${formatNumber(i.target)}` : ''}
                  </strong>
                  {i.target !== null && <progress max={i.target} value={Math.min(i.actual, i.target)} aria-label={i.name} />}
                </li>
              ))}
            </ul>
          )}
          {p.children.length > 0 && (
            <>
              <h2>{t('programme.children')}</h2>
              <ul>
                {p.children.map((c) => (
                  <li key={c.id}>
                    <Link to={`/programmes/${c.id}`}>{c.title}</Link> <StatusBadge status={c.status} />
                  </li>
                ))}
              </ul>
            </>
          )}
          {p.milestones.length > 0 && (
            <>
              <h2>{t('programme.milestones')}</h2>
              <ul>
                {p.milestones.map((m) => (
                  <li key={`${m.key}:${m.at}`}>
                    {milestoneLabel(m.key, p.labels, stepNames)} — {formatDate(m.at)}
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      </div>

      {p.indicators.some((i) => i.period) && (
        <section aria-labelledby="periodic-indicators">
          <h2 id="periodic-indicators">{t('periodic.title')}</h2>
          {p.indicators
            .filter((i) => i.period)
            .map((i) => (
              <PeriodicIndicator key={i.key} programme={p} indicator={i} me={me} />
            ))}
        </section>
      )}

      {me.role !== 'partner' && <ProgrammeTeam programmeId={p.id} canEdit={steward} />}

      {me.role !== 'partner' && <NotificationsSection programmeId={id} />}

      <section aria-labelledby="audit">
        <h2 id="audit">{t('programme.audit')}</h2>
        {events.isPending ? <Skeleton lines={3} /> : events.error ? <ProblemMessage error={events.error} /> : <AuditTrail events={events} labels={p.labels} />}
      </section>
    </article>
  );
}

/** The whole journal, newest first, one page at a time. */
function AuditTrail({ events, labels }: { events: ReturnType<typeof useProgrammeEvents>; labels: ProgrammeView['labels'] }) {
  const { t } = useTranslation();
  return (
    <>
      <EventList events={events.items} empty={t('programme.noAudit')} labels={labels} />
      {events.hasNextPage && (
        <button type="button" data-testid="older-events" disabled={events.isFetchingNextPage} onClick={() => void events.fetchNextPage()}>
          {t('programme.olderEvents')}
        </button>
      )}
    </>
  );
}

function ProgrammeControls({ programme }: { programme: ProgrammeView }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const path = { params: { path: { id: programme.id } } };
  const pause = useProgrammeAction(programme.id, (_: void, headers) => unwrap(api.POST('/api/v1/programmes/{id}/pause', { ...path, headers })));
  const resume = useProgrammeAction(programme.id, (_: void, headers) => unwrap(api.POST('/api/v1/programmes/{id}/resume', { ...path, headers })));
  const cancel = useProgrammeAction(programme.id, (body: { reason: string }, headers) => unwrap(api.POST('/api/v1/programmes/{id}/cancel', { ...path, body, headers })));
  if (programme.status === 'completed' || programme.status === 'cancelled') return null;
  return (
    <div className="controls">
      {programme.status === 'active' ? (
        <button type="button" onClick={() => pause.mutate(undefined)} disabled={pause.isPending}>
          {t('programme.pause')}
        </button>
      ) : (
        <button type="button" onClick={() => resume.mutate(undefined)} disabled={resume.isPending}>
          {t('programme.resume')}
        </button>
      )}
      <details>
        <summary>{t('programme.cancelProgramme')}</summary>
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            cancel.mutate({ reason: reason.trim() });
          }}
        >
          <label>
            {t('programme.cancelReason')}
            <input type="text" required minLength={3} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="submit" className="danger" disabled={reason.trim().length < 3 || cancel.isPending}>
            {t('programme.confirmCancel')}
          </button>
        </form>
      </details>
      <ProblemMessage error={pause.error ?? resume.error ?? cancel.error} />
    </div>
  );
}

function PhaseBlock({ programme, phase, steward, names }: { programme: ProgrammeView; phase: PhaseView; steward: boolean; names: Map<string, string> }) {
  const { t } = useTranslation();
  const approve = useProgrammeAction(programme.id, (_: void, headers) => unwrap(api.POST('/api/v1/programmes/{id}/phases/{phaseKey}/approve', { params: { path: { id: programme.id, phaseKey: phase.key } }, headers })));
  return (
    <section className={`phase phase-${phase.status}`} id={`phase-${phase.key}`} aria-labelledby={`phase-title-${phase.key}`} data-testid="phase">
      <header className="phase-header">
        <h3 id={`phase-title-${phase.key}`}>
          {localName(phase)} <StatusBadge status={phase.status} />
        </h3>
        {phase.capacity && <p className="small">{t('programme.capacity', { enrolled: phase.capacity.enrolled, max: phase.capacity.max, min: phase.capacity.min, remaining: Math.max(0, phase.capacity.max - phase.capacity.enrolled) })}</p>}
      </header>
      {phase.status === 'awaiting_gate' && steward && (
        <div className="gate">
          <p>{t('programme.gateWaiting')}</p>
          <button type="button" className="primary" onClick={() => approve.mutate(undefined)} disabled={approve.isPending}>
            {t('programme.approveGate')}
          </button>
          <ProblemMessage error={approve.error} />
        </div>
      )}
      {phase.steps.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('tasks.step')}</th>
                <th scope="col">{t('tasks.status')}</th>
                <th scope="col">{t('step.assignee')}</th>
                <th scope="col">{t('tasks.due')}</th>
                <th scope="col">{t('step.deliverables')}</th>
              </tr>
            </thead>
            <tbody>
              {phase.steps.map((step) => (
                <StepRow key={step.key} programme={programme} step={step} steward={steward} names={names} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function StepRow({ programme, step, steward, names }: { programme: ProgrammeView; step: StepView; steward: boolean; names: Map<string, string> }) {
  const { t } = useTranslation();
  return (
    <tr id={`step-${step.key}`} className={step.late ? 'row-late' : undefined} data-testid="step-row">
      <th scope="row">
        <Link to={`/programmes/${programme.id}/etapes/${encodeURIComponent(step.key)}`}>{localName(step)}</Link>
        {step.occurrence && <span className="muted small"> ({t('editor.previewOccurrence', { n: step.occurrence.n })})</span>}
        {step.outcome && <span className="muted small"> — {outcomeLabel(step.outcome, programme.labels)}</span>}
        {step.milestone && <span className="badge badge-neutral">{t('templates.milestone')}</span>}
      </th>
      <td>{step.late ? <StatusBadge status="late" /> : <StatusBadge status={step.status} />}</td>
      <td>
        <AssigneeLabel assignee={step.assignee} names={names} labels={programme.labels} />
      </td>
      <td>
        {step.dueAt ? <time dateTime={step.dueAt}>{formatDateTime(step.dueAt)}</time> : '—'}
        {steward && step.status !== 'completed' && step.status !== 'cancelled' && programme.status === 'active' && <ExtendDueForm programmeId={programme.id} step={step} />}
      </td>
      <td>
        <DeliverableList programmeId={programme.id} step={step} canReview={false} compact />
        {steward && step.deliverables.some((d) => d.status === 'submitted') && (
          <Link to={`/programmes/${programme.id}/etapes/${encodeURIComponent(step.key)}`} className="small">
            {t('programme.review')}
          </Link>
        )}
      </td>
    </tr>
  );
}

function ExtendDueForm({ programmeId, step }: { programmeId: string; step: StepView }) {
  const { t } = useTranslation();
  const [dueDate, setDueDate] = useState(step.dueDate ?? todayInParis());
  const [reason, setReason] = useState('');
  const dueTime = useSession().data?.dueTime;
  const extend = useProgrammeAction(programmeId, (body: { dueDate: string; reason?: string }, headers) =>
    unwrap(api.PATCH('/api/v1/programmes/{id}/steps/{stepKey}', { params: { path: { id: programmeId, stepKey: step.key } }, body, headers })),
  );
  return (
    <details className="extend">
      <summary>{t('programme.extend')}</summary>
      <form
        className="stack"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          extend.mutate(reason.trim() ? { dueDate, reason: reason.trim() } : { dueDate });
        }}
      >
        <label>
          {t('programme.newDue')}
          <input type="date" required value={dueDate} onChange={(e) => setDueDate(e.target.value)} />
        </label>
        {dueTime && <p className="muted small" data-testid="due-time-hint">{t('programme.closesAt', { time: formatTime(dueTime) })}</p>}
        <label>
          {t('programme.reason')}
          <input type="text" maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        <ProblemMessage error={extend.error} />
        {extend.isSuccess && <Notice>{t('programme.done')}</Notice>}
        <button type="submit" disabled={extend.isPending}>
          {t('programme.save')}
        </button>
      </form>
    </details>
  );
}

function EnrolForm({ programme }: { programme: ProgrammeView }) {
  const { t } = useTranslation();
  const openPhases = programme.phases.filter((p) => p.status !== 'completed' && p.status !== 'cancelled');
  const [organisation, setOrganisation] = useState<PickedOrganisation | null>(null);
  const [phaseKey, setPhaseKey] = useState(openPhases.find((p) => p.capacity)?.key ?? openPhases[0]?.key ?? '');
  const [slot, setSlot] = useState('');
  // The template's roles (its steps', its indicators' and its sub-programmes'): chosen by their name, never typed as a code.
  const slots = [...new Set([...programme.phases.flatMap((p) => p.steps).flatMap((st) => (st.assignee.kind === 'slot' && st.assignee.slot ? [st.assignee.slot] : [])), ...Object.keys(programme.labels.roles ?? {})])];
  const queryClient = useQueryClient();
  const enrol = useSubmission((body: { organisationId: string; phaseKey: string; slot?: string }, headers) => unwrap(api.POST('/api/v1/programmes/{id}/partners', { params: { path: { id: programme.id } }, body, headers })), {
    onSuccess: async () => {
      // Ready for the next partner: the field empties, the phase and role stay.
      setOrganisation(null);
      await refreshAfterChange(queryClient, programme.id);
    },
  });
  return (
    <details className="enrol">
      <summary>{t('programme.enrol')}</summary>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (organisation) enrol.mutate({ organisationId: organisation.id, phaseKey, ...(slot ? { slot } : {}) });
        }}
      >
        <OrganisationPicker label={t('programme.organisation')} required value={organisation} onChange={setOrganisation} />
        <label>
          {t('programme.phase')}
          <select required value={phaseKey} onChange={(e) => setPhaseKey(e.target.value)}>
            {openPhases.map((p) => (
              <option key={p.key} value={p.key}>
                {localName(p)}
                {p.capacity ? ` — ${t('programme.placesLeft', { count: Math.max(0, p.capacity.max - p.capacity.enrolled) })}` : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('programme.slot')}
          <select value={slot} onChange={(e) => setSlot(e.target.value)}>
            <option value="">{t('programme.noSlot')}</option>
            {slots.map((s) => (
              <option key={s} value={s}>
                {slotLabel(s, programme.labels)}
              </option>
            ))}
          </select>
        </label>
        <ProblemMessage error={enrol.error} />
        {enrol.isSuccess && <Notice>{t('programme.done')}</Notice>}
        <button type="submit" disabled={!organisation || !phaseKey || enrol.isPending}>
          {t('programme.enrolSubmit')}
        </button>
      </form>
    </details>
  );
}

type NotificationItem = Awaited<ReturnType<typeof fetchNotificationsPage>>['items'][number];
const NOTIFICATIONS_PAGE = 20;

function fetchNotificationsPage(programmeId: string, cursor?: string) {
  return unwrap(api.GET('/api/v1/programmes/{id}/notifications', { params: { path: { id: programmeId }, query: { limit: 200, ...(cursor ? { cursor } : {}) } } }));
}

function NotificationsSection({ programmeId }: { programmeId: string }) {
  const { t, i18n } = useTranslation();
  const label = (group: 'notificationKinds' | 'notificationStatus', key: string) => (i18n.exists(`${group}.${key}`) ? t(`${group}.${key}` as 'notificationKinds.assignment') : key);
  // Every page of the list (oldest first from the API), shown newest first: the latest news on top.
  const notifications = useQuery({
    queryKey: ['programme', programmeId, 'notifications'],
    queryFn: async () => {
      const all: NotificationItem[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 25; page += 1) {
        const res = await fetchNotificationsPage(programmeId, cursor);
        all.push(...res.items);
        if (!res.nextCursor) break;
        cursor = res.nextCursor;
      }
      return all.sort((a, b) => (b.sentAt ?? b.queuedAt).localeCompare(a.sentAt ?? a.queuedAt) || b.id.localeCompare(a.id));
    },
  });
  const [shown, setShown] = useState(NOTIFICATIONS_PAGE);
  const all = notifications.data ?? [];
  const items = all.slice(0, shown);
  return (
    <section aria-labelledby="notifications">
      <h2 id="notifications">{t('programme.notifications')}</h2>
      {notifications.isPending ? (
        <Skeleton lines={2} />
      ) : notifications.error ? (
        <ProblemMessage error={notifications.error} />
      ) : items.length === 0 ? (
        <p className="muted">{t('programme.noNotifications')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('programme.when')}</th>
                <th scope="col">{t('programme.kind')}</th>
                <th scope="col">{t('programme.recipient')}</th>
                <th scope="col">{t('tasks.status')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((n) => (
                <tr key={n.id}>
                  <td>{formatDateTime(n.sentAt ?? n.queuedAt)}</td>
                  <td>{label('notificationKinds', n.kind)}</td>
                  <td>{n.recipient}</td>
                  <td>{label('notificationStatus', n.status)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {all.length > shown && (
            <button type="button" onClick={() => setShown(shown + NOTIFICATIONS_PAGE)}>
              {t('programme.moreNotifications', { count: all.length - shown })}
            </button>
          )}
        </div>
      )}
    </section>
  );
}

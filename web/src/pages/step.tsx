import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { AssigneeLabel } from '../components/assignee';
import { DeliverableList, DeliverableUpload } from '../components/deliverables';
import { EventList } from '../components/event-list';
import { AssessmentForm, AwardForm, RankingTable, rankingOf, tenderBlocksCompletion, tenderBlocksUpload, TenderRules, useNow, useStepModule } from '../components/tender';
import { Notice, PageTitle, ProblemMessage, Skeleton, StatusBadge } from '../components/ui';
import { formatDate, formatDateTime, localName } from '../lib/format';
import { outcomeLabel, type TemplateLabels } from '../lib/labels';
import { findStep, useOrganisationNames, useProgramme, useProgrammeAction, useProgrammeEvents } from '../lib/programme-data';
import { isSteward, type Me } from '../lib/session';

export function StepPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { id = '', stepKey = '' } = useParams();
  const programme = useProgramme(id);
  const events = useProgrammeEvents(id);
  const { names } = useOrganisationNames(me.role !== 'partner');
  const { module } = useStepModule(programme.data, stepKey);
  const now = useNow();
  if (me.organisation) names.set(me.organisation.id, me.organisation.name);
  if (programme.isPending) return <Skeleton lines={8} height="24rem" />;
  if (programme.error) return <ProblemMessage error={programme.error} />;
  const found = findStep(programme.data, stepKey);
  if (!found) return <p className="problem" role="alert">{t('step.missing')}</p>;
  const { phase, step } = found;
  const steward = isSteward(me.role) && programme.data.onTeam;
  const mine = me.role === 'partner' && me.organisationId ? !step.parts[me.organisationId] : true;
  const canAct = step.status === 'active' && programme.data.status === 'active' && (steward || (me.role === 'partner' && mine));
  const history = events.items.filter((e) => e.data.stepKey === step.key);
  const ranking = rankingOf(programme.data);
  const myPart = me.role === 'partner' && me.organisationId ? step.parts[me.organisationId] : undefined;
  const completeForm = () => {
    if (module?.name === 'tender-assessment' && steward) return <AssessmentForm programme={programme.data} step={step} module={module} names={names} />;
    if (module?.name === 'tender-award' && steward) return <AwardForm programme={programme.data} step={step} names={names} />;
    return <CompleteStepForm programmeId={id} stepKey={step.key} outcomes={step.outcomes} labels={programme.data.labels} blocked={tenderBlocksCompletion(module, programme.data, step, steward, now)} />;
  };
  const branchStep = step.when && findStep(programme.data, step.when.step)?.step;
  return (
    <article className="step-page">
      <p>
        <Link to={steward ? `/programmes/${id}#step-${step.key}` : '/taches'}>← {t('step.back')}</Link>
      </p>
      <p className="muted">{programme.data.title}</p>
      <PageTitle title={localName(step)}>{localName(step)}</PageTitle>
      <dl className="facts">
        <div>
          <dt>{t('step.phase')}</dt>
          <dd>{localName(phase)}</dd>
        </div>
        <div>
          <dt>{t('step.due')}</dt>
          <dd className={step.late ? 'late-text' : undefined}>
            {step.dueAt ? <time dateTime={step.dueAt}>{formatDateTime(step.dueAt)}</time> : t('status.noDue')} {step.late && <StatusBadge status="late" />}
          </dd>
        </div>
        <div>
          <dt>{t('step.status')}</dt>
          <dd>
            <StatusBadge status={step.status} />
          </dd>
        </div>
        {step.occurrence && (
          <div>
            <dt>{t('step.occurrence')}</dt>
            <dd data-testid="step-occurrence">{t('step.occurrenceText', { n: step.occurrence.n, date: formatDate(step.occurrence.on) })}</dd>
          </div>
        )}
        {step.outcome && (
          <div>
            <dt>{t('step.outcome')}</dt>
            <dd data-testid="step-outcome">{outcomeLabel(step.outcome, programme.data.labels)}</dd>
          </div>
        )}
        <div>
          <dt>{t('step.assignee')}</dt>
          <dd>
            <AssigneeLabel assignee={step.assignee} names={names} labels={programme.data.labels} />
          </dd>
        </div>
      </dl>
      {step.when && (
        <p className="muted" data-testid="step-when">
          {t('step.when', { step: branchStep ? localName(branchStep) : t('step.outcome'), outcome: outcomeLabel(step.when.outcome, programme.data.labels) })}
        </p>
      )}

      <section aria-labelledby="expected">
        <h2 id="expected">{t('step.expected')}</h2>
        {step.expectedDeliverables.length === 0 ? (
          <p className="muted">{t('step.nothingExpected')}</p>
        ) : (
          <ul>
            {step.expectedDeliverables.map((d) => (
              <li key={d.kind}>
                {t('step.expectedItem', { label: d.label, min: d.min })}
                {d.acceptance && <span className="muted"> — {t('step.needsAcceptance')}</span>}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="deliverables">
        <h2 id="deliverables">{t('step.deliverables')}</h2>
        <DeliverableList programmeId={id} step={step} canReview={steward} />
        {canAct && !tenderBlocksUpload(module, step, now) && (
          <>
            <h3>{t('step.upload')}</h3>
            <DeliverableUpload programmeId={id} step={step} />
          </>
        )}
      </section>

      <section aria-labelledby="complete">
        <h2 id="complete">{t('step.complete')}</h2>
        {module && <TenderRules module={module} programme={programme.data} step={step} steward={steward} now={now} />}
        {step.completedAt ? (
          <Notice>{t('step.completed', { date: formatDateTime(step.completedAt) })}</Notice>
        ) : myPart ? (
          <Notice>{t('step.partCompleted', { date: formatDateTime(myPart.at) })}</Notice>
        ) : programme.data.status === 'paused' ? (
          <p className="notice notice-warn">{t('step.programmePaused')}</p>
        ) : canAct ? (
          completeForm()
        ) : (
          <p className="muted">{t('step.notActive')}</p>
        )}
        {steward && ranking.length > 0 && (module?.name === 'tender-assessment' || module?.name === 'tender-award') && step.status !== 'active' && (
          <RankingTable ranking={ranking} names={names} caption={t('tender.ranking')} />
        )}
        {Object.keys(step.parts).length > 0 && steward && (
          <>
            <h3>{t('step.parts')}</h3>
            <ul>
              {Object.entries(step.parts).map(([org, part]) => (
                <li key={org}>
                  {names.get(org) ?? org} — {formatDateTime(part.at)}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      <section aria-labelledby="history">
        <h2 id="history">{t('step.history')}</h2>
        {events.isPending ? <Skeleton lines={2} /> : events.error ? <ProblemMessage error={events.error} /> : (
          <>
            <EventList events={history} empty={t('step.noHistory')} />
            {events.hasNextPage && (
              <button type="button" disabled={events.isFetchingNextPage} onClick={() => void events.fetchNextPage()}>
                {t('programme.olderEvents')}
              </button>
            )}
          </>
        )}
      </section>
    </article>
  );
}

function CompleteStepForm({ programmeId, stepKey, outcomes, labels, blocked = false }: { programmeId: string; stepKey: string; outcomes?: string[]; labels?: TemplateLabels; blocked?: boolean }) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  const [outcome, setOutcome] = useState('');
  const complete = useProgrammeAction(programmeId, (body: { note?: string; outcome?: string }, headers) =>
    unwrap(
      api.POST('/api/v1/programmes/{id}/steps/{stepKey}/complete', {
        params: { path: { id: programmeId, stepKey } },
        body,
        headers,
      }),
    ),
  );
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        complete.mutate({ ...(note.trim() ? { note: note.trim() } : {}), ...(outcome ? { outcome } : {}) });
      }}
    >
      {outcomes?.length ? (
        // Issue 19: the outcome opens or skips the phases and steps that hang on it; the workflow refuses a completion without one.
        <fieldset data-testid="outcome-choice">
          <legend>{t('step.outcomeChoice')}</legend>
          {outcomes.map((code) => (
            <label key={code} className="radio">
              <input type="radio" name="outcome" value={code} checked={outcome === code} onChange={() => setOutcome(code)} required />
              {outcomeLabel(code, labels)}
            </label>
          ))}
        </fieldset>
      ) : null}
      <label>
        {t('step.note')}
        <textarea rows={3} maxLength={5000} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <ProblemMessage error={complete.error} />
      <button type="submit" className="primary" disabled={blocked || complete.isPending}>
        {t('step.completeSubmit')}
      </button>
    </form>
  );
}

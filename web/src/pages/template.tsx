import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { TemplateActions } from '../components/template-actions';
import { Notice, PageTitle, ProblemMessage, Skeleton } from '../components/ui';
import { formatDate } from '../lib/format';
import { dateParamLabel, milestoneLabel } from '../lib/labels';
import { useTemplateNames } from '../lib/programme-data';
import { isSteward, type Me } from '../lib/session';

type Template = Awaited<ReturnType<typeof fetchTemplate>>;
type TemplateStep = Template['phases'][number]['steps'][number];
type Bilingual = { fr: string; en: string };

function fetchTemplate(key: string) {
  return unwrap(api.GET('/api/v1/templates/{key}', { params: { path: { key }, query: {} } }));
}

export function TemplatePage({ me }: { me: Me }) {
  const { t, i18n } = useTranslation();
  const { key = '' } = useParams();
  const [search] = useSearchParams();
  const templateName = useTemplateNames();
  const template = useQuery({ queryKey: ['template', key], queryFn: () => fetchTemplate(key), staleTime: 300_000 });
  const pick = (b: Bilingual) => (i18n.language === 'en' ? b.en : b.fr);
  if (template.isPending) return <Skeleton lines={10} height="30rem" />;
  if (template.error) return <ProblemMessage error={template.error} />;
  const tpl = template.data;
  const stepNames = new Map(tpl.phases.flatMap((p) => p.steps.map((s) => [s.key, pick(s.name)] as const)));
  const describeDue = (due: NonNullable<TemplateStep['due']>): string => {
    if (due.from === 'date') return t('dueRule.date', { date: formatDate(due.date) });
    if (due.from === 'param') return t('dueRule.param', { param: dateParamLabel(due.param, tpl.labels) });
    const unit = due.offset.unit === 'workingDays' ? 'workingDays' : due.offset.unit === 'seconds' ? 'seconds' : 'days';
    const offset = t(`dueRule.${unit}`, { count: due.offset.amount });
    if (due.from === 'stepCompleted') return t('dueRule.stepCompleted', { offset, step: stepNames.get(due.stepKey) ?? due.stepKey });
    return t(`dueRule.${due.from}`, { offset });
  };
  return (
    <article>
      <p>
        <Link to="/modeles">← {t('templates.title')}</Link>
      </p>
      <PageTitle title={pick(tpl.name)}>{pick(tpl.name)}</PageTitle>
      <p className="muted">
        {t('templates.version', { version: tpl.version })}
      </p>
      {tpl.description && <p>{pick(tpl.description)}</p>}
      {search.get('publie') && <Notice>{t('editor.published', { version: search.get('publie') })}</Notice>}
      <TemplateActions template={tpl} canEdit={isSteward(me.role)} />
      {tpl.dateParams.length > 0 && (
        <p>
          {t('templates.params')} : {tpl.dateParams.map((k) => dateParamLabel(k, tpl.labels)).join(', ')}
        </p>
      )}
      <ol className="lifecycle">
        {tpl.phases.map((phase) => (
          <li key={phase.key} className="lifecycle-phase">
            <h2>{pick(phase.name)}</h2>
            {phase.gate && (
              <p className="gate-rule">
                {t('templates.gate')}
                {phase.gate.requiresChildren.length > 0 && <> — {t('templates.gateChildren', { list: phase.gate.requiresChildren.map((c) => {
                        // The sub-programme by its title, the milestone by its name: never their keys.
                        const child = tpl.children.find((ch) => ch.key === c.child);
                        const title = child ? pick(child.title) : t('labels.fallbackMilestone');
                        return c.milestone ? `${title} (${milestoneLabel(c.milestone, tpl.labels)})` : title;
                      }).join(', ') })}</>}
              </p>
            )}
            {phase.capacity && <p>{t('templates.capacity', { min: phase.capacity.min, max: phase.capacity.max })}</p>}
            <ol className="lifecycle-steps">
              {phase.steps.map((step) => (
                <li key={step.key}>
                  <strong>{pick(step.name)}</strong>
                  {step.milestone && <span className="badge badge-neutral">{t('templates.milestone')}</span>}
                  <ul className="small muted">
                    {step.dependsOn && step.dependsOn.length > 0 && <li>{t('templates.dependsOn', { list: step.dependsOn.map((k) => stepNames.get(k) ?? k).join(', ') })}</li>}
                    {step.due && <li>{t('templates.dueRule', { rule: describeDue(step.due) })}</li>}
                    {step.deliverables && step.deliverables.length > 0 && <li>{t('templates.deliverables', { list: step.deliverables.map((d) => pick(d.label)).join(', ') })}</li>}
                  </ul>
                </li>
              ))}
            </ol>
          </li>
        ))}
      </ol>
      {tpl.children.length > 0 && (
        <section>
          <h2>{t('templates.children')}</h2>
          <ul>
            {tpl.children.map((c) => (
              <li key={c.key}>
                {pick(c.title)} — <Link to={`/modeles/${c.templateKey}`}>{templateName(c.templateKey)}</Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      {tpl.indicators.length > 0 && (
        <section>
          <h2>{t('templates.indicators')}</h2>
          <ul>
            {tpl.indicators.map((i) => (
              <li key={i.key}>
                {pick(i.name)}
                {i.target !== undefined && i.target !== null ? ` — ${t('templates.target', { target: i.target })}` : ''}
              </li>
            ))}
          </ul>
        </section>
      )}
    </article>
  );
}

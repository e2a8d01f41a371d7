import { useTranslation } from 'react-i18next';
import { formatDate, formatDateTime } from '../lib/format';
import { dateParamLabel, outcomeLabel } from '../lib/labels';
import type { TemplateDraft } from '../lib/template-draft';

export interface PreviewTimeline {
  startDate: string;
  endsAt: string;
  /** Issue 19: a recurring step goes on past the preview's horizon. */
  endless?: boolean;
  phases: { phaseKey: string; opensAt: string; closesAt: string; gate: boolean; when?: Branch; skipped?: boolean }[];
  steps: { phaseKey: string; stepKey: string; opensAt: string; dueAt?: string; movedFrom?: string; problem?: 'missing_date_param' | 'date_out_of_range'; param?: string; milestone: boolean; when?: Branch; skipped?: boolean; outcome?: string; occurrence?: number }[];
}
type Branch = { step: string; outcome: string };

/** Planned dates of a draft for a chosen start date (POST /api/v1/templates/preview). */
export function TemplatePreviewPanel(props: {
  template: TemplateDraft;
  timeline: PreviewTimeline | undefined;
  valid: boolean;
  startDate: string;
  onStartDate(v: string): void;
  dates: Record<string, string>;
  onDates(v: Record<string, string>): void;
}) {
  const { t, i18n } = useTranslation();
  const { template, timeline } = props;
  const pick = (b: { fr: string; en: string } | undefined, fallback: string) => (b ? (i18n.language === 'en' ? b.en : b.fr) || fallback : fallback);
  const phaseName = new Map(template.phases.map((p) => [p.key, pick(p.name, p.key)]));
  const stepName = new Map(template.phases.flatMap((p) => p.steps.map((s) => [s.key, pick(s.name, s.key)] as const)));
  // Issue 19: which outcome of which step opens a phase or a step.
  const branch = (when: Branch | undefined) =>
    when && <span className="muted small" data-testid="preview-branch"> — {t('editor.previewBranch', { step: stepName.get(when.step) ?? '', outcome: outcomeLabel(when.outcome, template.labels) })}</span>;
  return (
    <section className="card" aria-labelledby="apercu-titre" data-testid="template-preview">
      <h2 id="apercu-titre">{t('editor.preview')}</h2>
      <p className="muted small">{t('editor.previewHelp')}</p>
      <div className="field-row">
        <label className="field">
          <span>{t('editor.previewStart')}</span>
          <input type="date" value={props.startDate} onChange={(e) => props.onStartDate(e.target.value)} />
        </label>
        {(template.dateParams ?? []).filter(Boolean).map((key) => (
          <label key={key} className="field">
            {/* A known date by its name; a date the author is still inventing, by the identifier they typed. */}
            <span>{template.labels?.dateParams?.[key]?.fr ? dateParamLabel(key, template.labels) : t('editor.previewParam', { key })}</span>
            <input type="date" value={props.dates[key] ?? ''} onChange={(e) => props.onDates({ ...props.dates, [key]: e.target.value })} />
          </label>
        ))}
      </div>
      {!props.valid || !timeline ? (
        <p className="muted">{t('editor.previewInvalid')}</p>
      ) : (
        <>
          <ol className="lifecycle">
            {timeline.phases.map((phase) => (
              <li key={phase.phaseKey} className="lifecycle-phase">
                <h3>
                  {phaseName.get(phase.phaseKey)} — {formatDate(phase.opensAt)} → {formatDate(phase.closesAt)}
                  {phase.gate && <span className="badge badge-warn">{t('editor.previewGate')}</span>}
                  {phase.skipped && <span className="badge badge-neutral">{t('status.skipped')}</span>}
                  {branch(phase.when)}
                </h3>
                <table className="preview-table">
                  <tbody>
                    {timeline.steps
                      .filter((s) => s.phaseKey === phase.phaseKey)
                      .map((s) => (
                        <tr key={`${s.stepKey}~${s.occurrence ?? 0}`} data-testid="preview-step" data-step={s.stepKey}>
                          <th scope="row">
                            {stepName.get(s.stepKey)}
                            {s.occurrence && <span className="muted small"> ({t('editor.previewOccurrence', { n: s.occurrence })})</span>}
                            {s.milestone && <span className="badge badge-neutral">{t('templates.milestone')}</span>}
                            {s.skipped && <span className="badge badge-neutral">{t('status.skipped')}</span>}
                            {s.outcome && <span className="muted small"> — {t('editor.previewOutcome', { outcome: outcomeLabel(s.outcome, template.labels) })}</span>}
                            {branch(s.when)}
                          </th>
                          <td>
                            {t('editor.previewOpens')} {formatDate(s.opensAt)}
                          </td>
                          <td data-testid="preview-due">
                            {s.dueAt ? (
                              <>
                                {t('editor.previewDue')} {formatDateTime(s.dueAt)}
                                {s.movedFrom && <span className="muted small"> ({t('editor.previewMoved', { date: formatDate(s.movedFrom) })})</span>}
                              </>
                            ) : s.problem === 'missing_date_param' ? (
                              t('editor.previewMissingParam', { param: s.param && template.labels?.dateParams?.[s.param]?.fr ? dateParamLabel(s.param, template.labels) : (s.param ?? '') })
                            ) : s.problem === 'date_out_of_range' ? (
                              t('editor.previewOutOfRange')
                            ) : (
                              t('editor.previewNoDue')
                            )}
                          </td>
                        </tr>
                      ))}
                  </tbody>
                </table>
              </li>
            ))}
          </ol>
          <p>
            <strong>{timeline.endless ? t('editor.previewEndless', { date: formatDate(timeline.endsAt) }) : t('editor.previewEnds', { date: formatDate(timeline.endsAt) })}</strong>
          </p>
        </>
      )}
    </section>
  );
}

import Gantt from 'frappe-gantt';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate, localName } from '../lib/format';
import { escapeHtml } from '../lib/labels';
import type { ProgrammeView } from '../lib/programme-data';

interface GanttTask {
  id: string;
  name: string;
  start: string;
  end: string;
  progress: number;
  custom_class?: string;
  /** Shown in the popup (French, from the catalogue): the step's state. */
  description?: string;
  /** The due date (YYYY-MM-DD), kept apart from `end` which the library rewrites. */
  due: string;
}

const dayOf = (iso: string) => iso.slice(0, 10);

/** Steps with a due date as bars from their phase's opening (or the programme start) to the due date. */
export function timelineTasks(programme: ProgrammeView, statusLabel: (status: string) => string = (s) => s): GanttTask[] {
  const tasks: GanttTask[] = [];
  for (const phase of programme.phases) {
    const phaseStart = dayOf(phase.openedAt ?? programme.startDate);
    for (const step of phase.steps) {
      if (!step.dueDate) continue;
      const end = step.dueDate;
      const start = phaseStart <= end ? phaseStart : end;
      const tone = step.status === 'completed' ? 'bar-done' : step.late ? 'bar-late' : step.status === 'active' ? 'bar-active' : 'bar-pending';
      tasks.push({ id: `${phase.key}--${step.key}`, name: `${localName(phase)} · ${localName(step)}`, start, end, progress: step.status === 'completed' ? 100 : 0, due: end, description: statusLabel(step.late ? 'late' : step.status), custom_class: step.milestone ? `${tone}-milestone` : tone /* one class token: frappe-gantt adds it with classList.add */ });
    }
  }
  return tasks;
}

export function ProgrammeTimeline({ programme }: { programme: ProgrammeView }) {
  const { t, i18n } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const tasks = timelineTasks(programme, (status) => t(`status.${status}` as 'status.active'));
  const signature = JSON.stringify(tasks);
  useEffect(() => {
    const host = ref.current;
    if (!host || tasks.length === 0) return;
    host.replaceChildren();
    const spanDays = (Date.parse(tasks.reduce((m, x) => (x.end > m ? x.end : m), tasks[0]!.end)) - Date.parse(tasks.reduce((m, x) => (x.start < m ? x.start : m), tasks[0]!.start))) / 86_400_000;
    new Gantt(host, tasks, {
      readonly: true,
      language: i18n.language,
      view_mode: spanDays > 240 ? 'Month' : 'Week',
      view_mode_select: false,
      today_button: false,
      infinite_padding: false,
      popup_on: 'hover',
      // The library's own popup says "Progress: 0%" and "days" in English: ours says what matters, in the reader's language.
      popup: (ctx) => {
        ctx.set_title(escapeHtml(ctx.task.name));
        ctx.set_subtitle(escapeHtml(ctx.task.description ?? ''));
        ctx.set_details(escapeHtml(t('programme.ganttDue', { date: formatDate(ctx.task.due) })));
      },
      scroll_to: 'today',
      container_height: tasks.length * 36 + 110,
      bar_height: 22,
      padding: 14,
    });
    return () => host.replaceChildren();
    // The chart is rebuilt only when what it shows changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [signature, i18n.language]);
  if (tasks.length === 0) return <p className="muted">{t('programme.timelineEmpty')}</p>;
  // The table of steps below carries the same facts for screen readers.
  return <div ref={ref} className="timeline" aria-hidden="true" data-testid="timeline" />;
}

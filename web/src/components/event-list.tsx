import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../lib/format';
import { slotLabel, type TemplateLabels } from '../lib/labels';

interface AuditEvent {
  seq: number;
  type: string;
  at: string;
  actorName: string | null;
  data: Record<string, unknown>;
}

/** The journal; `labels` (the programme's template labels) names the role an enrolment or an award fills. */
export function EventList({ events, empty, labels }: { events: AuditEvent[]; empty: string; labels?: TemplateLabels }) {
  const { t, i18n } = useTranslation();
  if (events.length === 0) return <p className="muted">{empty}</p>;
  return (
    <ol className="events">
      {events.map((e) => {
        // Only named values reach the sentence (an event's data may hold i18next option names such as `count`).
        const values = e.type === 'programme.upgraded' ? { version: e.data.toVersion } : undefined;
        const label = i18n.exists(`events.${e.type}`) ? t(`events.${e.type}` as 'events.step.completed', values) : t('events.other'); // never the internal type
        const note = typeof e.data.note === 'string' ? e.data.note : undefined;
        // Issue 20: a fact of the programme's past, shown at its real date, entered afterwards by the actor named.
        const backfill = e.data.backfill as { enteredAt?: string } | undefined;
        const role = typeof e.data.slot === 'string' && e.data.slot ? slotLabel(e.data.slot, labels) : undefined;
        return (
          <li key={e.seq}>
            <time dateTime={e.at}>{formatDateTime(e.at)}</time> — <strong>{label}</strong>
            {role && <> ({role})</>}
            {e.actorName && <span className="muted"> · {e.actorName}</span>}
            {backfill?.enteredAt && <span className="muted"> · {t('events.backfillNote', { date: formatDateTime(backfill.enteredAt) })}</span>}
            {note && <div className="small">« {note} »</div>}
          </li>
        );
      })}
    </ol>
  );
}

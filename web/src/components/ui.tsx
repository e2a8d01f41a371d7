import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiProblem } from '../api/client';
import { describeProblem } from '../lib/problem-text';
import type { Rag } from '../../../domain/portfolio-health';

/** Sets the document title and moves focus to the page heading, so screen readers announce navigation. */
export function PageTitle({ children, title }: { children: ReactNode; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Jalons`;
    ref.current?.focus();
  }, [title]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

/** Any failure from the API, in words: the catalogue's sentence for its code or reason, then one per field (lib/problem-text.ts). The server's English detail is never shown. */
export function ProblemMessage({ error }: { error: unknown }) {
  const { t, i18n } = useTranslation();
  if (!error) return null;
  const problem = error instanceof ApiProblem ? error : new ApiProblem(0, 'internal', String(error));
  const { sentence, fields } = describeProblem(problem, i18n);
  return (
    <div className="problem" role="alert" data-code={problem.code}>
      <p className="problem-title">
        <strong>{t('errors.title')}</strong> — {sentence}
      </p>
      {fields.length > 0 && (
        <ul>
          {[...new Set(fields)].map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      )}
      {problem.retryAfterSeconds && !problem.params && <p>{t('errors.retryAfter', { seconds: problem.retryAfterSeconds })}</p>}
      {problem.requestId && <p className="muted small">{t('errors.requestId', { id: problem.requestId })}</p>}
    </div>
  );
}

/** Reserved space while data loads: no layout shift when it arrives. */
export function Skeleton({ lines = 3, height }: { lines?: number; height?: string }) {
  const { t } = useTranslation();
  return (
    <div className="skeleton" style={height ? { minHeight: height } : undefined} aria-busy="true" aria-live="polite">
      <span className="visually-hidden">{t('app.loading')}</span>
      {Array.from({ length: lines }, (_, i) => (
        <div key={i} className="skeleton-line" />
      ))}
    </div>
  );
}

const STATUS_TONE: Record<string, string> = {
  active: 'info',
  pending: 'neutral',
  completed: 'ok',
  cancelled: 'neutral',
  paused: 'warn',
  awaiting_gate: 'warn',
  submitted: 'info',
  accepted: 'ok',
  rejected: 'bad',
  late: 'bad',
};

export function StatusBadge({ status }: { status: string }) {
  const { t, i18n } = useTranslation();
  const label = i18n.exists(`status.${status}`) ? t(`status.${status}` as 'status.active') : status;
  return <span className={`badge badge-${STATUS_TONE[status] ?? 'neutral'}`}>{label}</span>;
}

export function RagBadge({ rag }: { rag: Rag }) {
  const { t } = useTranslation();
  return (
    <span className={`rag rag-${rag}`} data-rag={rag}>
      <span aria-hidden="true" className="rag-dot" />
      {t(`dashboard.${rag}`)}
    </span>
  );
}

/** Short confirmation after an action, announced politely. */
export function Notice({ children }: { children: ReactNode }) {
  return (
    <p className="notice" role="status">
      {children}
    </p>
  );
}

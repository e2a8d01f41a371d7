import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useDropzone } from 'react-dropzone';
import { useTranslation } from 'react-i18next';
import { api, unwrap, uploadDeliverable } from '../api/client';
import { formatBytes, formatDateTime } from '../lib/format';
import { deliverableFileUrl, refreshAfterChange, useProgrammeAction, type DeliverableView, type StepView } from '../lib/programme-data';
import { useSubmission } from '../lib/submission';
import { Notice, ProblemMessage, StatusBadge } from './ui';

/** `compact`: one line per deliverable (the programme table); reviews happen on the step page. */
export function DeliverableList({ programmeId, step, canReview, compact = false }: { programmeId: string; step: StepView; canReview: boolean; compact?: boolean }) {
  const { t } = useTranslation();
  if (step.deliverables.length === 0) return <p className="muted">{t('step.noDeliverables')}</p>;
  if (compact) {
    return (
      <ul className="deliverables compact">
        {step.deliverables.map((d) => (
          <li key={d.id} data-testid="deliverable">
            <span>{d.title}</span> <StatusBadge status={d.status} />
          </li>
        ))}
      </ul>
    );
  }
  return (
    <ul className="deliverables">
      {step.deliverables.map((d) => (
        <li key={d.id} data-testid="deliverable">
          <div>
            <strong>{d.title}</strong> <StatusBadge status={d.status} />
            <div className="muted small">
              {d.kind} · {formatDateTime(d.addedAt)}
              {d.file ? ` · ${d.file.name} (${formatBytes(d.file.size)})` : ''}
            </div>
            {d.reviewNote && <div className="small">« {d.reviewNote} »</div>}
          </div>
          <div className="row">
            {d.file ? (
              <a href={deliverableFileUrl(programmeId, step.key, d.id)} download={d.file.name}>
                {t('step.download')}
              </a>
            ) : d.url ? (
              <a href={d.url} target="_blank" rel="noreferrer noopener">
                {t('step.openLink')}
              </a>
            ) : null}
            {canReview && d.status === 'submitted' && <DeliverableReview programmeId={programmeId} stepKey={step.key} deliverable={d} />}
          </div>
        </li>
      ))}
    </ul>
  );
}

function DeliverableReview({ programmeId, stepKey, deliverable }: { programmeId: string; stepKey: string; deliverable: DeliverableView }) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  const review = useProgrammeAction(programmeId, (body: { decision: 'accepted' | 'rejected'; note?: string }, headers) =>
    unwrap(
      api.POST('/api/v1/programmes/{id}/steps/{stepKey}/deliverables/{deliverableId}/review', {
        params: { path: { id: programmeId, stepKey, deliverableId: deliverable.id } },
        body,
        headers,
      }),
    ),
  );
  const decide = (decision: 'accepted' | 'rejected') => review.mutate(note.trim() ? { decision, note: note.trim() } : { decision });
  return (
    <div className="review">
      <label className="small">
        {t('programme.reviewNote')}
        <input type="text" value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
      </label>
      <button type="button" className="primary" disabled={review.isPending} onClick={() => decide('accepted')} aria-label={`${t('programme.accept')} — ${deliverable.title}`}>
        {t('programme.accept')}
      </button>
      <button type="button" disabled={review.isPending} onClick={() => decide('rejected')} aria-label={`${t('programme.reject')} — ${deliverable.title}`}>
        {t('programme.reject')}
      </button>
      <ProblemMessage error={review.error} />
    </div>
  );
}

export function DeliverableUpload({ programmeId, step }: { programmeId: string; step: StepView }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File>();
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState(step.expectedDeliverables[0]?.kind ?? '');
  const [progress, setProgress] = useState<number>();
  const [done, setDone] = useState<string>();
  const upload = useSubmission((input: { file: File; title: string; kind: string }, headers) => uploadDeliverable(programmeId, step.key, { file: input.file, title: input.title, kind: input.kind || undefined }, setProgress, headers), {
    // The same file (name, size, date) with the same fields is the same submission.
    fingerprint: (input) => JSON.stringify([input.file.name, input.file.size, input.file.lastModified, input.title, input.kind]),
    onSuccess: async (_result, input) => {
      setDone(input.title);
      setFile(undefined);
      setTitle('');
      setProgress(undefined);
      await refreshAfterChange(queryClient, programmeId);
    },
    onError: () => setProgress(undefined),
  });
  const { getRootProps, getInputProps, isDragActive } = useDropzone({
    multiple: false,
    maxSize: 25 * 1024 * 1024,
    onDrop: (accepted) => {
      const first = accepted[0];
      if (!first) return;
      setFile(first);
      setDone(undefined);
      if (!title) setTitle(first.name.replace(/\.[^.]+$/, ''));
    },
  });
  const labelOf = (label: { fr: string; en: string } | string) => (typeof label === 'string' ? label : i18n.language === 'en' ? label.en : label.fr);
  return (
    <form
      className="stack upload"
      onSubmit={(e) => {
        e.preventDefault();
        if (file && title.trim()) upload.mutate({ file, title: title.trim(), kind });
      }}
    >
      <div {...getRootProps({ className: `dropzone ${isDragActive ? 'dropzone-active' : ''}` })} data-testid="dropzone">
        <input {...getInputProps({ 'aria-label': t('step.upload') })} />
        <p>
          {t('step.dropHere')} <span className="link-like">{t('step.browse')}</span>
        </p>
        <p className="muted small">{t('step.fileTypes')}</p>
        {file && <p>{t('step.fileChosen', { name: file.name, size: formatBytes(file.size) })}</p>}
      </div>
      <label>
        {t('step.deliverableTitle')}
        <input type="text" required maxLength={300} value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      {step.expectedDeliverables.length > 0 && (
        <label>
          {t('step.deliverableKind')}
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            {step.expectedDeliverables.map((d) => (
              <option key={d.kind} value={d.kind}>
                {labelOf(d.label)}
              </option>
            ))}
          </select>
        </label>
      )}
      {progress !== undefined && (
        <div>
          <progress max={1} value={progress} aria-label={t('step.uploading', { percent: Math.round(progress * 100) })} />
          <span className="small"> {t('step.uploading', { percent: Math.round(progress * 100) })}</span>
        </div>
      )}
      <ProblemMessage error={upload.error} />
      {done && <Notice>{t('step.uploaded', { title: done })}</Notice>}
      <button type="submit" disabled={!file || !title.trim() || upload.isPending}>
        {t('step.send')}
      </button>
    </form>
  );
}

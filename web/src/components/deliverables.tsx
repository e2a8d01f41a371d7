import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useDropzone } from 'react-dropzone';
import { useTranslation } from 'react-i18next';
import { api, ApiProblem, unwrap, uploadDeliverable } from '../api/client';
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
              {step.expectedDeliverables.find((e) => e.kind === d.kind)?.label ?? t('step.deliverableGeneric')} · {formatDateTime(d.addedAt)}
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
            {canReview && d.status === 'submitted' && step.status === 'active' && <DeliverableReview programmeId={programmeId} stepKey={step.key} deliverable={d} />}
          </div>
        </li>
      ))}
    </ul>
  );
}

/** Accept in one click; refuse only with a reason (the partner reads it) and a confirmation. */
function DeliverableReview({ programmeId, stepKey, deliverable }: { programmeId: string; stepKey: string; deliverable: DeliverableView }) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  const [confirmingReject, setConfirmingReject] = useState(false);
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
  const reasonOk = note.trim().length >= 5;
  return (
    <div className="review">
      <label className="small">
        {confirmingReject ? t('programme.rejectReason') : t('programme.reviewNote')}
        <input type="text" value={note} maxLength={2000} required={confirmingReject} aria-invalid={confirmingReject && !reasonOk ? true : undefined} onChange={(e) => setNote(e.target.value)} />
      </label>
      {confirmingReject ? (
        <div className="confirm" role="group" aria-label={t('programme.rejectConfirmTitle', { title: deliverable.title })}>
          <p className="small">{t('programme.rejectConfirm', { title: deliverable.title })}</p>
          <button type="button" className="danger" disabled={!reasonOk || review.isPending} onClick={() => decide('rejected')}>
            {t('programme.confirmReject')}
          </button>
          <button type="button" onClick={() => setConfirmingReject(false)}>
            {t('programme.cancel')}
          </button>
        </div>
      ) : (
        <>
          <button type="button" className="primary" disabled={review.isPending} onClick={() => decide('accepted')} aria-label={`${t('programme.accept')} — ${deliverable.title}`}>
            {t('programme.accept')}
          </button>
          <button type="button" disabled={review.isPending} onClick={() => setConfirmingReject(true)} aria-label={`${t('programme.reject')} — ${deliverable.title}`}>
            {t('programme.reject')}
          </button>
        </>
      )}
      <ProblemMessage error={review.error} />
    </div>
  );
}

/** Mirrors the server's rules (server/storage.ts) so a refusal is explained before sending 27 MB for nothing. */
const MAX_UPLOAD_MB = 25;
const ACCEPTED_EXTENSIONS = ['pdf', 'png', 'jpg', 'jpeg', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'zip', 'csv', 'txt'];

/** The refusal the server would give for this file, checked in the browser first (undefined: send it). */
export function checkFileLocally(file: { name: string; size: number }): ApiProblem | undefined {
  const extension = file.name.includes('.') ? file.name.split('.').pop()!.toLowerCase() : '';
  const refuse = (code: string, params: Record<string, string | number>) => new ApiProblem(422, code, '', undefined, undefined, undefined, params);
  if (!ACCEPTED_EXTENSIONS.includes(extension)) return refuse('unsupported_media_type', { reason: extension ? 'extension_not_accepted' : 'extension_missing', extension, accepted: ACCEPTED_EXTENSIONS.join(', ') });
  if (file.size === 0) return refuse('validation_failed', { reason: 'file_empty' });
  if (file.size > MAX_UPLOAD_MB * 1024 * 1024) return refuse('payload_too_large', { reason: 'file_too_large', maxMb: MAX_UPLOAD_MB });
  return undefined;
}

export function DeliverableUpload({ programmeId, step }: { programmeId: string; step: StepView }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File>();
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState(step.expectedDeliverables[0]?.kind ?? '');
  const [progress, setProgress] = useState<number>();
  const [done, setDone] = useState<string>();
  const [localProblem, setLocalProblem] = useState<ApiProblem>();
  // After any outcome the form starts afresh: no stale file or title is sent by mistake.
  const reset = () => {
    setFile(undefined);
    setTitle('');
    setProgress(undefined);
  };
  const upload = useSubmission((input: { file: File; title: string; kind: string }, headers) => uploadDeliverable(programmeId, step.key, { file: input.file, title: input.title, kind: input.kind || undefined }, setProgress, headers), {
    // The same file (name, size, date) with the same fields is the same submission.
    fingerprint: (input) => JSON.stringify([input.file.name, input.file.size, input.file.lastModified, input.title, input.kind]),
    onSuccess: async (_result, input) => {
      setDone(input.title);
      reset();
      await refreshAfterChange(queryClient, programmeId);
    },
    onError: () => reset(),
  });
  const { getRootProps, getInputProps, isDragActive } = useDropzone({
    multiple: false,
    onDrop: (accepted, rejected) => {
      const first = accepted[0] ?? rejected[0]?.file;
      if (!first) return;
      setDone(undefined);
      upload.reset();
      const problem = checkFileLocally(first);
      setLocalProblem(problem);
      if (problem) return reset();
      setFile(first);
      setTitle(first.name.replace(/\.[^.]+$/, ''));
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
      <ProblemMessage error={localProblem ?? upload.error} />
      {done && <Notice>{t('step.uploaded', { title: done })}</Notice>}
      <button type="submit" disabled={!file || !title.trim() || upload.isPending}>
        {t('step.send')}
      </button>
    </form>
  );
}

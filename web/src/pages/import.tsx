import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { PageTitle, ProblemMessage } from '../components/ui';
import { describeProblem } from '../lib/problem-text';
import { useSubmission } from '../lib/submission';

/** A file as base64, for the import call's JSON body. */
function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

/**
 * Import a programme's history from a spreadsheet: check first (a dry run lists each line, what
 * it would create and its problems in French), then confirm. Problems come from the API in French.
 */
export function ImportPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const [file, setFile] = useState<File | null>(null);
  // One Idempotency-Key per submission (the same file, checked or confirmed), kept across its retries.
  const run = useSubmission(
    async (confirm: boolean, headers) =>
      unwrap(api.POST('/api/v1/programmes/{id}/import', { params: { path: { id } }, body: { fileName: file!.name, content: await readBase64(file!), confirm }, headers })),
    { fingerprint: (confirm) => JSON.stringify([file?.name, file?.size, file?.lastModified, confirm]) },
  );
  const result = run.data;
  const check = (e: FormEvent) => {
    e.preventDefault();
    if (file) run.mutate(false);
  };
  const writtenCount = result?.applied.filter((a) => a.outcome === 'applied').length ?? 0;
  const refused = result?.applied.find((a) => a.outcome === 'refused');

  return (
    <article className="import-page">
      <header className="page-header">
        <div>
          <PageTitle title={t('importPage.title')}>{t('importPage.title')}</PageTitle>
          <p>
            <Link to={`/programmes/${encodeURIComponent(id)}`}>{t('importPage.back')}</Link>
          </p>
        </div>
      </header>
      <p className="muted">{t('importPage.intro')}</p>
      <p>
        {t('importPage.model')} <a href="/api/v1/imports/model.xlsx" download>{t('importPage.modelXlsx')}</a> · <a href="/api/v1/imports/model.csv" download>{t('importPage.modelCsv')}</a>
      </p>
      <form className="filters" onSubmit={check}>
        <label>
          {t('importPage.file')}
          <input type="file" accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" onChange={(e) => { setFile(e.target.files?.[0] ?? null); run.reset(); }} required />
        </label>
        <button type="submit" disabled={!file || run.isPending}>
          {t('importPage.check')}
        </button>
        {result?.dryRun && result.plan.valid && result.plan.counts.create > 0 && (
          <button type="button" className="primary" disabled={run.isPending} onClick={() => run.mutate(true)}>
            {t('importPage.confirm')}
          </button>
        )}
      </form>
      {run.error && <ProblemMessage error={run.error} />}
      {result && (
        <section aria-live="polite">
          <p>{t('importPage.checked', result.plan.counts)}</p>
          {!result.dryRun && <p>{result.written ? t('importPage.written', { count: writtenCount }) : t('importPage.nothingWritten')}</p>}
          {refused && <p className="problem">{t('importPage.refused', { line: refused.line, message: describeProblem({ status: 409, code: refused.code ?? 'internal', params: refused.params }, i18n).sentence })}</p>}
          {result.plan.problems.map((p) => (
            <p key={p.code} className="problem">
              {p.message}
            </p>
          ))}
          {result.plan.lines.length > 0 && (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('importPage.line')}</th>
                  <th scope="col">{t('importPage.key')}</th>
                  <th scope="col">{t('importPage.outcome')}</th>
                  <th scope="col">{t('importPage.description')}</th>
                  <th scope="col">{t('importPage.problems')}</th>
                </tr>
              </thead>
              <tbody>
                {result.plan.lines.map((l) => (
                  <tr key={l.line}>
                    <td>{l.line}</td>
                    <td>{l.key}</td>
                    <td>{t(`importPage.outcomes.${l.outcome}`)}</td>
                    <td>{l.description}</td>
                    <td>{l.problems.map((p) => p.message).join(' ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </article>
  );
}

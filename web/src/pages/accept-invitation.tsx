import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { useSubmission } from '../lib/submission';
import { PageTitle, ProblemMessage } from '../components/ui';
import { homePathFor } from '../lib/session';

export function AcceptInvitationPage() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [localError, setLocalError] = useState<string>();
  const accept = useSubmission((body: { token: string; password: string }, headers) => unwrap(api.POST('/api/v1/auth/invitations/accept', { body, headers })), {
    onSuccess: async (result) => {
      queryClient.clear();
      await navigate(homePathFor(result.user.role), { replace: true });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (password.length < 12) return setLocalError(t('invitation.tooShort'));
    if (password !== confirm) return setLocalError(t('invitation.mismatch'));
    setLocalError(undefined);
    accept.mutate({ token, password });
  };
  return (
    <section className="card narrow">
      <PageTitle title={t('invitation.title')}>{t('invitation.title')}</PageTitle>
      <p>{t('invitation.intro')}</p>
      <form onSubmit={submit} className="stack" noValidate>
        <label>
          {t('invitation.password')}
          <input type="password" autoComplete="new-password" minLength={12} required value={password} onChange={(e) => setPassword(e.target.value)} aria-invalid={Boolean(localError)} aria-describedby={localError ? 'invitation-error' : undefined} />
        </label>
        <label>
          {t('invitation.confirm')}
          <input type="password" autoComplete="new-password" minLength={12} required value={confirm} onChange={(e) => setConfirm(e.target.value)} aria-invalid={Boolean(localError)} />
        </label>
        {localError && (
          <p id="invitation-error" className="problem" role="alert">
            {localError}
          </p>
        )}
        <ProblemMessage error={accept.error} />
        <button type="submit" className="primary" disabled={accept.isPending}>
          {t('invitation.submit')}
        </button>
      </form>
    </section>
  );
}

import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { useSubmission } from '../lib/submission';
import { PageTitle, ProblemMessage } from '../components/ui';
import { homePathFor } from '../lib/session';

/** Only same-site paths: a crafted ?next= must not send people elsewhere. */
export function safeNextPath(next: string | null): string | undefined {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : undefined;
}

export function SignInPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useSubmission((body: { email: string; password: string }, headers) => unwrap(api.POST('/api/v1/auth/login', { body, headers })), {
    onSuccess: async (result) => {
      queryClient.clear();
      await queryClient.invalidateQueries({ queryKey: ['me'] });
      await navigate(safeNextPath(params.get('next')) ?? homePathFor(result.user.role), { replace: true });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate({ email: email.trim(), password });
  };
  return (
    <section className="card narrow">
      <PageTitle title={t('signIn.title')}>{t('signIn.title')}</PageTitle>
      <p>{t('signIn.intro')}</p>
      <form onSubmit={submit} className="stack">
        <label>
          {t('signIn.email')}
          <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          {t('signIn.password')}
          <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <ProblemMessage error={login.error} />
        <button type="submit" className="primary" disabled={login.isPending}>
          {login.isPending ? t('signIn.submitting') : t('signIn.submit')}
        </button>
      </form>
    </section>
  );
}

import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, NavLink, Route, Routes, useLocation } from 'react-router-dom';
import { api, unwrap } from './api/client';
import { ErrorBoundary } from './components/error-boundary';
import { ProblemMessage, Skeleton } from './components/ui';
import { changeLocale, LOCALES, type Locale } from './i18n';
import { useLiveUpdates } from './lib/live-updates';
import { homePathFor, isSteward, useSession, type Me } from './lib/session';
import { AcceptInvitationPage } from './pages/accept-invitation';
import { MyTasksPage } from './pages/my-tasks';
import { PreferencesPage } from './pages/preferences';
import { ProgrammesPage } from './pages/programmes';
import { SignInPage } from './pages/sign-in';
import { StartProgrammePage } from './pages/start-programme';
import { StepPage } from './pages/step';
import { TemplatePage } from './pages/template';
import { TemplatesPage } from './pages/templates';

// Charts and the Gantt chart weigh most of the bundle: loaded with the screens that use them.
const DashboardPage = lazy(() => import('./pages/dashboard').then((m) => ({ default: m.DashboardPage })));
const TemplateEditorPage = lazy(() => import('./pages/template-editor').then((m) => ({ default: m.TemplateEditorPage })));
const TemplateVersionsPage = lazy(() => import('./pages/template-versions').then((m) => ({ default: m.TemplateVersionsPage })));
const ProgrammePage = lazy(() => import('./pages/programme').then((m) => ({ default: m.ProgrammePage })));
const ImportPage = lazy(() => import('./pages/import').then((m) => ({ default: m.ImportPage })));
const ReportPage = lazy(() => import('./pages/report').then((m) => ({ default: m.ReportPage })));
const AdministrationPage = lazy(() => import('./pages/administration').then((m) => ({ default: m.AdministrationPage })));

export function App() {
  return (
    <Routes>
      <Route path="/connexion" element={<PublicFrame><SignInPage /></PublicFrame>} />
      <Route path="/invitations/:token" element={<PublicFrame><AcceptInvitationPage /></PublicFrame>} />
      <Route path="/*" element={<SignedInApp />} />
    </Routes>
  );
}

function SignedInApp() {
  const session = useSession();
  const location = useLocation();
  const params = new URLSearchParams(location.search);
  // The signed link in e-mails opens preferences without a session.
  if (location.pathname === '/preferences' && params.get('token')) {
    return (
      <PublicFrame>
        <PreferencesPage token={params.get('token')!} />
      </PublicFrame>
    );
  }
  if (session.isPending) return <PublicFrame><Skeleton lines={4} height="12rem" /></PublicFrame>;
  if (session.error) return <PublicFrame><ProblemMessage error={session.error} /></PublicFrame>;
  if (!session.data) return <Navigate to={`/connexion?next=${encodeURIComponent(location.pathname + location.search + location.hash)}`} replace />;
  const me = session.data;
  return (
    <Shell me={me}>
      <Routes>
        <Route path="/" element={<Navigate to={homePathFor(me.role)} replace />} />
        <Route path="/taches" element={<MyTasksPage me={me} />} />
        <Route path="/programmes" element={<ProgrammesPage me={me} />} />
        <Route path="/programmes/nouveau" element={isSteward(me.role) ? <StartProgrammePage /> : <NotFound />} />
        <Route path="/programmes/:id" element={<ProgrammePage me={me} />} />
        <Route path="/programmes/:id/etapes/:stepKey" element={<StepPage me={me} />} />
        <Route path="/programmes/:id/import" element={isSteward(me.role) ? <ImportPage /> : <NotFound />} />
        <Route path="/programmes/:id/bilan" element={me.role === 'partner' ? <NotFound /> : <ReportPage />} />
        <Route path="/modeles" element={<TemplatesPage me={me} />} />
        <Route path="/modeles/nouveau" element={isSteward(me.role) ? <TemplateEditorPage mode="new" /> : <NotFound />} />
        <Route path="/modeles/:key/copier" element={isSteward(me.role) ? <TemplateEditorPage mode="copy" /> : <NotFound />} />
        <Route path="/modeles/:key/modifier" element={isSteward(me.role) ? <TemplateEditorPage mode="edit" /> : <NotFound />} />
        <Route path="/modeles/:key/versions" element={me.role === 'partner' ? <NotFound /> : <TemplateVersionsPage />} />
        <Route path="/modeles/:key" element={<TemplatePage me={me} />} />
        <Route path="/tableau-de-bord" element={me.role === 'partner' ? <NotFound /> : <DashboardPage />} />
        <Route path="/preferences" element={<PreferencesPage />} />
        <Route path="/administration" element={me.role === 'admin' ? <AdministrationPage me={me} /> : <NotFound />} />
        <Route path="*" element={<NotFound />} />
      </Routes>
    </Shell>
  );
}

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <label className="language">
      <span className="visually-hidden">{t('app.language')}</span>
      <select value={i18n.language} onChange={(e) => changeLocale(e.target.value as Locale)} aria-label={t('app.language')}>
        {LOCALES.map((l) => (
          <option key={l} value={l}>
            {l === 'fr' ? 'Français' : 'English'}
          </option>
        ))}
      </select>
    </label>
  );
}

function PublicFrame({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="public-frame">
      <header className="public-header">
        <span className="brand">{t('app.name')}</span>
        <LanguageSwitch />
      </header>
      <main id="contenu" className="public-main">
        {children}
      </main>
    </div>
  );
}

function Shell({ me, children }: { me: Me; children: ReactNode }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const live = useLiveUpdates(true);
  const location = useLocation();
  const signOut = async () => {
    await unwrap(api.POST('/api/v1/auth/logout')).catch(() => undefined);
    queryClient.clear();
    window.location.assign('/connexion');
  };
  const links: { to: string; label: string; show: boolean }[] = [
    { to: '/taches', label: t('nav.tasks'), show: me.role !== 'manager' },
    { to: '/programmes', label: t('nav.programmes'), show: true },
    { to: '/modeles', label: t('nav.templates'), show: me.role !== 'partner' },
    { to: '/tableau-de-bord', label: t('nav.dashboard'), show: me.role !== 'partner' },
    { to: '/preferences', label: t('nav.preferences'), show: true },
    { to: '/administration', label: t('nav.administration'), show: me.role === 'admin' },
  ];
  return (
    <div className="shell">
      <a className="skip-link" href="#contenu">
        {t('app.skipToContent')}
      </a>
      <header className="top-bar">
        <Link to="/" className="brand">
          {t('app.name')}
        </Link>
        <nav aria-label={t('nav.main')}>
          <ul>
            {links
              .filter((l) => l.show)
              .map((l) => (
                <li key={l.to}>
                  <NavLink to={l.to}>{l.label}</NavLink>
                </li>
              ))}
          </ul>
        </nav>
        <div className="account">
          <span className={`live ${live ? 'live-on' : 'live-off'}`} title={live ? t('app.live') : t('app.liveOff')}>
            <span aria-hidden="true">●</span>
            <span className="visually-hidden">{live ? t('app.live') : t('app.liveOff')}</span>
          </span>
          <span className="who">{t('app.signedInAs', { name: me.organisation?.name ?? me.name, role: t(`roles.${me.role}`) })}</span>
          <LanguageSwitch />
          <button type="button" className="link-button" onClick={() => void signOut()}>
            {t('app.signOut')}
          </button>
        </div>
      </header>
      <main id="contenu" tabIndex={-1}>
        <ErrorBoundary resetKey={location.pathname}>
          <Suspense fallback={<Skeleton lines={8} height="24rem" />}>{children}</Suspense>
        </ErrorBoundary>
      </main>
    </div>
  );
}

function NotFound() {
  const { t } = useTranslation();
  return (
    <section>
      <h1>{t('app.notFound')}</h1>
      <Link to="/">{t('app.backHome')}</Link>
    </section>
  );
}

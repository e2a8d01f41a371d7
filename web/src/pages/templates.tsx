import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { PageTitle, ProblemMessage, Skeleton } from '../components/ui';
import { localName } from '../lib/format';
import { isSteward, type Me } from '../lib/session';

export function TemplatesPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const templates = useQuery({ queryKey: ['templates'], queryFn: () => unwrap(api.GET('/api/v1/templates')), staleTime: 300_000 });
  return (
    <section>
      <PageTitle title={t('templates.title')}>{t('templates.title')}</PageTitle>
      <p className="muted">{t('templates.intro')}</p>
      {isSteward(me.role) && (
        <p>
          <Link className="button" to="/modeles/nouveau">
            {t('editor.newTemplate')}
          </Link>
        </p>
      )}
      {templates.isPending ? (
        <Skeleton lines={6} height="18rem" />
      ) : templates.error ? (
        <ProblemMessage error={templates.error} />
      ) : (
        <ul className="cards">
          {templates.data.items.map((tpl) => (
            <li key={tpl.key} className="card" data-testid="template-card">
              <h2>
                {localName(tpl)} {tpl.archived && <span className="badge badge-neutral">{t('editor.archived')}</span>}
              </h2>
              <p className="muted small">
                {t('templates.version', { version: tpl.version })}
              </p>
              <p>
                {t('templates.phases', { count: tpl.phases })} · {t('templates.steps', { count: tpl.steps })}
              </p>
              <p className="row">
                <Link to={`/modeles/${tpl.key}`}>{t('templates.view')}</Link>
                {isSteward(me.role) && !tpl.archived && <Link to={`/programmes/nouveau?modele=${tpl.key}`}>{t('templates.start')}</Link>}
                {isSteward(me.role) && <Link to={`/modeles/${tpl.key}/copier`}>{t('editor.copy')}</Link>}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { ProblemMessage } from './ui';

/** Start, copy, edit, export, versions and archive buttons of a template page. */
export function TemplateActions({ template, canEdit }: { template: { key: string; version: number }; canEdit: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const versions = useQuery({
    queryKey: ['template-versions', template.key],
    queryFn: () => unwrap(api.GET('/api/v1/templates/{key}/versions', { params: { path: { key: template.key } } })),
  });
  const archived = versions.data?.archived ?? false;
  const toggle = useMutation({
    mutationFn: () =>
      archived
        ? unwrap(api.DELETE('/api/v1/templates/{key}/archive', { params: { path: { key: template.key } } }))
        : unwrap(api.PUT('/api/v1/templates/{key}/archive', { params: { path: { key: template.key } } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['template-versions', template.key] });
      await queryClient.invalidateQueries({ queryKey: ['templates'] });
    },
  });
  const exportFile = () => {
    const blob = new Blob([`${JSON.stringify(template, null, 2)}\n`], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `${template.key}-v${template.version}.json`;
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <>
      {archived && (
        <p className="notice" data-testid="template-archived">
          {t('editor.archivedHelp')}
        </p>
      )}
      <p className="row">
        {canEdit && !archived && (
          <Link className="button primary" to={`/programmes/nouveau?modele=${template.key}`}>
            {t('templates.start')}
          </Link>
        )}
        {canEdit && (
          <>
            <Link className="button" to={`/modeles/${template.key}/modifier`}>
              {t('editor.edit')}
            </Link>
            <Link className="button" to={`/modeles/${template.key}/copier`}>
              {t('editor.copy')}
            </Link>
          </>
        )}
        <button type="button" onClick={exportFile}>
          {t('editor.export')}
        </button>
        <Link className="button" to={`/modeles/${template.key}/versions`}>
          {t('editor.history')}
        </Link>
        {canEdit && versions.data && (
          <button type="button" disabled={toggle.isPending} onClick={() => toggle.mutate()}>
            {archived ? t('editor.unarchive') : t('editor.archive')}
          </button>
        )}
      </p>
      <ProblemMessage error={toggle.error} />
    </>
  );
}

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { PageTitle, ProblemMessage, Skeleton } from '../components/ui';
import { localName, todayInParis } from '../lib/format';
import { useSubmission } from '../lib/submission';
import { dateParamLabel, slotLabel } from '../lib/labels';
import { listTemplateRoles } from '../../../domain/template-roles';
import { OrganisationPicker, type PickedOrganisation } from '../components/organisation-picker';

export function StartProgrammePage() {
  const { t, i18n } = useTranslation();
  const localText = (text: { fr: string; en: string }) => (i18n.language === 'en' ? text.en : text.fr);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const templates = useQuery({ queryKey: ['templates'], queryFn: () => unwrap(api.GET('/api/v1/templates')), staleTime: 300_000 });
  const [templateKey, setTemplateKey] = useState(params.get('modele') ?? '');
  const [title, setTitle] = useState('');
  const [startDate, setStartDate] = useState(todayInParis());
  const [dates, setDates] = useState<Record<string, string>>({});
  const [roles, setRoles] = useState<Record<string, PickedOrganisation | null>>({});
  const template = useQuery({
    queryKey: ['template', templateKey],
    queryFn: () => unwrap(api.GET('/api/v1/templates/{key}', { params: { path: { key: templateKey }, query: {} } })),
    enabled: Boolean(templateKey),
    staleTime: 300_000,
  });
  // Every role the template declares: those the coordinator fills here, and those the programme fills itself (said, not asked).
  const templateRoles = template.data ? listTemplateRoles(template.data) : [];
  const stepName = (key: string) => {
    for (const phase of template.data?.phases ?? []) for (const step of phase.steps) if (step.key === key) return localText(step.name);
    return '…';
  };
  const childTitle = (key: string) => {
    const child = template.data?.children.find((c) => c.key === key);
    return child ? localText(child.title) : '…';
  };
  type StartBody = { templateKey: string; title: string; startDate: string; params: { dates: Record<string, string>; slots: Record<string, string> } };
  const start = useSubmission((body: StartBody, headers) => unwrap(api.POST('/api/v1/programmes', { body, headers })), {
    onSuccess: async (programme) => {
      await queryClient.invalidateQueries({ queryKey: ['programmes'] });
      await navigate(`/programmes/${programme.id}`);
    },
  });
  return (
    <section className="card narrow">
      <PageTitle title={t('start.title')}>{t('start.title')}</PageTitle>
      {templates.isPending ? (
        <Skeleton lines={4} />
      ) : (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            const slots = Object.fromEntries(templateRoles.flatMap((r) => (r.filledBy === 'start' && roles[r.key] ? [[r.key, roles[r.key]!.id]] : [])));
            start.mutate({ templateKey, title: title.trim(), startDate, params: { dates, slots } });
          }}
        >
          <label>
            {t('start.template')}
            <select required value={templateKey} onChange={(e) => {
                setTemplateKey(e.target.value);
                setRoles({});
              }}
            >
              <option value="">{t('start.chooseTemplate')}</option>
              {(templates.data?.items ?? []).filter((tpl) => !tpl.archived || tpl.key === templateKey).map((tpl) => (
                <option key={tpl.key} value={tpl.key}>
                  {localName(tpl)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('start.programmeTitle')}
            <input type="text" required maxLength={300} value={title} onChange={(e) => setTitle(e.target.value)} />
          </label>
          <label>
            {t('start.startDate')}
            <input type="date" required value={startDate} onChange={(e) => setStartDate(e.target.value)} />
          </label>
          {(template.data?.dateParams ?? []).map((key) => (
            <label key={key}>
              {t('start.dateParam', { label: dateParamLabel(key, template.data?.labels) })}
              <input type="date" required value={dates[key] ?? ''} onChange={(e) => setDates({ ...dates, [key]: e.target.value })} />
            </label>
          ))}
          {templateRoles.length > 0 && (
            <fieldset className="roles">
              <legend>{t('start.roles')}</legend>
              <p className="muted small">{t('start.rolesHint')}</p>
              {templateRoles.map((role) =>
                role.filledBy === 'start' ? (
                  <OrganisationPicker key={role.key} label={t('start.role', { role: slotLabel(role.key, template.data?.labels) })} value={roles[role.key] ?? null} onChange={(picked) => setRoles((current) => ({ ...current, [role.key]: picked }))} />
                ) : (
                  <p key={role.key} className="small" data-testid="automatic-role">
                    {role.filledBy === 'child' ? t('start.roleByChild', { role: slotLabel(role.key, template.data?.labels), child: childTitle(role.child) }) : t('start.roleByStep', { role: slotLabel(role.key, template.data?.labels), step: stepName(role.step) })}
                  </p>
                ),
              )}
            </fieldset>
          )}
          <ProblemMessage error={templates.error ?? template.error ?? start.error} />
          <button type="submit" className="primary" disabled={!templateKey || !title.trim() || start.isPending}>
            {start.isPending ? t('start.submitting') : t('start.submit')}
          </button>
        </form>
      )}
    </section>
  );
}

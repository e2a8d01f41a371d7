import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { PageTitle, ProblemMessage, Skeleton } from '../components/ui';
import { localName, todayInParis } from '../lib/format';
import { useSubmission } from '../lib/submission';
import { dateParamLabel } from '../lib/labels';

export function StartProgrammePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const templates = useQuery({ queryKey: ['templates'], queryFn: () => unwrap(api.GET('/api/v1/templates')), staleTime: 300_000 });
  const [templateKey, setTemplateKey] = useState(params.get('modele') ?? '');
  const [title, setTitle] = useState('');
  const [startDate, setStartDate] = useState(todayInParis());
  const [dates, setDates] = useState<Record<string, string>>({});
  const template = useQuery({
    queryKey: ['template', templateKey],
    queryFn: () => unwrap(api.GET('/api/v1/templates/{key}', { params: { path: { key: templateKey }, query: {} } })),
    enabled: Boolean(templateKey),
    staleTime: 300_000,
  });
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
            start.mutate({ templateKey, title: title.trim(), startDate, params: { dates, slots: {} } });
          }}
        >
          <label>
            {t('start.template')}
            <select required value={templateKey} onChange={(e) => setTemplateKey(e.target.value)}>
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
          <ProblemMessage error={templates.error ?? template.error ?? start.error} />
          <button type="submit" className="primary" disabled={!templateKey || !title.trim() || start.isPending}>
            {start.isPending ? t('start.submitting') : t('start.submit')}
          </button>
        </form>
      )}
    </section>
  );
}

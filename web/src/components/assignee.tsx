import { useTranslation } from 'react-i18next';
import { slotLabel, type TemplateLabels } from '../lib/labels';
import type { StepView } from '../lib/programme-data';

export function AssigneeLabel({ assignee, names, labels }: { assignee: StepView['assignee']; names: Map<string, string>; labels: TemplateLabels | undefined }) {
  const { t } = useTranslation();
  const orgName = (id: string) => names.get(id) ?? id;
  if (assignee.organisationIds?.length) return <>{assignee.organisationIds.map(orgName).join(', ')}</>;
  if (assignee.organisationId) return <>{orgName(assignee.organisationId)}</>;
  if (assignee.kind === 'coordinator') return <>{t('assignee.coordinator')}</>;
  if (assignee.kind === 'eachPartner') return <>{t('assignee.eachPartner')}</>;
  if (assignee.slot) return <>{t('assignee.slot', { slot: slotLabel(assignee.slot, labels) })}</>;
  return <>—</>;
}

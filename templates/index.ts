/** The templates published at start-up (infra/runtime.ts `seedTemplates`). */
import type { TemplateInput } from '../domain/template-schema';
import { callForProjectsTemplate } from './call-for-projects';
import { citeApprentieTemplate } from './cite-apprentie';
import { cleaningSectorGroupTemplate } from './cleaning-sector-group';
import { daq2Template } from './daq-2';
import { defiTemplate } from './defi';
import { governanceCadenceTemplate } from './governance-cadence';
import { healthHubTemplate } from './health-hub';
import { labelRenewalTemplate } from './label-renewal';
import { receptionPointsTemplate } from './reception-points';
import { responseTemplate } from './response';
import { tenderTemplate } from './tender';
import { tiAction23Template } from './ti-action-23';
import { tiSectorTemplate } from './ti-sector';
import { tradesEventTemplate } from './trades-event';

export const BUILT_IN_TEMPLATES: TemplateInput[] = [
  tenderTemplate,
  defiTemplate,
  tiAction23Template,
  tiSectorTemplate,
  citeApprentieTemplate,
  governanceCadenceTemplate,
  callForProjectsTemplate,
  tradesEventTemplate,
  labelRenewalTemplate,
  cleaningSectorGroupTemplate,
  receptionPointsTemplate,
  daq2Template,
  responseTemplate,
  healthHubTemplate,
];

export {
  callForProjectsTemplate,
  citeApprentieTemplate,
  cleaningSectorGroupTemplate,
  daq2Template,
  defiTemplate,
  governanceCadenceTemplate,
  healthHubTemplate,
  labelRenewalTemplate,
  receptionPointsTemplate,
  responseTemplate,
  tenderTemplate,
  tiAction23Template,
  tiSectorTemplate,
  tradesEventTemplate,
};

import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes the programme workflow keeps current (Keyword where possible: the dev server allows few Text ones). */
export const TemplateKeyAttribute = defineSearchAttributeKey('JalonsTemplateKey', SearchAttributeType.KEYWORD);
export const ProgrammeStatusAttribute = defineSearchAttributeKey('JalonsStatus', SearchAttributeType.KEYWORD);
export const CoordinatorAttribute = defineSearchAttributeKey('JalonsCoordinator', SearchAttributeType.KEYWORD);
export const NextDueAtAttribute = defineSearchAttributeKey('JalonsNextDueAt', SearchAttributeType.DATETIME);

/** For server provisioning: CLI flag type names and operator-service enum values. */
export const SEARCH_ATTRIBUTES = [
  { name: TemplateKeyAttribute.name, type: 'Keyword', indexedValueType: 2 },
  { name: ProgrammeStatusAttribute.name, type: 'Keyword', indexedValueType: 2 },
  { name: CoordinatorAttribute.name, type: 'Keyword', indexedValueType: 2 },
  { name: NextDueAtAttribute.name, type: 'Datetime', indexedValueType: 6 },
] as const;

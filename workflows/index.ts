export { programmeWorkflow } from './programme';

/** The workflows the worker bundles. Deterministic code only. */
export { integrationWorkflow } from './integrationWorkflow';

export { type AuthoritativeDisableOptions, authoritativeDisable } from './authoritativeDisable';
export type { EscalationContext, Fallback, Receipt } from './Fallback';
export { closeTask, listTasks, MANUAL_TASK_KIND, type ManualTask, manualQueue } from './manualQueue';
export { type WebhookOptions, webhook } from './webhook';

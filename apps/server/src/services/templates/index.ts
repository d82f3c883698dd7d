/**
 * Each business number's approved WhatsApp templates: synced from its WABA (at start, on a
 * timer, on demand), listed for a conversation, filled and sent as an agent's message.
 */
export { conversationTemplates, sendTemplate } from './templates.ts';
export { templateSyncOf, TemplateSync, type NumberSyncResult } from './sync.ts';
export { fillTemplate, templateView } from './model.ts';

/**
 * Domain rows -> protocol views, through one `Presenter`: the one place masking applies (ADR 6);
 * who sees a conversation (`audienceOf`); the stored content of a message.
 */
export {
  conversationBlockOf,
  customerPhoneOf,
  displayPhone,
  Presenter,
  SERVICE_WINDOW_MS,
  toAgentView,
  type ConversationViewer,
  type MessageRelations,
} from './presenter.ts';
export { audienceOf, type Audience } from './audience.ts';
export { labelsByConversation, toLabelView } from './labels.ts';
export { contentOf, mapUrl, mediaOf, messageContextOf, withMediaStatus } from './content.ts';

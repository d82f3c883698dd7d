import type { ContactView } from '@parlo/protocol';

/**
 * How a customer is reached, for the line beside their name: their number, or `@username` for a
 * customer who hides their number (WhatsApp's business-scoped user ids), else nothing.
 */
export function customerHandle(contact: Pick<ContactView, 'customerPhone' | 'customerUsername'>): string {
  if (contact.customerPhone !== '') return contact.customerPhone;
  return contact.customerUsername ? `@${contact.customerUsername}` : '';
}

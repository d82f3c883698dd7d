/**
 * WhatsApp's customer-service window: a business may send free-form messages for 24 hours after
 * the customer's last message; after that only a template (Meta: "Customer service windows").
 */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

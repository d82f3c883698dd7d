import { pino, type Logger } from 'pino';

/**
 * Paths that may carry customer data. Logs never hold message bodies or phone numbers in clear;
 * code logs ids, not content, and this list is the net under that rule.
 */
const REDACTED_PATHS = [
  'text',
  'body',
  '*.text',
  '*.body',
  'phone',
  '*.phone',
  'waId',
  '*.waId',
  'wa_id',
  '*.wa_id',
  'to',
  '*.to',
  'from',
  '*.from',
  'password',
  '*.password',
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
];

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}

export type { Logger };

import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths never written to logs: credentials, cookies, phone numbers and message bodies. */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.secret',
  '*.token',
  '*.phone',
  '*.body',
];

export function createLogger(options: { level: string; pretty?: boolean; destination?: pino.DestinationStream }): Logger {
  const settings = {
    level: options.level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    base: { service: 'groundswell' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/**
 * What an unexpected error may put in the logs: its type, message, code and stack. Driver errors carry more
 * (PostgreSQL's `detail` quotes the conflicting row, phone numbers included), and that stays out.
 */
export function loggable(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error).slice(0, 200) };
  const cause = error.cause instanceof Error ? loggable(error.cause) : undefined;
  return {
    type: error.name,
    message: error.message,
    code: 'code' in error ? error.code : undefined,
    stack: error.stack,
    ...(cause ? { cause } : {}),
  };
}

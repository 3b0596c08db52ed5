import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Structured JSON logs. Patient data is special-category health data: log ids,
 * routes, status codes and timings only — never request bodies, names, NHS
 * numbers, contact details or notes.
 */
export function createLogger(options: { level?: string } = {}): Logger {
  return new Logger({
    serviceName: 'waymark',
    ...(options.level ? { logLevel: options.level as 'INFO' } : {}),
  });
}

export type { Logger };

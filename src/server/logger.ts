import { pino, type Logger, type DestinationStream } from 'pino';

/**
 * Paths pino censors in every log line: credentials, tokens and key material.
 * Secrets must never reach logs (DESIGN §2 invariant 4); this is the last line of
 * defence, not the first.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-writ-admin-token"]',
  'res.headers["set-cookie"]',
  'authorization',
  'token',
  'attestation_token',
  'private_ref',
  'privateKey',
  'private_key',
  'password',
  'secret',
  'master_key',
  '*.authorization',
  '*.token',
  '*.attestation_token',
  '*.private_ref',
  '*.privateKey',
  '*.private_key',
  '*.password',
  '*.secret',
  '*.master_key',
  '*.d',
] as const;

/**
 * Creates Writ's pino logger with redaction on.
 *
 * @example
 * ```ts
 * const log = createLogger('info');
 * log.info({ req: { headers: { authorization: 'Bearer x' } } }, 'hello'); // authorization: "[REDACTED]"
 * ```
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: [...REDACT_PATHS], censor: '[REDACTED]' },
      base: { service: 'writ' },
    },
    destination,
  );
}

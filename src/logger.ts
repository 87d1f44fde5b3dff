/**
 * Structured JSON logs (pino). Correlation id: the CDS hookInstance. Never logged: patient ids,
 * FHIR resources, bearer tokens or JWTs (the Authorization header is not serialised at all). Every
 * string of every line, the message included, goes through redact() (src/redact.ts): a token that
 * outside text carries (a FHIR server's OperationOutcome) never reaches the log.
 */
import pino, { type Logger } from 'pino';
import { redact, redactDeep } from './redact';

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'ttp-cds' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // A safety net: nothing logs these. Exact paths only; a wildcard path walks every object
      // logged (about 5 us per line on the CDS call's line).
      redact: {
        paths: [
          'req.headers.authorization',
          'headers.authorization',
          'authorization',
          'fhirAuthorization.access_token',
          'access_token',
          'accessToken',
          'token',
          'jwt',
        ],
        censor: '[redacted]',
      },
      formatters: { log: (o) => redactDeep(o) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          // An Error logged as such becomes its message (pino would print it verbatim as the line's msg).
          const safe: unknown[] = args.map((a, i) =>
            typeof a === 'string' ? redact(a) : i === 0 && a instanceof Error ? { err: { type: a.name, message: redact(a.message) } } : a,
          );
          if (args[0] instanceof Error && typeof args[1] !== 'string') safe.splice(1, 0, redact(args[0].message));
          method.apply(this, safe as Parameters<typeof method>);
        },
      },
    },
    destination ?? pino.destination({ sync: false }),
  );
}
export type { Logger };

/**
 * Structured JSON logs (pino). Correlation id: the CDS hookInstance. Never logged: patient ids,
 * FHIR resources, bearer tokens or JWTs (the Authorization header is not serialised at all).
 */
import pino, { type Logger } from 'pino';

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
    },
    destination ?? pino.destination({ sync: false }),
  );
}
export type { Logger };

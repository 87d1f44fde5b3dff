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
      redact: { paths: ['req.headers.authorization', '*.access_token', '*.accessToken', 'token', 'jwt'], censor: '[redacted]' },
    },
    destination ?? pino.destination({ sync: false }),
  );
}
export type { Logger };

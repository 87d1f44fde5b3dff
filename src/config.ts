/**
 * Runtime configuration from the environment, validated at start-up (a bad value stops the
 * service with a message instead of misbehaving later). Every variable is in the README's table.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const envSchema = z.object({
  PORT: z
    .string()
    .regex(/^\d{1,5}$/, 'is not a port number (0-65535)')
    .transform(Number)
    .refine((n) => n <= 65535, 'is not a port number (0-65535)')
    .default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'e.g. 5mb')
    .default('5mb'),
  CORS_ORIGINS: z.string().default('https://sandbox.cds-hooks.org'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SITE_CONFIG_FILE: z.string().optional(),
  CHECK_RESPONSES: z.enum(['throw', 'log', 'off']).default('log'),
  /** Empty by default: the service fetches from no FHIR server until one is allowed (README, Security). */
  FHIR_ALLOWLIST: z.string().default(''),
  FHIR_TIMEOUT_MS: z.coerce.number().int().min(50).max(30000).default(300),
  FHIR_MAX_PAGES: z.coerce.number().int().min(1).max(50).default(5),
  FHIR_MAX_MB_PER_CALL: z.coerce.number().int().min(1).max(1024).default(32),
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  CDS_TRUSTED_CLIENTS: z.string().min(1).optional(),
  PUBLIC_BASE_URL: z.string().url().optional(),
  JWT_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  JWT_MAX_AGE_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  SHUTDOWN_GRACE_MS: z
    .string()
    .regex(/^\d{1,6}$/, 'is not a number of milliseconds (0-999999)')
    .transform(Number)
    .default(10000),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().min(1).optional(),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .optional(),
  STORE_DEADLINE_MS: z
    .string()
    .regex(/^\d{2,5}$/, 'is not a number of milliseconds (10-99999)')
    .transform(Number)
    .default(200),
  JWT_REPLAY_CHECK: z.enum(['best-effort', 'required']).default('best-effort'),
  FEEDBACK_RATE_PER_MINUTE: z
    .string()
    .regex(/^\d{1,6}$/, 'is not a number of feedback items (1-999999)')
    .transform(Number)
    .refine((n) => n >= 1, 'must be at least 1')
    .default(600),
});

export type Config = {
  port: number;
  host: string;
  bodyLimit: string;
  corsOrigins: string[] | '*';
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  site: unknown;
  /** throw: a card that breaks the spec is a 500 (tests); log: it is logged and sent; off. */
  checkResponses: 'throw' | 'log' | 'off';
  fhirAllowlist: string[];
  fhirTimeoutMs: number;
  fhirMaxPages: number;
  /** The most one CDS call reads from fhirServer, all keys and pages together (decoded bytes). */
  fhirMaxBytesPerCall: number;
  webConcurrency: number;
  trustedClientsFile?: string;
  publicBaseUrl?: string;
  jwtClockSkewSeconds: number;
  jwtMaxAgeSeconds: number;
  adminToken?: string;
  /** Bearer token for GET /metrics (off without it). */
  metricsToken?: string;
  /** How long a SIGTERM waits for requests in progress before cutting them. */
  shutdownGraceMs: number;
  dataDir: string;
  databaseUrl?: string;
  databaseSchema?: string;
  /** How long a request waits for the store (a jti claim, card records, feedback) before its fallback applies. */
  storeDeadlineMs: number;
  /** `required`: a token whose jti the store cannot check in time is refused (503); `best-effort` lets it through, logged. */
  jwtReplayCheck: 'best-effort' | 'required';
  /** Feedback items a client may send per minute (its JWT issuer, else its address), as a burst or spread. */
  feedbackRatePerMinute: number;
};

/** Variables whose values are never repeated in an error message (they hold secrets). */
const SECRET = new Set(['ADMIN_TOKEN', 'METRICS_TOKEN', 'DATABASE_URL']);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = envSchema.safeParse(env);
  if (!r.success) {
    // Each problem names the variable, what it was set to (secrets excepted) and what is wrong.
    const problems = r.error.issues.map((i) => {
      const name = String(i.path[0]);
      const value = env[name];
      const shown = SECRET.has(name) || value === undefined ? '' : `=${JSON.stringify(value.slice(0, 80))}`;
      return `${name}${shown}: ${i.message}`;
    });
    throw new Error(`configuration: ${problems.join('; ')}`);
  }
  const e = r.data;
  let site: unknown = {};
  if (e.SITE_CONFIG_FILE) {
    try {
      site = JSON.parse(readFileSync(e.SITE_CONFIG_FILE, 'utf8'));
    } catch (err) {
      throw new Error(`configuration: SITE_CONFIG_FILE ${e.SITE_CONFIG_FILE}: ${(err as Error).message}`, { cause: err });
    }
  }
  if (e.CDS_TRUSTED_CLIENTS && !e.PUBLIC_BASE_URL)
    throw new Error('configuration: PUBLIC_BASE_URL is required with CDS_TRUSTED_CLIENTS (the JWT audience is the URL the EHR calls)');
  const origins = e.CORS_ORIGINS.trim();
  return {
    port: e.PORT,
    host: e.HOST,
    bodyLimit: e.BODY_LIMIT,
    corsOrigins:
      origins === '*'
        ? '*'
        : origins
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    logLevel: e.LOG_LEVEL,
    site,
    checkResponses: e.CHECK_RESPONSES,
    fhirAllowlist: e.FHIR_ALLOWLIST.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    fhirTimeoutMs: e.FHIR_TIMEOUT_MS,
    fhirMaxPages: e.FHIR_MAX_PAGES,
    fhirMaxBytesPerCall: e.FHIR_MAX_MB_PER_CALL * 1024 * 1024,
    webConcurrency: e.WEB_CONCURRENCY,
    trustedClientsFile: e.CDS_TRUSTED_CLIENTS,
    publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    jwtClockSkewSeconds: e.JWT_CLOCK_SKEW_SECONDS,
    jwtMaxAgeSeconds: e.JWT_MAX_AGE_SECONDS,
    adminToken: e.ADMIN_TOKEN,
    metricsToken: e.METRICS_TOKEN,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    databaseSchema: e.DATABASE_SCHEMA,
    storeDeadlineMs: e.STORE_DEADLINE_MS,
    jwtReplayCheck: e.JWT_REPLAY_CHECK,
    feedbackRatePerMinute: e.FEEDBACK_RATE_PER_MINUTE,
  };
}

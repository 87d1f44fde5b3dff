/**
 * Runtime configuration from the environment, validated at start-up (a bad value stops the
 * service with a message instead of misbehaving later). Every variable is in the README's table.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'e.g. 5mb').default('5mb'),
  CORS_ORIGINS: z.string().default('https://sandbox.cds-hooks.org'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SITE_CONFIG_FILE: z.string().optional(),
  CHECK_RESPONSES: bool.optional(),
  NODE_ENV: z.string().optional(),
  FHIR_ALLOWLIST: z.string().default('http://127.0.0.1:*,http://localhost:*,http://[::1]:*'),
  FHIR_TIMEOUT_MS: z.coerce.number().int().min(50).max(30000).default(300),
  FHIR_MAX_PAGES: z.coerce.number().int().min(1).max(50).default(5),
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
});

export type Config = {
  port: number;
  host: string;
  bodyLimit: string;
  corsOrigins: string[] | '*';
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  site: unknown;
  checkResponses: boolean;
  fhirAllowlist: string[];
  fhirTimeoutMs: number;
  fhirMaxPages: number;
  webConcurrency: number;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = envSchema.safeParse(env);
  if (!r.success) {
    throw new Error(`configuration: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const e = r.data;
  let site: unknown = {};
  if (e.SITE_CONFIG_FILE) {
    try {
      site = JSON.parse(readFileSync(e.SITE_CONFIG_FILE, 'utf8'));
    } catch (err) {
      throw new Error(`configuration: SITE_CONFIG_FILE ${e.SITE_CONFIG_FILE}: ${(err as Error).message}`);
    }
  }
  const origins = e.CORS_ORIGINS.trim();
  return {
    port: e.PORT,
    host: e.HOST,
    bodyLimit: e.BODY_LIMIT,
    corsOrigins: origins === '*' ? '*' : origins.split(',').map((s) => s.trim()).filter(Boolean),
    logLevel: e.LOG_LEVEL,
    site,
    checkResponses: e.CHECK_RESPONSES ?? e.NODE_ENV !== 'production',
    fhirAllowlist: e.FHIR_ALLOWLIST.split(',').map((s) => s.trim()).filter(Boolean),
    fhirTimeoutMs: e.FHIR_TIMEOUT_MS,
    fhirMaxPages: e.FHIR_MAX_PAGES,
    webConcurrency: e.WEB_CONCURRENCY,
  };
}

/**
 * Text from outside (a FHIR server's OperationOutcome, an error message, a URL) is redacted before
 * it is logged: bearer tokens, `access_token=` and its kin, and anything shaped like a JWT. The
 * logger applies it to every string of every line (src/logger.ts); callers that know the exact
 * secret (the fetcher knows the call's access token) remove it too.
 */
const BEARER = /\bBearer\s+[A-Za-z0-9\-._~+/]+=*/gi;
const TOKEN_PARAM = /\b(access_token|id_token|refresh_token|client_secret|token)(\\?"?\s*[:=]\s*\\?"?)([^"&\s,;}\\]{4,})/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
/** Anything that could hold a secret: a quick test before the replacements. */
const MAYBE = /bearer|token|secret|eyJ/i;

export function redact(text: string): string {
  if (!MAYBE.test(text)) return text;
  return text.replace(JWT, '[jwt redacted]').replace(BEARER, 'Bearer [redacted]').replace(TOKEN_PARAM, '$1$2[redacted]');
}

/** Every string of a value, redacted (objects and arrays copied; depth bounded). */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redact(value);
  if (!value || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  if (value instanceof Error) return redact(value.message);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, depth + 1);
  return out;
}

/** A secret the caller knows, removed wherever it appears (at least 8 characters, so that nothing common is). */
export function without(text: string, secret: string | undefined): string {
  return secret && secret.length >= 8 ? text.split(secret).join('[redacted]') : text;
}

/**
 * Authentication of the calling EHR (CDS Hooks 2.0 "Trusting CDS Clients"; requirements items
 * 43-48). Each trusted issuer comes with its JWKS inline or the JWKS URLs it may name in `jku`
 * (allow-listed, fetched and cached by jose's remote JWKS). Checks: signature by `kid`; algorithm
 * in the issuer's list (ES384/RS384 by default; never `none` or HMAC); `typ` JWT; `iss` trusted;
 * `aud` exactly the URL called; `exp`, `iat` with a small skew, a maximum age and a maximum lifetime
 * (`exp - iat`); a non-empty `jti` not seen before by any worker or replica (claimed in the store
 * until the token expires). Keys: a `kid` that matches an inline key of the issuer verifies against
 * it whether or not the token names a `jku` (the sandbox always sends one); otherwise the `jku`
 * must be allow-listed for the issuer. A failure is a 401 without detail; the reason goes to the
 * log, never the token.
 */
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';

const ASYMMETRIC = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'] as const;
const DEFAULT_ALGS = ['ES384', 'RS384'];

const jwkSchema = z
  .object({ kty: z.string(), kid: z.string().optional() })
  .passthrough()
  .refine((k) => !('d' in k) && !('k' in k), 'must be a public key (no "d"), and symmetric keys ("k") are not allowed');

const clientSchema = z
  .object({
    iss: z.string().min(1),
    jwks: z.object({ keys: z.array(jwkSchema).min(1) }).optional(),
    jku: z.array(z.string().url()).min(1).optional(),
    algorithms: z.array(z.enum(ASYMMETRIC)).min(1).optional(),
    /** A tenant claim this issuer must send, if any. */
    tenant: z.string().optional(),
  })
  .strict()
  .refine((c) => c.jwks || c.jku, 'needs "jwks" (inline keys) or "jku" (allowed JWKS URLs)');

export const trustedClientsSchema = z.object({ clients: z.array(clientSchema).min(1) }).strict();
export type TrustedClients = z.infer<typeof trustedClientsSchema>;

export function loadTrustedClients(path: string): TrustedClients {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`CDS_TRUSTED_CLIENTS ${path}: ${(e as Error).message}`, { cause: e });
  }
  const r = trustedClientsSchema.safeParse(json);
  if (!r.success)
    throw new Error(`CDS_TRUSTED_CLIENTS ${path}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const seen = new Set<string>();
  for (const c of r.data.clients) {
    if (seen.has(c.iss)) throw new Error(`CDS_TRUSTED_CLIENTS: issuer ${c.iss} is listed twice`);
    seen.add(c.iss);
  }
  return r.data;
}

export type VerifyResult =
  | { ok: true; iss: string; jti: string; replayUnchecked?: string }
  /** `unavailable`: the token may be good, but its jti could not be checked and the check is required (503, not 401). */
  | { ok: false; reason: string; unavailable?: boolean };

/** Claims a `${iss} ${jti}` key until it expires (epoch ms): true the first time only (the store). */
export type ClaimJti = (key: string, expiresAt: number) => Promise<boolean>;

/** A claim kept in this process only: for tests and tools, never for a deployment with workers. */
export function memoryClaims(): ClaimJti {
  const seen = new Map<string, number>();
  return async (key, expiresAt) => {
    const now = Date.now();
    if (seen.size > 10_000) for (const [k, exp] of seen) if (exp < now) seen.delete(k);
    const exp = seen.get(key);
    if (exp !== undefined && exp >= now) return false;
    seen.set(key, expiresAt);
    return true;
  };
}

interface Client {
  iss: string;
  algorithms: string[];
  local?: JWTVerifyGetKey;
  /** The kids of the inline keys. */
  kids: Set<string>;
  jku: Map<string, JWTVerifyGetKey>;
  tenant?: string;
}

export class JwtVerifier {
  private readonly clients = new Map<string, Client>();
  private readonly claim: ClaimJti;

  constructor(
    trusted: TrustedClients,
    private readonly opts: {
      clockSkewSeconds: number;
      maxAgeSeconds: number;
      claimJti?: ClaimJti;
      now?: () => number;
      /** `required`: a jti the store cannot check is refused; `best-effort` (the default) lets the token through. */
      replayCheck?: 'best-effort' | 'required';
    } = {
      clockSkewSeconds: 30,
      maxAgeSeconds: 300,
    },
  ) {
    this.claim = opts.claimJti ?? memoryClaims();
    for (const c of trusted.clients) {
      const algorithms = c.algorithms ?? DEFAULT_ALGS;
      this.clients.set(c.iss, {
        iss: c.iss,
        algorithms,
        local: c.jwks ? createLocalJWKSet(c.jwks as never) : undefined,
        kids: new Set((c.jwks?.keys ?? []).map((k) => k.kid).filter((k): k is string => typeof k === 'string')),
        jku: new Map(
          (c.jku ?? []).map((u) => [
            u,
            createRemoteJWKSet(new URL(u), { timeoutDuration: 2000, cooldownDuration: 30_000, cacheMaxAge: 600_000 }),
          ]),
        ),
        tenant: c.tenant,
      });
    }
  }

  async verify(authorization: string | undefined, audience: string): Promise<VerifyResult> {
    if (!authorization) return { ok: false, reason: 'no Authorization header' };
    // The scheme is case-insensitive (RFC 9110 section 11.1).
    const m = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i.exec(authorization.trim());
    if (!m) return { ok: false, reason: 'Authorization is not a Bearer JWT' };
    const token = m[1]!;
    let header: ReturnType<typeof decodeProtectedHeader>;
    let claims: ReturnType<typeof decodeJwt>;
    try {
      header = decodeProtectedHeader(token);
      claims = decodeJwt(token);
    } catch {
      return { ok: false, reason: 'malformed JWT' };
    }
    if (!header.alg || header.alg === 'none' || /^HS/i.test(header.alg))
      return { ok: false, reason: `algorithm ${header.alg ?? '(none)'} is never accepted` };
    const client = typeof claims.iss === 'string' ? this.clients.get(claims.iss) : undefined;
    if (!client)
      return { ok: false, reason: `issuer not trusted (${typeof claims.iss === 'string' ? claims.iss.slice(0, 100) : 'no iss'})` };
    if (!client.algorithms.includes(header.alg)) return { ok: false, reason: `algorithm ${header.alg} not accepted for ${client.iss}` };
    let keys: JWTVerifyGetKey | undefined;
    // An inline key named by the token's kid wins: `jku` says where keys may be found, it does not
    // oblige the service to fetch them (the public sandbox always sends one, to a URL a hospital
    // network cannot reach).
    if (client.local && typeof header.kid === 'string' && client.kids.has(header.kid)) keys = client.local;
    else if (header.jku) {
      keys = client.jku.get(header.jku);
      if (!keys)
        return {
          ok: false,
          reason: `jku not allow-listed for ${client.iss}, and no inline key has kid ${String(header.kid).slice(0, 64)}`,
        };
    } else if (client.local) keys = client.local;
    else if (client.jku.size === 1) keys = [...client.jku.values()][0];
    if (!keys) return { ok: false, reason: `no key source for ${client.iss} (send jku)` };
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: client.iss,
        audience,
        algorithms: client.algorithms,
        typ: 'JWT',
        clockTolerance: this.opts.clockSkewSeconds,
        maxTokenAge: this.opts.maxAgeSeconds,
        requiredClaims: ['iss', 'aud', 'exp', 'iat', 'jti'],
        currentDate: this.opts.now ? new Date(this.opts.now()) : undefined,
      });
      const now = (this.opts.now?.() ?? Date.now()) / 1000;
      if (typeof payload.iat === 'number' && payload.iat > now + this.opts.clockSkewSeconds)
        return { ok: false, reason: 'iat is in the future' };
      // A short-lived token: no more than the maximum age (plus skew) between issue and expiry.
      const lifetime = (payload.exp as number) - (payload.iat as number);
      if (!(lifetime <= this.opts.maxAgeSeconds + this.opts.clockSkewSeconds))
        return {
          ok: false,
          reason: `token lifetime ${Math.round(lifetime)} s is over ${this.opts.maxAgeSeconds + this.opts.clockSkewSeconds} s`,
        };
      if (client.tenant !== undefined && payload.tenant !== client.tenant) return { ok: false, reason: 'tenant mismatch' };
      if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256)
        return { ok: false, reason: 'jti must be a non-empty string of at most 256 characters' };
      const jti = payload.jti;
      const expiresAt = ((payload.exp as number) + this.opts.clockSkewSeconds) * 1000;
      let fresh: boolean;
      try {
        fresh = await this.claim(`${client.iss} ${jti}`, expiresAt);
      } catch (e) {
        // The store cannot say in time. By default a valid, unexpired, correctly signed token is let
        // through (clinical guidance is not withheld for a database outage) and the log says replay
        // was not checked; a hospital that prefers to fail closed sets JWT_REPLAY_CHECK=required.
        if (this.opts.replayCheck === 'required')
          return { ok: false, reason: `jti could not be checked (${(e as Error).message})`, unavailable: true };
        return { ok: true, iss: client.iss, jti, replayUnchecked: (e as Error).message };
      }
      if (!fresh) return { ok: false, reason: 'jti replayed' };
      return { ok: true, iss: client.iss, jti };
    } catch (e) {
      if (e instanceof errors.JWTClaimValidationFailed) return { ok: false, reason: `claim ${e.claim} failed: ${e.reason}` };
      if (e instanceof errors.JWTExpired) return { ok: false, reason: 'token expired' };
      if (e instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: 'bad signature' };
      if (e instanceof errors.JWKSNoMatchingKey) return { ok: false, reason: 'no key matches kid' };
      return { ok: false, reason: `verification failed (${(e as Error).name})` };
    }
  }
}

/**
 * Prefetch fallback (CDS Hooks 2.0 "Prefetch Template" and "FHIR Resource Access"; requirements
 * items 17-22): GET what the EHR did not prefetch from `fhirServer` with the bearer token, in
 * parallel, following `next` links up to a cap, under one deadline per call. Node's fetch with an
 * AbortSignal; no redirects are followed and `next` links must stay on the same server, so the
 * service cannot be steered to other URLs. The access token is never logged or kept.
 */
import type { Logger } from 'pino';
import type { FetchResult, PrefetchFetcher } from '../cds/service';
import { classify } from '../cds/prefetch';
import type { AnyResource } from './read';
import { MAX_JSON_DEPTH, tooDeepAt } from '../json-depth';
import { without } from '../redact';

export interface FetcherOptions {
  /** Allow-list entries: URL prefixes (`https://ehr.example/fhir`, `http://127.0.0.1:*`) or bare hosts (https only). */
  allowlist: string[];
  timeoutMs: number;
  maxPages: number;
  pageSize?: number;
  /** Largest response body accepted, in bytes (decoded). */
  maxBytes?: number;
  /** The most one CDS call may read from fhirServer, all keys and pages together, in bytes (decoded). */
  maxCallBytes?: number;
  logger?: Logger;
  /** Told of each key: fetched, failed, or refused (fhirServer not allow-listed). For the metrics. */
  onFetch?: (key: string, outcome: 'fetched' | 'failed' | 'refused') => void;
}

interface AllowEntry {
  scheme: 'http:' | 'https:';
  host: string;
  /** undefined: the scheme's default port; '*': any port. */
  port?: string;
  path: string;
}

function parseAllowEntry(entry: string): AllowEntry {
  const e = entry.trim();
  if (!/^[a-z]+:\/\//i.test(e)) {
    // A bare host (optionally host:port): https only.
    const u = new URL(`https://${e.replace(/:\*$/, '')}`);
    return { scheme: 'https:', host: u.hostname, port: e.endsWith(':*') ? '*' : u.port || undefined, path: '/' };
  }
  const wildcard = /:\*(\/|$)/.test(e);
  const u = new URL(e.replace(/:\*(\/|$)/, '$1'));
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`FHIR_ALLOWLIST: ${entry} is not http(s)`);
  return { scheme: u.protocol, host: u.hostname, port: wildcard ? '*' : u.port || undefined, path: u.pathname.replace(/\/+$/, '') || '/' };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Parse FHIR_ALLOWLIST; a plain-http entry must be loopback (https is required elsewhere). */
export function parseAllowlist(entries: string[]): AllowEntry[] {
  return entries.map((e) => {
    const a = parseAllowEntry(e);
    if (a.scheme === 'http:' && !LOOPBACK.has(a.host)) throw new Error(`FHIR_ALLOWLIST: ${e} uses http outside loopback; use https`);
    return a;
  });
}

export function isAllowed(url: string, allow: AllowEntry[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.username || u.password) return false;
  const path = u.pathname.replace(/\/+$/, '') || '/';
  return allow.some(
    (a) =>
      a.scheme === u.protocol &&
      a.host === u.hostname &&
      (a.port === '*' || (a.port ?? '') === u.port) &&
      (a.path === '/' || path === a.path || path.startsWith(`${a.path}/`)),
  );
}

/** What is left of one call's bytes, shared by its keys. */
interface Budget {
  left: number;
}

export class FhirFetcher implements PrefetchFetcher {
  private readonly allow: AllowEntry[];
  private readonly pageSize: number;
  private readonly maxBytes: number;
  private readonly maxCallBytes: number;

  constructor(private readonly opts: FetcherOptions) {
    this.allow = parseAllowlist(opts.allowlist);
    this.pageSize = opts.pageSize ?? 500;
    this.maxBytes = opts.maxBytes ?? 20 * 1024 * 1024;
    this.maxCallBytes = opts.maxCallBytes ?? 32 * 1024 * 1024;
  }

  async fetchKeys(args: {
    fhirServer: string;
    accessToken?: string;
    keys: { key: string; url: string }[];
    hookInstance: string;
  }): Promise<Map<string, FetchResult>> {
    const out = new Map<string, FetchResult>();
    if (!isAllowed(args.fhirServer, this.allow)) {
      for (const k of args.keys) this.opts.onFetch?.(k.key, 'refused');
      for (const k of args.keys)
        out.set(k.key, {
          ok: false,
          reason: 'fhirServer is not allow-listed (FHIR_ALLOWLIST); nothing was fetched',
          ms: 0,
        });
      this.opts.logger?.warn(
        { hookInstance: args.hookInstance, keys: args.keys.map((k) => k.key) },
        'fhirServer refused: not on the allow-list',
      );
      return out;
    }
    const base = args.fhirServer.replace(/\/+$/, '');
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('deadline')), this.opts.timeoutMs);
    // One budget of bytes for the whole call: every key, every page (a server that answers 19 MB pages
    // with next links cannot take one call to hundreds of megabytes).
    const budget: Budget = { left: this.maxCallBytes };
    try {
      await Promise.all(
        args.keys.map(async ({ key, url }) => {
          const started = performance.now();
          const r = await this.fetchKey(base, url, args.accessToken, controller.signal, budget);
          const ms = Math.round(performance.now() - started);
          this.opts.onFetch?.(key, r.ok ? 'fetched' : 'failed');
          // The EHR learns that a key could not be fetched, never why (a refused port, a timeout and a
          // 401 would tell a caller what listens where); the log has the reason.
          out.set(
            key,
            r.ok
              ? { ok: true, state: r.state, ms }
              : {
                  ok: false,
                  reason: `could not be fetched from fhirServer (the service log has the reason; hookInstance ${args.hookInstance})`,
                  ms,
                },
          );
          this.opts.logger?.[r.ok ? 'info' : 'warn'](
            {
              hookInstance: args.hookInstance,
              key,
              ok: r.ok,
              ms,
              pages: r.pages,
              resources: r.ok && r.state.kind === 'data' ? r.state.resources.length : undefined,
              status: r.status,
              // The server's text may echo the call's token: the exact token goes first, then any shape of one (the logger).
              reason: r.ok ? undefined : without(r.reason, args.accessToken),
            },
            r.ok ? 'prefetch key fetched' : 'prefetch key not fetched',
          );
        }),
      );
    } finally {
      clearTimeout(timer);
    }
    return out;
  }

  /**
   * The body as text, read chunk by chunk and counted after decoding (fetch inflates gzip, deflate
   * and br as it streams): past maxBytes, or past what is left of the call's budget, the stream is
   * cancelled, so neither the text nor the inflation goes further. Says which cap it hit. A page cut
   * gives its bytes back to the budget (they are dropped), so the keys read at the same time go on:
   * what the call holds never exceeds its budget, and the pages that fit are read whole.
   */
  private async readCapped(res: Response, budget: Budget): Promise<string | 'over-response' | 'over-call'> {
    if (!res.body) return '';
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      budget.left -= value.byteLength;
      if (total > this.maxBytes || budget.left < 0) {
        budget.left += total;
        await reader.cancel();
        return total > this.maxBytes ? 'over-response' : 'over-call';
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks, total).toString('utf8');
  }

  private async fetchKey(
    base: string,
    relative: string,
    token: string | undefined,
    signal: AbortSignal,
    budget: Budget,
  ): Promise<
    ({ ok: true; state: Extract<FetchResult, { ok: true }>['state'] } | { ok: false; reason: string }) & { pages: number; status?: number }
  > {
    const isRead = !relative.includes('?');
    let url: string | undefined = `${base}/${relative.replace(/^\/+/, '')}`;
    if (!isRead && !/[?&]_count=/.test(url)) url += `&_count=${this.pageSize}`;
    const resources: AnyResource[] = [];
    let pages = 0;
    let lastStatus: number | undefined;
    let truncated = false;
    while (url) {
      if (pages >= this.opts.maxPages || (pages > 0 && budget.left <= 0)) {
        truncated = true;
        break;
      }
      if (budget.left <= 0)
        return { ok: false, reason: `the call's responses together are over ${this.maxCallBytes} bytes (decoded)`, pages };
      if (!isAllowed(url, this.allow) || !url.startsWith(base))
        return { ok: false, reason: 'a next link points outside fhirServer', pages };
      pages++;
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'GET',
          headers: { Accept: 'application/fhir+json, application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
          redirect: 'manual',
          signal,
        });
      } catch (e) {
        const reason = signal.aborted
          ? `no answer within the ${this.opts.timeoutMs} ms deadline`
          : `cannot reach fhirServer (${(e as Error & { cause?: { code?: string } }).cause?.code ?? (e as Error).name})`;
        return { ok: false, reason, pages };
      }
      lastStatus = res.status;
      if (isRead && (res.status === 404 || res.status === 410)) {
        await res.body?.cancel();
        return { ok: true, state: { kind: 'null' }, pages, status: res.status };
      }
      if (res.status !== 200) {
        await res.body?.cancel();
        const why =
          res.status === 401 || res.status === 403
            ? 'access was refused'
            : res.status >= 300 && res.status < 400
              ? 'a redirect was refused'
              : 'the request failed';
        return { ok: false, reason: `fhirServer answered ${res.status} (${why})`, pages, status: res.status };
      }
      const declared = Number(res.headers.get('content-length') ?? '0');
      if (declared > this.maxBytes) {
        await res.body?.cancel();
        return { ok: false, reason: 'the response is too large', pages, status: res.status };
      }
      let json: unknown;
      try {
        const text = await this.readCapped(res, budget);
        if (text === 'over-response')
          return { ok: false, reason: `the response is over ${this.maxBytes} bytes (decoded)`, pages, status: res.status };
        if (text === 'over-call') {
          // Pages already read are kept as partial data (the cards say so); a first page is a failure.
          if (pages > 1) {
            truncated = true;
            break;
          }
          return {
            ok: false,
            reason: `the call's responses together are over ${this.maxCallBytes} bytes (decoded)`,
            pages,
            status: res.status,
          };
        }
        // Depth first, in one pass: JSON.parse of megabytes of nested brackets takes seconds.
        if (tooDeepAt(text) !== undefined)
          return { ok: false, reason: `the response nests more than ${MAX_JSON_DEPTH} levels deep`, pages, status: res.status };
        json = JSON.parse(text);
      } catch (e) {
        return {
          ok: false,
          reason: signal.aborted ? `no answer within the ${this.opts.timeoutMs} ms deadline` : 'the response is not valid JSON',
          pages,
          status: res.status,
        };
      }
      const state = classify(true, json, [
        'Patient',
        'Condition',
        'Procedure',
        'ServiceRequest',
        'Observation',
        'MedicationRequest',
        'MedicationAdministration',
        'Medication',
        'AllergyIntolerance',
      ]);
      if (state.kind === 'outcome')
        return { ok: false, reason: `fhirServer returned an OperationOutcome (${state.diagnostics})`, pages, status: res.status };
      if (state.kind === 'invalid') return { ok: false, reason: `the response ${state.reason}`, pages, status: res.status };
      if (state.kind === 'null') return { ok: true, state, pages, status: res.status };
      if (state.kind === 'absent') return { ok: false, reason: 'empty response', pages, status: res.status };
      for (const r of state.resources) resources.push(r);
      if (isRead) return { ok: true, state: { kind: 'data', resources }, pages, status: res.status };
      url = state.next;
    }
    // Pages beyond the cap: the data are partial, and the cards will say so.
    return { ok: true, state: { kind: 'data', resources, next: truncated ? 'truncated' : undefined }, pages, status: lastStatus };
  }
}

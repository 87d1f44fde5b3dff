import type * as fhir4 from 'fhir/r4';

/** One problem in a request, as it will appear in the OperationOutcome. */
export interface Issue {
  /** OperationOutcome.issue.code (FHIR issue-type). */
  code:
    | 'invalid'
    | 'required'
    | 'value'
    | 'structure'
    | 'not-found'
    | 'too-long'
    | 'security'
    | 'login'
    | 'incomplete'
    | 'exception'
    | 'timeout'
    | 'processing'
    | 'not-supported'
    | 'transient';
  diagnostics: string;
  /** Where the problem is, e.g. `context.patientId` or `prefetch.labs`. */
  expression?: string;
}

/**
 * The one way to fail. Every error has a stable `code` (so a log line points at its throw site),
 * an HTTP status and the issues that become the OperationOutcome body (CDS Hooks 3.0 adopts
 * OperationOutcome bodies on non-2xx; 2.0 clients ignore the body).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly issues: Issue[],
    /** When false the body carries no detail (401: the reason goes only to the log). */
    readonly exposeDetail = true,
  ) {
    super(issues.map((i) => (i.expression ? `${i.expression}: ${i.diagnostics}` : i.diagnostics)).join('; ') || code);
    this.name = 'HttpError';
  }

  /** Response headers that go with it (Retry-After on a 429 or 503). */
  headers?: Record<string, string>;

  with(headers: Record<string, string>): this {
    this.headers = { ...this.headers, ...headers };
    return this;
  }
}

export const badRequest = (code: string, issues: Issue[]) => new HttpError(400, code, issues);
export const unauthorized = (code: string, reason: string) => new HttpError(401, code, [{ code: 'login', diagnostics: reason }], false);
export const forbidden = (code: string, reason: string) => new HttpError(403, code, [{ code: 'security', diagnostics: reason }]);
export const notFound = (code: string, what: string) => new HttpError(404, code, [{ code: 'not-found', diagnostics: what }]);
export const preconditionFailed = (code: string, issues: Issue[]) => new HttpError(412, code, issues);
export const payloadTooLarge = (limit: string) =>
  new HttpError(413, 'body-too-large', [{ code: 'too-long', diagnostics: `Request body is larger than the limit of ${limit}.` }]);

export function toOperationOutcome(err: HttpError): fhir4.OperationOutcome {
  if (!err.exposeDetail)
    return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: err.issues[0]?.code ?? 'security' }] };
  return {
    resourceType: 'OperationOutcome',
    issue: err.issues.map((i) => ({
      severity: 'error',
      code: i.code,
      diagnostics: i.diagnostics,
      ...(i.expression ? { expression: [i.expression] } : {}),
    })),
  };
}

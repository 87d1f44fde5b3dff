/**
 * Feedback (CDS Hooks 2.0 "Feedback"; requirements items 37-40) and the record of issued cards
 * that lets feedback join back to its rule. Validated strictly per item; idempotent in the store.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { badRequest, type Issue } from './errors';
import { type Card, formatPath } from './cds/schemas';
import type { Content } from './content';
import type { CardRecord, FeedbackRecord, Store } from './store/types';

const coding = z.object({ system: z.string().min(1).optional(), code: z.string().min(1), display: z.string().optional() }).passthrough();
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const feedbackItem = z
  .object({
    card: z.string().uuid(),
    outcome: z.enum(['accepted', 'overridden']),
    outcomeTimestamp: z.string().regex(RFC3339, 'must be an RFC 3339 date-time'),
    acceptedSuggestions: z.array(z.object({ id: z.string().min(1) }).passthrough()).optional(),
    overrideReason: z
      .object({ reason: coding.optional(), userComment: z.string().optional() })
      .passthrough()
      .refine(
        (o) => o.reason !== undefined || (o.userComment !== undefined && o.userComment.length > 0),
        'needs reason or userComment (cds-fb-3)',
      )
      .optional(),
  })
  .passthrough()
  .superRefine((f, ctx) => {
    if (f.outcome === 'accepted' && (!f.acceptedSuggestions || f.acceptedSuggestions.length === 0))
      ctx.addIssue({ code: 'custom', path: ['acceptedSuggestions'], message: 'is required when outcome is accepted (cds-fb-1)' });
    if (f.outcome === 'accepted' && f.overrideReason)
      ctx.addIssue({ code: 'custom', path: ['overrideReason'], message: 'only with outcome overridden (cds-fb-2)' });
  });

export const feedbackSchema = z.object({ feedback: z.array(feedbackItem).min(1).max(1000) }).passthrough();

export function parseFeedback(service: string, body: unknown, now: number): FeedbackRecord[] {
  const r = feedbackSchema.safeParse(body);
  if (!r.success) {
    const issues: Issue[] = r.error.issues.map((i) => {
      const path = formatPath(i.path);
      return { code: 'value', diagnostics: `${path || 'body'}: ${i.message}`, expression: path || undefined };
    });
    throw badRequest('invalid-feedback', issues);
  }
  const receivedAt = new Date(now).toISOString();
  return r.data.feedback.map((f) => ({
    service,
    cardUuid: f.card.toLowerCase(),
    outcome: f.outcome,
    outcomeTimestamp: f.outcomeTimestamp,
    acceptedSuggestions: (f.acceptedSuggestions ?? []).map((s) => s.id),
    reasonSystem: f.overrideReason?.reason?.system,
    reasonCode: f.overrideReason?.reason?.code,
    hasComment: !!f.overrideReason?.userComment,
    receivedAt,
  }));
}

export function patientHash(salt: string, patientId: string): string {
  return createHmac('sha256', salt).update(patientId).digest('hex');
}

export function cardRecords(
  cards: Card[],
  meta: { hookInstance: string; service: string; patientHash: string; now: number },
  content: Content,
): CardRecord[] {
  const issuedAt = new Date(meta.now).toISOString();
  return cards.map((c) => ({
    cardUuid: c.uuid.toLowerCase(),
    hookInstance: meta.hookInstance,
    service: meta.service,
    ruleId: c.source.topic.code,
    ruleVersion: content.rules[c.source.topic.code]?.version ?? 'unknown',
    issuedAt,
    patientHash: meta.patientHash,
  }));
}

/**
 * Constant-time comparison of an admin token, sent as `Bearer <token>` (APIs, Prometheus) or as
 * the password of HTTP Basic (a browser's own prompt, for the dashboard).
 */
export function adminAuthorized(header: string | undefined, token: string): boolean {
  const m = /^(Bearer|Basic)\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  let given = m[2]!.trim();
  if (m[1]!.toLowerCase() === 'basic') {
    const decoded = Buffer.from(given, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    given = decoded.slice(colon + 1);
  }
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export type { Store };

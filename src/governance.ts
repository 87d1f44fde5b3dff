/**
 * Feedback (CDS Hooks 2.0 "Feedback"; requirements items 37-40) and the record of issued cards
 * that lets feedback join back to its rule. Validated strictly per item; idempotent in the store.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { badRequest, type Issue } from './errors';
import { type Card, formatPath } from './cds/schemas';
import type { Content } from './content';
import type { CardRecord, FeedbackRecord, IssuedCard, Store } from './store/types';

/**
 * What one request may carry (hostile input, second round, item 9): feedback is a click of a
 * clinician, so a request has a few items, a comment is a sentence or two (never stored, only
 * whether there was one) and a card gets a handful of outcomes over its life.
 */
export const FEEDBACK_LIMITS = {
  itemsPerRequest: 100,
  suggestionsPerItem: 10,
  suggestionIdLength: 128,
  codeLength: 64,
  systemLength: 256,
  displayLength: 256,
  commentLength: 4000,
  /** Feedback items stored per card, at most (a card accepted, then overridden, then accepted again is three). */
  perCard: 20,
} as const;

const L = FEEDBACK_LIMITS;
const coding = z
  .object({
    system: z.string().min(1).max(L.systemLength).optional(),
    code: z.string().min(1).max(L.codeLength),
    display: z.string().max(L.displayLength).optional(),
  })
  .passthrough();
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const feedbackItem = z
  .object({
    card: z.string().uuid(),
    outcome: z.enum(['accepted', 'overridden']),
    outcomeTimestamp: z.string().regex(RFC3339, 'must be an RFC 3339 date-time'),
    acceptedSuggestions: z
      .array(z.object({ id: z.string().min(1).max(L.suggestionIdLength) }).passthrough())
      .max(L.suggestionsPerItem)
      .optional(),
    overrideReason: z
      .object({ reason: coding.optional(), userComment: z.string().max(L.commentLength).optional() })
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

export const feedbackSchema = z.object({ feedback: z.array(feedbackItem).min(1).max(L.itemsPerRequest) }).passthrough();

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

/**
 * Feedback is about a card this service issued and showed, with an override reason that card
 * offered: each item that is not names its index and what is wrong (never the value sent).
 */
export function feedbackProblems(items: FeedbackRecord[], issued: ReadonlyMap<string, IssuedCard>, content: Content): Issue[] {
  const issues: Issue[] = [];
  const inRequest = new Map<string, number>();
  items.forEach((f, i) => {
    const at = `feedback[${i}]`;
    const card = issued.get(f.cardUuid);
    if (!card) return issues.push({ code: 'not-found', diagnostics: 'is not a card this service issued', expression: `${at}.card` });
    if (card.service !== f.service)
      return issues.push({ code: 'value', diagnostics: `was issued by another service (${card.service})`, expression: `${at}.card` });
    if (card.silent)
      return issues.push({ code: 'value', diagnostics: 'was computed in silent mode and never shown', expression: `${at}.card` });
    const n = (inRequest.get(f.cardUuid) ?? 0) + 1;
    inRequest.set(f.cardUuid, n);
    if (card.feedbackItems + n > FEEDBACK_LIMITS.perCard)
      issues.push({
        code: 'too-long',
        diagnostics: `the card already has ${card.feedbackItems} feedback items (at most ${FEEDBACK_LIMITS.perCard} per card)`,
        expression: `${at}.card`,
      });
    if (f.reasonSystem !== undefined && f.reasonSystem !== content.overrideReasonSystem)
      issues.push({
        code: 'value',
        diagnostics: `is not this service's override-reason system (${content.overrideReasonSystem})`,
        expression: `${at}.overrideReason.reason.system`,
      });
    if (f.reasonCode !== undefined) {
      const codes = content.rules[card.ruleId]?.overrideReasons.map((r) => r.code) ?? [];
      if (!codes.includes(f.reasonCode))
        issues.push({
          code: 'value',
          diagnostics: `is not one of the override reasons of ${card.ruleId} (${codes.join(', ') || 'none in the current content'})`,
          expression: `${at}.overrideReason.reason.code`,
        });
    }
    return undefined;
  });
  return issues;
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

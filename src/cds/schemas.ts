/**
 * CDS Hooks 2.0 types, inferred from zod schemas so that runtime validation and the types have one
 * source of truth (the `cds-hooks-types` package named in the design does not exist).
 * Requests are parsed leniently (unknown fields pass through; the `selection` alias sent by the
 * Logica sandbox is accepted); the fields the service relies on are checked strictly.
 * Responses are checked strictly against every card invariant of the spec (items 25-36 of
 * shared/cds-hooks/requirements.md): in tests for every card, and at run time outside production.
 */
import { z } from 'zod';

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const ref = (types: string[]) =>
  z
    .string()
    .regex(
      new RegExp(`^(${types.join('|')})/[A-Za-z0-9\\-.]{1,64}$`),
      `must be a reference of the form Type/id with Type one of ${types.join(', ')}`,
    );

const fhirId = z.string().regex(FHIR_ID, 'must be a FHIR id (1-64 letters, digits, - or .)');

/**
 * An absolute http(s) URL: scheme, host (name, IPv4 or [IPv6]), optional port (0-65535), then
 * anything without whitespace, and parsed by URL, which refuses hosts the shape cannot judge: a
 * last label that starts with a digit goes to the IPv4 parser (`.9`, `999.1`, `a.09` are refused),
 * `xn--` labels are decoded as IDNA, a bracketed host must be IPv6. The shape also refuses what
 * URL accepts but an EHR should not send (user info, other schemes, whitespace). 0.4-1 us in all
 * when hot; the answer is kept per URL (below). A property test checks that everything accepted
 * parses as an http(s) URL.
 */
const HTTP_URL_SHAPE =
  /^https?:\/\/(?:[A-Za-z0-9\-._~]+|\[[0-9A-Fa-f:.]+\])(?::(?:\d{1,4}|[1-5]\d{4}|6[0-4]\d{3}|65[0-4]\d{2}|655[0-2]\d|6553[0-5]))?(?:[/?#]\S*)?$/;

/**
 * URLs already judged, bounded: an EHR sends the same fhirServer on every call, and cards the same
 * links. URL.canParse takes under a microsecond in a loop but 24-33 us in a request, after the
 * body's parse has pushed the URL parser's code out of the CPU caches (measured in-process).
 */
const judgedUrls = new Map<string, boolean>();
export const isHttpUrl = (s: string): boolean => {
  let ok = judgedUrls.get(s);
  if (ok === undefined) {
    ok = HTTP_URL_SHAPE.test(s) && URL.canParse(s);
    if (s.length <= 2048) {
      if (judgedUrls.size >= 256) judgedUrls.clear();
      judgedUrls.set(s, ok);
    }
  }
  return ok;
};
export const httpUrl = z.string().refine(isHttpUrl, 'must be an absolute http(s) URL');

/**
 * A JSON object whose values are anything, checked without copying it (z.record copies every key:
 * prefetch holds the whole record).
 */
const jsonObject = z.custom<Record<string, unknown>>(
  (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
  'must be a JSON object',
);

export const fhirAuthorizationSchema = z
  .object({
    access_token: z.string().min(1),
    token_type: z.string().regex(/^bearer$/i, 'must be Bearer'),
    expires_in: z.number().int().nonnegative(),
    scope: z.string().min(1),
    subject: z.string().min(1),
    patient: fhirId.optional(),
  })
  .passthrough();

/**
 * The most draft orders (and selections) one order-select or order-sign call may carry: an order
 * session holds a few dozen; the ordering rules compare drafts with each other, so their number
 * is bounded rather than their work made to depend on it.
 */
export const MAX_DRAFTS = 500;

const bundleSchema = z
  .object({
    resourceType: z.literal('Bundle'),
    type: z.string().optional(),
    entry: z
      .array(z.object({ resource: z.unknown().optional() }).passthrough())
      .max(MAX_DRAFTS, `at most ${MAX_DRAFTS} draft orders per call`)
      .optional(),
  })
  .passthrough();

const baseRequest = z
  .object({
    hook: z.string().min(1),
    // The spec calls for a UUID; the check allows any opaque id of safe characters so that it can
    // be logged as the correlation id without injection.
    hookInstance: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be a UUID (1-128 letters, digits, . _ : -)'),
    fhirServer: httpUrl.optional(),
    fhirAuthorization: fhirAuthorizationSchema.optional(),
    prefetch: jsonObject.optional(),
    extension: jsonObject.optional(),
  })
  .passthrough();

const USER_PV = ['Practitioner', 'PractitionerRole', 'Patient', 'RelatedPerson'];
const USER_ORDER = ['Practitioner', 'PractitionerRole'];

export const patientViewContext = z.object({ userId: ref(USER_PV), patientId: fhirId, encounterId: fhirId.optional() }).passthrough();

const ORDER_TYPES = [
  'MedicationRequest',
  'ServiceRequest',
  'NutritionOrder',
  'VisionPrescription',
  'DeviceRequest',
  'Procedure',
  'CarePlan',
];

export const orderSelectContext = z.preprocess(
  (v) => {
    // Logica sandbox sent `selection` (singular); accept it as `selections`.
    if (v && typeof v === 'object' && !('selections' in v) && 'selection' in v) {
      const { selection, ...rest } = v as Record<string, unknown>;
      return { ...rest, selections: selection };
    }
    return v;
  },
  z
    .object({
      userId: ref(USER_ORDER),
      patientId: fhirId,
      encounterId: fhirId.optional(),
      selections: z.array(ref(ORDER_TYPES)).min(1).max(MAX_DRAFTS, `at most ${MAX_DRAFTS} selections per call`),
      draftOrders: bundleSchema,
    })
    .passthrough(),
);

export const orderSignContext = z
  .object({ userId: ref(USER_ORDER), patientId: fhirId, encounterId: fhirId.optional(), draftOrders: bundleSchema })
  .passthrough();

export const requestSchemas = {
  'patient-view': baseRequest.extend({ context: patientViewContext }),
  'order-select': baseRequest.extend({ context: orderSelectContext }),
  'order-sign': baseRequest.extend({ context: orderSignContext }),
} as const;

export type PatientViewRequest = z.infer<(typeof requestSchemas)['patient-view']>;
export type OrderSelectRequest = z.infer<(typeof requestSchemas)['order-select']>;
export type OrderSignRequest = z.infer<(typeof requestSchemas)['order-sign']>;
export type CdsRequest = PatientViewRequest | OrderSelectRequest | OrderSignRequest;
export type FhirAuthorization = z.infer<typeof fhirAuthorizationSchema>;

// ---------------------------------------------------------------------------------------------
// Response (strict): every invariant a client or Inferno checks.

const nonEmpty = z.string().min(1);
const absoluteUrl = httpUrl;
export const codingSchema = z.object({ system: nonEmpty, code: nonEmpty, display: nonEmpty.optional() }).strict();

const actionSchema = z
  .object({
    type: z.enum(['create', 'update', 'delete']),
    description: nonEmpty,
    resource: jsonObject.optional(),
    resourceId: nonEmpty.optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    if ((a.type === 'create' || a.type === 'update') && !a.resource)
      ctx.addIssue({ code: 'custom', message: `${a.type} needs a resource` });
    if (a.type === 'delete' && !a.resourceId)
      ctx.addIssue({ code: 'custom', message: 'delete needs resourceId (resource-as-id is deprecated)' });
    if (a.resource && typeof a.resource.resourceType !== 'string')
      ctx.addIssue({ code: 'custom', message: 'resource needs a resourceType' });
  });

const suggestionSchema = z
  .object({
    label: nonEmpty,
    uuid: z.string().uuid(),
    isRecommended: z.boolean().optional(),
    actions: z.array(actionSchema).min(1).optional(),
  })
  .strict();

const linkSchema = z
  .object({ label: nonEmpty, url: absoluteUrl, type: z.enum(['absolute', 'smart']), appContext: nonEmpty.optional() })
  .strict()
  .refine((l) => l.type === 'smart' || l.appContext === undefined, 'appContext only on smart links');

export const cardSchema = z
  .object({
    uuid: z.string().uuid(),
    summary: nonEmpty.max(139, 'summary must be under 140 characters'),
    detail: nonEmpty.optional(),
    indicator: z.enum(['info', 'warning', 'critical']),
    source: z
      .object({
        label: nonEmpty,
        url: absoluteUrl.optional(),
        icon: absoluteUrl.optional(),
        topic: codingSchema.extend({ display: nonEmpty }).strict(),
        extension: z.record(z.string(), z.unknown()).optional(),
      })
      .strict(),
    suggestions: z.array(suggestionSchema).min(1).optional(),
    selectionBehavior: z.enum(['at-most-one', 'any']).optional(),
    overrideReasons: z
      .array(codingSchema.extend({ display: nonEmpty }).strict())
      .min(1)
      .optional(),
    links: z.array(linkSchema).min(1).optional(),
    extension: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.suggestions && !c.selectionBehavior) ctx.addIssue({ code: 'custom', message: 'selectionBehavior is required with suggestions' });
    if (!c.suggestions && c.selectionBehavior) ctx.addIssue({ code: 'custom', message: 'selectionBehavior without suggestions' });
    const recommended = (c.suggestions ?? []).filter((s) => s.isRecommended).length;
    if (recommended > 1 && c.selectionBehavior !== 'any')
      ctx.addIssue({ code: 'custom', message: 'several isRecommended need selectionBehavior any' });
  });

export const responseSchema = z.object({ cards: z.array(cardSchema), systemActions: z.array(actionSchema).min(1).optional() }).strict();

export type Card = z.infer<typeof cardSchema>;
export type CdsResponse = z.infer<typeof responseSchema>;
export type Suggestion = z.infer<typeof suggestionSchema>;
export type Action = z.infer<typeof actionSchema>;
export type Coding = z.infer<typeof codingSchema>;

/** A path as FHIRPath-like text: `context.draftOrders.entry[0].resource` (zod issue paths, empty values). */
export function formatPath(path: readonly PropertyKey[], prefix = ''): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), prefix);
}

/**
 * Spec item 2: no null, "", [] or {} anywhere in a response (except the top-level cards: []).
 * Paths are built only for what is found (it walks every card of every response).
 */
export function findEmptyValues(value: unknown): string[] {
  const found: string[] = [];
  const path: (string | number)[] = [];
  const here = () => formatPath(path);
  const walk = (v: unknown): void => {
    if (v === null) {
      found.push(here() || '(root)');
      return;
    }
    if (typeof v === 'string') {
      if (v === '') found.push(here());
      return;
    }
    if (typeof v !== 'object') return;
    if (Array.isArray(v)) {
      if (v.length === 0) {
        if (!(path.length === 1 && path[0] === 'cards')) found.push(here());
        return;
      }
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        walk(v[i]);
        path.pop();
      }
      return;
    }
    const keys = Object.keys(v);
    if (keys.length === 0) {
      found.push(here());
      return;
    }
    for (const k of keys) {
      const x = (v as Record<string, unknown>)[k];
      if (x === undefined) continue;
      path.push(k);
      walk(x);
      path.pop();
    }
  };
  walk(value);
  return found;
}

/**
 * The service's own HTTP API as an OpenAPI 3.1 document (GET /openapi.json), generated from the zod
 * schemas the service validates with (requests, feedback, cards) and the ones its answers are
 * checked against in the tests (discovery, health, statistics, OperationOutcome), by zod's own
 * JSON Schema output (draft 2020-12, the dialect of OpenAPI 3.1). Nothing here is written by hand
 * but the list of routes and their words; a test checks that every route of the app is in it.
 */
import { z } from 'zod';
import { requestSchemas, responseSchema } from '../cds/schemas';
import type { Content, HookName } from '../content';
import { feedbackSchema } from '../governance';

/** Discovery (CDS Hooks 2.0 "Discovery"), as the registry answers it. */
export const discoverySchema = z
  .object({
    services: z.array(
      z
        .object({
          hook: z.string(),
          id: z.string(),
          title: z.string(),
          description: z.string(),
          prefetch: z.record(z.string(), z.string()),
          usageRequirements: z.string().optional(),
          extension: z.record(z.string(), z.unknown()).optional(),
        })
        .strict(),
    ),
  })
  .strict();

export const healthSchema = z
  .object({ status: z.literal('ok'), version: z.string(), services: z.number(), auth: z.enum(['jwt', 'open']) })
  .passthrough();
export const readySchema = z
  .object({ status: z.enum(['ready', 'not ready']), store: z.enum(['sqlite', 'postgres']), reason: z.string().optional() })
  .passthrough();

/** The body of every non-2xx answer (CDS Hooks 3.0 adopts OperationOutcome; 2.0 clients ignore it). */
export const operationOutcomeSchema = z
  .object({
    resourceType: z.literal('OperationOutcome'),
    issue: z
      .array(
        z
          .object({
            severity: z.literal('error'),
            code: z.string(),
            diagnostics: z.string().optional(),
            expression: z.array(z.string()).optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export const ruleStatsSchema = z
  .object({
    rules: z.array(
      z
        .object({
          ruleId: z.string(),
          ruleVersion: z.string(),
          fired: z.number(),
          silent: z.number(),
          accepted: z.number(),
          overridden: z.number(),
          noResponse: z.number(),
          revised: z.number(),
          overrideReasons: z.record(z.string(), z.number()),
          firstIssued: z.string().optional(),
          lastIssued: z.string().optional(),
        })
        .strict(),
    ),
  })
  .strict();

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' });

type Operation = Record<string, unknown>;

const html = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });
const problem = (description: string) => ({
  description,
  content: { 'application/fhir+json': { schema: { $ref: '#/components/schemas/OperationOutcome' } } },
});
const PROBLEMS = {
  '400': problem('The request is invalid; the OperationOutcome names the field.'),
  '401': problem('A client JWT is required and missing or refused (CDS_TRUSTED_CLIENTS); no detail is given.'),
  '413': problem('The body is larger than BODY_LIMIT.'),
  '503': problem('A dependency does not answer in time (the store, the replay check); retry.'),
};

export function openApiDocument(
  content: Content,
  version: string,
  opts: { publicBaseUrl?: string; jwt: boolean },
): Record<string, unknown> {
  const clientJwt = opts.jwt ? [{ clientJwt: [] }] : [];
  const paths: Record<string, Record<string, Operation>> = {
    '/cds-services': {
      get: {
        summary: 'Discovery: the services, their hooks and prefetch templates',
        security: clientJwt,
        responses: {
          '200': { description: 'The services', content: { 'application/json': { schema: { $ref: '#/components/schemas/Discovery' } } } },
          '401': PROBLEMS['401'],
        },
      },
    },
  };
  for (const s of content.services) {
    paths[`/cds-services/${s.id}`] = {
      post: {
        summary: `${s.title} (hook ${s.hook})`,
        security: clientJwt,
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/Request-${s.hook}` } } } },
        responses: {
          '200': {
            description: 'The cards (none for a stable patient)',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Response' } } },
          },
          ...PROBLEMS,
          '412': problem('A required prefetch key is missing and could not be fetched from fhirServer; the OperationOutcome names it.'),
        },
      },
    };
    paths[`/cds-services/${s.id}/feedback`] = {
      post: {
        summary: `Feedback on cards of ${s.id}: accepted suggestions and override reasons`,
        security: clientJwt,
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Feedback' } } } },
        responses: {
          '200': { description: 'Stored (acknowledged only once committed)' },
          ...PROBLEMS,
          '404': problem('No such service.'),
          '429': problem('More than FEEDBACK_RATE_PER_MINUTE items from this client; Retry-After says when to retry.'),
        },
      },
    };
  }
  const admin = [{ adminToken: [] }, { adminBasic: [] }];
  Object.assign(paths, {
    '/healthz': {
      get: {
        summary: 'Liveness',
        responses: {
          '200': {
            description: 'The process answers',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } },
          },
        },
      },
    },
    '/readyz': {
      get: {
        summary: 'Readiness: the store answers within a second',
        responses: {
          '200': { description: 'Ready', content: { 'application/json': { schema: { $ref: '#/components/schemas/Ready' } } } },
          '503': {
            description: 'Not ready, with the reason',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Ready' } } },
          },
        },
      },
    },
    '/metrics': {
      get: {
        summary: 'Prometheus metrics (with METRICS_TOKEN; off without it)',
        security: [{ metricsToken: [] }],
        responses: {
          '200': { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } },
          '401': PROBLEMS['401'],
          '404': problem('METRICS_TOKEN is not set.'),
        },
      },
    },
    '/governance/rules': {
      get: {
        summary: 'Per rule and version: fired, silent, accepted, overridden, no response, reasons',
        security: admin,
        parameters: filterParameters(),
        responses: {
          '200': { description: 'The statistics', content: { 'application/json': { schema: { $ref: '#/components/schemas/RuleStats' } } } },
          '400': PROBLEMS['400'],
          '401': PROBLEMS['401'],
          '404': problem('ADMIN_TOKEN is not set.'),
          '503': problem('Statistics are being computed for other requests (statistics-busy); retry.'),
        },
      },
    },
    '/governance/rules.csv': {
      get: {
        summary: 'The same statistics as CSV',
        security: admin,
        parameters: filterParameters(),
        responses: {
          '200': { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } },
          '401': html('Asks for the token'),
          '404': problem('ADMIN_TOKEN is not set.'),
        },
      },
    },
    '/governance': {
      get: {
        summary: 'The governance dashboard (HTML)',
        security: admin,
        parameters: [
          ...filterParameters(),
          { name: 'sort', in: 'query', schema: { type: 'string' } },
          { name: 'dir', in: 'query', schema: { enum: ['asc', 'desc'] } },
        ],
        responses: { '200': html('The dashboard'), '401': html('Asks for the token') },
      },
    },
    '/governance/rule/{id}': {
      get: {
        summary: "One rule's page: its versions side by side (HTML)",
        security: admin,
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^TTP-[A-Z0-9-]+$' } }],
        responses: { '200': html('The rule'), '401': html('Asks for the token'), '404': problem('No such rule.') },
      },
    },
    '/': { get: { summary: 'What the service is, with links (HTML)', responses: { '200': html('The front page') } } },
    '/catalogue': { get: { summary: 'The rule catalogue (HTML)', responses: { '200': html('The catalogue') } } },
    '/catalogue/preview': {
      get: {
        summary: 'The card preview of the example patients (HTML)',
        parameters: [{ name: 'situation', in: 'query', schema: { type: 'string' } }],
        responses: { '200': html('The preview') },
      },
      post: {
        summary: 'The cards of a pasted CDS Hooks request or FHIR Bundle (HTML form post, with its CSRF token)',
        security: opts.jwt ? admin : [],
        requestBody: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': {
              schema: {
                type: 'object',
                properties: { request: { type: 'string' }, hook: { type: 'string' }, csrf: { type: 'string' } },
                required: ['request', 'csrf'],
              },
            },
          },
        },
        responses: { '200': html('The cards'), '403': problem('Not from this site (CSRF), or the pasted preview is off.') },
      },
    },
    '/docs/site-customisation': {
      get: { summary: 'What a site may customise, from the content in force (HTML)', responses: { '200': html('The reference') } },
    },
    '/assets/ttp-cds.css': {
      get: {
        summary: 'The stylesheet of the pages',
        responses: { '200': { description: 'CSS', content: { 'text/css': { schema: { type: 'string' } } } } },
      },
    },
    '/openapi.json': {
      get: {
        summary: 'This document',
        responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
  });
  const schemas: Record<string, unknown> = {
    Discovery: json(discoverySchema),
    Response: json(responseSchema),
    Feedback: json(feedbackSchema),
    Health: json(healthSchema),
    Ready: json(readySchema),
    RuleStats: json(ruleStatsSchema),
    OperationOutcome: json(operationOutcomeSchema),
  };
  for (const hook of Object.keys(requestSchemas) as HookName[]) schemas[`Request-${hook}`] = json(requestSchemas[hook]);
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'ttp-cds',
      version,
      summary: 'CDS Hooks 2.0 service for the timely escalation of acquired TTP treatment',
      description: `Clinical content ${content.version}. The CDS Hooks routes follow https://cds-hooks.hl7.org/2.0/; the schemas are the ones the service validates with.`,
    },
    ...(opts.publicBaseUrl ? { servers: [{ url: opts.publicBaseUrl }] } : {}),
    paths,
    components: {
      schemas,
      securitySchemes: {
        clientJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'CDS Hooks 2.0 client JWT (CDS_TRUSTED_CLIENTS)' },
        adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' },
        adminBasic: { type: 'http', scheme: 'basic', description: 'ADMIN_TOKEN as the password (browsers)' },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN' },
      },
    },
  };
}

function filterParameters() {
  return [
    { name: 'service', in: 'query', schema: { type: 'string' } },
    { name: 'from', in: 'query', schema: { type: 'string', format: 'date' } },
    { name: 'to', in: 'query', description: 'exclusive', schema: { type: 'string', format: 'date' } },
  ];
}

/**
 * The engine's dependencies, without the HTTP layer: content, terminology, units, compiled rules
 * and the service registry. The service, the command line and the tests build them here, so that
 * evaluating a record never loads Express, the store or the logger.
 */
import { randomUUID } from 'node:crypto';
import { loadContent } from '../content';
import type { Config } from '../config';
import { localDate } from '../fhir/time';
import { compileRules } from '../rules/engine';
import { Terminology } from '../terminology';
import { Units } from '../units';
import { Registry } from './registry';
import type { PrefetchFetcher, ServiceDeps } from './service';
import type { Content } from '../content';
import pkg from '../../package.json';

export interface DepsOptions {
  config: Config;
  content?: Content;
  clock?: () => number;
  newId?: () => string;
  fetcher?: PrefetchFetcher;
}

export function buildDeps(opts: DepsOptions): ServiceDeps {
  const content = opts.content ?? loadContent({ site: opts.config.site });
  try {
    localDate(Date.now(), content.site.timezone);
  } catch {
    throw new Error(`configuration: unknown timezone ${content.site.timezone}`);
  }
  return {
    content,
    terminology: new Terminology(content),
    units: new Units(content),
    rules: compileRules(content),
    registry: new Registry(content),
    clock: opts.clock ?? Date.now,
    newId: opts.newId ?? randomUUID,
    fetcher: opts.fetcher,
    checkResponses: opts.config.checkResponses,
    version: pkg.version,
  };
}

/**
 * The same engine under a site configuration with some fields changed (an example patient that
 * needs a parameter a site turns on): the deployment's site, with `site`'s fields over it.
 */
export function withSite(deps: ServiceDeps, site: Record<string, unknown>): ServiceDeps {
  const current = deps.content.site as unknown as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(site))
    merged[k] = v && typeof v === 'object' && !Array.isArray(v) ? { ...((current[k] as object) ?? {}), ...v } : v;
  const content = loadContent({ site: merged });
  return {
    ...deps,
    content,
    terminology: new Terminology(content),
    units: new Units(content),
    rules: compileRules(content),
    registry: new Registry(content),
  };
}

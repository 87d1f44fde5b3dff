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

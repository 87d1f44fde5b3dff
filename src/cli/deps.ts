/** The engine for the command line: the content and site configuration as the service loads them, no store, no fetching. */
import { buildDeps } from '../cds/deps';
import type { ServiceDeps } from '../cds/service';
import { loadConfig } from '../config';

export function cliDeps(env: NodeJS.ProcessEnv = process.env): ServiceDeps {
  // Only what decides the cards is read from the environment (the content and SITE_CONFIG_FILE).
  const config = loadConfig({ LOG_LEVEL: 'silent', SITE_CONFIG_FILE: env.SITE_CONFIG_FILE, CHECK_RESPONSES: 'off' });
  return buildDeps({ config });
}

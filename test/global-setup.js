/**
 * Before any suite: what this machine offers the tests that need more than Node (PostgreSQL for the
 * store tests, Chromium for the browser tests), told to every test worker through the environment.
 * A test that cannot run is reported as skipped, never as passed; in CI (CI=true) nothing may be
 * skipped: a missing PostgreSQL or Chromium fails the run, saying which.
 */
const { existsSync } = require('node:fs');
const { Client } = require('pg');

module.exports = async () => {
  const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  process.env.TEST_DATABASE_URL = url;
  let pg = '';
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    pg = '1';
  } catch (e) {
    process.env.TEST_PG_WHY = `no PostgreSQL answers at ${url.replace(/\/\/[^@]*@/, '//')} (${e.code ?? e.message}; set TEST_DATABASE_URL)`;
  } finally {
    await c.end().catch(() => undefined);
  }
  process.env.TEST_PG = pg;
  const chromium = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));
  process.env.TEST_CHROMIUM = chromium ?? '';
  const missing = [
    !pg && `PostgreSQL: ${process.env.TEST_PG_WHY}`,
    !chromium &&
      `Chromium: not found${process.env.CHROMIUM_PATH ? ` at CHROMIUM_PATH=${process.env.CHROMIUM_PATH}` : ''} (apt-get install chromium, or set CHROMIUM_PATH)`,
  ].filter(Boolean);
  if (missing.length && process.env.CI === 'true')
    throw new Error(`CI runs every test, and these cannot run here:\n- ${missing.join('\n- ')}`);
  for (const m of missing) process.stderr.write(`\nSKIPPED (reported as skipped, not passed): the tests that need ${m}\n`);
};

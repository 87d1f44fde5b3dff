/**
 * One storage contract, run against both implementations for real: SQLite (a file in a temp
 * folder) and PostgreSQL (TEST_DATABASE_URL, default the local server; reported as skipped when
 * none answers, and required in CI: test/global-setup.js).
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { SqliteStore } from '../../src/store/sqlite';
import { PostgresStore } from '../../src/store/postgres';
import type { CardRecord, FeedbackRecord, Store } from '../../src/store/types';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const card = (n: number, ruleId = 'TTP-CAPLA-DAY5'): CardRecord => ({
  cardUuid: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  hookInstance: `hi-${n}`,
  service: 'ttp-patient-view',
  ruleId,
  ruleVersion: '1.0.0',
  issuedAt: '2026-03-06T18:00:00.000Z',
  patientHash: 'a'.repeat(64),
});
const fb = (n: number, outcome: 'accepted' | 'overridden', reasonCode?: string, ts = '2026-03-06T18:05:00Z'): FeedbackRecord => ({
  service: 'ttp-patient-view',
  cardUuid: card(n).cardUuid,
  outcome,
  outcomeTimestamp: ts,
  acceptedSuggestions: outcome === 'accepted' ? ['s-1'] : [],
  reasonSystem: reasonCode ? 'urn:ttp-cds:override-reason' : undefined,
  reasonCode,
  hasComment: false,
  receivedAt: '2026-03-06T18:05:01.000Z',
});

function contract(
  name: string,
  make: () => Promise<Store | undefined>,
  cleanup?: () => Promise<void>,
  second?: () => Promise<Store>,
  /** Skipped (and reported as skipped) when the database it needs is not there. */
  skip = false,
) {
  (skip ? describe.skip : describe)(name, () => {
    let store: Store | undefined;
    beforeAll(async () => {
      store = await make();
    });
    afterAll(async () => {
      await store?.close();
      if (store) await cleanup?.();
    });

    test('records cards and feedback and counts per rule; the same feedback twice counts once', async () => {
      if (!store) return;
      await store.recordCards([card(1), card(2), card(3), card(4, 'TTP-PLT-TXN')]);
      await store.recordCards([card(1)]); // a re-sent card is not a new card
      expect(await store.recordFeedback([fb(1, 'accepted'), fb(2, 'overridden', 'bleeding-risk')])).toEqual({ stored: 2, duplicates: 0 });
      expect(
        await store.recordFeedback([
          fb(2, 'overridden', 'bleeding-risk'),
          fb(3, 'overridden', 'patient-declined'),
          fb(3, 'overridden', 'patient-declined'),
        ]),
      ).toEqual({ stored: 1, duplicates: 2 });
      // A later, distinct item for the same card (another timestamp) is stored but the card counts once.
      await store.recordFeedback([fb(2, 'overridden', 'bleeding-risk', '2026-03-06T19:00:00Z')]);
      const stats = await store.ruleStats();
      expect(stats).toEqual([
        {
          ruleId: 'TTP-CAPLA-DAY5',
          ruleVersion: '1.0.0',
          fired: 3,
          silent: 0,
          accepted: 1,
          overridden: 2,
          noResponse: 0,
          revised: 0,
          overrideReasons: { 'bleeding-risk': 1, 'patient-declined': 1 },
          firstIssued: '2026-03-06T18:00:00.000Z',
          lastIssued: '2026-03-06T18:00:00.000Z',
        },
        {
          ruleId: 'TTP-PLT-TXN',
          ruleVersion: '1.0.0',
          fired: 1,
          silent: 0,
          accepted: 0,
          overridden: 0,
          noResponse: 1,
          revised: 0,
          overrideReasons: {},
          firstIssued: '2026-03-06T18:00:00.000Z',
          lastIssued: '2026-03-06T18:00:00.000Z',
        },
      ]);
    });

    test('one card, one outcome: the last by its outcomeTimestamp (an instant: offsets compared as times), the history kept', async () => {
      if (!store) return;
      const rule = (n: number) => ({ ...card(n, 'TTP-RTX-DOSE'), ruleVersion: '9.0.0' });
      await store.recordCards([rule(601), rule(602), rule(603), rule(604)]);
      await store.recordFeedback([
        // 601: accepted, then dismissed: one overridden card, revised.
        fb(601, 'accepted', undefined, '2026-03-06T18:00:00Z'),
        { ...fb(601, 'overridden', 'specialist-consulted', '2026-03-06T18:30:00Z'), cardUuid: rule(601).cardUuid },
        // 602: dismissed at 19:00+02:00 (17:00Z), accepted at 18:00Z, received in the other order: accepted is last.
        { ...fb(602, 'accepted', undefined, '2026-03-06T18:00:00Z'), cardUuid: rule(602).cardUuid, receivedAt: '2026-03-06T18:01:00.000Z' },
        {
          ...fb(602, 'overridden', 'bleeding-risk', '2026-03-06T19:00:00+02:00'),
          cardUuid: rule(602).cardUuid,
          receivedAt: '2026-03-06T18:02:00.000Z',
        },
        // 603: dismissed twice with two reasons: the last reason counts.
        { ...fb(603, 'overridden', 'bleeding-risk', '2026-03-06T18:00:00Z'), cardUuid: rule(603).cardUuid },
        { ...fb(603, 'overridden', 'patient-declined', '2026-03-06T18:10:00Z'), cardUuid: rule(603).cardUuid },
        // 604: nothing: no response.
      ]);
      const s = (await store.ruleStats()).find((r) => r.ruleId === 'TTP-RTX-DOSE' && r.ruleVersion === '9.0.0')!;
      expect(s).toMatchObject({
        fired: 4,
        accepted: 1,
        overridden: 2,
        noResponse: 1,
        revised: 2,
        overrideReasons: { 'specialist-consulted': 1, 'patient-declined': 1 },
      });
      const weeks = (await store.weeklyStats()).filter((w) => w.ruleId === 'TTP-RTX-DOSE');
      expect(weeks).toEqual([
        {
          ruleId: 'TTP-RTX-DOSE',
          ruleVersion: '9.0.0',
          week: '2026-03-02',
          fired: 4,
          silent: 0,
          accepted: 1,
          overridden: 2,
          noResponse: 1,
        },
      ]);
    });

    test('issuedCards: the cards issued among the ids asked, with service, rule, silent and the feedback each has', async () => {
      if (!store) return;
      await store.recordCards([card(500), { ...card(501, 'TTP-PLT-TXN'), service: 'ttp-order-select', silent: true }]);
      await store.recordFeedback([fb(500, 'overridden', 'bleeding-risk'), fb(500, 'accepted', undefined, '2026-03-06T18:06:00Z')]);
      const found = await store.issuedCards([card(500).cardUuid, card(501).cardUuid, card(502).cardUuid]);
      expect(found.sort((a, b) => a.cardUuid.localeCompare(b.cardUuid))).toEqual([
        {
          cardUuid: card(500).cardUuid,
          service: 'ttp-patient-view',
          ruleId: 'TTP-CAPLA-DAY5',
          ruleVersion: '1.0.0',
          silent: false,
          feedbackItems: 2,
        },
        {
          cardUuid: card(501).cardUuid,
          service: 'ttp-order-select',
          ruleId: 'TTP-PLT-TXN',
          ruleVersion: '1.0.0',
          silent: true,
          feedbackItems: 0,
        },
      ]);
      expect(await store.issuedCards([])).toEqual([]);
      // More ids than one statement's parameters in SQLite.
      const many = Array.from({ length: 1200 }, (_, i) => card(10_000 + i).cardUuid);
      expect(await store.issuedCards([...many, card(500).cardUuid])).toHaveLength(1);
    });

    test('silent cards are counted apart; statistics filter by service and period and come per week, all in the database', async () => {
      if (!store) return;
      const at = (n: number, issuedAt: string, o: Partial<CardRecord> = {}): CardRecord => ({
        ...card(n, 'TTP-MON-DAILY'),
        issuedAt,
        ...o,
      });
      await store.recordCards([
        at(101, '2026-05-04T10:00:00.000Z'), // a Monday
        at(102, '2026-05-10T23:00:00.000Z'), // the Sunday of that week
        at(103, '2026-05-11T08:00:00.000Z', { silent: true }), // the next Monday, silent
        at(104, '2026-05-12T08:00:00.000Z', { service: 'ttp-order-sign' }),
      ]);
      await store.recordFeedback([{ ...fb(102, 'overridden', 'known-issue'), cardUuid: card(102).cardUuid }]);
      const may = { from: '2026-05-01T00:00:00.000Z', to: '2026-06-01T00:00:00.000Z' };
      const all = (await store.ruleStats(may)).find((r) => r.ruleId === 'TTP-MON-DAILY')!;
      expect(all).toMatchObject({ fired: 3, silent: 1, overridden: 1, overrideReasons: { 'known-issue': 1 } });
      const pv = (await store.ruleStats({ ...may, service: 'ttp-patient-view' })).find((r) => r.ruleId === 'TTP-MON-DAILY')!;
      expect(pv).toMatchObject({ fired: 2, silent: 1 });
      expect(await store.ruleStats({ from: '2030-01-01T00:00:00.000Z' })).toEqual([]);
      const weeks = (await store.weeklyStats({ ...may, service: 'ttp-patient-view' })).filter((w) => w.ruleId === 'TTP-MON-DAILY');
      expect(weeks).toEqual([
        {
          ruleId: 'TTP-MON-DAILY',
          ruleVersion: '1.0.0',
          week: '2026-05-04',
          fired: 2,
          silent: 0,
          accepted: 0,
          overridden: 1,
          noResponse: 1,
        },
        {
          ruleId: 'TTP-MON-DAILY',
          ruleVersion: '1.0.0',
          week: '2026-05-11',
          fired: 0,
          silent: 1,
          accepted: 0,
          overridden: 0,
          noResponse: 0,
        },
      ]);
    });

    test('a jti is claimed once, by any instance on the same database, until it expires; then it can be claimed again', async () => {
      if (!store) return;
      const now = Date.now();
      expect(await store.claimJti('iss-a jti-1', now + 60_000)).toBe(true);
      expect(await store.claimJti('iss-a jti-1', now + 60_000)).toBe(false);
      expect(await store.claimJti('iss-b jti-1', now + 60_000)).toBe(true);
      // Another worker or replica with its own connection sees the same claims.
      const other = second ? await second() : undefined;
      if (other) {
        expect(await other.claimJti('iss-a jti-1', now + 60_000)).toBe(false);
        await other.close();
      }
      expect(await store.claimJti('iss-a jti-old', now - 1)).toBe(true);
      expect(await store.claimJti('iss-a jti-old', now + 60_000)).toBe(true);
      expect(await store.claimJti('iss-a jti-old', now + 60_000)).toBe(false);
    });

    test('ping answers while the store is open', async () => {
      if (!store) return;
      await expect(store.ping()).resolves.toBeUndefined();
    });

    test('the salt is created once and stays', async () => {
      if (!store) return;
      const a = await store.salt();
      expect(a).toMatch(/^[0-9a-f]{64}$/);
      expect(await store.salt()).toBe(a);
    });
  });
}

const sqliteDir = mkdtempSync(join(tmpdir(), 'ttp-sqlite-'));
contract(
  'SqliteStore',
  async () => new SqliteStore(sqliteDir),
  undefined,
  async () => new SqliteStore(sqliteDir),
);

const pgSchema = `ttp_test_${process.pid}_${Date.now()}`;
contract(
  'PostgresStore',
  async () => {
    const s = new PostgresStore(PG_URL, pgSchema);
    await s.init();
    return s;
  },
  async () => {
    const c = new Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`);
    await c.end();
  },
  async () => new PostgresStore(PG_URL, pgSchema),
  // test/global-setup.js probed the server: without one these are skipped, never passed.
  process.env.TEST_PG !== '1',
);

test('SQLite survives a reopen, and its file holds no patient id', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ttp-sqlite-'));
  const a = new SqliteStore(dir);
  await a.recordCards([card(9)]);
  await a.recordFeedback([fb(9, 'overridden', 'bleeding-risk')]);
  await a.close();
  const b = new SqliteStore(dir);
  expect((await b.ruleStats())[0]).toMatchObject({ fired: 1, overridden: 1 });
  await b.close();
  for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f)).includes('pat-1')).toBe(false);
});

test('a SQLite store made before silent mode opens, gains the column, and counts its old cards as shown', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ttp-old-'));
  const Database = (await import('better-sqlite3')).default;
  const old = new Database(join(dir, 'ttp-cds.sqlite'));
  old.exec(`CREATE TABLE cards (card_uuid TEXT PRIMARY KEY, hook_instance TEXT NOT NULL, service TEXT NOT NULL, rule_id TEXT NOT NULL,
    rule_version TEXT NOT NULL, issued_at TEXT NOT NULL, patient_hash TEXT NOT NULL)`);
  old.prepare(`INSERT INTO cards VALUES ('c-1', 'h', 'ttp-patient-view', 'TTP-PLT-TXN', '1.0.0', '2026-01-01T00:00:00.000Z', 'x')`).run();
  old.close();
  const s = new SqliteStore(dir);
  expect(await s.ruleStats()).toEqual([
    {
      ruleId: 'TTP-PLT-TXN',
      ruleVersion: '1.0.0',
      fired: 1,
      silent: 0,
      accepted: 0,
      overridden: 0,
      noResponse: 1,
      revised: 0,
      overrideReasons: {},
      firstIssued: '2026-01-01T00:00:00.000Z',
      lastIssued: '2026-01-01T00:00:00.000Z',
    },
  ]);
  await s.close();
});

/**
 * Card records are as durable as feedback: a write that fails (connection cut, disk full) or hangs
 * is queued and retried, so acknowledged feedback always meets its card in the statistics; only a
 * full queue drops records, counted and logged.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { CardRecorder } from '../../src/store/recorder';
import { SqliteStore } from '../../src/store/sqlite';
import type { CardRecord, Store } from '../../src/store/types';

const card = (n: number): CardRecord => ({
  cardUuid: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  hookInstance: `hi-${n}`,
  service: 'ttp-patient-view',
  ruleId: 'TTP-CAPLA-DAY5',
  ruleVersion: '2.0.0',
  issuedAt: '2026-03-06T18:00:00.000Z',
  patientHash: 'a'.repeat(64),
});

/** A real SQLite store whose card writes fail while `down` is true, or never answer while `hang` is. */
function flaky() {
  const real = new SqliteStore(mkdtempSync(join(tmpdir(), 'ttp-rec-')));
  const state = { down: false, hang: false, calls: 0 };
  const store: Store = Object.assign(Object.create(real) as Store, {
    recordCards: async (rows: CardRecord[]) => {
      state.calls++;
      if (state.hang) return new Promise<void>(() => undefined);
      if (state.down) throw new Error('connection terminated unexpectedly');
      return real.recordCards(rows);
    },
  });
  return { store, real, state };
}

function logger() {
  const lines: string[] = [];
  return { lines, log: pino({ level: 'info' }, new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) })) };
}

const fired = async (s: Store) => (await s.ruleStats()).find((r) => r.ruleId === 'TTP-CAPLA-DAY5')?.fired ?? 0;

describe('card records', () => {
  test('written at once while the store answers', async () => {
    const { store, real } = flaky();
    const r = new CardRecorder(store, logger().log);
    expect(await r.record([card(1), card(2)])).toBe('stored');
    expect(await fired(real)).toBe(2);
    expect(r.pending).toBe(0);
  });

  test('a failed write is queued, retried, and then meets its acknowledged feedback', async () => {
    const { store, real, state } = flaky();
    const { log, lines } = logger();
    const r = new CardRecorder(store, log, { baseDelayMs: 5 });
    state.down = true;
    expect(await r.record([card(1)])).toBe('queued');
    expect(await r.record([card(2)])).toBe('queued');
    // Feedback for card 1 arrives and is acknowledged while its card is not written yet.
    await real.recordFeedback([
      {
        service: 'ttp-patient-view',
        cardUuid: card(1).cardUuid,
        outcome: 'overridden',
        outcomeTimestamp: '2026-03-06T18:05:00Z',
        acceptedSuggestions: [],
        reasonCode: 'bleeding-risk',
        hasComment: false,
        receivedAt: '2026-03-06T18:05:01Z',
      },
    ]);
    await r.flush();
    expect(r.pending).toBe(2);
    state.down = false;
    await r.flush();
    expect(r.pending).toBe(0);
    expect(r.retried).toBe(2);
    const stats = (await real.ruleStats()).find((x) => x.ruleId === 'TTP-CAPLA-DAY5')!;
    expect(stats).toMatchObject({ fired: 2, overridden: 1, overrideReasons: { 'bleeding-risk': 1 } });
    expect(lines.join('')).toContain('queued for retry');
  });

  test('the retry runs by itself, with back-off', async () => {
    const { store, real, state } = flaky();
    const r = new CardRecorder(store, logger().log, { baseDelayMs: 5 });
    state.down = true;
    await r.record([card(3)]);
    state.down = false;
    for (let i = 0; i < 100 && r.pending; i++) await new Promise((res) => setTimeout(res, 10));
    expect(r.pending).toBe(0);
    expect(await fired(real)).toBe(1);
  });

  test('a store that hangs does not hold the answer beyond firstTryMs; the write is idempotent when it lands', async () => {
    const { store, real, state } = flaky();
    const r = new CardRecorder(store, logger().log, { firstTryMs: 20, baseDelayMs: 5 });
    state.hang = true;
    expect(await r.record([card(4)])).toBe('queued');
    state.hang = false;
    await r.flush();
    await real.recordCards([card(4)]);
    expect(await fired(real)).toBe(1);
  });

  test('only a full queue drops records: the oldest first, counted and logged', async () => {
    const { store, state } = flaky();
    const { log, lines } = logger();
    const r = new CardRecorder(store, log, { maxQueued: 3, baseDelayMs: 60_000 });
    state.down = true;
    for (let n = 1; n <= 5; n++) await r.record([card(n)]);
    expect(r.pending).toBe(3);
    expect(r.dropped).toBe(2);
    expect(lines.join('')).toContain('card records dropped: the retry queue is full');
    await r.close();
    expect(lines.join('')).toContain('card records lost at shutdown');
  });
});

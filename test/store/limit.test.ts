/**
 * Statistics are computed one or two at a time (hostile input, second round, item 8): 40 dashboard
 * requests at once used to start 40 full scans of the card table (RSS 113 MB to 2.79 GB). Now two
 * run, eight wait, and the rest are told the service is busy (503) at once, never queued without bound.
 */
import request from 'supertest';
import pino from 'pino';
import { createApp } from '../../src/app';
import { loadContent } from '../../src/content';
import { HttpError } from '../../src/errors';
import { Limiter, limitedStatistics } from '../../src/store/limit';
import { SqliteStore } from '../../src/store/sqlite';
import type { RuleStats, StatsFilter, WeekStats } from '../../src/store/types';
import { at } from '../fixtures/builder';
import { NOW_D5 } from '../fixtures/situations';
import { seqId, testConfig } from '../helpers';

const ADMIN = 'admin-token-0123456789';

/** A task that ends when told to, and counts how many run at once. */
function gate() {
  let running = 0;
  let most = 0;
  const releases: (() => void)[] = [];
  const task = () =>
    new Promise<string>((resolve) => {
      running++;
      most = Math.max(most, running);
      releases.push(() => {
        running--;
        resolve('done');
      });
    });
  return { task, releases, most: () => most, running: () => running };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('Limiter', () => {
  test('runs at most its concurrency, queues up to maxWaiting, refuses the rest with 503 statistics-busy', async () => {
    const limiter = new Limiter(2, 3);
    const g = gate();
    const runs = Array.from({ length: 7 }, () =>
      limiter.run(g.task).then(
        (v) => v,
        (e: unknown) => e,
      ),
    );
    await tick();
    expect(g.running()).toBe(2);
    expect(limiter.busy).toEqual({ running: 2, waiting: 3 });
    const refused = (await Promise.all(runs.slice(5))) as HttpError[];
    for (const e of refused) {
      expect(e).toBeInstanceOf(HttpError);
      expect(e.status).toBe(503);
      expect(e.code).toBe('statistics-busy');
    }
    // Each release lets one waiting task start, in the order they came.
    while (g.releases.length) {
      g.releases.shift()!();
      await tick();
    }
    await tick();
    expect(await Promise.all(runs.slice(0, 5))).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(g.most()).toBe(2);
    expect(limiter.busy).toEqual({ running: 0, waiting: 0 });
  });

  test('a task that fails frees its place', async () => {
    const limiter = new Limiter(1, 0);
    await expect(limiter.run(() => Promise.reject(new Error('scan failed')))).rejects.toThrow('scan failed');
    expect(limiter.busy).toEqual({ running: 0, waiting: 0 });
    await expect(limiter.run(async () => 'next')).resolves.toBe('next');
  });

  test('one place and no waiting: the second at once is refused, the third after the first is run', async () => {
    const limiter = new Limiter(1, 0);
    const g = gate();
    const first = limiter.run(g.task);
    await expect(limiter.run(g.task)).rejects.toMatchObject({ status: 503 });
    g.releases.shift()!();
    await first;
    const third = limiter.run(g.task);
    await tick();
    g.releases.shift()!();
    await expect(third).resolves.toBe('done');
  });
});

describe('40 concurrent statistics requests', () => {
  const content = loadContent();

  /** A store whose scans wait until the test opens the gate, counting how many run at once. */
  function slowStore() {
    const store = new SqliteStore(':memory:');
    let running = 0;
    let most = 0;
    let open!: () => void;
    const opened = new Promise<void>((r) => (open = r));
    const slow =
      <A, T>(f: (a: A) => Promise<T>) =>
      async (a: A): Promise<T> => {
        running++;
        most = Math.max(most, running);
        try {
          await opened;
          return await f(a);
        } finally {
          running--;
        }
      };
    const rs = store.ruleStats.bind(store);
    const ws = store.weeklyStats.bind(store);
    store.ruleStats = slow<StatsFilter | undefined, RuleStats[]>(rs);
    store.weeklyStats = slow<StatsFilter | undefined, WeekStats[]>(ws);
    const app = createApp({
      config: testConfig({ ADMIN_TOKEN: ADMIN }),
      content,
      clock: () => at(NOW_D5),
      newId: seqId,
      logger: pino({ level: 'silent' }),
      store,
    }).app;
    return { app, open, most: () => most };
  }

  /** 40 requests at once; the gate opens once `refusedFirst` of them have been answered (the refused ones). */
  async function forty(path: string, auth: string, refusedFirst: number) {
    const { app, open, most } = slowStore();
    const server = app.listen(0);
    try {
      let answered = 0;
      const res = await Promise.all(
        Array.from({ length: 40 }, () =>
          request(server)
            .get(path)
            .set('Authorization', auth)
            .then((r) => {
              if (++answered === refusedFirst) open();
              return r;
            }),
        ),
      );
      return { res, most: most() };
    } finally {
      server.close();
    }
  }

  test.each(['/governance/rules', '/governance/rules.csv'])(
    '%s: two scans at a time, eight waiting, the other thirty told 503 at once',
    async (path) => {
      const { res, most } = await forty(path, `Bearer ${ADMIN}`, 30);
      const statuses = res.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(10);
      expect(statuses.filter((s) => s === 503)).toHaveLength(30);
      const busy = res.find((r) => r.status === 503)!;
      expect(busy.body.issue[0].code).toBe('transient');
      expect(busy.body.issue[0].diagnostics).toMatch(/retry/);
      expect(most).toBe(2);
    },
  );

  test('the dashboard page (two queries each) stays within two scans at a time', async () => {
    const auth = `Basic ${Buffer.from(`admin:${ADMIN}`).toString('base64')}`;
    // One page holds both places and waits for its second query; at most ten queries are admitted.
    const { res, most } = await forty('/governance', auth, 35);
    const ok = res.filter((r) => r.status === 200).length;
    expect(ok).toBeGreaterThanOrEqual(1);
    expect(ok).toBeLessThanOrEqual(5);
    expect(res.filter((r) => r.status === 503).length).toBe(40 - ok);
    expect(most).toBe(2);
  });

  test('the limit is per statistics, not per store: card records and feedback are not queued behind it', async () => {
    const limited = limitedStatistics(
      { ruleStats: () => new Promise(() => undefined), weeklyStats: () => new Promise(() => undefined) },
      new Limiter(1, 0),
    );
    void limited.ruleStats({});
    await expect(limited.weeklyStats({})).rejects.toMatchObject({ status: 503, code: 'statistics-busy' });
    expect(limited.limiter.busy).toEqual({ running: 1, waiting: 0 });
  });
});

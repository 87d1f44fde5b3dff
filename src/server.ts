/**
 * Entry point: `npm start`. Listens on HOST:PORT; with WEB_CONCURRENCY > 1 it forks that many
 * worker processes (node:cluster) sharing the port. Stops cleanly on SIGTERM/SIGINT.
 */
import cluster from 'node:cluster';
import { setFlagsFromString } from 'node:v8';
import { type Config, loadConfig } from './config';
import { createApp } from './app';
import { createLogger } from './logger';
import { warmUpApp } from './cds/warmup';

function main(): void {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    process.stderr.write(`ttp-cds: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  // Bounded memory under load: V8 lets the old generation grow to up to 4x the live heap before a
  // full GC, and each request's parsed Bundle is short-lived garbage that young-generation GCs
  // promote. A smaller factor keeps peak RSS near the live heap at the cost of more full GCs
  // (incremental, a few ms each; about 8x as many on 3-year records, for about 10% more CPU per
  // request there). V8 reads the flag at every GC, so setting it here takes effect.
  if (config.heapGrowingPercent > 0) setFlagsFromString(`--heap-growing-percent=${config.heapGrowingPercent}`);
  if (config.webConcurrency > 1 && cluster.isPrimary) {
    logger.info({ workers: config.webConcurrency }, 'starting workers');
    for (let i = 0; i < config.webConcurrency; i++) cluster.fork();
    cluster.on('exit', (worker, code, signal) => {
      logger.warn({ pid: worker.process.pid, code, signal }, 'worker exited');
      if (!shuttingDown) cluster.fork();
    });
    let shuttingDown = false;
    const stop = () => {
      shuttingDown = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    return;
  }
  let built;
  try {
    built = createApp({ config, logger });
  } catch (e) {
    logger.fatal({ err: (e as Error).message }, 'cannot start');
    logger.flush();
    process.stderr.write(`ttp-cds: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const app = built;
  app.ready.then(
    async () => {
      // Synthetic calls through every service, then through the HTTP app on a port of its own (or
      // the JWT verifier), before the service's port opens (nothing stored); a failure is logged
      // and does not stop the service.
      const started = performance.now();
      try {
        const done = await warmUpApp(app);
        logger.info({ ms: Math.round(performance.now() - started), ...done }, 'warm-up done');
      } catch (e) {
        logger.error({ err: (e as Error).message }, 'warm-up failed; serving anyway');
      }
      listen();
    },
    (e) => {
      logger.fatal({ err: (e as Error).message, store: app.store.kind }, 'store unavailable');
      logger.flush();
      process.stderr.write(`ttp-cds: store unavailable: ${(e as Error).message}\n`);
      process.exit(2);
    },
  );
  function listen(): void {
    const server = app.app.listen(config!.port, config!.host, () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.port;
      logger.info({ host: config!.host, port, pid: process.pid, store: app.store.kind }, `ttp-cds listening on http://${config!.host}:${port}/cds-services`);
    });
    server.keepAliveTimeout = 65_000;
    const stop = () => {
      server.close(() => void app.close().finally(() => process.exit(0)));
      setTimeout(() => process.exit(0), 5000).unref();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  }
  process.on('unhandledRejection', (reason) => logger.error({ err: String(reason) }, 'unhandled rejection'));
}

main();

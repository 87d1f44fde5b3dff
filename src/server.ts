/**
 * Entry point: `npm start`. Listens on HOST:PORT; with WEB_CONCURRENCY > 1 it forks that many
 * worker processes (node:cluster) sharing the port. Stops cleanly on SIGTERM/SIGINT.
 *
 * An honest start: a configuration, content or store error, or a port that cannot be listened on,
 * ends the process with exit code 1 and a message naming the cause. With workers, a worker that
 * dies before it listens is a start-up failure: the primary retries it with back-off a few times,
 * then gives up and exits 1 (instead of restarting it forever).
 */
import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { type Config, loadConfig } from './config';
import { createApp } from './app';
import { createLogger, type Logger } from './logger';

/** A worker that dies before listening is retried this many times (1 s, 2 s, 4 s), then the primary gives up. */
const START_RETRIES = 3;

function fail(logger: Logger | undefined, what: string, err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  logger?.fatal({ err: message }, what);
  logger?.flush();
  process.stderr.write(`ttp-cds: ${what}: ${message}\n`);
  process.exit(1);
}

function primary(config: Config, logger: Logger): void {
  logger.info({ workers: config.webConcurrency }, 'starting workers');
  const listening = new Set<number>();
  let startFailures = 0;
  let shuttingDown = false;
  const fork = () => {
    const w = cluster.fork();
    w.on('listening', () => listening.add(w.id));
  };
  for (let i = 0; i < config.webConcurrency; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    const started = listening.delete(worker.id);
    logger.warn({ pid: worker.process.pid, code, signal, started }, 'worker exited');
    if (shuttingDown) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    if (started) {
      // It served, then died: replace it.
      fork();
      return;
    }
    // It died before listening: the same cause will kill the next one.
    startFailures++;
    if (startFailures > START_RETRIES) {
      logger.fatal({ failures: startFailures }, 'workers keep dying before they listen; giving up (see their messages above)');
      logger.flush();
      process.stderr.write(`ttp-cds: workers keep dying before they listen (${startFailures} times); giving up\n`);
      for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
      process.exit(1);
    }
    const delay = 1000 * 2 ** (startFailures - 1);
    logger.warn({ failures: startFailures, retryInMs: delay }, 'a worker died before listening; retrying');
    setTimeout(fork, delay);
  });
  const stop = () => {
    shuttingDown = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function worker(config: Config, logger: Logger): void {
  let app: ReturnType<typeof createApp>;
  try {
    app = createApp({ config, logger });
  } catch (e) {
    fail(logger, 'cannot start', e);
  }
  app.ready.then(
    () => listen(app),
    (e) => fail(logger, `store unavailable (${app.store.kind})`, e),
  );
  function listen(built: ReturnType<typeof createApp>): void {
    const server: Server = built.app.listen(config.port, config.host);
    server.once('error', (e) => fail(logger, `cannot listen on ${config.host}:${config.port}`, e));
    server.once('listening', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.port;
      logger.info(
        { host: config.host, port, pid: process.pid, store: built.store.kind },
        `ttp-cds listening on http://${config.host}:${port}/cds-services`,
      );
    });
    server.keepAliveTimeout = 65_000;
    // Requests in progress, so that a stop can say what it completed and what it cut.
    let inFlight = 0;
    let completedAfterStop = 0;
    let stopping = false;
    server.on('request', (_req, res) => {
      inFlight++;
      res.once('close', () => {
        inFlight--;
        if (stopping) completedAfterStop++;
      });
    });
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      const waiting = inFlight;
      logger.info(
        { signal, inFlight: waiting, graceMs: config.shutdownGraceMs },
        'stopping: no new connections; waiting for requests in progress',
      );
      server.close();
      server.closeIdleConnections();
      const finish = () => {
        const completed = completedAfterStop;
        const cut = inFlight;
        if (cut > 0) server.closeAllConnections();
        logger.info(
          { completed, cut },
          cut
            ? `stopped: ${completed} request(s) completed, ${cut} cut after the grace period`
            : `stopped: ${completed} request(s) completed, none cut`,
        );
        void built.close().finally(() => {
          logger.flush();
          process.exit(0);
        });
      };
      const until = Date.now() + config.shutdownGraceMs;
      const poll = setInterval(() => {
        if (inFlight > 0 && Date.now() < until) return;
        clearInterval(poll);
        finish();
      }, 20);
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  }
  process.on('unhandledRejection', (reason) => logger.error({ err: String(reason) }, 'unhandled rejection'));
}

function main(): void {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    fail(undefined, 'cannot start', e);
  }
  const logger = createLogger(config.logLevel);
  if (config.webConcurrency > 1 && cluster.isPrimary) primary(config, logger);
  else worker(config, logger);
}

main();

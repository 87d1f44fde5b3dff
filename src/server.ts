/**
 * Entry point: `npm start`. Listens on HOST:PORT; with WEB_CONCURRENCY > 1 it forks that many
 * worker processes (node:cluster) sharing the port. Stops cleanly on SIGTERM/SIGINT.
 */
import cluster from 'node:cluster';
import { type Config, loadConfig } from './config';
import { createApp } from './app';
import { createLogger } from './logger';

function main(): void {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    process.stderr.write(`ttp-cds: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
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
    () => listen(),
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
      logger.info(
        { host: config!.host, port, pid: process.pid, store: app.store.kind },
        `ttp-cds listening on http://${config!.host}:${port}/cds-services`,
      );
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

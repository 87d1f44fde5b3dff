/** A replay worker thread: loads the content and the engine once, then evaluates the partitions it is sent. */
import { parentPort } from 'node:worker_threads';
import { cliDeps } from './deps';
import { evaluatePartition } from './replay';

const deps = cliDeps();
parentPort!.on('message', (file: string) => {
  void evaluatePartition(file, deps).then((rows) => parentPort!.postMessage(rows));
});

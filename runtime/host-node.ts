/**
 * What the embedding API needs from Node and the browser build must not import: worker_threads
 * to start workers (parallel.ts, threaded.ts) and the file system to read paths and file: URLs
 * (source.ts). Importing this module installs both; the package's "node" export (main-node.ts)
 * and 'pibinn/node' do.
 */
import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { useFileReader } from './source.js';
import { useWorkerStarter, type WorkerHandle } from './worker-host.js';

export function startNodeWorker(source: string): WorkerHandle {
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`));
  let terminating = false;
  return {
    post: (message) => worker.postMessage(message),
    listen(onMessage, onFailure) {
      worker.on('message', onMessage);
      worker.on('error', onFailure);
      worker.on('exit', (code) => terminating || onFailure(new Error(`inference worker exited with code ${code}`)));
    },
    async terminate() {
      terminating = true;
      await worker.terminate();
    },
  };
}

useWorkerStarter(startNodeWorker);
useFileReader((path) => readFile(path));

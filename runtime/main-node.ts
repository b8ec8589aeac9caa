/**
 * The package's main export under the "node" condition: the same API as index.ts (the browser
 * build), with Node's worker_threads and file system installed, so `loadContainer('model.pibinn')`
 * reads the file and loadParallel / loadThreaded start worker_threads.
 */
import './host-node.js';

export * from './index.js';

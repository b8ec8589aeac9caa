/**
 * pibinn's embedding API (the package's main export; its "browser" and default build). Runs in
 * browsers, Deno and workers: nothing here imports a Node module. Under the "node" condition the
 * package exports main-node.ts instead: the same API with Node's worker_threads and file system.
 * Node-only helpers (files, footprint reports) are in 'pibinn/node'. Guide: docs/embedding.md.
 */
export { loadContainer, type ContainerOptions } from './generic.js';
export { loadSpecialized, type SpecializedOptions, type SpecializedSources } from './specialized.js';
export { loadParallel, type ParallelModel, type ParallelOptions, type ParallelSource } from './parallel.js';
export { loadThreaded, type ThreadedModel, type ThreadedOptions } from './threaded.js';
export { simdSupported, type BuildChoice } from './select-build.js';
export type { Build, PibinnModel } from './session.js';
export type { ByteSource } from './source.js';
export { PibinnError, type Diagnostic } from '../core/diagnostics/diagnostic.js';

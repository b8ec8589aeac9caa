/**
 * Starts a worker from JavaScript source, with one small interface over the two worker APIs:
 * Web Workers (browsers, Deno, Bun: a global `Worker`, started from a blob: URL as a module
 * worker) and Node's worker_threads, which the Node build registers (host-node.ts). This file
 * imports no Node module, so bundlers take it for browsers as is.
 */
export interface WorkerHandle {
  post(message: unknown): void;
  /** `onFailure` gets uncaught errors and unexpected exits. */
  listen(onMessage: (data: unknown) => void, onFailure: (error: Error) => void): void;
  /** Resolves once the worker has stopped. */
  terminate(): Promise<void>;
}

export type WorkerStarter = (source: string) => WorkerHandle;

let hostStarter: WorkerStarter | undefined;

/** Installs the host's own way to start workers (Node: worker_threads), used instead of `Worker`. */
export function useWorkerStarter(starter: WorkerStarter): void {
  hostStarter = starter;
}

export async function startWorker(source: string): Promise<WorkerHandle> {
  // The host's starter first: in Node a library may have installed a global `Worker` shim
  // (onnxruntime-web does), and worker_threads cannot start from a blob: URL anyway.
  if (hostStarter !== undefined) return hostStarter(source);
  if (typeof globalThis.Worker !== 'function') {
    throw new TypeError("no Worker in this environment: in Node, import 'pibinn' (its \"node\" export) or 'pibinn/node', which start worker_threads");
  }
  return startWebWorker(source);
}

function startWebWorker(source: string): WorkerHandle {
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(url, { type: 'module' });
  // The worker has fetched its script once it runs; the URL is no longer needed after that.
  const revoke = () => URL.revokeObjectURL(url);
  return {
    post: (message) => worker.postMessage(message),
    listen(onMessage, onFailure) {
      worker.onmessage = (event) => (revoke(), onMessage(event.data));
      worker.onerror = (event) => (event.preventDefault(), revoke(), onFailure(new Error(`inference worker: ${event.message}`)));
      worker.onmessageerror = () => onFailure(new Error('inference worker: a message could not be deserialized'));
    },
    async terminate() {
      revoke();
      worker.terminate();
    },
  };
}

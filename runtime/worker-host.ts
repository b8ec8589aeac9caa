/**
 * Starts a worker from JavaScript source, with one small interface over the two worker APIs:
 * Web Workers (browsers, Deno, Bun: a global `Worker`, started from a blob: URL as a module
 * worker) and Node's worker_threads (from a data: URL). Node's module is imported only in
 * Node, so browser code never loads it.
 */
export interface WorkerHandle {
  post(message: unknown): void;
  /** `onFailure` gets uncaught errors and unexpected exits. */
  listen(onMessage: (data: unknown) => void, onFailure: (error: Error) => void): void;
  /** Resolves once the worker has stopped. */
  terminate(): Promise<void>;
}

export async function startWorker(source: string): Promise<WorkerHandle> {
  // Node first: a library may have installed a global `Worker` shim in Node (onnxruntime-web
  // does), and Node's worker_threads cannot start from the blob: URL a Web Worker uses.
  const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
  if (!isNode && typeof globalThis.Worker === 'function') return startWebWorker(source);
  const { Worker } = await import('node:worker_threads');
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

/**
 * Runs a threaded build (`<name>.threads.wasm`, BuildOptions.threads) on two threads: this one and
 * a helper worker instantiated over the same shared memory, which runs `helper_loop` and computes
 * half the rows of each batch-1 product (runtime-as/threads.ts). `infer` stays synchronous: the
 * calling thread spins while it waits for the helper's half. Results are bit for bit those of the
 * single-threaded SIMD build. Needs SharedArrayBuffer (in browsers: a cross-origin isolated page).
 */
import { type PibinnModel, wrapModule } from './session.js';
import { readSource, type ByteSource } from './source.js';
import { threadError } from './thread-error.js';
import { startWorker } from './worker-host.js';
import { HELPER_FAILED, JOB } from '../core/constants.js';

export interface ThreadedOptions {
  /** The model's name, for messages (default "specialized"). */
  name?: string;
  /** How long to wait for the helper to start (default 10 s). */
  startTimeoutMs?: number;
}

export interface ThreadedModel extends PibinnModel {
  /** Stops and terminates the helper; the model then runs on one thread. Needed for a Node process to exit. */
  close(): Promise<void>;
}

// Int32 fields of the job record (core/constants.ts JOB, shared with runtime-as/threads.ts).
const SEQ = JOB.SEQ / 4;
const HELPER = JOB.HELPER / 4;
const STOP = JOB.STOP / 4;

/**
 * The helper marks its own failure in the job record before reporting it: the calling thread may
 * be spinning inside `infer` for a chunk the helper will never finish, and reads only memory.
 */
const HELPER_SOURCE = `
const nodePort = globalThis.WorkerGlobalScope ? null : (await import('node:worker_threads')).parentPort;
const post = (message) => (nodePort ?? globalThis).postMessage(message);
const onInit = ({ module, memory, job }) => {
  try {
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    instance.exports.helper_loop();
    post({ stopped: true });
  } catch (error) {
    Atomics.store(new Int32Array(memory.buffer, job, ${JOB.BYTES / 4}), ${HELPER}, ${HELPER_FAILED});
    post({ error: String(error) });
  }
};
if (nodePort) nodePort.once('message', onInit);
else globalThis.onmessage = (event) => onInit(event.data);
`;

export async function loadThreaded(source: ByteSource, options: ThreadedOptions = {}): Promise<ThreadedModel> {
  const name = options.name ?? 'specialized';
  if (typeof SharedArrayBuffer !== 'function') {
    throw new TypeError('loadThreaded needs SharedArrayBuffer: in a browser, serve the page cross-origin isolated (COOP: same-origin, COEP: require-corp)');
  }
  const bytes = new Uint8Array(await readSource(source, 'the threaded module'));
  const pages = sharedMemoryPages(bytes);
  if (pages === undefined) throw new TypeError(`${name}: not a threaded build (no shared env.memory import): build it with --threads`);
  const module = await WebAssembly.compile(bytes);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const jobPtr = (instance.exports.job_ptr as () => number)();
  const job = new Int32Array(memory.buffer, jobPtr, JOB.BYTES / 4);
  const helper = await startWorker(HELPER_SOURCE);
  let failure: Error | undefined;
  let cause: string | undefined;
  let closed = false;
  const helperFailed = (reason: string) => {
    // After close() the helper returns and its worker exits (code 0) before it is terminated.
    if (closed) return;
    cause ??= reason;
    // So that the module stops posting jobs and a caller spinning on a chunk gives up.
    Atomics.store(job, HELPER, HELPER_FAILED);
    failure ??= helperError(name, reason);
  };
  helper.listen((data) => {
    const reply = data as { error?: string };
    if (reply.error !== undefined) helperFailed(reply.error);
  }, (error) => helperFailed(error.message));
  helper.post({ module, memory, job: jobPtr });
  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  while (Atomics.load(job, HELPER) !== 1) {
    if (failure !== undefined || Date.now() > deadline) {
      await helper.terminate();
      throw failure ?? new Error(`${name}: the helper thread did not start within ${options.startTimeoutMs ?? 10_000} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const model = wrapModule(instance.exports, name, 'specialized', 'simd');
  /** Throws once the helper failed, whether its message arrived (`failure`) or only its mark in memory. */
  const checkHelper = () => {
    if (failure === undefined && Atomics.load(job, HELPER) === HELPER_FAILED) failure = helperError(name, cause ?? 'it trapped (its message has not arrived yet)');
    if (failure !== undefined) throw failure;
  };
  // Checked before a call (a helper lost since the last one) and after (lost during it: the
  // outputs may miss the rows of its chunk, so they are not returned).
  const infer = (input: ArrayLike<number>) => {
    checkHelper();
    const output = model.infer(input);
    checkHelper();
    return output;
  };
  const inferBatch = (inputs: ArrayLike<number>, count?: number) => {
    checkHelper();
    const outputs = model.inferBatch(inputs, count); // batches of one are split too
    checkHelper();
    return outputs;
  };
  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    // Stop, then bump seq so a helper between its stop check and its wait wakes up.
    Atomics.store(job, STOP, 1);
    Atomics.add(job, SEQ, 1);
    Atomics.notify(job, SEQ);
    while (Atomics.load(job, HELPER) === 1 && failure === undefined) await new Promise((resolve) => setTimeout(resolve, 1));
    await helper.terminate();
  }
  return { ...model, infer, inferBatch, close };
}

function helperError(name: string, reason: string) {
  return threadError(name, `the helper thread failed: ${reason}`, 'load the model again with loadThreaded, or run it on one thread with loadSpecialized');
}

/**
 * The page count of the shared memory a module imports as env.memory, from its import section
 * (WebAssembly.Module.imports does not give limits), or undefined if it imports none.
 */
function sharedMemoryPages(bytes: Uint8Array): number | undefined {
  let at = 8; // magic and version
  const u32 = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
  };
  const text = (): string => {
    const length = u32();
    at += length;
    return new TextDecoder().decode(bytes.subarray(at - length, at));
  };
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = u32();
    const end = at + size;
    if (id === 2) {
      for (let count = u32(); count > 0; count--) {
        const module = text();
        const field = text();
        const kind = bytes[at++];
        if (kind === 0 || kind === 3) { u32(); if (kind === 3) at++; continue; } // function type index; global type + mutability
        if (kind === 1) { at++; const flags = u32(); u32(); if (flags & 1) u32(); continue; } // table
        const flags = u32();
        const initial = u32();
        if (flags & 1) u32();
        if (kind === 2 && module === 'env' && field === 'memory' && (flags & 2) !== 0) return initial;
      }
    }
    at = end;
  }
  return undefined;
}

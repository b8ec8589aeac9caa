/**
 * Multi-core inference by batch splitting: `loadParallel` starts `workers` workers that each
 * instantiate the same module (the generic runtime with the container, or a specialized build),
 * and `inferBatch` splits the batch into one contiguous slice per worker. Inputs and outputs go
 * through SharedArrayBuffers (the main thread writes the inputs once; workers write outputs
 * straight into the shared output buffer), jobs are started and finished with Atomics, so a
 * call costs no message. Every input runs the same kernels in the same order as on one thread,
 * so results are bit for bit those of `PibinnModel.inferBatch`. This is batch-level
 * parallelism: one input vector still runs on one core (docs/embedding.md, "Multi-core").
 */
import { loadContainer, prebuiltRuntime } from './generic.js';
import { ERROR_BYTES, FIRST_SLOT, GENERATION, REMAINING, SLOT_INTS, WORKER_SOURCE } from './parallel-worker.js';
import { type BuildChoice } from './select-build.js';
import { type PibinnModel, wrapModule } from './session.js';
import { readSource, type ByteSource } from './source.js';
import { specializedBuild, type SpecializedSources } from './specialized.js';
import { threadError } from './thread-error.js';
import { startWorker, type WorkerHandle } from './worker-host.js';

/** A container for the generic runtime, or the builds of a specialized module. */
export type ParallelSource = { container: ByteSource } | { specialized: SpecializedSources };

export interface ParallelOptions {
  /** Workers (threads) to start (default: navigator.hardwareConcurrency, else 2). */
  workers?: number;
  build?: BuildChoice;
  /** Container only: the generic runtime's .wasm bytes instead of the bundled ones. */
  runtime?: ArrayBuffer | ArrayBufferView;
  /** Container: the name used in error messages. Specialized: the model's name. */
  file?: string;
  name?: string;
}

export interface ParallelModel extends Omit<PibinnModel, 'infer' | 'inferBatch' | 'exports'> {
  readonly workers: number;
  /** `count` input vectors, row-major, to count * outputSize values; calls run one after another. */
  inferBatch(inputs: ArrayLike<number>, count?: number): Promise<Float32Array>;
  infer(input: ArrayLike<number>): Promise<Float32Array>;
  /** Terminates the workers; later calls reject. Needed for a Node process to exit. */
  close(): Promise<void>;
}

type Metadata = Omit<PibinnModel, 'infer' | 'inferBatch' | 'exports'>;

/** Atomics.waitAsync is ES2024 (Node >= 16, Chromium, Safari 16.4): not in this project's lib. */
type WaitAsync = (array: Int32Array, index: number, value: number) => { async: false; value: string } | { async: true; value: Promise<string> };

export async function loadParallel(source: ParallelSource, options: ParallelOptions = {}): Promise<ParallelModel> {
  const workers = options.workers ?? globalThis.navigator?.hardwareConcurrency ?? 2;
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${workers}`);
  const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
  if (typeof SharedArrayBuffer !== 'function' || waitAsync === undefined) {
    throw new TypeError('loadParallel needs SharedArrayBuffer and Atomics.waitAsync: in a browser, serve the page cross-origin isolated (COOP: same-origin, COEP: require-corp)');
  }
  const { meta, module, container } = await prepare(source, options);
  // One round holds max_batch inputs per worker; bigger batches run in several rounds.
  const capacity = workers * meta.maxBatch;
  const control = new Int32Array(new SharedArrayBuffer(4 * (FIRST_SLOT + SLOT_INTS * workers)));
  const errors = new SharedArrayBuffer(ERROR_BYTES * workers);
  const inputs = new Float32Array(new SharedArrayBuffer(4 * capacity * meta.inputSize));
  const outputs = new Float32Array(new SharedArrayBuffer(4 * capacity * meta.outputSize));

  const workerError = (message: string) => threadError(meta.name, message, 'a trap: check the inputs and the module; a worker lost: load the model again with loadParallel');
  let failure: Error | undefined;
  let failPending: ((error: Error) => void) | undefined;
  const fail = (error: Error) => {
    failure ??= error;
    failPending?.(error);
  };
  const handles = await Promise.all(Array.from({ length: workers }, () => startWorker(WORKER_SOURCE)));
  const ready = handles.map((handle, index) => new Promise<void>((resolve, reject) => {
    handle.listen((data) => {
      const reply = data as { ready?: true; error?: string };
      if (reply.ready) resolve();
      else reject(workerError(`inference worker ${index} failed to start: ${reply.error}`));
    }, (error) => (reject(workerError(error.message)), fail(workerError(error.message))));
    handle.post({ module, container, control: control.buffer, errors, inputs: inputs.buffer, outputs: outputs.buffer, index, inputSize: meta.inputSize, outputSize: meta.outputSize, name: meta.name });
  }));
  const terminate = () => Promise.all(handles.map((h: WorkerHandle) => h.terminate())).then(() => undefined);
  try {
    await Promise.all(ready);
  } catch (error) {
    await terminate();
    throw error;
  }

  /** Runs `count` <= capacity inputs already in the shared input buffer. */
  async function round(count: number): Promise<void> {
    // Checked in the same tick as failPending is set below, so a worker lost between two rounds
    // of one call rejects it instead of leaving it waiting for that worker.
    if (failure !== undefined) throw failure;
    for (let w = 0; w < workers; w++) {
      const first = Math.floor((w * count) / workers);
      control[FIRST_SLOT + SLOT_INTS * w] = first;
      control[FIRST_SLOT + SLOT_INTS * w + 1] = Math.floor(((w + 1) * count) / workers) - first;
    }
    Atomics.store(control, REMAINING, workers);
    Atomics.add(control, GENERATION, 1);
    Atomics.notify(control, GENERATION);
    await new Promise<void>((resolve, reject) => {
      failPending = reject;
      allDone().then(resolve, reject);
    });
    failPending = undefined;
    for (let w = 0; w < workers; w++) {
      const slot = FIRST_SLOT + SLOT_INTS * w;
      if (control[slot + 2] !== 0) {
        const message = new TextDecoder().decode(new Uint8Array(errors, ERROR_BYTES * w, control[slot + 3]).slice());
        throw workerError(`inference worker ${w}: ${message}`);
      }
    }
  }

  async function allDone(): Promise<void> {
    for (let left = Atomics.load(control, REMAINING); left !== 0; left = Atomics.load(control, REMAINING)) {
      // Woken or not, the loop re-reads the counter: a notify may be the previous round's.
      const wait = waitAsync!(control, REMAINING, left);
      if (wait.async) await wait.value;
    }
  }

  async function run(source: Float32Array, count: number): Promise<Float32Array> {
    if (failure !== undefined) throw failure;
    const result = new Float32Array(count * meta.outputSize);
    for (let done = 0; done < count; done += capacity) {
      const n = Math.min(capacity, count - done);
      inputs.set(source.subarray(done * meta.inputSize, (done + n) * meta.inputSize));
      await round(n);
      result.set(outputs.subarray(0, n * meta.outputSize), done * meta.outputSize);
    }
    return result;
  }

  // One job at a time: the shared buffers and control slots belong to the running call.
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  function inferBatch(values: ArrayLike<number>, count = values.length / meta.inputSize): Promise<Float32Array> {
    if (closed) return Promise.reject(new Error(`${meta.name}: the parallel model is closed`));
    if (!Number.isInteger(count) || count < 0 || values.length !== count * meta.inputSize) {
      return Promise.reject(new RangeError(`${meta.name}: inferBatch got ${values.length} values for count ${count}; expected count * ${meta.inputSize} values`));
    }
    const source = values instanceof Float32Array ? values : Float32Array.from(values);
    const call = queue.then(() => run(source, count));
    queue = call.catch(() => undefined);
    return call;
  }

  function infer(input: ArrayLike<number>): Promise<Float32Array> {
    if (input.length !== meta.inputSize) return Promise.reject(new RangeError(`${meta.name}: input has ${input.length} values, expected ${meta.inputSize}`));
    return inferBatch(input, 1);
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    fail(new Error(`${meta.name}: the parallel model is closed`));
    await terminate();
  }

  return { ...meta, workers, inferBatch, infer, close };
}

/** Loads the model once on this thread (verification, sizes) and returns what each worker needs. */
async function prepare(source: ParallelSource, options: ParallelOptions): Promise<{ meta: Metadata; module: WebAssembly.Module; container?: Uint8Array }> {
  if ('container' in source) {
    const container = await readSource(source.container, 'the container');
    const meta = metadataOf(await loadContainer(container, { build: options.build, runtime: options.runtime, file: options.file }));
    const module = options.runtime === undefined ? await prebuiltRuntime(meta.build) : await WebAssembly.compile(new Uint8Array(await readSource(options.runtime, 'the runtime')));
    // A copy: posting a view would clone its whole underlying buffer to every worker.
    return { meta, module, container: container.slice() };
  }
  const build = specializedBuild(source.specialized, options.build);
  const bytes = source.specialized[build];
  if (bytes === undefined) throw new TypeError(`no ${build} build given: pass specialized.${build}`);
  const module = await WebAssembly.compile(new Uint8Array(await readSource(bytes, `the ${build} module`)));
  return { meta: metadataOf(wrapModule(new WebAssembly.Instance(module, {}).exports, options.name ?? 'specialized', 'specialized', build)), module };
}

function metadataOf({ name, kind, build, inputSize, outputSize, stateSize, maxBatch }: PibinnModel): Metadata {
  return { name, kind, build, inputSize, outputSize, stateSize, maxBatch };
}

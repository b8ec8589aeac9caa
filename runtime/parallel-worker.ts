/**
 * The code each inference worker runs (runtime/parallel.ts). It is plain JavaScript in a string,
 * started from a data: URL (Node worker_threads) or a blob: URL (Web Workers), so it needs no
 * build step or bundler configuration and runs the same from TypeScript sources, dist/ and a
 * browser bundle.
 *
 * Protocol: one init message { module, container, control, errors, inputs, outputs, index,
 * inputSize, outputSize, name }; the worker instantiates the module (and loads the container into the
 * generic runtime), replies { ready: true } or { error }, then blocks on Atomics.wait for jobs.
 * A job is control[GENERATION] changing; the worker's slice is control[slot] (first input) and
 * control[slot + 1] (count). It runs them with the embedding API's batch loop (batch.ts, inlined)
 * from the shared input buffer straight into the shared output buffer, sets control[slot + 2]
 * (0 ok, 1 failed, with the message as UTF-8 in its region of `errors`) and decrements
 * control[REMAINING], waking the main thread at zero.
 *
 * A wake-up is not a job: the main thread bumps GENERATION, then notifies. A worker that finished
 * its previous slice between those two steps sees the new generation without sleeping, runs it,
 * sleeps again, and is then woken by that same, late notify. Taking the wake-up as a new job ran
 * the slice twice and decremented REMAINING twice: the call returned before another worker had
 * written its outputs, and a later call waited forever on a counter below zero. So the worker
 * sleeps until GENERATION differs from the last one it ran (test/runtime/parallel.test.ts).
 */
import { BATCH_RUNNER_SOURCE } from './batch.js';

/** Int32 indices in the control buffer. */
export const GENERATION = 0;
export const REMAINING = 1;
/** Per-worker slots (first input, count, status, error length) start here, 4 ints each. */
export const FIRST_SLOT = 4;
export const SLOT_INTS = 4;
/** Bytes of error message each worker may leave in the errors buffer. */
export const ERROR_BYTES = 1024;

export const WORKER_SOURCE = `
const nodePort = globalThis.WorkerGlobalScope ? null : (await import('node:worker_threads')).parentPort;
const post = (message) => (nodePort ?? globalThis).postMessage(message);

function start(init) {
  const { module, container, index, inputSize, outputSize } = init;
  const control = new Int32Array(init.control);
  const x = new Float32Array(init.inputs);
  const y = new Float32Array(init.outputs);
  const errors = new Uint8Array(init.errors, index * ${ERROR_BYTES}, ${ERROR_BYTES});
  const m = new WebAssembly.Instance(module, {}).exports;
  if (container) {
    const at = m.alloc_container(container.length);
    if (at === 0) throw new Error('alloc_container failed with status ' + m.error_code());
    new Uint8Array(m.memory.buffer, at, container.length).set(container);
    if (m.load(at, container.length) !== 0) throw new Error('load failed with status ' + m.error_code() + '.' + m.error_detail());
  }
  const { inferBatch } = batchRunner(m, init.name);
  const slot = ${FIRST_SLOT} + ${SLOT_INTS} * index;
  // Read before replying: the first job may start as soon as every worker has replied.
  let seen = Atomics.load(control, ${GENERATION});
  post({ ready: true });
  for (;;) {
    // Until the generation changes: a notify may be the late one of a job already run.
    while (Atomics.load(control, ${GENERATION}) === seen) Atomics.wait(control, ${GENERATION}, seen);
    seen = Atomics.load(control, ${GENERATION});
    const first = control[slot];
    const count = control[slot + 1];
    try {
      inferBatch(x.subarray(first * inputSize, (first + count) * inputSize), count, y.subarray(first * outputSize, (first + count) * outputSize));
      control[slot + 2] = 0;
    } catch (error) {
      const { written } = new TextEncoder().encodeInto(String(error), errors);
      control[slot + 3] = written;
      control[slot + 2] = 1;
    }
    if (Atomics.sub(control, ${REMAINING}, 1) === 1) Atomics.notify(control, ${REMAINING});
  }
}

const onInit = (init) => {
  try {
    start(init);
  } catch (error) {
    post({ error: String(error) });
  }
};
if (nodePort) nodePort.once('message', onInit);
else globalThis.onmessage = (event) => onInit(event.data);

${BATCH_RUNNER_SOURCE}
`;

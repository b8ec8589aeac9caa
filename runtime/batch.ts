/**
 * The one batch loop of every JavaScript host of the inference ABI (docs/abi.md): the embedding
 * API's models (session.ts), the generated `<name>.mjs` loaders (codegen/emit-loader.ts inlines
 * this function's source) and the parallel workers (parallel-worker.ts embeds it in theirs).
 *
 * `batchRunner` must stay self-contained: no reference to anything outside its body, no
 * TypeScript construct that compiles to a helper, because its compiled text is copied into
 * other programs with Function.prototype.toString (test/runtime/batch.test.ts runs both copies).
 */

/** The inference exports common to specialized modules and the generic runtime. */
export interface InferenceExports {
  memory: WebAssembly.Memory;
  infer_batch(count: number): number;
  input_ptr(): number;
  output_ptr(): number;
  input_size(): number;
  output_size(): number;
  state_size(): number;
  max_batch(): number;
}

export interface BatchRunner {
  /** One input vector (input_size values) to a new output vector. */
  infer(input: ArrayLike<number>): Float32Array;
  /**
   * `count` input vectors, row-major (count * input_size values; any count, 0 included), run
   * max_batch at a time; outputs go to `outputs` (count * output_size values) or a new array.
   */
  inferBatch(inputs: ArrayLike<number>, count?: number, outputs?: Float32Array): Float32Array;
}

export function batchRunner(exports: InferenceExports, name: string): BatchRunner {
  const inputSize = exports.input_size();
  const outputSize = exports.output_size();
  const maxBatch = exports.max_batch();
  // Views are made per call: the generic runtime's memory grows while loading, detaching old views.
  const view = (ptr: number, length: number): Float32Array => new Float32Array(exports.memory.buffer, ptr, length);

  function inferBatch(inputs: ArrayLike<number>, count = inputs.length / inputSize, outputs?: Float32Array): Float32Array {
    if (!Number.isInteger(count) || count < 0 || inputs.length !== count * inputSize) {
      throw new RangeError(`${name}: inferBatch got ${inputs.length} values for count ${count}; expected count * ${inputSize} values`);
    }
    const result = outputs ?? new Float32Array(count * outputSize);
    if (result.length !== count * outputSize) {
      throw new RangeError(`${name}: inferBatch got room for ${result.length} output values; expected ${count * outputSize}`);
    }
    const source = inputs instanceof Float32Array ? inputs : Float32Array.from(inputs);
    for (let done = 0; done < count; ) {
      const n = Math.min(maxBatch, count - done);
      view(exports.input_ptr(), n * inputSize).set(source.subarray(done * inputSize, (done + n) * inputSize));
      const ran = exports.infer_batch(n);
      // A short run would leave stale outputs in the slots it skipped: never return them.
      if (ran !== n) throw new Error(`${name}: the module ran ${ran} of ${n} inputs`);
      result.set(view(exports.output_ptr(), n * outputSize), done * outputSize);
      done += n;
    }
    return result;
  }

  function infer(input: ArrayLike<number>): Float32Array {
    if (input.length !== inputSize) throw new RangeError(`${name}: input has ${input.length} values, expected ${inputSize}`);
    return inferBatch(input, 1);
  }

  return { infer, inferBatch };
}

/** The compiled source of `batchRunner`, for programs that cannot import it (generated loaders, workers). */
export const BATCH_RUNNER_SOURCE: string = batchRunner.toString();

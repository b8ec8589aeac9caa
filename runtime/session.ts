/**
 * The typed model object both kinds of module share: a specialized module and the generic
 * runtime export the same inference ABI (docs/abi.md, docs/embedding.md), so one wrapper turns
 * either into `infer` / `inferBatch` over Float32Arrays. Views of memory are made per call: the
 * generic runtime's memory grows while loading, which detaches earlier views.
 */

export type Build = 'simd' | 'scalar';

export interface PibinnModel {
  /** The model's name (from the container, or as given for a specialized module). */
  readonly name: string;
  /** 'generic': a container run by the prebuilt runtime; 'specialized': a module built for this model. */
  readonly kind: 'generic' | 'specialized';
  readonly build: Build;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly stateSize: number;
  /** Input vectors per call into WebAssembly; inferBatch takes any count and splits it. */
  readonly maxBatch: number;
  /** One input vector (inputSize values) to a new output vector (outputSize values). */
  infer(input: ArrayLike<number>): Float32Array;
  /** `count` input vectors, row-major (count * inputSize values), to count * outputSize values. */
  inferBatch(inputs: ArrayLike<number>, count?: number): Float32Array;
  /** The module's raw exports. */
  readonly exports: WebAssembly.Exports;
}

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

export function wrapModule(exports: WebAssembly.Exports, name: string, kind: PibinnModel['kind'], build: Build): PibinnModel {
  const m = exports as unknown as InferenceExports;
  const inputSize = m.input_size();
  const outputSize = m.output_size();
  const maxBatch = m.max_batch();
  const view = (ptr: number, length: number) => new Float32Array(m.memory.buffer, ptr, length);

  function inferBatch(inputs: ArrayLike<number>, count = inputs.length / inputSize): Float32Array {
    if (!Number.isInteger(count) || count < 0 || inputs.length !== count * inputSize) {
      throw new RangeError(`${name}: inferBatch got ${inputs.length} values for count ${count}; expected count * ${inputSize} values`);
    }
    const source = inputs instanceof Float32Array ? inputs : Float32Array.from(inputs);
    const outputs = new Float32Array(count * outputSize);
    for (let done = 0; done < count; ) {
      const n = Math.min(maxBatch, count - done);
      view(m.input_ptr(), n * inputSize).set(source.subarray(done * inputSize, (done + n) * inputSize));
      const ran = m.infer_batch(n);
      if (ran !== n) throw new Error(`${name}: the module ran ${ran} of ${n} inputs`);
      outputs.set(view(m.output_ptr(), n * outputSize), done * outputSize);
      done += n;
    }
    return outputs;
  }

  function infer(input: ArrayLike<number>): Float32Array {
    if (input.length !== inputSize) throw new RangeError(`${name}: input has ${input.length} values, expected ${inputSize}`);
    return inferBatch(input, 1);
  }

  return { name, kind, build, inputSize, outputSize, stateSize: m.state_size(), maxBatch, infer, inferBatch, exports };
}

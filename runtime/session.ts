/**
 * The typed model object both kinds of module share: a specialized module and the generic
 * runtime export the same inference ABI (docs/abi.md, docs/embedding.md), so one wrapper turns
 * either into `infer` / `inferBatch` over Float32Arrays, with the one batch loop of batch.ts.
 */
import { batchRunner, type InferenceExports } from './batch.js';

export type { InferenceExports } from './batch.js';

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

export function wrapModule(exports: WebAssembly.Exports, name: string, kind: PibinnModel['kind'], build: Build): PibinnModel {
  const m = exports as unknown as InferenceExports;
  const { infer, inferBatch } = batchRunner(m, name);
  return {
    name, kind, build, inputSize: m.input_size(), outputSize: m.output_size(), stateSize: m.state_size(), maxBatch: m.max_batch(),
    infer, inferBatch: (inputs, count) => inferBatch(inputs, count), exports,
  };
}

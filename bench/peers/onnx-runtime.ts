/**
 * ONNX Runtime peers on an exported graph (onnx-export.ts): onnxruntime-node (native MLAS,
 * 1 or 2 intra-op threads) and onnxruntime-web (its WebAssembly SIMD build, 1 thread, in Node).
 * Each returns an async runner taking a [batch, input.size] float32 batch.
 */
import { readFileSync } from 'node:fs';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';

export type OrtEngine = 'ort-node-1t' | 'ort-node-2t' | 'ort-web-simd';

export interface OrtRunner {
  run(inputs: Float32Array, batch: number): Promise<Float32Array>;
  release(): Promise<void>;
}

ortWeb.env.wasm.numThreads = 1;
ortWeb.env.wasm.simd = true;

export async function ortRunner(engine: OrtEngine, path: string, inputSize: number): Promise<OrtRunner> {
  if (engine === 'ort-web-simd') {
    const session = await ortWeb.InferenceSession.create(new Uint8Array(readFileSync(path)), { executionProviders: ['wasm'] });
    return {
      run: async (inputs, batch) => (await session.run({ y: new ortWeb.Tensor('float32', inputs, [batch, inputSize]) })).out.data as Float32Array,
      release: () => session.release(),
    };
  }
  const session = await ortNode.InferenceSession.create(path, {
    intraOpNumThreads: engine === 'ort-node-1t' ? 1 : 2,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  return {
    run: async (inputs, batch) => (await session.run({ y: new ortNode.Tensor('float32', inputs, [batch, inputSize]) })).out.data as Float32Array,
    release: () => session.release(),
  };
}

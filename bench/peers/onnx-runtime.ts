/**
 * ONNX Runtime peers on an exported graph (onnx-export.ts): onnxruntime-node (native MLAS,
 * 1 or 2 intra-op threads) and onnxruntime-web (its WebAssembly SIMD build, 1 thread, in Node).
 * Each returns an async runner taking a [batch, input.size] float32 batch.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Ort from 'onnxruntime-common';

export type OrtEngine = 'ort-node-1t' | 'ort-node-2t' | 'ort-web-simd';

export interface OrtRunner {
  run(inputs: Float32Array, batch: number): Promise<Float32Array>;
  release(): Promise<void>;
}

/**
 * onnxruntime-node and -web are the benchmark's own dependencies (bench/package.json, 427 MB,
 * installed by `npm run bench:deps`, not by the project's `npm ci`): bench/ort.mjs imports them,
 * so they resolve from bench/node_modules wherever this file was compiled to. Typed by
 * onnxruntime-common, the API both implement (a small dev dependency of the project).
 */
async function onnxRuntimes(): Promise<{ ortNode: typeof Ort; ortWeb: typeof Ort }> {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'bench', 'package.json'))) {
    if (dirname(dir) === dir) throw new Error('bench/package.json not found above this file');
    dir = dirname(dir);
  }
  const shim = join(dir, 'bench', 'ort.mjs');
  try {
    return (await import(pathToFileURL(shim).href)) as { ortNode: typeof Ort; ortWeb: typeof Ort };
  } catch (error) {
    throw new Error(`cannot import ONNX Runtime through ${shim} (${(error as Error).message}): run npm run bench:deps`);
  }
}

const { ortNode, ortWeb } = await onnxRuntimes();
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

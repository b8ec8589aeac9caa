/**
 * Code size: matrices whose kernel calls differ only in their sign bits (untied layers of one
 * shape) share one product function, and every shipped example's builds (threaded included)
 * and the prebuilt generic runtime stay within the 32 KiB of code per build that issue #6 sets.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticModel } from '../../bench/synthetic-models.js';
import { buildModelInMemory } from '../../codegen/build.js';
import { wasmSectionSizes } from '../../codegen/wasm-sections.js';
import { loadModel } from '../../compiler/load/load-model.js';
import { createRng } from '../support/random-model.js';
import { expectAgreement, instantiate, referenceOutputs, runBatch } from './harness.js';

const CODE_BUDGET = 32 * 1024;
const productFunctions = (source: string): number => source.match(/^function product\d+\(/gm)?.length ?? 0;

describe('product functions', () => {
  it('one per distinct shape: 9 untied W_k of 64 x 64 blocks share one, B has its own', async () => {
    const model = syntheticModel({ kind: 'block-diagonal', n: 256, block: 64 });
    expect(model.matrices.length).toBe(10); // B and W_2 .. W_10 (x_0 = 0: layer 1 has no W)
    const built = await buildModelInMemory(model, { maxBatch: 4 });
    // W_k (256 x 256, 64 x 64 blocks) and B (256 x 128, 64 x 32 blocks): two shapes.
    expect(productFunctions(built.source)).toBe(2);
    const rng = createRng(3);
    const inputs = Float32Array.from({ length: 3 * model.input.size }, () => rng.uniform(-1, 1));
    const expected = referenceOutputs(model, inputs, 3);
    for (const flavor of ['simd', 'scalar'] as const) {
      expectAgreement(flavor, model, inputs, runBatch(await instantiate(built.wasm[flavor]!), inputs, 3), expected, 3);
    }
  });
});

const examples = readdirSync('examples').filter((name) => existsSync(join('examples', name, 'model.json')));

describe.each(examples)('example %s', (name) => {
  it(`builds to at most ${CODE_BUDGET / 1024} KiB of code per build`, async () => {
    const built = await buildModelInMemory(loadModel(join('examples', name, 'model.json')).model, { maxBatch: 32, threads: true });
    for (const flavor of ['simd', 'scalar', 'threads'] as const) {
      expect(wasmSectionSizes(built.wasm[flavor]!).codeBytes, flavor).toBeLessThanOrEqual(CODE_BUDGET);
    }
  });
});

describe('the prebuilt generic runtime', () => {
  it.each(['simd', 'scalar'])(`%s build: at most ${CODE_BUDGET / 1024} KiB of code`, (flavor) => {
    expect(wasmSectionSizes(readFileSync(`engine/prebuilt/pibinn-runtime.${flavor}.wasm`)).codeBytes).toBeLessThanOrEqual(CODE_BUDGET);
  });
});

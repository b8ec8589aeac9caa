/**
 * Conformance suite x runners: every model of test/fixtures/conformance through the float64
 * reference, the specialized SIMD build and the specialized scalar build, each against the
 * fixture's independently computed expected.npy.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModelInMemory } from '../../codegen/build.js';
import { parseNpy } from '../../compiler/io/npy.js';
import type { IRModel } from '../../core/ir.js';
import { CONFORMANCE_DIR, CONFORMANCE_MODELS as cases, loadConformanceModel } from '../support/conformance.js';
import { expectAgreement, instantiate, referenceOutputs, runBatch } from './harness.js';


interface Fixture {
  model: IRModel;
  inputs: Float32Array;
  expected: ArrayLike<number>;
  count: number;
}

/** Loaded inside each test, so one fixture the loader rejects fails alone. */
function loadFixture(name: string): Fixture {
  const dir = join(CONFORMANCE_DIR, name);
  const { model } = loadConformanceModel(name);
  const npy = (file: string) => parseNpy(readFileSync(join(dir, file)), file);
  const inputs = Float32Array.from(npy('inputs.npy').data);
  const expected = npy('expected.npy').data;
  const count = inputs.length / model.input.size;
  expect(expected.length).toBe(count * model.output.size);
  return { model, inputs, expected, count };
}

describe.each(cases)('conformance %s', (name) => {
  it('reference agrees with expected.npy', () => {
    const { model, inputs, expected, count } = loadFixture(name);
    expectAgreement(`${name} reference`, model, inputs, Float32Array.from(referenceOutputs(model, inputs, count)), expected, count);
  });

  it('specialized SIMD and scalar builds agree with expected.npy and pass their self-test', async () => {
    const { model, inputs, expected, count } = loadFixture(name);
    const built = await buildModelInMemory(model);
    for (const flavor of ['simd', 'scalar'] as const) {
      const m = await instantiate(built.wasm[flavor]!);
      expect(m.self_test()).toBe(0);
      expectAgreement(`${name} ${flavor}`, model, inputs, runBatch(m, inputs, count), expected, count);
    }
  });
});

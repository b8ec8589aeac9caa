/** Specialized builds of banded matrices whose bands are wider than the matrix (up to u32). */
import { describe, expect, it } from 'vitest';
import { buildModelInMemory } from '../../codegen/build.js';
import type { IRMatrix } from '../../core/ir.js';
import { resolveModel } from '../support/ir-draft.js';
import { expectAgreement, instantiate, referenceOutputs, runBatch } from './harness.js';

function band(id: string, lower: number, upper: number, rows: number, cols: number): IRMatrix {
  const nnz = rows * cols; // every entry lies in such a band
  return { id, rows, cols, structure: { kind: 'banded', lower, upper }, nnz, signs: Uint8Array.of(0xa5, nnz === 16 ? 0x3c : 0x0c), gain: 1, encoding: 'bits' };
}

describe('specialized build, bands wider than the matrix', () => {
  it('agrees with the reference (the widths are clamped to the matrix, not truncated to i32)', async () => {
    const model = resolveModel({
      name: 'wide-bands', scale: 0.3, state: 4, input: { name: 'y', size: 3 }, output: { name: 'x', size: 4 },
      matrices: [band('B0', 2 ** 32 - 7, 2 ** 31 + 3, 4, 3), band('B1', 2 ** 31 + 1, 2 ** 32 - 1, 4, 4)],
      layers: [0, 1].map(() => ({ terms: [{ matrix: 'B0', source: 'input' as const }, { matrix: 'B1', source: 'state' as const }], skip: 0, bias: 0, threshold: { kind: 'soft' as const, theta: 0.05 }, relax: 1 })),
    });
    const inputs = Float32Array.of(1, -0.5, 0.25, 0.75, 0.5, -1);
    const built = await buildModelInMemory(model);
    for (const flavor of ['simd', 'scalar'] as const) {
      const m = await instantiate(built.wasm[flavor]!);
      expect(m.self_test()).toBe(0);
      expectAgreement(`wide bands ${flavor}`, model, inputs, runBatch(m, inputs, 2), referenceOutputs(model, inputs, 2), 2);
    }
  });
});

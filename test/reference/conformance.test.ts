/**
 * The reference evaluator against the independently written conformance models: every model in
 * test/fixtures/conformance, every input row, relative L2 error per output vector <= 1e-12.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../../compiler/io/npy.js';

import { evaluate } from '../../compiler/reference/evaluate.js';
import { CONFORMANCE_DIR as root, CONFORMANCE_MODELS as models, loadConformanceModel } from '../support/conformance.js';
import { relativeL2 } from '../../compiler/reference/compare.js';

/** A 2-D .npy file as rows of numbers. */
function readRows(file: string): number[][] {
  const { shape, data } = parseNpy(readFileSync(file), file);
  expect(shape).toHaveLength(2);
  const [rows, cols] = shape;
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => Number(data[r * cols + c])));
}

describe('reference evaluator conformance', () => {
  it('finds all eight conformance models', () => {
    expect(models).toHaveLength(8);
  });

  for (const name of models) {
    it(`${name}: every input matches expected.npy to 1e-12 relative`, async () => {
      const dir = join(root, name);
      const { model } = loadConformanceModel(name);
      const inputs = readRows(join(dir, 'inputs.npy'));
      const expected = readRows(join(dir, 'expected.npy'));
      expect(inputs.length).toBeGreaterThan(0);
      expect(inputs).toHaveLength(expected.length);
      inputs.forEach((y, row) => {
        const output = evaluate(model, y);
        expect(output).toHaveLength(expected[row].length);
        expect(relativeL2(output, expected[row]), `${name}, input row ${row}`).toBeLessThanOrEqual(1e-12);
      });
    });
  }
});

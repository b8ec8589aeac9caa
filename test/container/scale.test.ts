/**
 * A 65536 x 65536 block-diagonal matrix with 1024-wide blocks has 64M existing entries out of 4G:
 * its container must hold 8 MiB of signs plus a small header (never anything dense), and writing
 * and reading it must take well under a second each on a laptop (the bound here is generous for CI).
 */
import { describe, expect, it } from 'vitest';
import { readContainer } from '../../compiler/container/read.js';
import { writeContainer } from '../../compiler/container/write.js';
import type { IRModel } from '../../core/ir.js';
import { makeMatrix } from './models.js';
import { matrixNamed, resolveModel } from '../support/ir-draft.js';

const SIDE = 65536;
const BLOCK = 1024;

function bigModel(): IRModel {
  const w = makeMatrix('W', SIDE, SIDE, { kind: 'block-diagonal', blockRows: BLOCK, blockCols: BLOCK });
  return resolveModel({
    name: 'big',
    scale: 0.01,
    state: SIDE,
    input: { name: 'y', size: SIDE },
    output: { name: 'x', size: SIDE },
    matrices: [w],
    layers: [{ terms: [{ matrix: 'W', source: 'input' }], skip: 0, bias: 0, threshold: { kind: 'soft', theta: 0.1 }, relax: 1 }],
  });
}

describe('container at scale', () => {
  it('writes and reads 64M nnz in O(nnz / 8) bytes and well under the time budget', () => {
    const model = bigModel();
    const signs = matrixNamed(model, 'W').signs;
    expect(signs.length).toBe((SIDE * BLOCK) / 8);

    let start = performance.now();
    const bytes = writeContainer(model);
    const writeMs = performance.now() - start;
    expect(bytes.length).toBeGreaterThan(signs.length);
    expect(bytes.length).toBeLessThan(signs.length + 1024);

    start = performance.now();
    const back = readContainer(bytes, 'big.pibinn');
    const readMs = performance.now() - start;
    expect(Buffer.from(matrixNamed(back, 'W').signs).equals(Buffer.from(signs))).toBe(true);
    expect(writeMs, `write took ${writeMs.toFixed(0)} ms`).toBeLessThan(2000);
    expect(readMs, `read took ${readMs.toFixed(0)} ms`).toBeLessThan(2000);
  });
});

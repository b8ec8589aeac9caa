/**
 * Scale: four 65536 x 65536 block-diagonal matrices (256 x 256 blocks, 64M nnz in all) from
 * external bits files, and a 16M-entry values file, load in O(nnz / 8) memory: the bits are
 * read straight into the sign arrays and the values are streamed, never held whole.
 */
import { closeSync, mkdtempSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeNpy } from '../../compiler/io/npy.js';
import { signAt } from '../../compiler/ir/structure.js';
import { loadModel } from '../../compiler/load/load-model.js';
import { npyWithHeader } from './helpers.js';
import { matrixNamed } from '../support/ir-draft.js';

const N = 65536;
const BLOCK = 256;
const NNZ = N * BLOCK; // 16,777,216 per matrix
const MiB = 1 << 20;

function bigModel(signs: Record<string, unknown>[]): Record<string, unknown> {
  const matrices = Object.fromEntries(
    signs.map((s, i) => [`W${i}`, { rows: N, cols: N, structure: { kind: 'block-diagonal', blockRows: BLOCK, blockCols: BLOCK }, signs: s }]),
  );
  return {
    format: 'pibinn-model',
    version: 1,
    name: 'big',
    scale: 0.01,
    state: N,
    input: { name: 'y', size: N },
    output: { name: 'x', size: N },
    matrices,
    layers: signs.map((_, i) => ({ terms: [{ matrix: `W${i}`, source: i === 0 ? 'input' : 'state' }], threshold: { kind: 'soft', theta: 0.1 } })),
  };
}

/** Bytes of ArrayBuffers alive now: what typed arrays (whole-file reads included) cost. */
function arrayBufferBytes(): number {
  return process.memoryUsage().arrayBuffers;
}

describe('scale', () => {
  it('4 x 65536^2 block-diagonal matrices from .npy bits files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pibinn-scale-'));
    const bits = Buffer.alloc(NNZ / 8);
    for (let i = 0; i < bits.length; i++) bits[i] = Math.imul(i, 2654435761) >>> 24;
    for (let m = 0; m < 4; m++) writeFileSync(join(dir, `W${m}.bits.npy`), encodeNpy(bits, [bits.length]));
    writeFileSync(join(dir, 'model.json'), JSON.stringify(bigModel([0, 1, 2, 3].map((m) => ({ encoding: 'bits', file: `W${m}.bits.npy` })))));

    const before = arrayBufferBytes();
    const start = performance.now();
    const { model } = loadModel(join(dir, 'model.json'));
    const elapsed = performance.now() - start;
    const grown = arrayBufferBytes() - before;

    expect(model.matrices.length).toBe(4);
    for (const m of model.matrices.values()) {
      expect(m.nnz).toBe(NNZ);
      // Buffer.equals: vitest's deep equality walks 2 MiB arrays element by element, far too slowly.
      expect(Buffer.from(m.signs.buffer, m.signs.byteOffset, m.signs.length).equals(bits)).toBe(true);
    }
    // The four sign arrays are 8 MiB; allow room for one transient copy, far below any dense form.
    expect(grown).toBeLessThan(24 * MiB);
    expect(elapsed).toBeLessThan(3000);
  });

  it('a 16M-entry values file is streamed, not read whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pibinn-scale-'));
    // Write the 64 MiB float32 file in 1 MiB pieces so the test itself never holds it.
    const fd = openSync(join(dir, 'W0.npy'), 'w');
    writeSync(fd, npyWithHeader(1, `{'descr': '<f4', 'fortran_order': False, 'shape': (${NNZ},), }`, new Uint8Array(0)));
    const piece = new Float32Array(MiB / 4);
    for (let offset = 0; offset < NNZ; offset += piece.length) {
      for (let k = 0; k < piece.length; k++) piece[k] = (offset + k) % 3 === 0 ? -0.5 : 0.25;
      writeSync(fd, new Uint8Array(piece.buffer));
    }
    closeSync(fd);
    writeFileSync(join(dir, 'model.json'), JSON.stringify(bigModel([{ encoding: 'values', file: 'W0.npy' }])));

    const before = arrayBufferBytes();
    const { model } = loadModel(join(dir, 'model.json'));
    const grown = arrayBufferBytes() - before;

    const w = matrixNamed(model, 'W0');
    for (const k of [0, 1, 2, 3, NNZ - 2, NNZ - 1]) expect(signAt(w.signs, k)).toBe(k % 3 === 0 ? -1 : 1);
    // Signs are 2 MiB, the read chunk 1 MiB; a whole-file read would add 64 MiB.
    expect(grown).toBeLessThan(16 * MiB);
    // |v| is 0.5 or 0.25 against a magnitude of 0.01: the error is large and computable.
    const expected = Math.sqrt((((0.5 - 0.01) ** 2 + 2 * (0.25 - 0.01) ** 2) / (0.5 ** 2 + 2 * 0.25 ** 2)));
    expect(w.quantizationError).toBeCloseTo(expected, 6);
  });
});

/**
 * Every structure kind with every sign encoding, inline and in external files (.npy of each
 * allowed dtype, raw bytes), plus the IR details: defaults, vectors, residual, readout,
 * metadata, warnings, limits, several errors at once, and line:column location.
 */
import { describe, expect, it } from 'vitest';
import { renderJsonPath } from '../../core/diagnostics/diagnostic.js';
import { encodeNpy } from '../../compiler/io/npy.js';
import { signAt } from '../../compiler/ir/structure.js';
import { loadModel, loadModelFromText } from '../../compiler/load/load-model.js';
import type { IRMatrix } from '../../core/ir.js';
import { float32Bytes, loadError, minimalModel, npyWithHeader, writeModelDir } from './helpers.js';
import { matrixNamed } from '../support/ir-draft.js';

/** A model whose only matrix M (rows x cols) is an input term: state = rows, input.size = cols. */
function singleMatrixModel(matrix: Record<string, unknown>): Record<string, any> {
  const { rows, cols } = matrix as { rows: number; cols: number };
  return {
    format: 'pibinn-model',
    version: 1,
    name: 'single',
    scale: 0.5,
    state: rows,
    input: { name: 'y', size: cols },
    output: { name: 'x', size: rows },
    matrices: { M: matrix },
    layers: [{ terms: [{ matrix: 'M', source: 'input' }], threshold: { kind: 'none' } }],
  };
}

function loadSingle(matrix: Record<string, unknown>, files: Record<string, Uint8Array> = {}): IRMatrix {
  return matrixNamed(loadModel(writeModelDir(singleMatrixModel(matrix), files)).model, 'M');
}

function signsOf(m: IRMatrix): number[] {
  return Array.from({ length: m.nnz }, (_, k) => signAt(m.signs, k));
}

// A 3 x 5 matrix and its dense values; structures below pick different entries of it.
const DENSE = [
  [0.5, -1, 0, 2, -0],
  [-3, 4, -5, 0, 6],
  [7, -8, 9, -1, 1],
];
const flat = DENSE.flat();

const STRUCTURES: { name: string; structure: Record<string, unknown>; exists: (i: number, j: number) => boolean }[] = [
  { name: 'dense', structure: { kind: 'dense' }, exists: () => true },
  { name: 'banded', structure: { kind: 'banded', lower: 1, upper: 2 }, exists: (i, j) => j - i >= -1 && j - i <= 2 },
  { name: 'blocks', structure: { kind: 'blocks', blocks: [[1, 3, 2, 2], [0, 0, 2, 2]] }, exists: (i, j) => (i >= 1 && j >= 3) || (i < 2 && j < 2) },
  {
    name: 'mask',
    // bits 0, 2, 6, 7, 13, 14 of the 15-bit row-major bitmap: 0b1100_0101, 0b0110_0000
    structure: { kind: 'mask', encoding: 'bits', data: Buffer.from([0xc5, 0x60]).toString('base64') },
    exists: (i, j) => [0, 2, 6, 7, 13, 14].includes(i * 5 + j),
  },
];

describe.each(STRUCTURES)('$name structure', ({ structure, exists }) => {
  const entries: number[] = [];
  DENSE.forEach((row, i) => row.forEach((v, j) => exists(i, j) && entries.push(v)));
  const expectedSigns = entries.map((v) => (v < 0 ? -1 : 1));
  const base = { rows: 3, cols: 5, structure };

  it('values, inline', () => {
    const m = loadSingle({ ...base, signs: { encoding: 'values', data: entries } });
    expect(m.nnz).toBe(entries.length);
    expect(signsOf(m)).toEqual(expectedSigns);
  });

  it('dense-values, inline and as a float64 .npy', () => {
    const dense = flat.map((v, idx) => (exists(Math.floor(idx / 5), idx % 5) ? v : 0));
    const inline = loadSingle({ ...base, signs: { encoding: 'dense-values', data: dense } });
    const file = loadSingle({ ...base, signs: { encoding: 'dense-values', file: 'M.npy' } }, { 'M.npy': encodeNpy(Float64Array.from(dense), [3, 5]) });
    expect(signsOf(inline)).toEqual(expectedSigns);
    expect(file.signs).toEqual(inline.signs);
    expect(file.quantizationError).toBe(inline.quantizationError);
  });

  it('bits, as base64, uint8 .npy and raw bytes, equal to the binarized values', () => {
    const fromValues = loadSingle({ ...base, signs: { encoding: 'values', data: entries } });
    const data = Buffer.from(fromValues.signs).toString('base64');
    const inline = loadSingle({ ...base, signs: { encoding: 'bits', data } });
    const npy = loadSingle({ ...base, signs: { encoding: 'bits', file: 'M.bits.npy' } }, { 'M.bits.npy': encodeNpy(fromValues.signs, [fromValues.signs.length]) });
    const raw = loadSingle({ ...base, signs: { encoding: 'bits', file: 'M.bits' } }, { 'M.bits': fromValues.signs });
    for (const m of [inline, npy, raw]) {
      expect(m.signs).toEqual(fromValues.signs);
      expect(m.encoding).toBe('bits');
      expect(m.quantizationError).toBeUndefined();
    }
  });
});

describe('payload files', () => {
  const values = [0.5, -1, 0, 2, -0, -3];
  const base = { rows: 2, cols: 3, structure: { kind: 'dense' } };
  const expected = [1, -1, 1, 1, 1, -1]; // 0 and -0 are +1

  it.each([
    ['M.npy', encodeNpy(Float32Array.from(values), [6])],
    ['M.npy', encodeNpy(Float64Array.from(values), [2, 3])],
    ['M.f32', float32Bytes(values)],
  ])('values from %s', (name, bytes) => {
    const m = loadSingle({ ...base, signs: { encoding: 'values', file: name } }, { [name]: bytes });
    expect(signsOf(m)).toEqual(expected);
  });

  it.each([
    ['int8', encodeNpy(Int8Array.of(1, -1, 0, 2, 0, -3), [6]), [1, -1, 1, 1, 1, -1]],
    ['uint8', encodeNpy(Uint8Array.of(1, 255, 0, 2, 0, 3), [6]), [1, 1, 1, 1, 1, 1]],
    ['bool', encodeNpy(Uint8Array.of(1, 0, 0, 1, 1, 0), [6], 'bool'), [1, 1, 1, 1, 1, 1]],
  ])('values from a %s .npy', (_dtype, bytes, signs) => {
    const m = loadSingle({ ...base, signs: { encoding: 'values', file: 'M.npy' } }, { 'M.npy': bytes });
    expect(signsOf(m)).toEqual(signs);
  });

  it('bits from a .npy that is not uint8 are rejected (PB305)', () => {
    const path = writeModelDir(singleMatrixModel({ ...base, signs: { encoding: 'bits', file: 'M.npy' } }), { 'M.npy': encodeNpy(Int8Array.of(5), [1]) });
    expect(loadError(() => loadModel(path)).diagnostics[0]).toMatchObject({ code: 'PB305' });
  });

  it('a raw float32 file whose size is not a whole number of floats is rejected (PB306)', () => {
    const path = writeModelDir(singleMatrixModel({ ...base, signs: { encoding: 'values', file: 'M.f32' } }), { 'M.f32': new Uint8Array(25) });
    const d = loadError(() => loadModel(path)).diagnostics[0];
    expect(d).toMatchObject({ code: 'PB306', byteOffset: 24 });
    expect(d.file.endsWith('M.f32')).toBe(true);
  });

  it('a mask from a raw file, with its padding bits checked (PB307)', () => {
    const mask = (byte: number) => singleMatrixModel({ rows: 2, cols: 3, structure: { kind: 'mask', encoding: 'bits', file: 'mask.bin' }, signs: { encoding: 'bits', data: 'AA==' } });
    const ok = matrixNamed(loadModel(writeModelDir(mask(0), { 'mask.bin': Uint8Array.of(0b0010_0101) })).model, 'M');
    expect(ok.nnz).toBe(3);
    const bad = loadError(() => loadModel(writeModelDir(mask(0), { 'mask.bin': Uint8Array.of(0b0110_0101) }))).diagnostics[0];
    expect(bad).toMatchObject({ code: 'PB307', byteOffset: 0 });
    const short = loadError(() => loadModel(writeModelDir(mask(0), { 'mask.bin': new Uint8Array(0) }))).diagnostics[0];
    expect(short).toMatchObject({ code: 'PB306' });
  });

  it('streams a values file larger than its 1 MiB chunks without losing position', () => {
    const n = 300_007; // 1.2 MB of float32: three chunk refills, the last one partial
    const v = Float32Array.from({ length: n }, (_, k) => (k % 7 === 3 || k === n - 1 ? -1 - (k % 5) : 1 + (k % 3)));
    const m = loadSingle({ rows: 1, cols: n, structure: { kind: 'dense' }, signs: { encoding: 'values', file: 'M.npy' } }, { 'M.npy': encodeNpy(v, [n]) });
    for (const k of [0, 3, 262_143, 262_144, 262_145, 262_146, 299_999, n - 1]) expect(signAt(m.signs, k), `k=${k}`).toBe(v[k] < 0 ? -1 : 1);
    let negatives = 0;
    for (let k = 0; k < n; k++) negatives += signAt(m.signs, k) < 0 ? 1 : 0;
    expect(negatives).toBe(v.filter((x) => x < 0).length);
  });

  it('reports NaN by byte offset in a file, and non-zero entries outside the structure by (i, j)', () => {
    const dense = new Float32Array(6);
    dense[5] = Number.NaN;
    const nan = loadError(() => loadSingle({ rows: 2, cols: 3, structure: { kind: 'banded', lower: 0, upper: 0 }, signs: { encoding: 'dense-values', file: 'M.npy' } }, { 'M.npy': encodeNpy(dense, [2, 3]) }));
    expect(nan.diagnostics[0]).toMatchObject({ code: 'PB309', byteOffset: 128 + 5 * 4 });
    dense[5] = 0.25;
    const outside = loadError(() => loadSingle({ rows: 2, cols: 3, structure: { kind: 'banded', lower: 0, upper: 0 }, signs: { encoding: 'dense-values', file: 'M.npy' } }, { 'M.npy': encodeNpy(dense, [2, 3]) }));
    expect(outside.diagnostics[0]).toMatchObject({ code: 'PB308', byteOffset: 128 + 5 * 4 });
    expect(outside.diagnostics[0].message).toContain('entry (1, 2)');
  });
});

describe('model features in the IR', () => {
  it('carries vectors, skip, relax, residual, readout, gain, description and metadata', () => {
    const model = minimalModel();
    model.description = 'ALISTA with a readout';
    model.metadata = { recipe: { epochs: 20, 'any key': [1, null] } };
    model.input.size = 2;
    model.output.size = 3;
    model.matrices.A = { rows: 2, cols: 4, structure: { kind: 'dense' }, signs: { encoding: 'bits', data: 'AQ==' }, gain: 0.5 };
    model.matrices.D = { rows: 3, cols: 4, structure: { kind: 'blocks', blocks: [] }, signs: { encoding: 'bits', data: '' } };
    model.matrices.B = { rows: 4, cols: 2, structure: { kind: 'block-diagonal', blockRows: 2, blockCols: 1 }, signs: { encoding: 'bits', data: 'BQ==' } };
    model.layers[1] = {
      terms: [{ matrix: 'W', source: 'residual' }],
      residual: { matrix: 'A' },
      skip: 1,
      bias: [0.1, -0.2, 0, 0.4],
      threshold: { kind: 'hard', theta: [0, 0.1, 0.2, 0.3] },
      relax: 0.5,
    };
    model.layers[1].terms[0].matrix = 'B';
    model.layers.push({ terms: [{ matrix: 'W', source: 'state' }], threshold: { kind: 'soft-nonneg', theta: 0 } });
    model.readout = { matrix: 'D' };
    const { model: ir, warnings } = loadModelFromText(JSON.stringify(model), 'm.json', '/nonexistent');
    expect(ir.description).toBe('ALISTA with a readout');
    expect(ir.metadata).toEqual(model.metadata);
    expect(ir.readout).toBe(matrixNamed(ir, 'D'));
    expect(matrixNamed(ir, 'A').gain).toBe(0.5);
    const layer = ir.layers[1];
    expect(layer.residual).toBe(matrixNamed(ir, 'A'));
    expect(layer).toMatchObject({ skip: 1, relax: 0.5, threshold: { kind: 'hard' } });
    expect(layer.bias).toEqual(Float64Array.of(0.1, -0.2, 0, 0.4));
    expect(layer.threshold.theta).toEqual(Float64Array.of(0, 0.1, 0.2, 0.3));
    // The empty block list is legal but contributes nothing: a warning, not an error.
    expect(matrixNamed(ir, 'D').nnz).toBe(0);
    expect(warnings.map((w) => [w.code, w.severity, renderJsonPath(w.jsonPath!)])).toEqual([['PB803', 'warning', '$.matrices.D.structure']]);
  });

  it('theta may be omitted only for threshold kind "none"', () => {
    const model = minimalModel();
    model.layers[0].threshold = { kind: 'none' };
    expect(loadModelFromText(JSON.stringify(model), 'm.json', '/').model.layers[0].threshold).toEqual({ kind: 'none', theta: 0 });
    model.layers[0].threshold = { kind: 'hard' };
    const d = loadError(() => loadModelFromText(JSON.stringify(model), 'm.json', '/')).diagnostics;
    expect(d.map((x) => [x.code, renderJsonPath(x.jsonPath!)])).toEqual([['PB104', '$.layers[0].threshold']]);
  });
});

describe('errors', () => {
  it('reports every independent schema error at once', () => {
    const model = minimalModel();
    model.scale = -1;
    model.matrices.B.gainn = 2;
    model.layers[0].threshold.kind = 'sof';
    model.layers[1].terms.push({ matrix: 'B' });
    const d = loadError(() => loadModelFromText(JSON.stringify(model), 'm.json', '/')).diagnostics;
    expect(d.map((x) => [x.code, renderJsonPath(x.jsonPath!)])).toEqual([
      ['PB105', '$.scale'],
      ['PB103', '$.matrices.B.gainn'],
      ['PB109', '$.layers[0].threshold.kind'],
      ['PB104', '$.layers[1].terms[2]'],
    ]);
  });

  it('reports every independent semantic error and every failing payload at once', () => {
    const model = minimalModel();
    model.layers[0].terms.push({ matrix: 'Q', source: 'state' });
    model.layers[1].bias = [1, 2];
    const semantic = loadError(() => loadModelFromText(JSON.stringify(model), 'm.json', '/')).diagnostics;
    expect(semantic.map((x) => x.code)).toEqual(['PB201', 'PB207']);

    const both = minimalModel();
    both.matrices.B.signs.data = 'pQA=';
    both.matrices.W.signs.data = [1, 2];
    const d = loadError(() => loadModelFromText(JSON.stringify(both), 'm.json', '/')).diagnostics;
    expect(d.map((x) => [x.code, renderJsonPath(x.jsonPath!)])).toEqual([
      ['PB306', '$.matrices.B.signs.data'],
      ['PB306', '$.matrices.W.signs.data'],
    ]);
  });

  it('reports a shared matrix used with the wrong shape once, at its first use', () => {
    const model = minimalModel();
    model.input.size = 3;
    const d = loadError(() => loadModelFromText(JSON.stringify(model), 'm.json', '/')).diagnostics;
    expect(d.map((x) => [x.code, renderJsonPath(x.jsonPath!)])).toEqual([['PB202', '$.layers[0].terms[0].matrix']]);
  });

  it('cannot read the model file -> PB002', () => {
    expect(loadError(() => loadModel('/nonexistent/model.json')).diagnostics[0]).toMatchObject({ code: 'PB002', file: '/nonexistent/model.json' });
  });

  it('thrown errors carry a locator giving line:column of each JSON path', () => {
    const model = minimalModel();
    model.matrices.W.structure.lower = -1;
    const text = JSON.stringify(model, null, 2);
    const error = loadError(() => loadModelFromText(text, 'm.json', '/'));
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('"lower": -1')) + 1;
    expect(error.locate!(error.diagnostics[0].jsonPath!)).toEqual({ line, column: lines[line - 1].indexOf('"lower"') + 1 });
    expect(error.message).toContain(`m.json:${line}:`);
  });
});

describe('limits', () => {
  const text = (model: unknown) => JSON.stringify(model);
  const limitError = (model: unknown, limits: Record<string, number>) => loadError(() => loadModelFromText(text(model), 'm.json', '/', { limits })).diagnostics[0];

  it('default limits accept the minimal example; each limit is enforced and named', () => {
    expect(() => loadModelFromText(text(minimalModel()), 'm.json', '/')).not.toThrow();
    expect(limitError(minimalModel(), { maxDimension: 3 })).toMatchObject({ code: 'PB401', jsonPath: ['state'] });
    expect(limitError(minimalModel(), { maxTotalNnz: 17 }).message).toContain('maxTotalNnz = 17');
    expect(limitError(minimalModel(), { maxInlineArrayLength: 9 })).toMatchObject({ code: 'PB401', jsonPath: ['matrices', 'W', 'signs', 'data'] });
    expect(() => loadModelFromText(text(minimalModel()), 'm.json', '/', { limits: { maxTotalNnz: 18 } })).not.toThrow();
  });

  it('blocks per matrix, mask bits and dense-values size are checked before any payload is read', () => {
    const blocks = minimalModel();
    blocks.matrices.B.structure = { kind: 'blocks', blocks: [[0, 0, 2, 2], [2, 2, 2, 2]] };
    expect(limitError(blocks, { maxBlocksPerMatrix: 1 }).message).toContain('maxBlocksPerMatrix');
    const mask = minimalModel();
    // The mask file does not exist: the limit must fire before anyone tries to open it.
    mask.matrices.B.structure = { kind: 'mask', encoding: 'bits', file: 'missing.bin' };
    expect(limitError(mask, { maxMaskBits: 15 }).message).toContain('maxMaskBits');
    const dense = minimalModel();
    dense.matrices.W.signs = { encoding: 'dense-values', file: 'missing.npy' };
    expect(limitError(dense, { maxDenseValues: 15 }).message).toContain('maxDenseValues');
  });

  it('a .npy whose header claims a huge array is rejected by its count, without reading it', () => {
    const model = minimalModel();
    model.matrices.W.signs = { encoding: 'values', file: 'W.npy' };
    const huge = npyWithHeader(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }", new Uint8Array(8));
    const d = loadError(() => loadModel(writeModelDir(model, { 'W.npy': huge }))).diagnostics[0];
    expect(d).toMatchObject({ code: 'PB306', found: '1000000000000 elements' });
    const truncated = npyWithHeader(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (10,), }", new Uint8Array(8));
    expect(loadError(() => loadModel(writeModelDir(model, { 'W.npy': truncated }))).diagnostics[0]).toMatchObject({ code: 'PB304' });
  });
});

import { describe, expect, it } from 'vitest';
import type { IRMatrix, IRModel } from '../../core/ir.js';
import { buildFootprint } from '../../compiler/report/footprint.js';
import { makeLayer, makeMatrix, makeModel, seededRandom } from '../reference/ir-fixtures.js';

/** 4096 x 4096 with 64 x 64 diagonal blocks, built directly (262,144 entries, all positive). */
function bigBlockDiagonal(): IRMatrix {
  return {
    id: 'W',
    rows: 4096,
    cols: 4096,
    structure: { kind: 'block-diagonal', blockRows: 64, blockCols: 64 },
    nnz: 262_144,
    signs: new Uint8Array(32_768),
    gain: 1,
    encoding: 'bits',
  };
}

function bigModel(): IRModel {
  return makeModel({
    scale: 0.01,
    state: 4096,
    inputSize: 4096,
    matrices: [bigBlockDiagonal()],
    layers: [makeLayer({ terms: [{ matrix: 'W', source: 'input' }], threshold: { kind: 'soft', theta: 0.1 } })],
  });
}

describe('buildFootprint: storage of one big block-diagonal matrix (hand computations)', () => {
  const report = buildFootprint(bigModel());
  const [w] = report.matrices;

  it('counts entries, sign bytes and metadata', () => {
    expect(w.nnz).toBe(262_144);
    expect(w.density).toBe(1 / 64);
    expect(w.signBytes).toBe(32_768);
    expect(w.structureMetadataBytes).toBe(8);
    expect(w.gainBytes).toBe(0);
    expect(w.metadataBytes).toBe(8);
    expect(w.structure).toBe('block-diagonal: 64 blocks of 64x64');
  });

  it('gives bits per dense-equivalent and per stored weight', () => {
    // (262144 sign bits + 64 metadata bits) / 4096^2 and / 262144.
    expect(w.bitsPerDenseWeight).toBe(262_208 / 16_777_216);
    expect(w.bitsPerDenseWeight).toBeCloseTo(0.015629, 6);
    expect(w.bitsPerStoredWeight).toBe(262_208 / 262_144);
  });

  it('compares with the usual formats, side by side', () => {
    const bytes = Object.fromEntries(report.storageComparison.map((c) => [c.format, c.bytes]));
    expect(bytes).toEqual({
      'dense-f32': 67_108_864,
      'dense-f16': 33_554_432,
      'int8-per-tensor': 16_777_220,
      'int8-per-channel': 16_777_216 + 16_384,
      ternary: 4_194_308,
      'csr-f32': 262_144 * 8 + 4097 * 4,
      'binary-per-row': 2_097_152 + 16_384,
      pibinn: 32_768 + 8 + 4,
    });
    const f32 = report.storageComparison.find((c) => c.format === 'dense-f32')!;
    expect(f32.ratioToPibinn).toBe(67_108_864 / 32_780);
    expect(report.storageComparison.at(-1)).toMatchObject({ format: 'pibinn', ratioToPibinn: 1 });
  });

  it('totals weights, parameters, work and memory', () => {
    expect(report.totals).toMatchObject({
      matrixCount: 1,
      matrixUses: 1,
      nnz: 262_144,
      denseWeights: 16_777_216,
      signBytes: 32_768,
      metadataBytes: 8,
      globalScaleBytes: 4,
      weightBytes: 32_780,
      parameterBytes: 16, // scalar theta, scalar bias, skip, relax
      addsPerInference: 262_144,
    });
    expect(report.memory.weightsBytes).toBe(32_796);
    expect(report.memory.activations.map((b) => b.name)).toEqual(['input y', 'state x', 'pre-activation z', 'output x']);
    expect(report.memory.activationsBytes).toBe(4 * 4 * 4096);
    expect(report.memory.ramBytes).toBe(32_796 + 65_536);
    expect(report.runtime).toBeNull();
  });
});

/** LISTA with W tied across layers 1..3 and B in every layer, plus a readout. */
function tiedModel(gainOnB = 1): IRModel {
  const random = seededRandom(5);
  const lista = () =>
    makeLayer({
      terms: [
        { matrix: 'W', source: 'state' },
        { matrix: 'B', source: 'input' },
      ],
      threshold: { kind: 'soft', theta: new Float64Array(8).fill(0.1) },
      bias: new Float64Array(8),
    });
  return makeModel({
    scale: 0.05,
    state: 8,
    inputSize: 6,
    outputSize: 4,
    matrices: [
      makeMatrix('W', 8, 8, { kind: 'banded', lower: 1, upper: 2 }, random),
      makeMatrix('B', 8, 6, { kind: 'dense' }, random, gainOnB),
      makeMatrix('D', 4, 8, { kind: 'block-diagonal', blockRows: 1, blockCols: 2 }, random),
    ],
    layers: [makeLayer({ terms: [{ matrix: 'B', source: 'input' }] }), lista(), lista(), lista()],
    readout: 'D',
  });
}

describe('buildFootprint: tied weights and gains', () => {
  it('stores a shared matrix once and shows who uses it', () => {
    const report = buildFootprint(tiedModel());
    expect(report.matrices.map((m) => m.id)).toEqual(['W', 'B', 'D']);
    const byId = Object.fromEntries(report.matrices.map((m) => [m.id, m]));
    expect(byId.W.usedByLayers).toEqual([1, 2, 3]);
    expect(byId.B.usedByLayers).toEqual([0, 1, 2, 3]);
    expect(byId.D).toMatchObject({ usedByLayers: [], usedByReadout: true });
    // W rows hold 3,4,4,4,4,4,3,2 band entries = 28 -> 4 bytes; B: 48 -> 6 bytes; D: 8 -> 1 byte.
    expect([byId.W.nnz, byId.B.nnz, byId.D.nnz]).toEqual([28, 48, 8]);
    expect(report.totals.signBytes).toBe(4 + 6 + 1);
    expect(report.totals.metadataBytes).toBe(8 + 0 + 8);
    expect(report.totals.matrixUses).toBe(1 + 3 * 2 + 1);
    expect(report.storageComparison.find((c) => c.format === 'dense-f32')!.bytes).toBe(4 * (64 + 48 + 32));
    // Work is per use: every layer reads its matrices.
    expect(report.layers.map((l) => l.nnzTouched)).toEqual([48, 76, 76, 76]);
    expect(report.readout).toEqual({ matrix: 'D', nnzTouched: 8 });
    expect(report.totals.addsPerInference).toBe(48 + 3 * 76 + 8);
    // Vector theta and bias: 2 * 8 floats, plus skip and relax.
    expect(report.layers[1].parameterBytes).toBe(4 * 16 + 8);
    expect(report.layers[0].parameterBytes).toBe(16);
    expect(report.model.singleGlobalScale).toBe(true);
  });

  it('a gain != 1 breaks single-global-scale and costs 32 bits', () => {
    const report = buildFootprint(tiedModel(1.5));
    expect(report.model.singleGlobalScale).toBe(false);
    expect(report.model.gainMatrices).toEqual(['B']);
    const b = report.matrices.find((m) => m.id === 'B')!;
    expect(b).toMatchObject({ gain: 1.5, gainBytes: 4, structureMetadataBytes: 0, metadataBytes: 4 });
    expect(b.bitsPerDenseWeight).toBe((48 + 32) / 48);
    expect(report.totals.metadataBytes).toBe(8 + 4 + 8);
    expect(report.totals.weightBytes).toBe(11 + 20 + 4);
  });
});

describe('buildFootprint: residual layers', () => {
  it('counts A once per layer however many residual terms use it, and adds a residual buffer', () => {
    const random = seededRandom(11);
    const model = makeModel({
      scale: 0.1,
      state: 5,
      inputSize: 3,
      matrices: [makeMatrix('A', 3, 5, { kind: 'dense' }, random), makeMatrix('W', 5, 3, { kind: 'dense' }, random)],
      layers: [
        makeLayer({
          terms: [
            { matrix: 'W', source: 'residual' },
            { matrix: 'W', source: 'residual' },
          ],
          residual: 'A',
          skip: 1,
        }),
      ],
    });
    const report = buildFootprint(model);
    expect(report.layers[0].nnzTouched).toBe(15 + 15 + 15);
    expect(report.layers[0].formula).toBe('W*(y - A*x) + W*(y - A*x)');
    expect(report.matrices.find((m) => m.id === 'A')!.usedByLayers).toEqual([0]);
    expect(report.memory.activations.map((b) => b.name)).toContain('residual y - A x');
  });
});

describe('buildFootprint: quantization error', () => {
  function withError(quantizationError: number | undefined): IRModel {
    const base = makeMatrix('W', 2, 2, { kind: 'dense' }, [1, -1, 1, 1]);
    const w: IRMatrix = quantizationError === undefined ? base : { ...base, encoding: 'values', quantizationError };
    return makeModel({ scale: 1, state: 2, inputSize: 2, matrices: [w], layers: [makeLayer({ terms: [{ matrix: 'W', source: 'input' }] })] });
  }

  it('reports the error per matrix and warns PB802 above 0.5', () => {
    const report = buildFootprint(withError(0.62));
    expect(report.matrices[0].quantizationError).toBe(0.62);
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toMatchObject({ code: 'PB802', severity: 'warning', file: 'test-model', jsonPath: ['matrices', 'W', 'signs'], found: '0.6200' });
  });

  it('does not warn at or below 0.5, and shows null for bits', () => {
    expect(buildFootprint(withError(0.5)).warnings).toEqual([]);
    const bits = buildFootprint(withError(undefined));
    expect(bits.matrices[0].quantizationError).toBeNull();
    expect(bits.warnings).toEqual([]);
  });
});

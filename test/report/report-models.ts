/** Models shared by the report tests. */
import type { FootprintReport } from '../../compiler/report/footprint.js';
import type { IRModel } from '../../core/ir.js';
import { makeLayer, makeMatrix, makeModel, maskStructure, seededRandom } from '../reference/ir-fixtures.js';

/** Every optional part present: readout, gain, values encoding, metadata, residual, warnings. */
export function richModel(): IRModel {
  const random = seededRandom(21);
  const values = { ...makeMatrix('B', 6, 4, maskStructure(6, 4, (i, j) => (i + j) % 3 !== 0), random, 2), encoding: 'values' as const, quantizationError: 0.8 };
  return {
    ...makeModel({
      name: 'rich',
      scale: 0.9,
      state: 6,
      inputSize: 4,
      outputSize: 2,
      matrices: [
        makeMatrix('A', 4, 6, { kind: 'blocks', blocks: [{ row0: 0, col0: 0, rows: 4, cols: 3 }] }, random),
        values,
        makeMatrix('W', 6, 4, { kind: 'banded', lower: 2, upper: 0 }, random),
        makeMatrix('D', 2, 6, { kind: 'dense' }, random),
      ],
      layers: [
        makeLayer({ terms: [{ matrix: 'B', source: 'input' }], threshold: { kind: 'hard', theta: new Float64Array(6).fill(0.1) } }),
        makeLayer({ terms: [{ matrix: 'W', source: 'residual' }], residual: 'A', skip: 1, bias: new Float64Array(6) }),
      ],
      readout: 'D',
    }),
    description: 'a model with every optional part',
    metadata: { dataset: 'synthetic', epochs: [20, 24] },
  };
}

/** A report with a built runtime and measured MCU rows (hand-made, as a build would fill them). */
export function builtReport(base: FootprintReport): FootprintReport {
  return {
    ...base,
    runtime: {
      kind: 'specialized',
      builds: [{ flavor: 'simd', wasmBytes: 34868, codeBytes: 13999, dataBytes: 20679 }],
      memoryPages: 2,
      linearMemoryBytes: 131072,
      maxBatch: 8,
      buffers: [
        { name: 'signs:A', region: 'weights', offset: 16, bytes: 4104, alignment: 16 },
        { name: 'signs:W', region: 'weights', offset: 4128, bytes: 4104, alignment: 16 },
        { name: 'state:x', region: 'state', offset: 8240, bytes: 2048, alignment: 16 },
        { name: 'scratch:z', region: 'scratch', offset: 10288, bytes: 2048, alignment: 16 },
        { name: 'input', region: 'input', offset: 12336, bytes: 8192, alignment: 16 },
        { name: 'output', region: 'output', offset: 20528, bytes: 16384, alignment: 16 },
      ],
      kernels: [{ matrix: 'A', simd: 'lut8', scalar: 'lut4', bitLayout: 'canonical', tableBytes: 16384, reason: 'rows share tables' }],
      usedBytes: 36912,
      activations: null,
    },
    mcu: ['an386', 'an385'].flatMap((board) =>
      ['pibinn-flash', 'dense-c'].map((variant) => ({
        board, variant, maxRelativeL2: 1.4e-7, instructionsPerInference: 12e6, codeBytes: 6500, constantsBytes: 11200,
        flashBytes: 17700, ramBytes: variant === 'dense-c' ? 8300 : 9200, arenaBytes: variant === 'dense-c' ? null : 8400, stackBytes: 300, image: { text: 60000, data: 200, bss: 12000 },
      })),
    ),
  };
}

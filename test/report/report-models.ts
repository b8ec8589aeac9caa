/** Models shared by the report tests. */
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

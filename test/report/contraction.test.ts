import { describe, expect, it } from 'vitest';
import type { IRMatrix, IRModel } from '../../core/ir.js';
import type { DraftLayer } from '../support/ir-draft.js';
import { buildFootprint } from '../../compiler/report/footprint.js';
import { makeLayer, makeMatrix, makeModel, seededRandom } from '../reference/ir-fixtures.js';

/** A model of `layers` over the given matrices, input size `inputSize`. */
function modelOf(state: number, inputSize: number, scale: number, matrices: IRMatrix[], layers: DraftLayer[]): IRModel {
  return makeModel({ name: 'contraction', scale, state, inputSize, matrices, layers });
}

function factorOf(model: IRModel, index = 0): number {
  const { factor } = buildFootprint(model).layers[index].contraction;
  expect(factor).not.toBeNull();
  return factor!;
}

describe('contraction estimate', () => {
  it('1x1: J = (1 - relax) + relax (skip + s * scale)', () => {
    const plus = makeMatrix('W', 1, 1, { kind: 'dense' }, [1]);
    const minus = makeMatrix('W', 1, 1, { kind: 'dense' }, [-1]);
    const layer = makeLayer({ terms: [{ matrix: 'W', source: 'state' }], skip: 0.3, relax: 0.5 });
    expect(factorOf(modelOf(1, 1, 0.6, [plus], [layer]))).toBeCloseTo(0.95, 12);
    expect(factorOf(modelOf(1, 1, 1.5, [minus], [layer]))).toBeCloseTo(0.1, 12);
  });

  it('skip 1 plus a dense all-positive matrix: ||I + s 1 1^T|| = 1 + n s, and warns PB801', () => {
    const n = 8;
    const w = makeMatrix('W', n, n, { kind: 'dense' }, new Array(n * n).fill(1));
    const report = buildFootprint(modelOf(n, n, 0.1, [w], [makeLayer({ terms: [{ matrix: 'W', source: 'state' }], skip: 1 })]));
    expect(Math.abs(report.layers[0].contraction.factor! - 1.8)).toBeLessThan(1e-6);
    expect(report.layers[0].contraction.iterations).toBe(30);
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toMatchObject({ code: 'PB801', severity: 'warning', file: 'contraction', jsonPath: ['layers', 0] });
    expect(report.warnings[0].found).toBe('1.8 (power iteration, 30 iterations)');
  });

  it('residual form, rectangular A: J = skip I - gain * W A is diagonal with known entries', () => {
    // A (2n x n) has 2x1 blocks [a1; a2], W (n x 2n) has 1x2 blocks [w1 w2]:
    // (W A)_ii = scale^2 * gain * (w1 a1 + w2 a2), a diagonal matrix.
    const n = 6;
    const random = seededRandom(3);
    const draw = () => Array.from({ length: 2 * n }, () => (random() < 0.5 ? -1 : 1));
    const aSigns = draw();
    const wSigns = draw();
    const scale = 0.5;
    const gain = 1.2;
    const a = makeMatrix('A', 2 * n, n, { kind: 'block-diagonal', blockRows: 2, blockCols: 1 }, aSigns);
    const w = makeMatrix('W', n, 2 * n, { kind: 'block-diagonal', blockRows: 1, blockCols: 2 }, wSigns, gain);
    const layer = makeLayer({ terms: [{ matrix: 'W', source: 'residual' }], residual: 'A', skip: 1 });
    const expected = Math.max(
      ...Array.from({ length: n }, (_, i) => Math.abs(1 - scale * scale * gain * (wSigns[2 * i] * aSigns[2 * i] + wSigns[2 * i + 1] * aSigns[2 * i + 1]))),
    );
    expect(expected).toBeGreaterThan(1); // the seed gives an expanding layer, so the warning is tested too
    const report = buildFootprint(modelOf(n, 2 * n, scale, [a, w], [layer]));
    expect(Math.abs(report.layers[0].contraction.factor! - expected)).toBeLessThan(1e-6);
    expect(report.warnings.map((d) => d.code)).toEqual(['PB801']);
  });

  it('a layer that ignores x has factor 0 and costs nothing', () => {
    const b = makeMatrix('B', 3, 3, { kind: 'dense' }, seededRandom(1));
    const report = buildFootprint(modelOf(3, 3, 1, [b], [makeLayer({ terms: [{ matrix: 'B', source: 'input' }] })]));
    expect(report.layers[0].contraction).toEqual({ factor: 0, iterations: 0 });
    expect(report.warnings).toEqual([]);
  });

  it('J = I (skip 1 alone) is non-expansive: factor 1, no warning', () => {
    const b = makeMatrix('B', 4, 4, { kind: 'dense' }, seededRandom(2));
    const layer = makeLayer({ terms: [{ matrix: 'B', source: 'input' }], skip: 1 });
    const report = buildFootprint(modelOf(4, 4, 1, [b], [layer]));
    expect(report.layers[0].contraction.factor).toBeCloseTo(1, 12);
    expect(report.warnings).toEqual([]);
  });

  it('relax scales the identity part: J = (1 - relax) I + relax skip I', () => {
    const b = makeMatrix('B', 4, 4, { kind: 'dense' }, seededRandom(2));
    const layer = makeLayer({ terms: [{ matrix: 'B', source: 'input' }], skip: -1, relax: 0.25 });
    expect(factorOf(modelOf(4, 4, 1, [b], [layer]))).toBeCloseTo(0.5, 12);
  });

  it('caps iterations by the option and by the work budget, and skips a layer the budget cannot afford 3 iterations of', () => {
    const n = 16;
    const w = makeMatrix('W', n, n, { kind: 'dense' }, seededRandom(4));
    const model = modelOf(n, n, 0.05, [w], [makeLayer({ terms: [{ matrix: 'W', source: 'state' }] })]);
    expect(buildFootprint(model).layers[0].contraction.iterations).toBe(30);
    expect(buildFootprint(model, { contractionIterations: 5 }).layers[0].contraction.iterations).toBe(5);
    // One iteration visits W twice (J and J^T): 512 entries; a budget of 10 iterations' work.
    expect(buildFootprint(model, { contractionBudget: 5120 }).layers[0].contraction.iterations).toBe(10);
    expect(buildFootprint(model, { contractionBudget: 1536 }).layers[0].contraction.iterations).toBe(3);
    expect(buildFootprint(model, { contractionBudget: 1535 }).layers[0].contraction).toEqual({ factor: null, iterations: 0 });
    expect(buildFootprint(model, { contractionBudget: 0 }).warnings).toEqual([]);
  });

  it('estimates tied layers once and reports the same value for each', () => {
    const n = 10;
    const random = seededRandom(8);
    const w = makeMatrix('W', n, n, { kind: 'banded', lower: 2, upper: 2 }, random);
    const b = makeMatrix('B', n, n, { kind: 'dense' }, random);
    const layer = () =>
      makeLayer({
        terms: [
          { matrix: 'W', source: 'state' },
          { matrix: 'B', source: 'input' },
        ],
      });
    const report = buildFootprint(modelOf(n, n, 0.2, [w, b], [layer(), layer(), layer()]));
    const factors = report.layers.map((l) => l.contraction.factor);
    expect(new Set(factors).size).toBe(1);
    expect(factors[0]).toBeGreaterThan(0);
  });
});

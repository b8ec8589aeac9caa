import { describe, expect, it } from 'vitest';
import { PibinnError } from '../../core/diagnostics/diagnostic.js';
import type { IRModel } from '../../core/ir.js';
import { evaluate, evaluateTrace } from '../../compiler/reference/evaluate.js';
import { threshold } from '../../compiler/reference/layer.js';
import { relativeL2 } from '../../compiler/reference/compare.js';
import { denseEvaluate, makeLayer, makeMatrix, makeModel, maskStructure, seededRandom } from './ir-fixtures.js';

/** The minimal example of spec section 8, built by hand. */
function tinyModel(): IRModel {
  const bSigns = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => ((0xa5 >> k) & 1 ? -1 : 1));
  const wSigns = [0.3, -0.2, -0.1, 0.4, 0.2, 0.1, -0.3, 0.2, 0.5, -0.4].map((v) => (v < 0 ? -1 : 1));
  return makeModel({
    name: 'tiny',
    scale: 0.25,
    state: 4,
    inputSize: 4,
    matrices: [
      makeMatrix('B', 4, 4, { kind: 'block-diagonal', blockRows: 2, blockCols: 2 }, bSigns),
      makeMatrix('W', 4, 4, { kind: 'banded', lower: 1, upper: 1 }, wSigns),
    ],
    layers: [
      makeLayer({ terms: [{ matrix: 'B', source: 'input' }], threshold: { kind: 'soft', theta: 0.1 } }),
      makeLayer({
        terms: [
          { matrix: 'W', source: 'state' },
          { matrix: 'B', source: 'input' },
        ],
        threshold: { kind: 'soft', theta: 0.05 },
      }),
    ],
  });
}

/** n = 7 state, m = 5 input, 3 outputs: every structure, source, threshold and parameter form. */
function everythingModel(): IRModel {
  const random = seededRandom(2024);
  const n = 7;
  const m = 5;
  const vec = (scale: number) => Float64Array.from({ length: n }, () => random() * scale);
  return makeModel({
    scale: 0.3,
    state: n,
    inputSize: m,
    outputSize: 3,
    matrices: [
      makeMatrix('A', m, n, { kind: 'banded', lower: 1, upper: 3 }, random),
      makeMatrix('W', n, m, { kind: 'blocks', blocks: [{ row0: 3, col0: 2, rows: 4, cols: 3 }, { row0: 0, col0: 0, rows: 3, cols: 2 }] }, random),
      makeMatrix('S', n, n, maskStructure(n, n, (i, j) => (i * 3 + j) % 4 !== 1), random),
      makeMatrix('B', n, m, { kind: 'dense' }, random, 0.7),
      makeMatrix('T', n, n, { kind: 'block-diagonal', blockRows: 1, blockCols: 1 }, random),
      makeMatrix('D', 3, n, { kind: 'banded', lower: 0, upper: 4 }, random),
    ],
    layers: [
      makeLayer({ terms: [{ matrix: 'B', source: 'input' }], bias: vec(0.2), threshold: { kind: 'soft', theta: vec(0.3) } }),
      makeLayer({
        terms: [
          { matrix: 'S', source: 'state' },
          { matrix: 'B', source: 'input' },
        ],
        skip: 0.5,
        relax: 0.6,
        threshold: { kind: 'hard', theta: 0.25 },
      }),
      makeLayer({ terms: [{ matrix: 'W', source: 'residual' }], residual: 'A', skip: 1, bias: -0.05, threshold: { kind: 'soft-nonneg', theta: 0.02 } }),
      makeLayer({
        terms: [
          { matrix: 'T', source: 'state' },
          { matrix: 'W', source: 'residual' },
          { matrix: 'B', source: 'input' },
          { matrix: 'W', source: 'residual' },
        ],
        residual: 'A',
        skip: -0.2,
        relax: 0.3,
        bias: vec(0.1),
      }),
      makeLayer({ terms: [{ matrix: 'S', source: 'state' }], skip: 1, threshold: { kind: 'hard', theta: vec(0.6) } }),
    ],
    readout: 'D',
  });
}

describe('evaluate: spec section 8 minimal example', () => {
  const input = [1, -0.5, 0.25, 2];

  it('gives the documented output', () => {
    const out = evaluate(tinyModel(), input);
    [-0.325, -0.409375, -0.45625, -0.3875].forEach((e, i) => expect(out[i]).toBeCloseTo(e, 15));
  });

  it('traces the documented state after layer 1', () => {
    const trace = evaluateTrace(tinyModel(), input);
    expect(trace.layers).toHaveLength(2);
    [-0.275, -0.275, -0.3375, -0.3375].forEach((e, i) => expect(trace.layers[0][i]).toBeCloseTo(e, 15));
    expect(Array.from(trace.layers[1])).toEqual(Array.from(trace.output));
  });
});

describe('evaluate: against a naive dense evaluator', () => {
  const model = everythingModel();
  const random = seededRandom(99);
  const inputs = Array.from({ length: 20 }, () => Array.from({ length: 5 }, () => random() * 4 - 2));

  it('matches layer by layer and at the readout to 1e-12 relative', () => {
    for (const y of inputs) {
      const expected = denseEvaluate(model, y);
      const trace = evaluateTrace(model, y);
      trace.layers.forEach((x, k) => expect(relativeL2(x, expected.layers[k])).toBeLessThan(1e-12));
      expect(relativeL2(trace.output, expected.output)).toBeLessThan(1e-12);
      expect(relativeL2(evaluate(model, y), expected.output)).toBeLessThan(1e-12);
    }
  });

  it('exercises the thresholds: hard and soft-nonneg zero some entries, others pass', () => {
    // Guards the test above against vacuity: a threshold that never bites would not be checked.
    const layerStates = inputs.map((y) => evaluateTrace(model, y).layers);
    const zeros = (k: number) => layerStates.flatMap((layers) => Array.from(layers[k])).filter((v) => v === 0).length;
    const total = inputs.length * model.state;
    for (const k of [0, 2]) {
      expect(zeros(k)).toBeGreaterThan(0);
      expect(zeros(k)).toBeLessThan(total);
    }
  });

  it('returns the state itself as output when there is no readout', () => {
    const noReadout = { ...model, readout: undefined, output: { name: 'x', size: model.state } };
    const y = inputs[0];
    const output = evaluate(noReadout, y);
    expect(output).toHaveLength(model.state);
    expect(relativeL2(output, denseEvaluate(noReadout, y).layers.at(-1)!)).toBeLessThan(1e-12);
  });

  it('trace copies do not alias the running state', () => {
    const trace = evaluateTrace(model, inputs[1]);
    expect(trace.layers[0]).not.toBe(trace.layers[1]);
    expect(relativeL2(trace.layers[0], denseEvaluate(model, inputs[1]).layers[0])).toBeLessThan(1e-12);
  });
});

describe('threshold', () => {
  it('soft shrinks toward zero by theta', () => {
    expect(threshold('soft', 0.5, 0.2)).toBeCloseTo(0.3, 15);
    expect(threshold('soft', -0.5, 0.2)).toBeCloseTo(-0.3, 15);
    expect(threshold('soft', 0.2, 0.2)).toBe(0);
    expect(threshold('soft', -0.1, 0.2)).toBe(-0);
  });
  it('hard keeps z only when |z| > theta (strictly)', () => {
    expect(threshold('hard', 0.5, 0.2)).toBe(0.5);
    expect(threshold('hard', -0.5, 0.2)).toBe(-0.5);
    expect(threshold('hard', 0.2, 0.2)).toBe(0);
    expect(threshold('hard', -0.2, 0.2)).toBe(0);
  });
  it('soft-nonneg clips negatives', () => {
    expect(threshold('soft-nonneg', 0.5, 0.2)).toBeCloseTo(0.3, 15);
    expect(threshold('soft-nonneg', -0.5, 0.2)).toBe(0);
  });
  it('none is the identity', () => {
    expect(threshold('none', -3.25, 10)).toBe(-3.25);
  });
});

describe('evaluate: input validation', () => {
  it('rejects an input of the wrong length with PB005', () => {
    try {
      evaluate(tinyModel(), [1, 2, 3]);
      expect.unreachable('evaluate accepted a 3-element input for a 4-element model');
    } catch (error) {
      expect(error).toBeInstanceOf(PibinnError);
      const [d] = (error as PibinnError).diagnostics;
      expect(d.code).toBe('PB005');
      expect(d.file).toBe('tiny');
      expect(d.expected).toContain('4');
      expect(d.found).toBe('3');
    }
  });
});

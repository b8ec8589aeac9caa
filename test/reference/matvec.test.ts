import { describe, expect, it } from 'vitest';
import type { IRMatrix, Structure } from '../../core/ir.js';
import { matvec, matvecTransposed } from '../../compiler/reference/matvec.js';
import { denseMatvec, denseOf, makeMatrix, maskStructure, seededRandom } from './ir-fixtures.js';

const random = seededRandom(7);
const vector = (n: number) => Float64Array.from({ length: n }, () => random() * 2 - 1);

const cases: { name: string; rows: number; cols: number; structure: Structure; gain?: number }[] = [
  { name: 'dense rectangular', rows: 5, cols: 11, structure: { kind: 'dense' } },
  { name: 'block-diagonal with non-square blocks', rows: 6, cols: 9, structure: { kind: 'block-diagonal', blockRows: 2, blockCols: 3 }, gain: 1.75 },
  { name: 'banded wide', rows: 5, cols: 13, structure: { kind: 'banded', lower: 2, upper: 1 } },
  { name: 'banded tall with empty rows', rows: 13, cols: 5, structure: { kind: 'banded', lower: 0, upper: 2 } },
  {
    name: 'blocks listed out of order, several per row',
    rows: 9,
    cols: 10,
    structure: {
      kind: 'blocks',
      blocks: [
        { row0: 4, col0: 6, rows: 5, cols: 4 },
        { row0: 0, col0: 5, rows: 6, cols: 1 },
        { row0: 1, col0: 0, rows: 3, cols: 3 },
        { row0: 6, col0: 0, rows: 2, cols: 5 },
      ],
    },
    gain: 0.5,
  },
  { name: 'mask with empty rows and runs crossing bytes', rows: 11, cols: 17, structure: maskStructure(11, 17, (i, j) => i % 4 !== 2 && (i * 7 + j * 3) % 5 < 3) },
];

describe('matvec / matvecTransposed', () => {
  for (const c of cases) {
    const scale = 0.37;
    const m: IRMatrix = makeMatrix('M', c.rows, c.cols, c.structure, random, c.gain);
    const dense = denseOf(m, scale);

    it(`${c.name}: M x agrees with the dense product`, () => {
      const x = vector(c.cols);
      const out = new Float64Array(c.rows).fill(Number.NaN);
      matvec(m, scale, x, out);
      const expected = denseMatvec(dense, x);
      expected.forEach((e, i) => expect(out[i]).toBeCloseTo(e, 13));
    });

    it(`${c.name}: M^T x agrees with the dense transposed product`, () => {
      const x = vector(c.rows);
      const out = new Float64Array(c.cols).fill(Number.NaN);
      matvecTransposed(m, scale, x, out);
      const transposed = Array.from({ length: c.cols }, (_, j) => dense.map((row) => row[j]));
      denseMatvec(transposed, x).forEach((e, j) => expect(out[j]).toBeCloseTo(e, 13));
    });

    it(`${c.name}: x^T (M y) == (M^T x)^T y`, () => {
      const x = vector(c.rows);
      const y = vector(c.cols);
      const my = new Float64Array(c.rows);
      const mtx = new Float64Array(c.cols);
      matvec(m, scale, y, my);
      matvecTransposed(m, scale, x, mtx);
      const left = x.reduce((s, xi, i) => s + xi * my[i], 0);
      const right = y.reduce((s, yj, j) => s + mtx[j] * yj, 0);
      expect(Math.abs(left - right)).toBeLessThan(1e-13 * Math.max(1, Math.abs(left)));
    });
  }

  it('rejects vectors of the wrong length', () => {
    const m = makeMatrix('M', 3, 4, { kind: 'dense' }, random);
    expect(() => matvec(m, 1, new Float64Array(3), new Float64Array(3))).toThrow(RangeError);
    expect(() => matvecTransposed(m, 1, new Float64Array(3), new Float64Array(3))).toThrow(RangeError);
  });
});

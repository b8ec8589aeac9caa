/** The O(n log n) overlap sweep against the obvious O(n^2) pair check, on many random block lists. */
import { describe, expect, it } from 'vitest';
import type { Block } from '../../core/ir.js';
import { findOverlap } from '../../kinds/blocks/overlap.js';

function intersects(a: Block, b: Block): boolean {
  return a.row0 < b.row0 + b.rows && b.row0 < a.row0 + a.rows && a.col0 < b.col0 + b.cols && b.col0 < a.col0 + a.cols;
}

/** Park-Miller generator (products stay below 2^53), so failures reproduce. */
function random(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 48271) % 2147483647;
    return s % n;
  };
}

describe('findOverlap', () => {
  it('finds no overlap in disjoint, touching rectangles (edges are half-open)', () => {
    const grid: Block[] = [];
    for (let r = 0; r < 20; r++) for (let c = 0; c < 20; c++) grid.push({ row0: r * 3, col0: c * 2, rows: 3, cols: 2 });
    expect(findOverlap(grid)).toBeUndefined();
  });

  it('agrees with the pairwise check on 2000 random lists', () => {
    const rand = random(7);
    let overlapping = 0;
    for (let trial = 0; trial < 2000; trial++) {
      const blocks: Block[] = Array.from({ length: 1 + rand(8) }, () => ({ row0: rand(12), col0: rand(12), rows: 1 + rand(4), cols: 1 + rand(4) }));
      const expected = blocks.some((a, i) => blocks.some((b, j) => i < j && intersects(a, b)));
      const pair = findOverlap(blocks);
      expect(pair !== undefined, JSON.stringify(blocks)).toBe(expected);
      if (pair) {
        expect(pair[0]).toBeLessThan(pair[1]);
        expect(intersects(blocks[pair[0]], blocks[pair[1]])).toBe(true);
        overlapping++;
      }
    }
    expect(overlapping).toBeGreaterThan(200);
    expect(overlapping).toBeLessThan(1800);
  });

  it('handles 2^17 side-by-side rectangles quickly', () => {
    const n = 1 << 17;
    const blocks: Block[] = Array.from({ length: n }, (_, k) => ({ row0: 0, col0: k, rows: 1 + (k % 3), cols: 1 }));
    const start = performance.now();
    expect(findOverlap(blocks)).toBeUndefined();
    blocks.push({ row0: 1, col0: n - 1, rows: 1, cols: 1 }); // block n - 1 spans rows 0..1
    expect(findOverlap(blocks)).toEqual([n - 1, n]);
    expect(performance.now() - start).toBeLessThan(5000);
  });
});

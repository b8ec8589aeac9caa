/**
 * Finds two overlapping rectangles among many in O(n log n): a sweep over rows keeps a count of
 * active rectangles per column interval in a segment tree (range add, range max over
 * compressed column coordinates); a new rectangle overlaps iff some column of its span is
 * already covered when it starts.
 */
import type { Block } from '../../core/ir.js';

/** Indices (ascending) of two rectangles that share an entry, or undefined if none do. */
export function findOverlap(blocks: readonly Block[]): [number, number] | undefined {
  if (blocks.length < 2) return undefined;
  const edges = [...new Set(blocks.flatMap((b) => [b.col0, b.col0 + b.cols]))].sort((a, b) => a - b);
  const slot = new Map(edges.map((x, i) => [x, i]));
  const tree = new CoverTree(edges.length - 1);
  // Event e < n starts block e at row0; e >= n ends block e - n at row0 + rows. Ends sort first on ties (half-open rows).
  const n = blocks.length;
  const rowOf = (e: number) => (e < n ? blocks[e].row0 : blocks[e - n].row0 + blocks[e - n].rows);
  const events = Array.from({ length: 2 * n }, (_, e) => e).sort((a, b) => rowOf(a) - rowOf(b) || b - a);
  for (const e of events) {
    const b = blocks[e < n ? e : e - n];
    const lo = slot.get(b.col0)!;
    const hi = slot.get(b.col0 + b.cols)!;
    if (e >= n) {
      tree.add(lo, hi, -1);
    } else if (tree.max(lo, hi) > 0) {
      return [Math.min(e, partnerOf(blocks, e)), Math.max(e, partnerOf(blocks, e))];
    } else {
      tree.add(lo, hi, 1);
    }
  }
  return undefined;
}

function intersects(a: Block, b: Block): boolean {
  return a.row0 < b.row0 + b.rows && b.row0 < a.row0 + a.rows && a.col0 < b.col0 + b.cols && b.col0 < a.col0 + a.cols;
}

function partnerOf(blocks: readonly Block[], i: number): number {
  return blocks.findIndex((b, j) => j !== i && intersects(b, blocks[i]));
}

/** Range add / range max over slots [0, size), without pushing lazies down: max[node] includes add[node]. */
class CoverTree {
  private readonly maxOf: Int32Array;
  private readonly addOf: Int32Array;

  constructor(private readonly size: number) {
    this.maxOf = new Int32Array(4 * Math.max(1, size));
    this.addOf = new Int32Array(4 * Math.max(1, size));
  }

  /** Adds `delta` to slots [lo, hi). */
  add(lo: number, hi: number, delta: number, node = 1, nodeLo = 0, nodeHi = this.size): void {
    if (hi <= nodeLo || nodeHi <= lo) return;
    if (lo <= nodeLo && nodeHi <= hi) {
      this.addOf[node] += delta;
      this.maxOf[node] += delta;
      return;
    }
    const mid = (nodeLo + nodeHi) >> 1;
    this.add(lo, hi, delta, 2 * node, nodeLo, mid);
    this.add(lo, hi, delta, 2 * node + 1, mid, nodeHi);
    this.maxOf[node] = this.addOf[node] + Math.max(this.maxOf[2 * node], this.maxOf[2 * node + 1]);
  }

  /** Largest count over slots [lo, hi). */
  max(lo: number, hi: number, node = 1, nodeLo = 0, nodeHi = this.size): number {
    if (hi <= nodeLo || nodeHi <= lo) return -Infinity;
    if (lo <= nodeLo && nodeHi <= hi) return this.maxOf[node];
    const mid = (nodeLo + nodeHi) >> 1;
    return this.addOf[node] + Math.max(this.max(lo, hi, 2 * node, nodeLo, mid), this.max(lo, hi, 2 * node + 1, mid, nodeHi));
  }
}

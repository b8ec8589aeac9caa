/** `blocks` matrices: a list of disjoint rectangles; flip-and-add over the prepared block table. */
import type { Diagnostic, JsonPath } from '../../core/diagnostics/diagnostic.js';
import type { Block } from '../../core/ir.js';
import { type KindModule, perInput, pointer, type RowSegmentVisitor } from '../common/kind.js';
import { findOverlap } from './overlap.js';

export type BlocksDescription = { readonly kind: 'blocks'; readonly blocks: readonly (readonly [number, number, number, number])[] };

const toBlocks = (tuples: BlocksDescription['blocks']): Block[] => tuples.map(([row0, col0, rows, cols]) => ({ row0, col0, rows, cols }));

/** Sweeps rows keeping the blocks active on the current row sorted by column (blocks never overlap). */
function forEachBlocksSegment(blocks: readonly Block[], rows: number, visit: RowSegmentVisitor): void {
  const byRow = [...blocks].sort((a, b) => a.row0 - b.row0);
  let next = 0;
  let active: Block[] = [];
  let k = 0;
  for (let i = 0; i < rows; i++) {
    let changed = false;
    while (next < byRow.length && byRow[next].row0 === i) {
      active.push(byRow[next++]);
      changed = true;
    }
    const before = active.length;
    active = active.filter((b) => i < b.row0 + b.rows);
    if (changed || active.length !== before) active.sort((a, b) => a.col0 - b.col0);
    for (const b of active) {
      visit(i, b.col0, b.col0 + b.cols, k);
      k += b.cols;
    }
  }
}

const tuple = (b: Block): string => [b.row0, b.col0, b.rows, b.cols].join(', ');

/** The first rectangle outside the matrix, else the first overlapping pair. */
function checkBlocks(blocks: readonly Block[], rows: number, cols: number, file: string, path: JsonPath): Diagnostic | undefined {
  const outside = blocks.findIndex((b) => b.row0 + b.rows > rows || b.col0 + b.cols > cols);
  if (outside >= 0) {
    const b = blocks[outside];
    return {
      code: 'PB204',
      severity: 'error',
      file,
      jsonPath: [...path, 'blocks', outside],
      message: `block ${outside} covers rows ${b.row0}..${b.row0 + b.rows - 1}, cols ${b.col0}..${b.col0 + b.cols - 1}, outside the ${rows} x ${cols} matrix`,
      expected: `row0 + rows <= ${rows} and col0 + cols <= ${cols}`,
      found: `row0 + rows = ${b.row0 + b.rows}, col0 + cols = ${b.col0 + b.cols}`,
    };
  }
  const pair = findOverlap(blocks);
  if (pair === undefined) return undefined;
  const [a, b] = pair;
  return {
    code: 'PB205',
    severity: 'error',
    file,
    jsonPath: [...path, 'blocks', b],
    message: `block ${b} overlaps block ${a}`,
    expected: 'disjoint rectangles',
    found: `[${tuple(blocks[a])}] and [${tuple(blocks[b])}]`,
    fix: 'list each existing entry in exactly one rectangle',
  };
}

export const blocks: KindModule<'blocks', BlocksDescription> = {
  kind: 'blocks',
  nnz: (s) => s.blocks.reduce((sum, b) => sum + b.rows * b.cols, 0),
  forEachRowSegment: (s, rows, _cols, visit) => forEachBlocksSegment(s.blocks, rows, visit),
  metadataBytes: (s) => 16 * s.blocks.length, // four u32 per rectangle
  describe: (s) => `blocks: ${s.blocks.length} rectangle${s.blocks.length === 1 ? '' : 's'}`,
  check(description, rows, cols, { file, path, id, limit }) {
    const tooMany = limit('maxBlocksPerMatrix', description.blocks.length, [...path, 'blocks'], `matrix "${id}" block count`);
    const issue = tooMany ?? checkBlocks(toBlocks(description.blocks), rows, cols, file, path);
    return issue === undefined ? [] : [issue];
  },
  build: (description) => ({ kind: 'blocks', blocks: toBlocks(description.blocks) }),
  toContainer: (s) => ({ blocks: s.blocks }),
  fromContainer: (fields) => ({ kind: 'blocks', blocks: [...(fields.blocks ?? [])] }),
  imports: ["import { matvecBlocks } from './kinds/blocks/kernel.as';"],
  emitProduct({ planned, table }, s) {
    return perInput(planned, (z, v) => `matvecBlocks(${z}, ${v}, ${pointer(table)}, ${s.blocks.length}, signs, coef)`);
  },
  emitChunks: () => undefined,
};

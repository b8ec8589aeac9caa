/**
 * Per-matrix checks a schema cannot express, done on the description alone (no payload read):
 * block-diagonal tiling, rectangles inside the matrix and disjoint, and the size limits that
 * guard what loading the payloads will allocate or walk.
 */
import type { Diagnostic } from '../../core/diagnostics/diagnostic.js';
import type { Block } from '../../core/ir.js';
import { checkLimit, type Limits } from './limits.js';
import type { RawMatrix } from './raw-model.js';
import { findOverlap } from './blocks-overlap.js';

export function checkMatrixStructure(id: string, matrix: RawMatrix, file: string, limits: Limits): Diagnostic[] {
  const { rows, cols, structure } = matrix;
  const path = ['matrices', id, 'structure'];
  const issues: (Diagnostic | undefined)[] = [];
  switch (structure.kind) {
    case 'block-diagonal':
      issues.push(checkTiling(rows, cols, structure.blockRows, structure.blockCols, file, path));
      break;
    case 'blocks': {
      const tooMany = checkLimit(limits, 'maxBlocksPerMatrix', structure.blocks.length, file, [...path, 'blocks'], `matrix "${id}" block count`);
      issues.push(tooMany ?? checkBlocks(toBlocks(structure.blocks), rows, cols, file, path));
      break;
    }
    case 'mask':
      issues.push(checkLimit(limits, 'maxMaskBits', rows * cols, file, path, `matrix "${id}" mask size rows * cols`));
      break;
  }
  if (matrix.signs.encoding === 'dense-values') {
    issues.push(checkLimit(limits, 'maxDenseValues', rows * cols, file, ['matrices', id, 'signs'], `matrix "${id}" dense-values size rows * cols`));
  }
  return issues.filter((d): d is Diagnostic => d !== undefined);
}

export function toBlocks(tuples: readonly (readonly [number, number, number, number])[]): Block[] {
  return tuples.map(([row0, col0, rows, cols]) => ({ row0, col0, rows, cols }));
}

function checkTiling(rows: number, cols: number, r: number, c: number, file: string, path: string[]): Diagnostic | undefined {
  if (rows % r === 0 && cols % c === 0 && rows / r === cols / c) return undefined;
  return {
    code: 'PB203',
    severity: 'error',
    file,
    jsonPath: path,
    message: `${r} x ${c} blocks do not tile a ${rows} x ${cols} matrix along its diagonal`,
    expected: 'rows % blockRows == 0, cols % blockCols == 0 and rows / blockRows == cols / blockCols',
    found: `${rows} / ${r} = ${rows / r}, ${cols} / ${c} = ${cols / c}`,
    fix: `use blockRows = rows / k and blockCols = cols / k for a common block count k, or a "blocks" structure`,
  };
}

/** The first rectangle outside the matrix, else the first overlapping pair. */
function checkBlocks(blocks: readonly Block[], rows: number, cols: number, file: string, path: string[]): Diagnostic | undefined {
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
    found: `[${blockTuple(blocks[a])}] and [${blockTuple(blocks[b])}]`,
    fix: 'list each existing entry in exactly one rectangle',
  };
}

function blockTuple(b: Block): string {
  return [b.row0, b.col0, b.rows, b.cols].join(', ');
}

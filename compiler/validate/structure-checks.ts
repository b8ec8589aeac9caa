/**
 * Per-matrix checks a schema cannot express, done on the description alone (no payload read):
 * the structure kind's own checks (kinds/<kind>/index.ts: tiling, rectangles inside and
 * disjoint, size limits), and the limit that guards walking a dense-values payload.
 */
import type { Diagnostic } from '../../core/diagnostics/diagnostic.js';
import { kindOf } from '../../kinds/index.js';
import { checkLimit, type Limits } from './limits.js';
import type { RawMatrix } from './raw-model.js';

export function checkMatrixStructure(id: string, matrix: RawMatrix, file: string, limits: Limits): Diagnostic[] {
  const { rows, cols, structure } = matrix;
  const issues = kindOf(structure).check(structure, rows, cols, {
    file,
    id,
    path: ['matrices', id, 'structure'],
    limit: (name, value, path, what) => checkLimit(limits, name, value, file, path, what),
  });
  if (matrix.signs.encoding === 'dense-values') {
    const tooBig = checkLimit(limits, 'maxDenseValues', rows * cols, file, ['matrices', id, 'signs'], `matrix "${id}" dense-values size rows * cols`);
    if (tooBig !== undefined) issues.push(tooBig);
  }
  return issues;
}

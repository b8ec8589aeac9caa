/**
 * The loader's limits, applied to a model that did not come through the loader: a decoded
 * .pibinn container. Its verifier checks consistency, not size, so a tiny consistent file can
 * still ask for a 2^27-element state or metadata nested 10,000 deep; these are refused here,
 * before anything proportional is allocated or any recursive JSON consumer runs.
 */
import type { Diagnostic } from '../../core/diagnostics/diagnostic.js';
import type { IRModel } from '../../core/ir.js';
import { checkLimit, limitFix, type Limits } from './limits.js';

export function checkIrLimits(model: IRModel, limits: Limits, file: string): Diagnostic[] {
  const dimension = (value: number, what: string) => checkLimit(limits, 'maxDimension', value, file, undefined, what);
  const issues: (Diagnostic | undefined)[] = [
    dimension(model.state, 'state'),
    dimension(model.input.size, 'input.size'),
    dimension(model.output.size, 'output.size'),
    ...model.matrices.flatMap((m) => [dimension(m.rows, `matrix "${m.id}" rows`), dimension(m.cols, `matrix "${m.id}" cols`)]),
    checkLimit(limits, 'maxTotalNnz', model.matrices.reduce((sum, m) => sum + m.nnz, 0), file, undefined, 'total nnz over all matrices'),
  ];
  // In model.json the metadata object sits one level below the root.
  if (model.metadata !== undefined && exceedsDepth(model.metadata, limits.maxNestingDepth - 1)) {
    issues.push({
      code: 'PB401',
      severity: 'error',
      file,
      message: `the metadata nests deeper than the limit maxNestingDepth = ${limits.maxNestingDepth}`,
      expected: `at most ${limits.maxNestingDepth} levels, counting the model object`,
      found: 'deeper metadata',
      fix: limitFix('maxNestingDepth'),
    });
  }
  return issues.filter((d): d is Diagnostic => d !== undefined);
}

/** True when `value` has arrays or objects nested more than `maxDepth` deep (iterative: any depth is safe). */
export function exceedsDepth(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (depth > maxDepth) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

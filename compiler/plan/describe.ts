/**
 * A plan in words and numbers, for the report and the bench: why each matrix runs its kernel,
 * and the structural nonzeros one inference visits.
 */
import type { Flavor } from '../../core/flavor.js';
import type { ExecutionPlan, KernelName, PlannedMatrix } from '../../core/plan.js';

/** Why the plan chose the matrix's kernel in `flavor`, in a few words. */
export function kernelReasonText(plan: ExecutionPlan, planned: PlannedMatrix, flavor: Flavor): string {
  const { matrix, tableRows, tableColumns } = planned;
  switch (planned.reason[flavor]) {
    case 'table-shared':
      return `${tableRows} rows share each table over ${tableColumns} columns`;
    case 'columns-not-byte-aligned':
      return `runs of ${tableColumns} columns do not start on sign bytes`;
    case 'table-too-large':
      return `tables over ${tableColumns} columns would exceed the ${plan.tableBytesLimit / 1024} KiB table budget`;
    case 'too-few-rows':
      return `${tableRows} rows per table: too few to pay for building it`;
    case 'no-tables':
      return 'no table scratch in this build (table budget 0)';
    case 'rows-start-apart':
      return `${matrix.structure.kind}: rows start at different columns, so they share no table${bitSerialNote(plan)}`;
    case 'diagonals': {
      const count = planned.lower + planned.upper + 1;
      const padded = Math.ceil(matrix.rows / 32) * 32;
      return `${count} diagonals x ${padded} rows: ${((count * padded) / matrix.nnz).toFixed(2)}x the band's entries`;
    }
    case 'diagonals-padding':
      return `banded: diagonals padded to 32 rows would exceed 5/4 of its entries${bitSerialNote(plan)}`;
    case 'bit-serial':
      return `${plan.activationBits}-bit activations: ${plan.activationBits} popcounts per 64 weights`;
  }
}

function bitSerialNote(plan: ExecutionPlan): string {
  return plan.activationBits === undefined ? '' : ' (float kernel: bit-serial covers dense and block-diagonal only)';
}

/** Structural nonzeros one inference visits, in total and per kernel of `flavor`: the plan's products. */
export function workPerInference(plan: ExecutionPlan, flavor: Flavor = 'simd'): { nnz: number; byKernel: Partial<Record<KernelName, number>> } {
  const byKernel: Partial<Record<KernelName, number>> = {};
  let nnz = 0;
  for (const step of plan.steps) {
    if (step.op !== 'product') continue;
    const kernel = step.matrix.kernel[flavor];
    byKernel[kernel] = (byKernel[kernel] ?? 0) + step.matrix.matrix.nnz;
    nnz += step.matrix.matrix.nnz;
  }
  return { nnz, byKernel };
}

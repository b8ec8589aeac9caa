/**
 * The execution plan: how a model runs, decided once by the generic runtime's planner
 * (runtime-as/generic/plan.ts, per structure kind in kinds/) and read back through the engine
 * (engine/plan.ts). Specialized modules, MCU C, the report, the bench and the threaded split all
 * read this, so every build runs the same steps with the same kernels on the same prepared data.
 */
import type { Flavor } from './flavor.js';
import type { IRLayer, IRMatrix, IRModel, ThresholdKind } from './ir.js';

export type KernelName = 'flip-add' | 'lut4' | 'lut8' | 'diagonal' | 'bit-serial';
export type BitLayout = 'canonical' | 'block-major' | 'diagonal-major';
export type KernelReason =
  | 'table-shared' | 'columns-not-byte-aligned' | 'table-too-large' | 'too-few-rows' | 'no-tables' | 'rows-start-apart' | 'diagonals'
  | 'diagonals-padding' | 'bit-serial';

/** A buffer the steps name; `product` k holds the k-th product with y that several layers share. */
export type PlanBuffer =
  | { readonly kind: 'state' | 'preactivation' | 'residual' | 'input' | 'output' }
  | { readonly kind: 'product'; readonly index: number; readonly matrix: PlannedMatrix };

export type PlanStep =
  | { readonly op: 'zero'; readonly buffer: PlanBuffer }
  | { readonly op: 'copy' | 'add'; readonly to: PlanBuffer; readonly from: PlanBuffer }
  /** to += coef * M from, or to -= coef * M from when `subtract` (the residual y - A x). */
  | { readonly op: 'product'; readonly matrix: PlannedMatrix; readonly to: PlanBuffer; readonly from: PlanBuffer; readonly subtract: boolean }
  /** z = skip * x + bias, with skip * x dropped when x is known to be 0 (layer 1). */
  | { readonly op: 'init'; readonly layer: PlannedLayer; readonly stateIsZero: boolean }
  /** x = (1 - relax) x + relax * eta(z). */
  | { readonly op: 'update'; readonly layer: PlannedLayer };

/** A matrix as its products run: the kernel per build flavour and the data that kernel reads. */
export interface PlannedMatrix {
  readonly matrix: IRMatrix;
  /** Position in model.matrices (and in the container). */
  readonly index: number;
  readonly kernel: Readonly<Record<Flavor, KernelName>>;
  readonly reason: Readonly<Record<Flavor, KernelReason>>;
  readonly bitLayout: BitLayout;
  /** Rows sharing one table and the columns it covers (a dense matrix, or one diagonal block); 0 without a table. */
  readonly tableRows: number;
  readonly tableColumns: number;
  /** Table scratch its products take at batch 1 and at the batch group, per flavour. */
  readonly scratchBytes: Readonly<Record<Flavor, number>>;
  readonly groupScratchBytes: Readonly<Record<Flavor, number>>;
  /** The sign bits as the kernel reads them (canonical, block-major or diagonal-major), exactly signBytes long. */
  readonly signs: Uint8Array;
  /** `blocks`: the block table (row0, col0, rows, cols, first bit: u32 each); `mask`: rows + 1 row starts. */
  readonly table?: Uint8Array;
  /** `mask`: (col0, length) u32 pairs. */
  readonly segments?: Uint8Array;
  /** f32(scale * gain), the factor each row sum is multiplied by. */
  readonly coef: number;
  /** Banded: the band clamped to the matrix. */
  readonly lower: number;
  readonly upper: number;
}

/** A layer's parameters as the kernels take them (float32 values). */
export interface PlannedLayer {
  readonly layer: IRLayer;
  readonly index: number;
  readonly skip: number;
  readonly bias: number;
  readonly biasVector?: Float32Array;
  readonly threshold: ThresholdKind;
  readonly theta: number;
  readonly thetaVector?: Float32Array;
  readonly relax: number;
  /** f32(1 - relax). */
  readonly keep: number;
}

export interface ExecutionPlan {
  readonly model: IRModel;
  readonly flavors: readonly Flavor[];
  readonly matrices: readonly PlannedMatrix[];
  readonly layers: readonly PlannedLayer[];
  readonly steps: readonly PlanStep[];
  /** The shared products with y, in buffer order. */
  readonly products: readonly PlannedMatrix[];
  readonly usesResidual: boolean;
  /** Input vectors per infer_batch call, and how many run through the layers together. */
  readonly maxBatch: number;
  readonly batchGroup: number;
  /** The table scratch all products share: the largest need at the batch group, per flavour. */
  readonly scratchBytes: Readonly<Record<Flavor, number>>;
  /** k of k-bit activations, when the plan runs dense and block-diagonal products bit-serially. */
  readonly activationBits?: number;
  /** The table budget the kernels were chosen under (0: flip-and-add only). */
  readonly tableBytesLimit: number;
}

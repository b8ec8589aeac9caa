/**
 * The loaded model as the plan and the inference loop read it: per-matrix and per-layer records
 * in linear memory (unmanaged classes over arena memory; the runtime never uses a managed heap)
 * and the buffers' addresses. Everything here is written by `load` only after the container
 * passed verification, and `loaded` is false until the whole model is ready.
 */

@unmanaged export class MatrixInfo {
  /** Position of the Matrix table in the container (verification only). */
  tablePos: i64;
  rows: i64;
  cols: i64;
  nnz: u64;
  /** STRUCTURE_KIND_ value of the container's enum. */
  kind: i32;
  blockRows: i32;
  blockCols: i32;
  /** Banded: the band clamped to the matrix (the same entries; fits the kernels' i32 arithmetic). */
  lower: i32;
  upper: i32;
  /** `blocks` / `mask`: the container's structure vector (its first element) and its length. */
  structure: i64;
  structureLength: i64;
  /** Sign bits as the kernel reads them (canonical in the container, or a re-laid copy) and their bytes. */
  signs: usize;
  signBytes: u64;
  /** `blocks`: the kernel's block table; `mask`: rows + 1 row starts. */
  table: usize;
  tableBytes: u64;
  /** `mask`: (col0, length) u32 pairs. */
  segments: usize;
  segmentBytes: u64;
  /** f32(scale * gain), the factor every row sum is multiplied by. */
  coef: f32;
  idStart: i64;
  idLength: i64;
  /** The plan's kernel (KERNEL_), why (REASON_), and how the signs are laid out (BIT_LAYOUT_). */
  kernel: i32;
  reason: i32;
  bitLayout: i32;
  /** Rows sharing one table and the columns it covers (a dense matrix, or one diagonal block). */
  tableRows: i32;
  tableColumns: i32;
  /** Table scratch its products need at batch 1 and at the batch group. */
  scratchBytes: i32;
  groupScratchBytes: i32;
  /** Layers using the matrix as an `input` term, and the last of them counted (1-based). */
  inputUses: i32;
  lastInputLayer: i32;
  /** BUFFER_PRODUCT_0 + k when several layers share its product with y, else 0. */
  productBuffer: i32;
}

@unmanaged export class LayerInfo {
  tablePos: i64;
  /** Address of the Term structs (TERM_BYTES each: u32 matrix, u8 source). */
  terms: usize;
  termCount: i32;
  residual: i32;
  skip: f32;
  bias: f32;
  biasVector: usize;
  /** Kernel threshold constant (THRESHOLD_). */
  threshold: i32;
  theta: f32;
  thetaVector: usize;
  relax: f32;
  keep: f32;
}

export const MATRIX_INFO_BYTES: u64 = <u64>offsetof<MatrixInfo>();
export const LAYER_INFO_BYTES: u64 = <u64>offsetof<LayerInfo>();

export let loaded = false;
export let stateSize: i32 = 0;
export let inputSize: i32 = 0;
export let outputSize: i32 = 0;
export let maxBatch: i32 = 0;
/** Inputs `infer_batch` runs through the layers together; state, pre-activation, residual and shared products hold this many vectors. */
export let batchGroup: i32 = 1;
export let matrixCount: i32 = 0;
export let layerCount: i32 = 0;
/** Readout matrix index, or -1. */
export let readout: i32 = -1;
export let matrices: usize = 0;
export let layers: usize = 0;
export let nameAddress: usize = 0;
export let nameLength: i32 = 0;

export function setLoaded(value: bool): void {
  loaded = value;
}

export function setModel(state: i32, input: i32, output: i32, matrixTable: usize, count: i32, layerTable: usize, layersCount: i32, readoutIndex: i32): void {
  stateSize = state;
  inputSize = input;
  outputSize = output;
  matrices = matrixTable;
  matrixCount = count;
  layers = layerTable;
  layerCount = layersCount;
  readout = readoutIndex;
}

export function setBatch(batch: i32, group: i32): void {
  maxBatch = batch;
  batchGroup = group;
}

export function setName(address: usize, length: i32): void {
  nameAddress = address;
  nameLength = length;
}

@inline export function matrixAt(index: i32): MatrixInfo {
  return changetype<MatrixInfo>(matrices + <usize>index * <usize>MATRIX_INFO_BYTES);
}

@inline export function layerAt(index: i32): LayerInfo {
  return changetype<LayerInfo>(layers + <usize>index * <usize>LAYER_INFO_BYTES);
}

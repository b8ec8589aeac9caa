/**
 * The loaded model as the inference loop reads it: per-matrix and per-layer records in linear
 * memory (unmanaged classes over arena memory; the runtime never uses a managed heap) and the
 * buffers' addresses. Everything here is written by `load` only after the container passed
 * verification, and `loaded` is false until the whole model is ready.
 */

// Container enum values (schema/pibinn.fbs).
export const KIND_DENSE: i32 = 0;
export const KIND_BLOCK_DIAGONAL: i32 = 1;
export const KIND_BANDED: i32 = 2;
export const KIND_BLOCKS: i32 = 3;
export const KIND_MASK: i32 = 4;
export const SOURCE_STATE: u32 = 0;
export const SOURCE_INPUT: u32 = 1;
export const SOURCE_RESIDUAL: u32 = 2;

@unmanaged export class MatrixInfo {
  /** Position of the Matrix table in the container (verification only). */
  tablePos: i64;
  rows: i64;
  cols: i64;
  kind: i32;
  blockRows: i32;
  blockCols: i32;
  lower: i32;
  upper: i32;
  /** Sign bits as the kernel reads them: in the container, or a block-major copy for `blocks`, or a diagonal-major one for banded matrices with `diagonals`. */
  signs: usize;
  /** Banded: its products run over diagonals (kernel-choice.ts useDiagonals). */
  diagonals: bool;
  /** `blocks`: the kernel's table (5 u32 per block); `mask`: rows + 1 row starts. */
  table: usize;
  /** `blocks`: number of blocks; `mask`: unused. */
  count: i32;
  /** `mask`: (col0, length) u32 pairs. */
  segments: usize;
  /** f32(scale * gain), the factor every row sum is multiplied by. */
  coef: f32;
  idStart: i64;
  idLength: i64;
  /** Layers using the matrix as an `input` term; from two on, its product with y is computed once per input. */
  inputUses: i32;
  lastInputLayer: i32;
  product: usize;
}

@unmanaged export class LayerInfo {
  tablePos: i64;
  /** Address of the Term structs (8 bytes each: u32 matrix, u8 source). */
  terms: usize;
  termCount: i32;
  residual: i32;
  skip: f32;
  bias: f32;
  biasVector: usize;
  /** Kernel threshold constant (runtime-as/elementwise.ts). */
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
/** Inputs `infer_batch` runs through the layers together; state, pre-activation, residual and cached products hold this many vectors. */
export let batchGroup: i32 = 1;
export let matrixCount: i32 = 0;
export let layerCount: i32 = 0;
/** Readout matrix index, or -1. */
export let readout: i32 = -1;
export let matrices: usize = 0;
export let layers: usize = 0;
export let stateBuffer: usize = 0;
export let preactivation: usize = 0;
export let residualBuffer: usize = 0;
export let inputBuffer: usize = 0;
export let outputBuffer: usize = 0;
/** Table scratch of the lookup kernels (kernel-choice.ts), sized for the largest table this build makes; 0 if none pays. */
export let lookupTable: usize = 0;
export let nameAddress: usize = 0;
export let nameLength: i32 = 0;

export function setLoaded(value: bool): void {
  loaded = value;
}

export function setSizes(state: i32, input: i32, output: i32, batch: i32, group: i32): void {
  stateSize = state;
  inputSize = input;
  outputSize = output;
  maxBatch = batch;
  batchGroup = group;
}

export function setTables(matrixTable: usize, count: i32, layerTable: usize, layersCount: i32, readoutIndex: i32): void {
  matrices = matrixTable;
  matrixCount = count;
  layers = layerTable;
  layerCount = layersCount;
  readout = readoutIndex;
}

export function setBuffers(x: usize, z: usize, r: usize, input: usize, output: usize): void {
  stateBuffer = x;
  preactivation = z;
  residualBuffer = r;
  inputBuffer = input;
  outputBuffer = output;
}

export function setLookupTable(address: usize): void {
  lookupTable = address;
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

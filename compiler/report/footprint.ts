/**
 * The footprint report: what a model stores, what it computes per inference, how it compares
 * with the usual weight formats, and whether each layer's state update is a contraction. Plain
 * JSON-serialisable data (schema/footprint-report.schema.json); renderers format it.
 */
import type { Diagnostic } from '../../core/diagnostics/diagnostic.js';
import type { IRLayer, IRModel, ScalarOrVector, SignEncoding, StructureKind, TermSource, ThresholdKind } from '../../core/ir.js';
import { estimateContraction, linearPartKey, type ContractionEstimate } from './contraction.js';
import type { McuFootprintRow } from './mcu.js';
import { formatFactor } from './numbers.js';
import { provenanceOf, type Provenance } from './provenance.js';
import type { RuntimeFootprint } from './runtime.js';
import { BASELINE_FORMATS, GLOBAL_SCALE_BYTES, describeStructure, matrixStorage, type MatrixStorage } from './storage.js';

export const FOOTPRINT_SCHEMA_VERSION = 1;

/** Default cap on power iterations per layer. */
export const DEFAULT_CONTRACTION_ITERATIONS = 30;
/** Total entry visits the contraction estimates may spend on one model (~1 s of matvecs). */
export const DEFAULT_CONTRACTION_BUDGET = 3e8;
/** A quantization error above this means the one-bit weights are far from the trained ones. */
export const QUANTIZATION_WARNING_LIMIT = 0.5;
/** Rounding slack so that J = I (skip 1, nothing else) does not warn. */
const CONTRACTION_TOLERANCE = 1e-9;
/** Bytes per runtime float (activations, theta, bias, scalars). */
const FLOAT32_BYTES = 4;

export interface FootprintReport {
  readonly schemaVersion: typeof FOOTPRINT_SCHEMA_VERSION;
  readonly model: ModelSummary;
  /** Each matrix once, however many layers share it, in model order. */
  readonly matrices: readonly MatrixFootprint[];
  readonly layers: readonly LayerFootprint[];
  readonly readout: ReadoutFootprint | null;
  readonly totals: FootprintTotals;
  /** The same weights in other formats, PIBiNN last. */
  readonly storageComparison: readonly StorageComparison[];
  readonly memory: MemoryFootprint;
  /** Code size, linear-memory pages and buffers of a built runtime; null until one is built. */
  readonly runtime: RuntimeFootprint | null;
  /** Flash, RAM and instructions on emulated Cortex-M boards; null unless measured. */
  readonly mcu: readonly McuFootprintRow[] | null;
  /** PB801 / PB802 warnings; never errors: a report does not refuse a model. */
  readonly warnings: readonly Diagnostic[];
  /** Tool version, model hash and date (provenance.ts). */
  readonly provenance: Provenance;
}

export interface ModelSummary {
  readonly name: string;
  readonly description: string | null;
  readonly scale: number;
  readonly state: number;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly layerCount: number;
  /** True when every gain is 1: the whole network has one scale lambda. */
  readonly singleGlobalScale: boolean;
  /** Ids of matrices whose gain differs from 1 (each costs 32 bits of metadata). */
  readonly gainMatrices: readonly string[];
  readonly metadata: unknown;
}

/** A matrix as the report shows it: its shape and structure, and its storage (storage.ts). */
export interface MatrixFootprint extends MatrixStorage {
  readonly id: string;
  readonly rows: number;
  readonly cols: number;
  readonly structureKind: StructureKind;
  /** Kind and parameters as text, e.g. "banded: lower 1, upper 1". */
  readonly structure: string;
  readonly nnz: number;
  /** nnz / (rows * cols). */
  readonly density: number;
  readonly gain: number;
  /** Indices of the layers that use it (as a term or as the residual matrix). */
  readonly usedByLayers: readonly number[];
  readonly usedByReadout: boolean;
  readonly encoding: SignEncoding;
  /** Relative L2 distance between trained values and s * scale * gain; null for `bits`. */
  readonly quantizationError: number | null;
}

export interface LayerFootprint {
  readonly index: number;
  readonly terms: readonly { readonly matrix: string; readonly source: TermSource }[];
  /** Terms as a formula, e.g. "W*x + B*y" or "W*(y - A*x)". */
  readonly formula: string;
  readonly residual: string | null;
  readonly skip: number;
  readonly relax: number;
  readonly threshold: ThresholdKind;
  readonly thetaIsVector: boolean;
  readonly biasIsVector: boolean;
  /** Matrix entries visited per inference (one add each): the terms, plus A once if residual. */
  readonly nnzTouched: number;
  /** theta and bias (float32, vector or scalar) plus skip and relax (float32 scalars). */
  readonly parameterBytes: number;
  readonly contraction: ContractionEstimate;
}

export interface ReadoutFootprint {
  readonly matrix: string;
  readonly nnzTouched: number;
}

export interface FootprintTotals {
  readonly matrixCount: number;
  /** Matrix references across layers and readout (a tied matrix counts once per use here). */
  readonly matrixUses: number;
  readonly nnz: number;
  /** Sum of rows * cols. */
  readonly denseWeights: number;
  readonly signBytes: number;
  /** Structure metadata and gains. */
  readonly metadataBytes: number;
  readonly globalScaleBytes: number;
  /** signBytes + metadataBytes + globalScaleBytes: PIBiNN weight storage. */
  readonly weightBytes: number;
  /** Per-layer thresholds, biases and scalars. */
  readonly parameterBytes: number;
  /** (sign + metadata bits) / denseWeights. */
  readonly bitsPerDenseWeight: number;
  /** (sign + metadata bits) / nnz; null when nnz = 0. */
  readonly bitsPerStoredWeight: number | null;
  /** Entry visits per inference over all layers and the readout. */
  readonly addsPerInference: number;
}

export interface StorageComparison {
  readonly format: string;
  readonly description: string;
  readonly bytes: number;
  /** bytes / PIBiNN bytes. */
  readonly ratioToPibinn: number;
}

export interface ActivationBuffer {
  readonly name: string;
  readonly elements: number;
  readonly bytes: number;
}

/** In the style of ST Edge AI `analyze`: read-only weights, read-write activations, their sum. */
export interface MemoryFootprint {
  /** PIBiNN weights plus layer parameters. */
  readonly weightsBytes: number;
  readonly activations: readonly ActivationBuffer[];
  readonly activationsBytes: number;
  /** weights + activations: where weights live in RAM (WASM linear memory), all of it is RAM. */
  readonly ramBytes: number;
}

export interface FootprintOptions {
  /** Cap on power iterations per layer; default 30. */
  readonly contractionIterations?: number;
  /** Total matrix-entry visits for all contraction estimates; default 3e8. */
  readonly contractionBudget?: number;
  /** Default: provenanceOf(model), which writes the model's container to hash it. */
  readonly provenance?: Provenance;
}

export function buildFootprint(model: IRModel, options: FootprintOptions = {}): FootprintReport {
  const matrices = matrixFootprints(model);
  const layers = layerFootprints(model, options);
  const readout = model.readout === undefined ? null : { matrix: model.readout.id, nnzTouched: model.readout.nnz };
  const totals = footprintTotals(model, matrices, layers, readout);
  const gainMatrices = matrices.filter((m) => m.gain !== 1).map((m) => m.id);
  return {
    schemaVersion: FOOTPRINT_SCHEMA_VERSION,
    model: {
      name: model.name,
      description: model.description ?? null,
      scale: model.scale,
      state: model.state,
      inputSize: model.input.size,
      outputSize: model.output.size,
      layerCount: model.layers.length,
      singleGlobalScale: gainMatrices.length === 0,
      gainMatrices,
      metadata: model.metadata ?? null,
    },
    matrices,
    layers,
    readout,
    totals,
    storageComparison: storageComparison(model, totals.weightBytes),
    memory: memoryFootprint(model, totals),
    runtime: null,
    mcu: null,
    warnings: [...quantizationWarnings(model, matrices), ...contractionWarnings(model, layers)],
    provenance: options.provenance ?? provenanceOf(model),
  };
}

function matrixFootprints(model: IRModel): MatrixFootprint[] {
  const usedBy = new Map<string, Set<number>>();
  model.layers.forEach((layer, index) => {
    for (const id of layerMatrixIds(layer)) {
      if (!usedBy.has(id)) usedBy.set(id, new Set());
      usedBy.get(id)!.add(index);
    }
  });
  return model.matrices.map((m) => ({
    id: m.id,
    rows: m.rows,
    cols: m.cols,
    structureKind: m.structure.kind,
    structure: describeStructure(m.structure, m.rows),
    nnz: m.nnz,
    density: m.nnz / (m.rows * m.cols),
    gain: m.gain,
    ...matrixStorage(m),
    usedByLayers: [...(usedBy.get(m.id) ?? [])],
    usedByReadout: model.readout === m,
    encoding: m.encoding,
    quantizationError: m.quantizationError ?? null,
  }));
}

function layerMatrixIds(layer: IRLayer): string[] {
  const ids = layer.terms.map((t) => t.matrix.id);
  if (layer.residual !== undefined) ids.push(layer.residual.id);
  return ids;
}

function layerFootprints(model: IRModel, options: FootprintOptions): LayerFootprint[] {
  const maxIterations = options.contractionIterations ?? DEFAULT_CONTRACTION_ITERATIONS;
  // Tied layers share J: estimate each distinct linear part once and split the budget among them.
  const distinct = new Map<string, IRLayer>();
  for (const layer of model.layers) if (!distinct.has(linearPartKey(layer))) distinct.set(linearPartKey(layer), layer);
  const budget = (options.contractionBudget ?? DEFAULT_CONTRACTION_BUDGET) / distinct.size;
  const estimates = new Map<string, ContractionEstimate>();
  for (const [key, layer] of distinct) estimates.set(key, estimateContraction(model, layer, { maxIterations, budget }));

  return model.layers.map((layer, index) => ({
    index,
    terms: layer.terms.map((t) => ({ matrix: t.matrix.id, source: t.source })),
    formula: layerFormula(layer),
    residual: layer.residual?.id ?? null,
    skip: layer.skip,
    relax: layer.relax,
    threshold: layer.threshold.kind,
    thetaIsVector: typeof layer.threshold.theta !== 'number',
    biasIsVector: typeof layer.bias !== 'number',
    nnzTouched: layerNnzTouched(model, layer),
    parameterBytes: parameterBytes(layer.threshold.theta) + parameterBytes(layer.bias) + 2 * FLOAT32_BYTES,
    contraction: estimates.get(linearPartKey(layer))!,
  }));
}

function layerFormula(layer: IRLayer): string {
  const residual = `(y - ${layer.residual?.id}*x)`;
  return layer.terms.map((t) => `${t.matrix.id}*${t.source === 'state' ? 'x' : t.source === 'input' ? 'y' : residual}`).join(' + ');
}

/** The residual y - A x is computed once per layer, however many terms use it. */
function layerNnzTouched(model: IRModel, layer: IRLayer): number {
  const terms = layer.terms.reduce((sum, t) => sum + t.matrix.nnz, 0);
  const usesResidual = layer.terms.some((t) => t.source === 'residual');
  return terms + (usesResidual && layer.residual !== undefined ? layer.residual.nnz : 0);
}

function parameterBytes(parameter: ScalarOrVector): number {
  return FLOAT32_BYTES * (typeof parameter === 'number' ? 1 : parameter.length);
}

function footprintTotals(
  model: IRModel,
  matrices: readonly MatrixFootprint[],
  layers: readonly LayerFootprint[],
  readout: ReadoutFootprint | null,
): FootprintTotals {
  const sum = <T>(items: readonly T[], f: (item: T) => number) => items.reduce((s, item) => s + f(item), 0);
  const nnz = sum(matrices, (m) => m.nnz);
  const denseWeights = sum(matrices, (m) => m.rows * m.cols);
  const signBytes = sum(matrices, (m) => m.signBytes);
  const metadataBytes = sum(matrices, (m) => m.metadataBytes);
  const bits = 8 * (signBytes + metadataBytes);
  return {
    matrixCount: matrices.length,
    matrixUses: sum(model.layers, (l) => layerMatrixIds(l).length) + (readout === null ? 0 : 1),
    nnz,
    denseWeights,
    signBytes,
    metadataBytes,
    globalScaleBytes: GLOBAL_SCALE_BYTES,
    weightBytes: signBytes + metadataBytes + GLOBAL_SCALE_BYTES,
    parameterBytes: sum(layers, (l) => l.parameterBytes),
    bitsPerDenseWeight: bits / denseWeights,
    bitsPerStoredWeight: nnz === 0 ? null : bits / nnz,
    addsPerInference: sum(layers, (l) => l.nnzTouched) + (readout?.nnzTouched ?? 0),
  };
}

function storageComparison(model: IRModel, pibinnBytes: number): StorageComparison[] {
  const matrices = [...model.matrices.values()];
  const rows: StorageComparison[] = BASELINE_FORMATS.map((format) => {
    const bytes = matrices.reduce((s, m) => s + format.bytes(m), 0);
    return { format: format.id, description: format.description, bytes, ratioToPibinn: bytes / pibinnBytes };
  });
  rows.push({
    format: 'pibinn',
    description: 'PIBiNN: sign bits + structure metadata + gains + one global scale',
    bytes: pibinnBytes,
    ratioToPibinn: 1,
  });
  return rows;
}

function memoryFootprint(model: IRModel, totals: FootprintTotals): MemoryFootprint {
  const usesResidual = model.layers.some((l) => l.terms.some((t) => t.source === 'residual'));
  const buffers: [string, number][] = [
    [`input ${model.input.name}`, model.input.size],
    ['state x', model.state],
    ['pre-activation z', model.state],
    ...(usesResidual ? [['residual y - A x', model.input.size] as [string, number]] : []),
    [`output ${model.output.name}`, model.output.size],
  ];
  const activations = buffers.map(([name, elements]) => ({ name, elements, bytes: FLOAT32_BYTES * elements }));
  const activationsBytes = activations.reduce((s, b) => s + b.bytes, 0);
  const weightsBytes = totals.weightBytes + totals.parameterBytes;
  return { weightsBytes, activations, activationsBytes, ramBytes: weightsBytes + activationsBytes };
}

function warningFile(model: IRModel): string {
  return model.name === '' ? '<model>' : model.name;
}

function quantizationWarnings(model: IRModel, matrices: readonly MatrixFootprint[]): Diagnostic[] {
  return matrices
    .filter((m) => m.quantizationError !== null && m.quantizationError > QUANTIZATION_WARNING_LIMIT)
    .map((m) => ({
      code: 'PB802',
      severity: 'warning',
      file: warningFile(model),
      jsonPath: ['matrices', m.id, 'signs'],
      message:
        `matrix '${m.id}': the one-bit weights s*scale*gain are far from the trained values ` +
        '(relative L2 error above 0.5), so the compiled model may behave unlike the trained one',
      expected: `quantization error <= ${QUANTIZATION_WARNING_LIMIT}`,
      found: m.quantizationError!.toPrecision(4),
      fix: "check that 'scale' (times the matrix's 'gain') matches the trained weights (mean |v| over the structure is the L2-optimal scale), or fine-tune with the one-bit constraint",
    }));
}

function contractionWarnings(model: IRModel, layers: readonly LayerFootprint[]): Diagnostic[] {
  return layers
    .filter((l) => l.contraction.factor !== null && l.contraction.factor > 1 + CONTRACTION_TOLERANCE)
    .map((l) => ({
      code: 'PB801',
      severity: 'warning',
      file: warningFile(model),
      jsonPath: ['layers', l.index],
      message: `layer ${l.index}: the linear part of the state update may expand (estimated ||J||_2 > 1), so errors in x can grow from layer to layer`,
      expected: '||J||_2 <= 1',
      found: `${formatFactor(l.contraction.factor!)} (power iteration, ${l.contraction.iterations} iterations)`,
      fix: "this is a warning, the model is still compiled; if unintended, lower 'scale' or the gains, or use 'relax' < 1",
    }));
}

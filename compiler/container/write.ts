/**
 * IR -> .pibinn container. Every scalar is written (forceDefaults), so the bytes hold the exact
 * float64 values (-0 included) and a reader never falls back on a schema default; payloads are
 * copied into the builder with one `set` each; sign payloads start 16-byte aligned. The result
 * is sealed with its checksum and verified before it is returned: the writer never hands out a
 * container that the reader would reject.
 */
import { Builder, type Offset } from 'flatbuffers';
import { fail } from '../../core/diagnostics/diagnostic.js';
import type { Block as IRBlock, IRLayer, IRMatrix, IRModel, ScalarOrVector } from '../../core/ir.js';
import { sealContainer } from './envelope.js';
import {
  CONTAINER_SCHEMA_VERSION,
  MAX_CONTAINER_BYTES,
  SIGN_ENCODING_CODES,
  SIGNS_ALIGNMENT,
  STRUCTURE_KIND_CODES,
  TERM_SOURCE_CODES,
  THRESHOLD_KIND_CODES,
} from './format.js';
import { Block, Layer, Matrix, Model, Term } from './generated/pibinn_generated.js';
import { kindOf } from '../../kinds/index.js';
import { structureMetadataBytes } from '../ir/structure.js';

/** Room for tables, vtables, alignment padding and numbers around the payloads. */
const TABLE_OVERHEAD_BYTES = 256;

export function writeContainer(model: IRModel): Uint8Array {
  const file = `${model.name}.pibinn`;
  const builder = new Builder(estimateContainerBytes(model, file));
  builder.forceDefaults(true);
  const matrixIndex = new Map(model.matrices.map((matrix, index) => [matrix, index]));
  const indexOf = (matrix: IRMatrix, use: string): number => {
    const index = matrixIndex.get(matrix);
    if (index === undefined) return fail({ code: 'PB201', file, message: `${use} refers to matrix "${matrix.id}", which is not in the model's matrix list`, fix: 'build the IR with loadModel, which resolves every matrix reference' });
    return index;
  };

  const matrices = model.matrices.map((matrix) => writeMatrix(builder, matrix, file));
  const layers = model.layers.map((layer, k) => writeLayer(builder, layer, (matrix) => indexOf(matrix, `layer ${k}`)));
  const matricesVector = Model.createMatricesVector(builder, matrices);
  const layersVector = Model.createLayersVector(builder, layers);
  const name = builder.createString(model.name);
  const description = model.description === undefined ? undefined : builder.createString(model.description);
  const inputName = builder.createString(model.input.name);
  const outputName = builder.createString(model.output.name);
  const metadataJson = model.metadata === undefined ? undefined : builder.createString(JSON.stringify(model.metadata));

  Model.startModel(builder);
  Model.addSchemaVersion(builder, CONTAINER_SCHEMA_VERSION);
  Model.addChecksum(builder, 0); // written as 0 now, patched by sealContainer
  Model.addName(builder, name);
  if (description !== undefined) Model.addDescription(builder, description);
  Model.addScale(builder, model.scale);
  Model.addState(builder, uint32(model.state, 'state', file));
  Model.addInputName(builder, inputName);
  Model.addInputSize(builder, uint32(model.input.size, 'input.size', file));
  Model.addOutputName(builder, outputName);
  Model.addOutputSize(builder, uint32(model.output.size, 'output.size', file));
  Model.addMatrices(builder, matricesVector);
  Model.addLayers(builder, layersVector);
  if (model.readout !== undefined) Model.addReadout(builder, indexOf(model.readout, 'the readout'));
  if (metadataJson !== undefined) Model.addMetadataJson(builder, metadataJson);
  Model.finishModelBuffer(builder, Model.endModel(builder));

  // A fresh copy starts at byteOffset 0 of its own ArrayBuffer, so 16-alignment relative to the
  // buffer start is also 16-alignment in memory.
  const bytes = builder.asUint8Array().slice();
  sealContainer(bytes, file);
  return bytes;
}

function writeMatrix(builder: Builder, matrix: IRMatrix, file: string): Offset {
  const id = builder.createString(matrix.id);
  const { structure } = matrix;
  const fields = kindOf(structure).toContainer(structure);
  const blocks = fields.blocks === undefined ? undefined : writeBlocks(builder, fields.blocks, file);
  const mask = fields.mask === undefined ? undefined : builder.createByteVector(fields.mask);
  // The npm builder ignores force_align on vectors: pad so the data (after the length) is aligned.
  builder.prep(SIGNS_ALIGNMENT, matrix.signs.length);
  const signs = builder.createByteVector(matrix.signs);

  Matrix.startMatrix(builder);
  Matrix.addId(builder, id);
  Matrix.addRows(builder, uint32(matrix.rows, `matrix ${matrix.id} rows`, file));
  Matrix.addCols(builder, uint32(matrix.cols, `matrix ${matrix.id} cols`, file));
  Matrix.addNnz(builder, BigInt(matrix.nnz));
  Matrix.addStructureKind(builder, STRUCTURE_KIND_CODES[structure.kind]);
  Matrix.addBlockRows(builder, uint32(fields.blockRows ?? 0, 'blockRows', file));
  Matrix.addBlockCols(builder, uint32(fields.blockCols ?? 0, 'blockCols', file));
  Matrix.addLower(builder, uint32(fields.lower ?? 0, 'lower', file));
  Matrix.addUpper(builder, uint32(fields.upper ?? 0, 'upper', file));
  if (blocks !== undefined) Matrix.addBlocks(builder, blocks);
  if (mask !== undefined) Matrix.addMask(builder, mask);
  Matrix.addSigns(builder, signs);
  Matrix.addGain(builder, matrix.gain);
  Matrix.addEncoding(builder, SIGN_ENCODING_CODES[matrix.encoding]);
  if (matrix.quantizationError !== undefined) Matrix.addQuantizationError(builder, matrix.quantizationError);
  return Matrix.endMatrix(builder);
}

function writeBlocks(builder: Builder, blocks: readonly IRBlock[], file: string): Offset {
  Matrix.startBlocksVector(builder, blocks.length);
  // FlatBuffers builds back to front: push the last element first.
  for (let i = blocks.length - 1; i >= 0; i--) {
    const b = blocks[i];
    Block.createBlock(builder, uint32(b.row0, 'block row0', file), uint32(b.col0, 'block col0', file), uint32(b.rows, 'block rows', file), uint32(b.cols, 'block cols', file));
  }
  return builder.endVector();
}

function writeLayer(builder: Builder, layer: IRLayer, indexOf: (matrix: IRMatrix) => number): Offset {
  Layer.startTermsVector(builder, layer.terms.length);
  for (let i = layer.terms.length - 1; i >= 0; i--) {
    const term = layer.terms[i];
    Term.createTerm(builder, indexOf(term.matrix), TERM_SOURCE_CODES[term.source]);
  }
  const terms = builder.endVector();
  const { bias, threshold } = layer;
  const biasVector = typeof bias === 'number' ? undefined : Layer.createBiasVectorVector(builder, bias);
  const thetaVector = typeof threshold.theta === 'number' ? undefined : Layer.createThetaVectorVector(builder, threshold.theta);

  Layer.startLayer(builder);
  Layer.addTerms(builder, terms);
  if (layer.residual !== undefined) Layer.addResidual(builder, indexOf(layer.residual));
  Layer.addSkip(builder, layer.skip);
  Layer.addBias(builder, scalarPart(bias));
  if (biasVector !== undefined) Layer.addBiasVector(builder, biasVector);
  Layer.addThresholdKind(builder, THRESHOLD_KIND_CODES[threshold.kind]);
  Layer.addTheta(builder, scalarPart(threshold.theta));
  if (thetaVector !== undefined) Layer.addThetaVector(builder, thetaVector);
  Layer.addRelax(builder, layer.relax);
  return Layer.endLayer(builder);
}

/** A scalar-or-vector parameter is stored as a scalar field, 0 when the vector field carries it. */
function scalarPart(value: ScalarOrVector): number {
  return typeof value === 'number' ? value : 0;
}

/** The builder's size: payloads plus a generous allowance per table, so it never has to grow. */
function estimateContainerBytes(model: IRModel, file: string): number {
  const text = (s: string | undefined) => (s === undefined ? 0 : 3 * s.length + 8);
  let bytes = TABLE_OVERHEAD_BYTES + text(model.name) + text(model.description) + text(model.input.name) + text(model.output.name);
  if (model.metadata !== undefined) bytes += text(JSON.stringify(model.metadata));
  for (const matrix of model.matrices.values()) {
    bytes += TABLE_OVERHEAD_BYTES + text(matrix.id) + matrix.signs.length + SIGNS_ALIGNMENT;
    bytes += structureMetadataBytes(matrix.structure);
  }
  for (const layer of model.layers) {
    bytes += TABLE_OVERHEAD_BYTES + 8 * layer.terms.length;
    for (const value of [layer.bias, layer.threshold.theta]) if (typeof value !== 'number') bytes += 8 * value.length + 8;
  }
  if (bytes > MAX_CONTAINER_BYTES) {
    fail({ code: 'PB401', file, message: 'the container would exceed the FlatBuffers limit of 2 GiB', expected: `at most ${MAX_CONTAINER_BYTES} bytes`, found: `about ${bytes} bytes`, fix: 'split the model or use sparser structures' });
  }
  return bytes;
}

function uint32(value: number, what: string, file: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    fail({ code: 'PB401', file, message: `${what} does not fit the container's 32-bit field`, expected: 'an integer in 0..4294967295', found: `${value}`, fix: 'reduce the model size' });
  }
  return value;
}

/**
 * Containers built directly with the generated builder API (not through writeContainer), so tests
 * can produce well-formed FlatBuffers with a valid checksum whose content breaks one rule; and a
 * patcher that edits one field of a written container in place and reseals it.
 */
import { Builder, ByteBuffer } from 'flatbuffers';
import { sealContainer } from '../../compiler/container/envelope.js';
import { Layer, Matrix, Model, SignEncoding, StructureKind, Term, TermSource, ThresholdKind } from '../../compiler/container/generated/pibinn_generated.js';

export interface HandBuiltOptions {
  schemaVersion?: number;
  nnz?: number;
  signs?: Uint8Array;
  /** Shift the sign payload 4 bytes off its 16-byte alignment. */
  misalignSigns?: boolean;
  termMatrix?: number;
}

/** A 4 x 4 dense one-layer model; with no options it is valid. */
export function handBuiltContainer(options: HandBuiltOptions = {}): Uint8Array {
  const builder = new Builder(256);
  builder.forceDefaults(true);
  const id = builder.createString('W');
  const signs = options.signs ?? new Uint8Array([0xa5, 0x3c]);
  // prep(16, n) leaves the data 16-aligned; asking for 4 more bytes leaves it 4 bytes off.
  builder.prep(16, signs.length + (options.misalignSigns ? 4 : 0));
  const signsVector = builder.createByteVector(signs);
  Matrix.startMatrix(builder);
  Matrix.addId(builder, id);
  Matrix.addRows(builder, 4);
  Matrix.addCols(builder, 4);
  Matrix.addNnz(builder, BigInt(options.nnz ?? 16));
  Matrix.addStructureKind(builder, StructureKind.Dense);
  Matrix.addSigns(builder, signsVector);
  Matrix.addGain(builder, 1);
  Matrix.addEncoding(builder, SignEncoding.Bits);
  const matrices = Model.createMatricesVector(builder, [Matrix.endMatrix(builder)]);

  Layer.startTermsVector(builder, 1);
  Term.createTerm(builder, options.termMatrix ?? 0, TermSource.Input);
  const terms = builder.endVector();
  Layer.startLayer(builder);
  Layer.addTerms(builder, terms);
  Layer.addThresholdKind(builder, ThresholdKind.Soft);
  Layer.addTheta(builder, 0.1);
  Layer.addRelax(builder, 1);
  const layers = Model.createLayersVector(builder, [Layer.endLayer(builder)]);

  const name = builder.createString('hand');
  const inputName = builder.createString('y');
  const outputName = builder.createString('x');
  Model.startModel(builder);
  Model.addSchemaVersion(builder, options.schemaVersion ?? 1);
  Model.addChecksum(builder, 0);
  Model.addName(builder, name);
  Model.addScale(builder, 0.25);
  Model.addState(builder, 4);
  Model.addInputName(builder, inputName);
  Model.addInputSize(builder, 4);
  Model.addOutputName(builder, outputName);
  Model.addOutputSize(builder, 4);
  Model.addMatrices(builder, matrices);
  Model.addLayers(builder, layers);
  Model.finishModelBuffer(builder, Model.endModel(builder));
  const bytes = builder.asUint8Array().slice();
  sealContainer(bytes, 'hand.pibinn');
  return bytes;
}

/** A generated table accessor: enough to locate its fields. */
interface TableAccessor {
  bb: ByteBuffer | null;
  bb_pos: number;
}

/** Absolute byte position of a table's field `slot` (declaration index); throws when absent. */
export function fieldPosition(table: TableAccessor, slot: number): number {
  const offset = table.bb!.__offset(table.bb_pos, 4 + 2 * slot);
  if (offset === 0) throw new Error(`field ${slot} is absent`);
  return table.bb_pos + offset;
}

/** Position of the first element of the vector in field `slot`. */
export function vectorPosition(table: TableAccessor, slot: number): number {
  return table.bb!.__vector(fieldPosition(table, slot));
}

export function rootOf(bytes: Uint8Array): Model {
  return Model.getRootAsModel(new ByteBuffer(bytes));
}

/** Copies `bytes`, lets `edit` change the copy through a DataView, and reseals the checksum. */
export function patched(bytes: Uint8Array, edit: (view: DataView, root: Model) => void, reseal = true): Uint8Array {
  const copy = bytes.slice();
  edit(new DataView(copy.buffer), rootOf(copy));
  if (reseal) sealContainer(copy, 'patched.pibinn');
  return copy;
}

/**
 * .pibinn container -> IR. Verifies first (untrusted bytes never reach the generated accessors
 * unchecked), then decodes. The IR owns copies of every payload, so it stays valid whatever
 * happens to the input buffer.
 */
import { ByteBuffer } from 'flatbuffers';
import type { IRLayer, IRMatrix, IRModel, ScalarOrVector, Structure } from '../../core/ir.js';
import { SIGN_ENCODING_NAMES, SIGNS_ALIGNMENT, STRUCTURE_KIND_NAMES, TERM_SOURCE_NAMES, THRESHOLD_KIND_NAMES } from './format.js';
import { type Layer, type Matrix, Model } from './generated/pibinn_generated.js';
import { kindOf } from '../../kinds/index.js';
import { verifyContainer } from './verify.js';

export { CONTAINER_FILE_IDENTIFIER, CONTAINER_SCHEMA_VERSION } from './format.js';

export function readContainer(bytes: Uint8Array, file: string): IRModel {
  const aligned = alignedInMemory(bytes);
  verifyContainer(aligned, file);
  const root = Model.getRootAsModel(new ByteBuffer(aligned));
  const matrices: IRMatrix[] = [];
  for (let i = 0; i < root.matricesLength(); i++) {
    const matrix = decodeMatrix(root.matrices(i)!);
    matrices.push(matrix);
  }
  const layers: IRLayer[] = [];
  for (let k = 0; k < root.layersLength(); k++) layers.push(decodeLayer(root.layers(k)!, matrices));
  const description = root.description();
  const readout = root.readout();
  const metadata = root.metadataJson();
  return {
    name: root.name()!,
    ...(description !== null && { description }),
    scale: root.scale(),
    state: root.state(),
    input: { name: root.inputName()!, size: root.inputSize() },
    output: { name: root.outputName()!, size: root.outputSize() },
    matrices,
    layers,
    ...(readout !== null && { readout: matrices[readout] }),
    ...(metadata !== null && { metadata: JSON.parse(metadata) as unknown }),
  };
}

/**
 * Alignment in the container is relative to its first byte, and typed views over it (Float64Array
 * here, SIMD loads in a runtime) need it in memory too: a Uint8Array from fs.readFileSync may sit
 * at any offset of a shared pool, so such input is copied to a fresh, aligned buffer.
 */
function alignedInMemory(bytes: Uint8Array): Uint8Array {
  // new Uint8Array(...) copies (a Node Buffer's slice() would be a view at the same offset).
  return bytes.byteOffset % SIGNS_ALIGNMENT === 0 ? bytes : new Uint8Array(bytes);
}

function decodeMatrix(m: Matrix): IRMatrix {
  const quantizationError = m.quantizationError();
  return {
    id: m.id()!,
    rows: m.rows(),
    cols: m.cols(),
    structure: decodeStructure(m),
    nnz: Number(m.nnz()),
    signs: m.signsArray()!.slice(),
    gain: m.gain(),
    encoding: SIGN_ENCODING_NAMES.get(m.encoding())!,
    ...(quantizationError !== null && { quantizationError }),
  };
}

function decodeStructure(m: Matrix): Structure {
  const kind = STRUCTURE_KIND_NAMES.get(m.structureKind())!;
  const blocks = [];
  for (let i = 0; i < m.blocksLength(); i++) {
    const b = m.blocks(i)!;
    blocks.push({ row0: b.row0(), col0: b.col0(), rows: b.rows(), cols: b.cols() });
  }
  const mask = m.maskArray();
  return kindOf({ kind }).fromContainer({
    blockRows: m.blockRows(),
    blockCols: m.blockCols(),
    lower: m.lower(),
    upper: m.upper(),
    blocks,
    ...(mask !== null && { mask: mask.slice() }),
  });
}

function decodeLayer(l: Layer, matrices: readonly IRMatrix[]): IRLayer {
  const terms = [];
  for (let i = 0; i < l.termsLength(); i++) {
    const term = l.terms(i)!;
    terms.push({ matrix: matrices[term.matrix()], source: TERM_SOURCE_NAMES.get(term.source())! });
  }
  const residual = l.residual();
  return {
    terms,
    ...(residual !== null && { residual: matrices[residual] }),
    skip: l.skip(),
    bias: scalarOrVector(l.bias(), l.biasVectorArray()),
    threshold: { kind: THRESHOLD_KIND_NAMES.get(l.thresholdKind())!, theta: scalarOrVector(l.theta(), l.thetaVectorArray()) },
    relax: l.relax(),
  };
}

function scalarOrVector(scalar: number, vector: Float64Array | null): ScalarOrVector {
  return vector === null ? scalar : vector.slice();
}

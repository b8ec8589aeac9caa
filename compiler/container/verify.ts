/**
 * The container verifier: the only gate between untrusted bytes and the reader. Order matters
 * for useful messages: identifier and root first, then the checksum (so a damaged file says
 * "checksum mismatch" rather than whatever its damage happens to break), then the schema version,
 * then every table, vector and model rule. Any failure throws a PibinnError (PB5xx) naming the
 * byte offset; success means the generated accessors can read the buffer without going astray.
 */
import { CheckedBuffer, type CheckedTable } from './checked-buffer.js';
import { checksumFieldPosition, containerChecksum, openContainerRoot } from './envelope.js';
import { CONTAINER_SCHEMA_VERSION, MODEL_SLOT_CHECKSUM, MODEL_SLOT_SCHEMA_VERSION } from './format.js';
import { verifyLayer } from './verify-layer.js';
import { verifyMatrix, type VerifiedMatrix } from './verify-matrix.js';

/** Field slots of Model, in schema declaration order. */
const SLOT = {
  schemaVersion: MODEL_SLOT_SCHEMA_VERSION,
  checksum: MODEL_SLOT_CHECKSUM,
  name: 2,
  description: 3,
  scale: 4,
  state: 5,
  inputName: 6,
  inputSize: 7,
  outputName: 8,
  outputSize: 9,
  matrices: 10,
  layers: 11,
  readout: 12,
  metadataJson: 13,
} as const;

const MODEL_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export function verifyContainer(bytes: Uint8Array, file: string): void {
  const buffer = new CheckedBuffer(bytes, file);
  const root = openContainerRoot(buffer);
  verifyChecksum(buffer, root);
  verifySchemaVersion(root);
  verifyModel(root);
}

function verifyChecksum(buffer: CheckedBuffer, root: CheckedTable): void {
  const position = checksumFieldPosition(root);
  const stored = buffer.u32(position);
  const actual = containerChecksum(buffer.bytes, position);
  if (stored !== actual) {
    buffer.reject('PB504', ['checksum'], position, 'checksum mismatch: the file is damaged or was modified', hex(actual), hex(stored));
  }
}

function verifySchemaVersion(root: CheckedTable): void {
  const version = root.u32(SLOT.schemaVersion, 'schema_version', 0);
  if (version < 1 || version > CONTAINER_SCHEMA_VERSION) {
    root.buffer.reject(
      'PB506',
      ['schema_version'],
      root.at(SLOT.schemaVersion),
      `container schema version ${version} is not supported by this reader, which reads versions 1 to ${CONTAINER_SCHEMA_VERSION}`,
      `1..${CONTAINER_SCHEMA_VERSION}`,
      `${version}`,
    );
  }
}

function verifyModel(root: CheckedTable): void {
  const name = root.string(SLOT.name, 'name');
  if (name === undefined || !MODEL_NAME.test(name)) root.invalid(['name'], root.at(SLOT.name), 'invalid model name', '1..64 characters of [A-Za-z0-9_.-]', JSON.stringify(name ?? null));
  root.string(SLOT.description, 'description');
  const scale = root.f64(SLOT.scale, 'scale', 0);
  if (!(Number.isFinite(scale) && scale > 0)) root.invalid(['scale'], root.at(SLOT.scale), 'scale must be finite and positive', '> 0', `${scale}`);
  const state = requiredSize(root, SLOT.state, 'state');
  requiredString(root, SLOT.inputName, 'input_name');
  const inputSize = requiredSize(root, SLOT.inputSize, 'input_size');
  requiredString(root, SLOT.outputName, 'output_name');
  const outputSize = requiredSize(root, SLOT.outputSize, 'output_size');

  const matrices = verifyMatrices(root);
  const layers = root.tables(SLOT.layers, 'layers');
  if (layers.length === 0) root.invalid(['layers'], root.at(SLOT.layers), 'a model needs at least one layer', '>= 1 layers', '0');
  for (const layer of layers) verifyLayer(layer, { matrices, state, inputSize });

  const readout = root.optionalU32(SLOT.readout, 'readout');
  if (readout === undefined) {
    if (outputSize !== state) root.invalid(['output_size'], root.at(SLOT.outputSize), 'without a readout the output is the state', `${state}`, `${outputSize}`);
  } else {
    const matrix = matrices[readout];
    if (matrix === undefined) root.invalid(['readout'], root.at(SLOT.readout), 'matrix index out of range', `an index below ${matrices.length}`, `${readout}`);
    if (matrix.rows !== outputSize || matrix.cols !== state) {
      root.invalid(['readout'], root.at(SLOT.readout), `readout matrix "${matrix.id}" does not fit`, `${outputSize} x ${state}`, `${matrix.rows} x ${matrix.cols}`);
    }
  }
  verifyMetadata(root);
}

function verifyMatrices(root: CheckedTable): VerifiedMatrix[] {
  const seen = new Set<string>();
  return root.tables(SLOT.matrices, 'matrices').map((table, index) => {
    const matrix = verifyMatrix(table);
    if (seen.has(matrix.id)) root.invalid(['matrices', index, 'id'], table.pos, `duplicate matrix id "${matrix.id}"`, 'unique ids');
    seen.add(matrix.id);
    return matrix;
  });
}

function verifyMetadata(root: CheckedTable): void {
  const json = root.string(SLOT.metadataJson, 'metadata_json');
  if (json === undefined) return;
  try {
    JSON.parse(json);
  } catch (error) {
    root.invalid(['metadata_json'], root.at(SLOT.metadataJson), 'metadata is not valid JSON', 'JSON text', (error as Error).message);
  }
}

function requiredSize(root: CheckedTable, slot: number, name: string): number {
  const size = root.u32(slot, name, 0);
  if (size < 1) root.invalid([name], root.at(slot), `${name} must be at least 1`, '>= 1', `${size}`);
  return size;
}

function requiredString(root: CheckedTable, slot: number, name: string): void {
  if (root.string(slot, name) === undefined) root.invalid([name], root.pos, `required field "${name}" is missing`);
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

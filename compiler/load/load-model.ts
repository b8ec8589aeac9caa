/**
 * model.json v1 -> validated IRModel. Stages, each stopping the load with every independent
 * problem it found: JSON syntax; schema (format and version first); model-level and structure
 * checks on the description alone, including limits; structures (mask bitmaps) and the total
 * nnz limit; sign payloads. Nothing proportional to a count is allocated before it is checked.
 */
import { dirname, resolve } from 'node:path';
import { PibinnError, type Diagnostic, type SourceLocator } from '../../core/diagnostics/diagnostic.js';
import { structureNnz } from '../ir/structure.js';
import type { IRLayer, IRMatrix, IRModel, ScalarOrVector, Structure } from '../../core/ir.js';
import { float32Overflows } from '../validate/float32-range.js';
import { checkModel } from '../validate/model-checks.js';
import { checkSchema } from '../validate/schema-check.js';
import { checkMatrixStructure } from '../validate/structure-checks.js';
import { buildSigns } from './build-signs.js';
import { buildStructure } from './build-structure.js';
import { checkLimit, resolveLimits, type Limits } from '../validate/limits.js';
import { readRegularFile } from '../io/regular-file.js';
import { decodeUtf8Strict } from './decode-utf8.js';
import { parseModelJson } from './parse-json.js';
import type { PayloadContext } from './payload.js';
import type { RawLayer, RawModel } from '../validate/raw-model.js';
import { createSourceLocator } from './source-locator.js';

export interface LoadOptions {
  limits?: Partial<Limits>;
  /**
   * Accept matrices no layer or readout references (spec section 4 makes them an error) with a
   * PB208 warning instead; they are kept in the IR and the container.
   */
  allowUnused?: boolean;
}

export interface LoadedModel {
  model: IRModel;
  /** Non-fatal findings (severity 'warning'). */
  warnings: Diagnostic[];
  /** Maps a diagnostic's JSON path to line:column in model.json, for formatDiagnostic. */
  locate: SourceLocator;
}

export function loadModel(modelPath: string, options: LoadOptions = {}): LoadedModel {
  const limits = resolveLimits(options.limits);
  const bytes = readRegularFile(modelPath, (size) => throwIfAny([checkLimit(limits, 'maxModelBytes', size, modelPath, undefined, 'the size of model.json in bytes')]));
  return loadModelFromText(decodeUtf8Strict(bytes, modelPath), modelPath, dirname(resolve(modelPath)), options);
}

/** Loads a model from its text; `file` names it in diagnostics, `baseDir` anchors its payload paths. */
export function loadModelFromText(text: string, file: string, baseDir: string, options: LoadOptions = {}): LoadedModel {
  const locate = createSourceLocator(text);
  try {
    const { model, warnings } = buildModel(text, { modelFile: file, baseDir }, resolveLimits(options.limits), options.allowUnused ?? false);
    return { model, warnings, locate };
  } catch (error) {
    // Rethrown with the locator, so whoever prints it can show line:column.
    if (error instanceof PibinnError && error.locate === undefined) throw new PibinnError(error.diagnostics, locate);
    throw error;
  }
}

function buildModel(text: string, ctx: PayloadContext, limits: Limits, allowUnused: boolean): { model: IRModel; warnings: Diagnostic[] } {
  const file = ctx.modelFile;
  const raw = checkSchema(parseModelJson(text, file, limits.maxNestingDepth), file);
  const entries = Object.entries(raw.matrices);

  const modelFindings = [...checkModel(raw, file, limits, allowUnused), ...entries.flatMap(([id, m]) => checkMatrixStructure(id, m, file, limits))];
  throwIfAny(modelFindings.filter((d) => d.severity === 'error'));
  const warnings = modelFindings.filter((d) => d.severity === 'warning');

  const structures = collect(entries, ([id, m]) => buildStructure(id, m, ctx));
  const nnzOf = entries.map(([, m], i) => structureNnz(structures[i], m.rows, m.cols));
  const totalNnz = nnzOf.reduce((a, b) => a + b, 0);
  throwIfAny([checkLimit(limits, 'maxTotalNnz', totalNnz, file, ['matrices'], 'total nnz over all matrices')]);

  const signs = collect(entries, ([id, m], i) => buildSigns(id, m, structures[i], nnzOf[i], raw.scale, ctx));
  const matrices = entries.map(([id, m], i) => irMatrix(id, m.rows, m.cols, structures[i], nnzOf[i], m.gain ?? 1, m.signs.encoding, signs[i]));
  entries.forEach(([id], i) => {
    if (nnzOf[i] === 0) {
      warnings.push({ code: 'PB803', severity: 'warning', file, jsonPath: ['matrices', id, 'structure'], message: `matrix "${id}" has no existing entries: it contributes nothing`, fix: 'check the structure (an all-zero mask or an empty block list)' });
    }
  });
  const model = irModel(raw, matrices);
  warnings.push(...float32Overflows(model, file));
  return { model, warnings };
}

function irMatrix(id: string, rows: number, cols: number, structure: Structure, nnz: number, gain: number, encoding: IRMatrix['encoding'], built: ReturnType<typeof buildSigns>): IRMatrix {
  const matrix: IRMatrix = { id, rows, cols, structure, nnz, signs: built.signs, gain, encoding };
  return built.quantizationError === undefined ? matrix : { ...matrix, quantizationError: built.quantizationError };
}

/** The IR of a checked model: references resolved to the matrices (checkModel guarantees they exist). */
function irModel(raw: RawModel, matrices: readonly IRMatrix[]): IRModel {
  const byId = new Map(matrices.map((m) => [m.id, m]));
  const matrix = (id: string): IRMatrix => byId.get(id)!;
  return {
    name: raw.name,
    ...(raw.description !== undefined && { description: raw.description }),
    scale: raw.scale,
    state: raw.state,
    input: { name: raw.input.name, size: raw.input.size },
    output: { name: raw.output.name, size: raw.output.size },
    matrices,
    layers: raw.layers.map((layer) => irLayer(layer, matrix)),
    ...(raw.readout !== undefined && { readout: matrix(raw.readout.matrix) }),
    ...(raw.metadata !== undefined && { metadata: raw.metadata }),
  };
}

function irLayer(layer: RawLayer, matrix: (id: string) => IRMatrix): IRLayer {
  return {
    terms: layer.terms.map((t) => ({ matrix: matrix(t.matrix), source: t.source })),
    ...(layer.residual !== undefined && { residual: matrix(layer.residual.matrix) }),
    skip: layer.skip ?? 0,
    bias: scalarOrVector(layer.bias ?? 0),
    // The schema lets theta be omitted only for kind "none", where it is irrelevant.
    threshold: { kind: layer.threshold.kind, theta: scalarOrVector(layer.threshold.theta ?? 0) },
    relax: layer.relax ?? 1,
  };
}

function scalarOrVector(value: number | number[]): ScalarOrVector {
  return Array.isArray(value) ? Float64Array.from(value) : value;
}

/** Maps every entry, gathering the diagnostics of all that fail (each matrix fails independently). */
function collect<T, R>(items: readonly T[], build: (item: T, index: number) => R): R[] {
  const diagnostics: Diagnostic[] = [];
  const results = items.map((item, i) => {
    try {
      return build(item, i);
    } catch (error) {
      if (!(error instanceof PibinnError)) throw error;
      diagnostics.push(...error.diagnostics);
      return undefined;
    }
  });
  throwIfAny(diagnostics);
  return results as R[];
}

function throwIfAny(diagnostics: readonly (Diagnostic | undefined)[]): void {
  const present = diagnostics.filter((d): d is Diagnostic => d !== undefined);
  if (present.length > 0) throw new PibinnError(present);
}

/**
 * Structural validation against schema/model-format-v1.schema.json (ajv, compiled once), with
 * every ajv error turned into a numbered diagnostic. The format and version are checked first,
 * so a version-2 file gets one clear PB108 instead of a page of unknown-key errors.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import schema from '../../schema/model-format-v1.schema.json' with { type: 'json' };
import type { Diagnostic, JsonPath } from '../../core/diagnostics/diagnostic.js';
import { PibinnError } from '../../core/diagnostics/diagnostic.js';
import type { DiagnosticCode } from '../../core/diagnostics/codes.js';
import type { RawModel } from './raw-model.js';
import { suggestionFix } from './suggest.js';

export const SUPPORTED_VERSION = 1;
/** Beyond this many schema errors the rest are summarised: the first ones are what the user fixes first. */
const MAX_REPORTED = 50;

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, verbose: true, discriminator: true, allowUnionTypes: true }).compile(schema);
  return compiled;
}

/** Checks `value` against the format; returns it typed, or throws every problem found. */
export function checkSchema(value: unknown, file: string): RawModel {
  checkIdentity(value, file);
  const validate = validator();
  if (validate(value)) return value as RawModel;
  const diagnostics = relevantErrors(validate.errors ?? []).map((e) => toDiagnostic(e, file));
  if (diagnostics.length > MAX_REPORTED) {
    const last = diagnostics[MAX_REPORTED - 1];
    diagnostics[MAX_REPORTED - 1] = { ...last, message: `${last.message} (and ${diagnostics.length - MAX_REPORTED} more schema errors)` };
    diagnostics.length = MAX_REPORTED;
  }
  throw new PibinnError(diagnostics);
}

function checkIdentity(value: unknown, file: string): void {
  const error = (code: DiagnosticCode, d: Omit<Diagnostic, 'code' | 'severity' | 'file'>) => new PibinnError({ code, severity: 'error', file, ...d });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw error('PB102', { jsonPath: [], message: 'a model is a JSON object', expected: 'object', found: describe(value) });
  }
  const { format, version } = value as Record<string, unknown>;
  if (format !== 'pibinn-model') {
    throw error('PB107', {
      jsonPath: format === undefined ? [] : ['format'],
      message: 'this JSON document is not a pibinn model',
      expected: '"format": "pibinn-model"',
      found: format === undefined ? 'no "format" key' : JSON.stringify(format),
    });
  }
  // Only a well-formed other version gets this early, specific error; anything else is the schema's business.
  if (Number.isInteger(version) && version !== SUPPORTED_VERSION) {
    throw error('PB108', {
      jsonPath: ['version'],
      message: `the model is format version ${version}; this compiler reads version ${SUPPORTED_VERSION}`,
      expected: `version ${SUPPORTED_VERSION}`,
      found: `version ${version}`,
      fix: (version as number) > SUPPORTED_VERSION ? 'upgrade pibinn, or export the model as version 1' : 'export the model as version 1',
    });
  }
}

/**
 * Drops errors that only explain another one: the branch errors under a failed `oneOf` or
 * `propertyNames` (the combinator error says it better), `if` (its `then` error is kept), the
 * discriminator's "missing tag" (the `required` error names it) and `additionalItems` (maxItems does).
 */
function relevantErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const umbrellas = errors.filter((e) => e.keyword === 'oneOf');
  const explained = (e: ErrorObject) =>
    umbrellas.some((u) => u !== e && e.instancePath.startsWith(u.instancePath) && e.schemaPath.startsWith(`${u.schemaPath}/`));
  return errors.filter((e) => {
    if (e.keyword === 'if' || e.keyword === 'propertyNames' || e.keyword === 'additionalItems') return false;
    if (e.keyword === 'discriminator' && e.params.tagValue === undefined) return false;
    return !explained(e);
  });
}

function toDiagnostic(e: ErrorObject, file: string): Diagnostic {
  const path = pointerToPath(e.instancePath);
  const base = { severity: 'error' as const, file, jsonPath: path };
  const p = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'type':
      if (typeof e.data === 'number' && !Number.isFinite(e.data)) {
        return { ...base, code: 'PB309', message: 'non-finite number (a literal too large for a double)', expected: 'a finite number', found: String(e.data) };
      }
      return { ...base, code: 'PB102', message: `wrong type`, expected: String(p.type).split(',').join(' or '), found: describe(e.data) };
    case 'additionalProperties': {
      const known = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
      return {
        ...base,
        code: 'PB103',
        jsonPath: [...path, p.additionalProperty],
        message: `unknown key "${p.additionalProperty}"`,
        expected: known.length > 0 ? `one of ${known.map((k) => `"${k}"`).join(', ')}` : 'no other keys',
        found: `"${p.additionalProperty}"`,
        fix: suggestionFix(p.additionalProperty, known, 'keys allowed here'),
      };
    }
    case 'required':
      return { ...base, code: 'PB104', message: `missing required key "${p.missingProperty}"`, expected: `"${p.missingProperty}"`, fix: `add "${p.missingProperty}"` };
    case 'oneOf': {
      const alternatives = ((e.schema as { required: string[] }[]) ?? []).map((s) => `"${s.required[0]}"`).join(' or ');
      return p.passingSchemas === null
        ? { ...base, code: 'PB104', message: `missing payload: give ${alternatives}`, expected: alternatives }
        : { ...base, code: 'PB109', message: `give exactly one of ${alternatives}, not both`, found: 'both' };
    }
    case 'discriminator': {
      if (p.error !== 'mapping') return { ...base, jsonPath: [...path, p.tag], code: 'PB102', message: `"${p.tag}" must be a string`, expected: 'string', found: describe(p.tagValue) };
      const allowed = ((e.parentSchema as { oneOf: { properties: Record<string, { const: string }> }[] }).oneOf ?? []).map((s) => s.properties[p.tag].const);
      return {
        ...base,
        jsonPath: [...path, p.tag],
        code: 'PB109',
        message: `unknown ${p.tag} "${p.tagValue}"`,
        expected: `one of ${allowed.map((a) => `"${a}"`).join(', ')}`,
        found: JSON.stringify(p.tagValue),
        fix: suggestionFix(String(p.tagValue), allowed, 'values'),
      };
    }
    case 'const':
      return constDiagnostic(base, path, p.allowedValue, e.data);
    case 'enum':
      return {
        ...base,
        code: 'PB109',
        message: 'value not allowed here',
        expected: `one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
        found: JSON.stringify(e.data),
        fix: suggestionFix(String(e.data), (p.allowedValues as unknown[]).map(String), 'values'),
      };
    case 'pattern':
      return patternDiagnostic(base, path, e);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { ...base, code: 'PB105', message: 'number out of range', expected: `${p.comparison} ${p.limit}`, found: String(e.data) };
    case 'minItems':
    case 'maxItems':
    case 'minLength':
      return { ...base, code: 'PB105', message: e.message ?? 'wrong length', expected: `${e.keyword.startsWith('min') ? 'at least' : 'at most'} ${p.limit}`, found: `${(e.data as { length: number }).length}` };
    default:
      return { ...base, code: 'PB109', message: e.message ?? `fails schema keyword ${e.keyword}` };
  }
}

function constDiagnostic(base: Omit<Diagnostic, 'code' | 'message'>, path: JsonPath, allowed: unknown, found: unknown): Diagnostic {
  const code: DiagnosticCode = path.length === 1 && path[0] === 'format' ? 'PB107' : path.length === 1 && path[0] === 'version' ? 'PB108' : 'PB109';
  return { ...base, code, message: 'value not allowed here', expected: JSON.stringify(allowed), found: JSON.stringify(found) };
}

function patternDiagnostic(base: Omit<Diagnostic, 'code' | 'message'>, path: JsonPath, e: ErrorObject): Diagnostic {
  const pattern = (e.params as { pattern: string }).pattern;
  const propertyName = (e as ErrorObject & { propertyName?: string }).propertyName;
  if (propertyName !== undefined) {
    return { ...base, jsonPath: [...path, propertyName], code: 'PB106', message: `invalid matrix id "${propertyName}"`, expected: `an id matching ${pattern}`, found: JSON.stringify(propertyName), fix: 'start with a letter or _, then letters, digits or _ (at most 64 characters)' };
  }
  return { ...base, code: 'PB106', message: 'value does not match the required pattern', expected: `a string matching ${pattern}`, found: JSON.stringify(e.data) };
}

/** `/matrices/W/signs/data/3` -> ['matrices', 'W', 'signs', 'data', 3]. No schema key is all digits, so digits are indices. */
function pointerToPath(pointer: string): JsonPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'number') return Number.isInteger(value) ? `integer ${value}` : `number ${value}`;
  return typeof value === 'object' ? 'object' : `${typeof value} ${String(value)}`;
}

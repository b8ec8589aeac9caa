/**
 * The generic runtime's verdict as a numbered diagnostic: the status and detail codes map to a
 * PB code and a message (core/constants.ts), the table, index, field slot and element to a JSON
 * path in the container's schema names, the recorded values to "expected ... found ...", and the
 * id of the matrix concerned is read from the container bytes the caller passed in.
 */
import { DETAILS, ERROR_INFO, ERROR_TABLES, STATUS } from '../core/constants.js';
import type { DiagnosticCode } from '../core/diagnostics/codes.js';
import type { Diagnostic, JsonPath } from '../core/diagnostics/diagnostic.js';
import { LAYER_SLOTS, MATRIX_SLOTS, MODEL_SLOTS } from '../core/generated/schema.js';
import type { EngineExports } from './exports.js';

export interface EngineStatus {
  readonly code: number;
  readonly detail: number;
  /** Byte offset in the container, or -1. */
  readonly offset: number;
  readonly table: number;
  /** Matrix or layer index, -1 for the root table. */
  readonly index: number;
  /** Schema slot of the field concerned, -1 if none. */
  readonly field: number;
  readonly element: number;
  readonly expected: number;
  readonly found: number;
  readonly subjectOffset: number;
  readonly subjectLength: number;
}

export function statusOf(engine: EngineExports): EngineStatus {
  const info = (what: number): number => engine.error_info(what);
  return {
    code: engine.error_code(),
    detail: engine.error_detail(),
    offset: engine.error_offset(),
    table: info(ERROR_INFO.TABLE),
    index: info(ERROR_INFO.INDEX),
    field: info(ERROR_INFO.FIELD),
    element: info(ERROR_INFO.ELEMENT),
    expected: info(ERROR_INFO.EXPECTED),
    found: info(ERROR_INFO.FOUND),
    subjectOffset: info(ERROR_INFO.SUBJECT_OFFSET),
    subjectLength: info(ERROR_INFO.SUBJECT_LENGTH),
  };
}

const byCode = <T extends { readonly code: number }>(table: Readonly<Record<string, T>>): ReadonlyMap<number, T> =>
  new Map(Object.values(table).map((entry) => [entry.code, entry]));
const STATUS_BY_CODE = byCode(STATUS);
const DETAIL_BY_CODE = byCode(DETAILS);

const invert = (slots: Readonly<Record<string, number>>): ReadonlyMap<number, string> => new Map(Object.entries(slots).map(([name, slot]) => [slot, name]));
const FIELD_NAMES: Readonly<Record<number, ReadonlyMap<number, string>>> = {
  [ERROR_TABLES.MODEL]: invert(MODEL_SLOTS),
  [ERROR_TABLES.MATRIX]: invert(MATRIX_SLOTS),
  [ERROR_TABLES.LAYER]: invert(LAYER_SLOTS),
};

const FIXES: Readonly<Record<string, string>> = {
  PB401: 'the model needs more than this runtime allows (its memory limit, or 2^31 - 1 signs per matrix): use a smaller model or raise the limit',
  PB001: 'call the runtime as docs/abi.md describes',
  PB603: 'the runtime or its build is broken: report it',
};
const DAMAGED_FIX = 'the file is damaged or not written by pibinn-compile: rebuild it from the model (`pibinn-compile check <file>` names the broken field)';

export function engineDiagnostic(status: EngineStatus, bytes: Uint8Array, file: string): Diagnostic {
  const category = STATUS_BY_CODE.get(status.code);
  const detail = DETAIL_BY_CODE.get(status.detail);
  const code: DiagnosticCode = category?.diagnostic ?? 'PB505';
  const field = status.field >= 0 ? FIELD_NAMES[status.table]?.get(status.field) : undefined;
  const matrix = subjectId(status, bytes);
  const expected = Number.isNaN(status.expected) ? undefined : numberText(status.expected, status.detail);
  const found = Number.isNaN(status.found) ? undefined : numberText(status.found, status.detail);
  const detailText = (detail?.message ?? `runtime detail ${status.detail}`)
    .replaceAll('{field}', field ?? 'a field')
    .replaceAll('{matrix}', matrix ?? `#${status.index}`)
    .replaceAll('{expected}', expected ?? '?')
    .replaceAll('{found}', found ?? '?');
  const categoryText = category?.text ?? `runtime status ${status.code}`;
  // Model rules read best alone; other categories say what kind of failure the detail is.
  const message = status.detail === DETAILS.NONE.code ? categoryText : status.code === STATUS.INCONSISTENT.code ? detailText : `${categoryText} (${detailText})`;
  return {
    code,
    severity: 'error',
    file,
    ...(status.table !== ERROR_TABLES.MODEL || field !== undefined ? { jsonPath: jsonPath(status, field) } : {}),
    ...(status.offset >= 0 ? { byteOffset: status.offset } : {}),
    message,
    ...(expected === undefined ? {} : { expected }),
    ...(found === undefined ? {} : { found }),
    fix: FIXES[code] ?? DAMAGED_FIX,
  };
}

/** Where in the container's schema the failure is, as a JSON path: `$.matrices[2].nnz`, `$.layers[0].terms[1]`. */
function jsonPath(status: EngineStatus, field: string | undefined): JsonPath {
  const path: (string | number)[] = [];
  if (status.table === ERROR_TABLES.MATRIX) path.push('matrices', status.index);
  if (status.table === ERROR_TABLES.LAYER) path.push('layers', status.index);
  if (field !== undefined) path.push(field);
  if (status.element >= 0) path.push(status.element);
  return path;
}

/** The id of the matrix concerned, from the container bytes (the runtime verified it as UTF-8 before recording it). */
function subjectId(status: EngineStatus, bytes: Uint8Array): string | undefined {
  if (status.subjectOffset < 0 || status.subjectOffset + status.subjectLength > bytes.length) return undefined;
  return new TextDecoder().decode(bytes.subarray(status.subjectOffset, status.subjectOffset + status.subjectLength));
}

/** Checksums read best in hex; everything else as numbers. */
function numberText(value: number, detail: number): string {
  return detail === DETAILS.CHECKSUM.code ? `0x${value.toString(16).padStart(8, '0')}` : String(value);
}

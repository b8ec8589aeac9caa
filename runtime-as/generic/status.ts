/**
 * Status of the last `load` (codes in core/constants.ts, generated into ../generated/constants):
 * a category code, a detail code naming the rule, the container byte offset it concerns, and
 * where in the model it failed (table, index, field slot, vector element, the matrix id
 * concerned, expected and found values) so the host can print a precise message. AssemblyScript
 * has no exceptions, so every check returns false after recording the first failure and callers
 * unwind by returning; nothing runs on a container after its first failure.
 */
import {
  DETAIL_NONE, ERROR_INFO_ELEMENT, ERROR_INFO_EXPECTED, ERROR_INFO_FIELD, ERROR_INFO_FOUND, ERROR_INFO_INDEX, ERROR_INFO_SUBJECT_LENGTH,
  ERROR_INFO_SUBJECT_OFFSET, ERROR_INFO_TABLE, ERROR_TABLE_MODEL, STATUS_OK,
} from '../generated/constants';

let code: i32 = STATUS_OK;
let detail: i32 = DETAIL_NONE;
let offset: i32 = -1;
let table: i32 = ERROR_TABLE_MODEL;
let index: i32 = -1;
let field: i32 = -1;
let element: f64 = -1;
let expected: f64 = NaN;
let found: f64 = NaN;
let subjectOffset: i64 = -1;
let subjectLength: i64 = 0;

// Where verification is now: failures record it.
let contextTable: i32 = ERROR_TABLE_MODEL;
let contextIndex: i32 = -1;
let contextSubjectOffset: i64 = -1;
let contextSubjectLength: i64 = 0;

export function resetStatus(): void {
  code = STATUS_OK;
  detail = DETAIL_NONE;
  offset = -1;
  field = -1;
  element = -1;
  expected = NaN;
  found = NaN;
  enterTable(ERROR_TABLE_MODEL, -1);
}

/** Failures from now on concern table `kind` number `at` (ERROR_TABLE_MODEL: the root). */
export function enterTable(kind: i32, at: i32): void {
  contextTable = kind;
  contextIndex = at;
  contextSubjectOffset = -1;
  contextSubjectLength = 0;
}

/** The matrix id (container position and length) failures from now on concern. */
export function setSubject(idOffset: i64, idLength: i64): void {
  contextSubjectOffset = idOffset;
  contextSubjectLength = idLength;
}

/**
 * Records the first failure and returns false, so checks read `if (!x) return fail(...)`.
 * `slot`: the field concerned; `item`: the element of a vector field; `want` / `got`: values.
 */
export function fail(category: i32, why: i32, at: i64, slot: i32 = -1, item: i64 = -1, want: f64 = NaN, got: f64 = NaN): bool {
  if (code == STATUS_OK) {
    code = category;
    detail = why;
    offset = at >= 0 && at <= <i64>i32.MAX_VALUE ? <i32>at : -1;
    table = contextTable;
    index = contextIndex;
    field = slot;
    element = <f64>item;
    expected = want;
    found = got;
    subjectOffset = contextSubjectOffset;
    subjectLength = contextSubjectLength;
  }
  return false;
}

/** As `fail`, about another matrix than the one in context (a reference that does not fit). */
export function failAbout(idOffset: i64, idLength: i64, category: i32, why: i32, at: i64, slot: i32 = -1): bool {
  const saveOffset = contextSubjectOffset;
  const saveLength = contextSubjectLength;
  setSubject(idOffset, idLength);
  fail(category, why, at, slot);
  setSubject(saveOffset, saveLength);
  return false;
}

export function failed(): bool {
  return code != STATUS_OK;
}

export function statusCode(): i32 {
  return code;
}

export function statusDetail(): i32 {
  return detail;
}

export function statusOffset(): i32 {
  return offset;
}

/** One of the ERROR_INFO_ facts about the last failure. */
export function statusInfo(what: i32): f64 {
  if (what == ERROR_INFO_TABLE) return <f64>table;
  if (what == ERROR_INFO_INDEX) return <f64>index;
  if (what == ERROR_INFO_FIELD) return <f64>field;
  if (what == ERROR_INFO_ELEMENT) return element;
  if (what == ERROR_INFO_EXPECTED) return expected;
  if (what == ERROR_INFO_FOUND) return found;
  if (what == ERROR_INFO_SUBJECT_OFFSET) return <f64>subjectOffset;
  if (what == ERROR_INFO_SUBJECT_LENGTH) return <f64>subjectLength;
  return NaN;
}

/**
 * The generic runtime's status codes (runtime-as/generic/status.ts; a test keeps the two in
 * sync) and their translation into the toolchain's numbered diagnostics, so a container the
 * runtime rejects reads like one the TypeScript verifier rejects.
 */
import type { DiagnosticCode } from '../core/diagnostics/codes.js';
import { PibinnError } from '../core/diagnostics/diagnostic.js';

/** `load` return values, by code. */
export const STATUS_NAMES = [
  'ok',
  'not a container',
  'out of bounds',
  'misaligned',
  'checksum mismatch',
  'inconsistent',
  'unsupported version',
  'limit exceeded',
  'bad argument',
  'no model',
  'self test failed',
] as const;

/** `error_detail()` values: the rule that failed. */
export const DETAIL_NAMES = [
  'none', 'size', 'identifier', 'offset', 'vtable', 'table', 'field', 'vector', 'string', 'referenced twice',
  'required field', 'name', 'scale', 'size zero', 'no layers', 'readout', 'metadata', 'matrix id',
  'duplicate id', 'structure kind', 'structure field', 'block diagonal', 'block outside', 'blocks overlap',
  'payload length', 'padding bits', 'nnz', 'gain', 'encoding', 'quantization error', 'term source',
  'matrix index', 'matrix fit', 'residual', 'skip', 'parameter', 'parameter vector', 'threshold kind',
  'relax', 'memory', 'count', 'utf8',
] as const;

const DIAGNOSTIC_OF_STATUS: Readonly<Record<number, DiagnosticCode>> = {
  1: 'PB501',
  2: 'PB502',
  3: 'PB503',
  4: 'PB504',
  5: 'PB505',
  6: 'PB506',
  7: 'PB401',
  8: 'PB001',
  9: 'PB001',
  10: 'PB603',
};

export interface RuntimeStatus {
  readonly code: number;
  readonly detail: number;
  /** Byte offset in the container, or -1. */
  readonly offset: number;
}

/** The diagnostic for a failed generic-runtime call. */
export function statusError(status: RuntimeStatus, file: string): PibinnError {
  const name = STATUS_NAMES[status.code] ?? `status ${status.code}`;
  const detail = DETAIL_NAMES[status.detail] ?? `detail ${status.detail}`;
  const limit = status.code === 7;
  return new PibinnError([
    {
      code: DIAGNOSTIC_OF_STATUS[status.code] ?? 'PB505',
      severity: 'error',
      file,
      byteOffset: status.offset >= 0 ? status.offset : undefined,
      message: `the generic runtime rejected the container: ${name} (${detail}, runtime status ${status.code}.${status.detail})`,
      fix: limit
        ? 'the model needs more than the runtime allows (2 GiB of linear memory, 2^31 - 1 signs per matrix); use a smaller model'
        : 'the file is damaged or not a .pibinn container; rebuild it with pibinn-compile (`pibinn-compile check <file>` names the broken field)',
    },
  ]);
}

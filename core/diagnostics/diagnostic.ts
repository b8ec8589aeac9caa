/**
 * Diagnostics: numbered, located (file + JSON path or byte offset), saying what was expected,
 * what was found and how to fix it. Errors travel as a `PibinnError` so the CLI can print them
 * and exit non-zero without a stack trace.
 */
import { DIAGNOSTIC_CODES, type DiagnosticCode } from './codes.js';

export type Severity = 'error' | 'warning';

/** A JSON path as segments: object keys and array indices, rendered as `$.a.b[3]`. */
export type JsonPath = readonly (string | number)[];

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  /** The file the problem is in (model.json, an external payload, a container). */
  readonly file: string;
  readonly jsonPath?: JsonPath;
  /**
   * 1-based line and column in `file`, when the producer knows them better than a SourceLocator
   * would (a duplicate key's second occurrence, a byte that is not UTF-8); wins over the locator.
   */
  readonly position?: { readonly line: number; readonly column: number };
  readonly byteOffset?: number;
  readonly message: string;
  readonly expected?: string;
  readonly found?: string;
  /** What the user should do about it. */
  readonly fix?: string;
}

export class PibinnError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  /** Maps JSON paths to line:column when the source text is known (set by the loader). */
  readonly locate?: SourceLocator;

  constructor(diagnostics: Diagnostic | readonly Diagnostic[], locate?: SourceLocator) {
    const list = Array.isArray(diagnostics) ? diagnostics : [diagnostics as Diagnostic];
    super(list.map((d) => formatDiagnostic(d, locate)).join('\n'));
    this.name = 'PibinnError';
    this.diagnostics = list;
    this.locate = locate;
  }
}

/** Builds and throws an error diagnostic. */
export function fail(diagnostic: Omit<Diagnostic, 'severity'>): never {
  throw new PibinnError({ ...diagnostic, severity: 'error' });
}

export function renderJsonPath(path: JsonPath): string {
  let out = '$';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) out += `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Resolves a JSON path to a 1-based line and column in the source, when the source is at hand. */
export type SourceLocator = (path: JsonPath) => { line: number; column: number } | undefined;

/**
 * `model.json:12:7: $.matrices.W.structure.blockRows: error PB203 (block-diagonal blocks do not
 * tile the matrix): ... expected ..., found .... Fix: ...`
 */
export function formatDiagnostic(d: Diagnostic, locate?: SourceLocator): string {
  let where = d.file;
  const position = positionOf(d, locate);
  if (position) where += `:${position.line}:${position.column}`;
  if (d.jsonPath !== undefined) where += `: ${renderJsonPath(d.jsonPath)}`;
  if (d.byteOffset !== undefined) where += `: byte ${d.byteOffset}`;
  let text = `${where}: ${d.severity} ${d.code} (${DIAGNOSTIC_CODES[d.code]}): ${d.message}`;
  if (d.expected !== undefined) text += `; expected ${d.expected}`;
  if (d.found !== undefined) text += `, found ${d.found}`;
  if (d.fix !== undefined) text += `. Fix: ${d.fix}`;
  return text;
}

/** Where a diagnostic points in its file: its own position, else its JSON path through the locator. */
export function positionOf(d: Diagnostic, locate?: SourceLocator): { line: number; column: number } | undefined {
  if (d.position !== undefined) return d.position;
  return d.jsonPath === undefined ? undefined : locate?.(d.jsonPath);
}

/** A diagnostic as one JSON object (the CLI's --json diagnostics): every key present, null when absent. */
export interface DiagnosticJson {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  /** The code's short title, as in `error PB205 (blocks overlap)`. */
  readonly title: string;
  readonly file: string;
  readonly line: number | null;
  readonly column: number | null;
  /** Rendered, e.g. `$.matrices.B.structure.blocks[2]`. */
  readonly jsonPath: string | null;
  readonly byteOffset: number | null;
  readonly message: string;
  readonly expected: string | null;
  readonly found: string | null;
  readonly fix: string | null;
}

export function diagnosticToJson(d: Diagnostic, locate?: SourceLocator): DiagnosticJson {
  const position = positionOf(d, locate);
  return {
    code: d.code,
    severity: d.severity,
    title: DIAGNOSTIC_CODES[d.code],
    file: d.file,
    line: position?.line ?? null,
    column: position?.column ?? null,
    jsonPath: d.jsonPath === undefined ? null : renderJsonPath(d.jsonPath),
    byteOffset: d.byteOffset ?? null,
    message: d.message,
    expected: d.expected ?? null,
    found: d.found ?? null,
    fix: d.fix ?? null,
  };
}

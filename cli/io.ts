/**
 * Where a command's words go. stdout carries the result (a report, a check verdict, outputs);
 * stderr carries diagnostics, notes ("wrote ...") and progress. Under --json both streams are
 * machine-readable: stdout one JSON document, stderr JSON Lines (one diagnostic or note per
 * line), and no progress.
 */
import { diagnosticToJson, formatDiagnostic, type Diagnostic, type SourceLocator } from '../core/diagnostics/diagnostic.js';

export interface Io {
  readonly json: boolean;
  /** The command's result, on stdout. */
  result(text: string): void;
  /** A line for the user on stderr (`{"severity":"info","message":...}` under --json). */
  note(text: string): void;
  /** Errors or warnings on stderr, located through `locate` when given. */
  diagnostics(list: readonly Diagnostic[], locate?: SourceLocator): void;
  /** A step of a long operation on stderr; a no-op unless progress is on (a terminal, no --quiet, no --json). */
  progress(text: string): void;
}

export interface IoOptions {
  readonly json: boolean;
  readonly progress: boolean;
  /** Milliseconds since some fixed point, for the elapsed time progress lines show (tests inject it). */
  readonly now?: () => number;
}

export function createIo(out: (text: string) => void, err: (text: string) => void, options: IoOptions): Io {
  const now = options.now ?? (() => performance.now());
  const started = now();
  return {
    json: options.json,
    result: out,
    note: (text) => err(options.json ? JSON.stringify({ severity: 'info', message: text }) : text),
    diagnostics: (list, locate) => {
      for (const d of list) err(options.json ? JSON.stringify(diagnosticToJson(d, locate)) : formatDiagnostic(d, locate));
    },
    progress: (text) => {
      if (options.progress && !options.json) err(`[${((now() - started) / 1000).toFixed(1).padStart(6)} s] ${text}`);
    },
  };
}

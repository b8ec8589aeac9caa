/**
 * What every command shares: the option and context types, common options, and the helpers
 * that open a model and render the report.
 */
import { fail } from '../core/diagnostics/diagnostic.js';
import type { IRModel } from '../core/ir.js';
import type { LoadOptions } from '../compiler/load/load-model.js';
import { buildFootprint, type FootprintOptions, type FootprintReport } from '../compiler/report/footprint.js';
import type { Provenance } from '../compiler/report/provenance.js';
import { renderHtml } from '../compiler/report/render-html.js';
import { renderMarkdown } from '../compiler/report/render-markdown.js';
import { renderText } from '../compiler/report/render-text.js';
import { DEFAULT_LIMITS, parseLimitOverrides } from '../compiler/validate/limits.js';
import type { Io } from './io.js';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** May be given several times (the value is then a list). */
  readonly multiple?: boolean;
  readonly description: string;
}
export type Options = Record<string, OptionSpec>;
export type Values = Record<string, string | boolean | string[] | undefined>;

export interface CommandContext {
  readonly positionals: readonly string[];
  readonly values: Values;
  readonly io: Io;
}

export interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly options: Options;
  /** Groups of options of which at most one may be given (e.g. the report formats). */
  readonly conflicts?: readonly (readonly string[])[];
  readonly run: (context: CommandContext) => number | Promise<number>;
}

export const MODEL_OPTIONS: Options = {
  'allow-unused': { type: 'boolean', description: 'accept matrices no layer uses (an error by spec section 4) with a warning' },
  limit: {
    type: 'string',
    multiple: true,
    description: `raise (or lower) an implementation limit, e.g. --limit maxDimension=33554432 (repeatable; limits: ${Object.keys(DEFAULT_LIMITS).join(', ')})`,
  },
};

export const REPORT_OPTIONS: Options = {
  'contraction-budget': {
    type: 'string',
    description: 'matrix entries the contraction estimates may visit (default 3e8, about 1 s); layers it cannot afford 3 iterations of are skipped',
  },
  json: { type: 'boolean', description: 'print the report as JSON (schema/footprint-report.schema.json); diagnostics become JSON Lines on stderr' },
  md: { type: 'boolean', description: 'print the report as Markdown' },
  html: { type: 'boolean', description: 'print the report as one self-contained HTML page (inline CSS and SVG, no network)' },
};

export const REPORT_FORMATS = ['json', 'md', 'html'] as const;

export function loadOptions(values: Values): LoadOptions {
  const limits = Array.isArray(values.limit) ? parseLimitOverrides(values.limit) : {};
  return { allowUnused: values['allow-unused'] === true, limits };
}

export function single(positionals: readonly string[], what: string): string {
  if (positionals.length !== 1) {
    fail({ code: 'PB001', file: '<command line>', message: `expected exactly one ${what} argument`, found: `${positionals.length}` });
  }
  return positionals[0];
}

/** The value of a string option (parseArgs gives a list only for `multiple` options). */
export function stringOption(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function footprintOptions(values: Values): FootprintOptions {
  const budget = values['contraction-budget'];
  if (budget === undefined) return {};
  const value = Number(budget);
  if (!(value >= 0)) fail({ code: 'PB001', file: '<command line>', message: '--contraction-budget takes a number >= 0', found: String(budget) });
  return { contractionBudget: value };
}

/** The model's report (its warnings printed); `provenance` saves writing the container again when the caller has it. */
export function reportOf(model: IRModel, values: Values, io: Io, provenance?: Provenance): FootprintReport {
  const report = buildFootprint(model, { ...footprintOptions(values), ...(provenance !== undefined && { provenance }) });
  io.diagnostics(report.warnings);
  return report;
}

export function renderReport(report: FootprintReport, values: Values): string {
  if (values.json) return JSON.stringify(report, null, 2);
  if (values.md) return renderMarkdown(report);
  if (values.html) return renderHtml(report);
  return renderText(report);
}

/**
 * The CLI's commands, one function each, declared in one table (name, options, help) so the
 * usage text and the parser cannot drift apart.
 */
import { writeContainer } from '../compiler/container/write.js';
import { provenanceOf } from '../compiler/report/provenance.js';
import { BUILD_COMMAND } from './build-command.js';
import { loadOptions, MODEL_OPTIONS, renderReport, reportOf, REPORT_FORMATS, REPORT_OPTIONS, single, stringOption, type Command } from './command.js';
import { openModel } from './open-model.js';
import { RUN_COMMAND } from './run-command.js';
import { writeFileAtomic } from './write-atomic.js';

export type { Command } from './command.js';

export const COMMANDS: Record<string, Command> = {
  compile: {
    summary: 'validate a model.json, write its .pibinn container and print the footprint report',
    usage: 'pibinn-compile [compile] <model.json> [-o <out.pibinn>] [--json | --md | --html] [--quiet]',
    options: {
      output: { type: 'string', short: 'o', description: 'container path (default: ./<model name>.pibinn)' },
      quiet: { type: 'boolean', short: 'q', description: 'do not print the report' },
      ...MODEL_OPTIONS,
      ...REPORT_OPTIONS,
    },
    conflicts: [REPORT_FORMATS],
    run: ({ positionals, values, io }) => {
      const opened = openModel(single(positionals, 'model.json'), loadOptions(values));
      io.diagnostics(opened.warnings, opened.locate);
      const container = writeContainer(opened.model);
      const target = stringOption(values, 'output') ?? `${opened.model.name}.pibinn`;
      writeFileAtomic(target, container);
      io.note(`wrote ${target} (${container.length} bytes)`);
      if (!values.quiet) io.result(renderReport(reportOf(opened.model, values, io, provenanceOf(opened.model, { container })), values));
      return 0;
    },
  },
  build: BUILD_COMMAND,
  check: {
    summary: 'validate a model.json or verify a .pibinn container; print nothing else on success',
    usage: 'pibinn-compile check <model.json | model.pibinn> [--json]',
    options: {
      ...MODEL_OPTIONS,
      json: { type: 'boolean', description: 'print the verdict as JSON ({"ok", "file", "kind", "name", "layers", "matrices"}); diagnostics become JSON Lines on stderr' },
    },
    run: ({ positionals, values, io }) => {
      const path = single(positionals, 'model.json or .pibinn');
      const opened = openModel(path, loadOptions(values));
      io.diagnostics(opened.warnings, opened.locate);
      const { model } = opened;
      if (values.json) {
        io.result(JSON.stringify({ ok: true, file: path, kind: opened.kind, name: model.name, layers: model.layers.length, matrices: model.matrices.length }));
      } else {
        io.result(`${path}: ok (${opened.kind}, ${model.layers.length} layers, ${model.matrices.length} matrices)`);
      }
      return 0;
    },
  },
  report: {
    summary: 'print the footprint report of a model.json or a .pibinn container (text, Markdown, JSON or an HTML page)',
    usage: 'pibinn-compile report <model.json | model.pibinn> [--json | --md | --html] [-o <file>]',
    options: {
      ...MODEL_OPTIONS,
      ...REPORT_OPTIONS,
      output: { type: 'string', short: 'o', description: 'write the report to this file (whole or not at all) instead of stdout' },
    },
    conflicts: [REPORT_FORMATS],
    run: ({ positionals, values, io }) => {
      const opened = openModel(single(positionals, 'model.json or .pibinn'), loadOptions(values));
      io.diagnostics(opened.warnings, opened.locate);
      const text = renderReport(reportOf(opened.model, values, io), values);
      const target = stringOption(values, 'output');
      if (target === undefined) {
        io.result(text);
      } else {
        writeFileAtomic(target, text.endsWith('\n') ? text : `${text}\n`);
        io.note(`wrote ${target}`);
      }
      return 0;
    },
  },
  run: RUN_COMMAND,
};

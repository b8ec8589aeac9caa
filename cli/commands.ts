/**
 * The CLI's commands, one function each, declared in one table (name, options, help) so the
 * usage text and the parser cannot drift apart.
 */
import { writeContainer } from '../compiler/container/write.js';
import { BUILD_COMMAND } from './build-command.js';
import { loadOptions, MODEL_OPTIONS, printWarnings, renderReport, reportOf, REPORT_OPTIONS, single, type Command } from './command.js';
import { openModel } from './open-model.js';
import { RUN_COMMAND } from './run-command.js';
import { writeFileAtomic } from './write-atomic.js';

export type { Command } from './command.js';

export const COMMANDS: Record<string, Command> = {
  compile: {
    summary: 'validate a model.json, write its .pibinn container and print the footprint report',
    usage: 'pibinn-compile [compile] <model.json> [-o <out.pibinn>] [--json | --md] [--quiet]',
    options: {
      output: { type: 'string', short: 'o', description: 'container path (default: ./<model name>.pibinn)' },
      quiet: { type: 'boolean', short: 'q', description: 'do not print the report' },
      ...MODEL_OPTIONS,
      ...REPORT_OPTIONS,
    },
    run: ({ positionals, values, out, err }) => {
      const opened = openModel(single(positionals, 'model.json'), loadOptions(values));
      printWarnings(opened.warnings, err, opened.locate);
      const container = writeContainer(opened.model);
      const target = typeof values.output === 'string' ? values.output : `${opened.model.name}.pibinn`;
      writeFileAtomic(target, container);
      err(`wrote ${target} (${container.length} bytes)`);
      if (!values.quiet) out(renderReport(reportOf(opened.model, values, err), values));
      return 0;
    },
  },
  build: BUILD_COMMAND,
  check: {
    summary: 'validate a model.json or verify a .pibinn container; print nothing else on success',
    usage: 'pibinn-compile check <model.json | model.pibinn>',
    options: MODEL_OPTIONS,
    run: ({ positionals, values, out, err }) => {
      const path = single(positionals, 'model.json or .pibinn');
      const opened = openModel(path, loadOptions(values));
      printWarnings(opened.warnings, err, opened.locate);
      out(`${path}: ok (${opened.kind}, ${opened.model.layers.length} layers, ${opened.model.matrices.length} matrices)`);
      return 0;
    },
  },
  report: {
    summary: 'print the footprint report of a model.json or a .pibinn container',
    usage: 'pibinn-compile report <model.json | model.pibinn> [--json | --md]',
    options: { ...MODEL_OPTIONS, ...REPORT_OPTIONS },
    run: ({ positionals, values, out, err }) => {
      const opened = openModel(single(positionals, 'model.json or .pibinn'), loadOptions(values));
      printWarnings(opened.warnings, err, opened.locate);
      out(renderReport(reportOf(opened.model, values, err), values));
      return 0;
    },
  },
  run: RUN_COMMAND,
};


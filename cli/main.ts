/**
 * `pibinn-compile`: entry point. Parses the command line, runs one command, and turns every
 * PibinnError into numbered diagnostics on stderr with a non-zero exit code (never a stack trace).
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fail, PibinnError } from '../core/diagnostics/diagnostic.js';
import { toolVersion } from '../compiler/report/provenance.js';
import { closestMatch } from '../compiler/validate/suggest.js';
import type { Command } from './command.js';
import { COMMANDS } from './commands.js';
import { createIo } from './io.js';

const EXIT_DIAGNOSTIC = 1;
const EXIT_USAGE = 2;
const EXIT_INTERNAL = 70;

export interface MainOptions {
  /** Progress lines on stderr for long commands; default: when stderr is a terminal. */
  readonly progress?: boolean;
  /** Clock for the elapsed time of progress lines, in milliseconds. */
  readonly now?: () => number;
}

export async function main(argv: readonly string[], out = printOut, err = printErr, options: MainOptions = {}): Promise<number> {
  // Known before parsing, so that even a usage error comes out machine-readable.
  const json = argv.includes('--json');
  const quiet = argv.includes('--quiet') || argv.includes('-q');
  const io = createIo(out, err, { json, progress: (options.progress ?? process.stderr.isTTY === true) && !quiet, now: options.now });
  try {
    const [first, ...rest] = argv;
    if (first === undefined) {
      out(usage());
      return EXIT_USAGE;
    }
    if (first === '--help' || first === '-h') {
      out(usage());
      return 0;
    }
    if (first === 'help') {
      out(rest.length === 0 ? usage() : commandHelp(commandNamed(rest[0])));
      return 0;
    }
    if (first === '--version' || first === '-V') {
      out(toolVersion());
      return 0;
    }
    const { command, args } = resolveCommand(first, rest, argv);
    const { values, positionals } = parseCommandLine(command, args);
    if (values.help) {
      out(commandHelp(command));
      return 0;
    }
    refuseConflicts(command, values);
    return await command.run({ positionals, values, io });
  } catch (error) {
    if (error instanceof PibinnError) {
      io.diagnostics(error.diagnostics, error.locate);
      return error.diagnostics.some((d) => d.code === 'PB001') ? EXIT_USAGE : EXIT_DIAGNOSTIC;
    }
    io.note(`pibinn-compile: internal error: ${error instanceof Error ? error.message : String(error)}`);
    io.note('This is a bug in pibinn; please report it with the model that triggers it (set PIBINN_DEBUG=1 for a stack trace).');
    if (process.env.PIBINN_DEBUG && error instanceof Error) io.note(error.stack ?? '');
    return EXIT_INTERNAL;
  }
}

/**
 * A command name, or a model path meaning `compile` (the main job). A word that is neither a
 * command nor an existing file is a mistyped command far more often than a missing model.
 */
function resolveCommand(first: string, rest: readonly string[], argv: readonly string[]): { command: Command; args: readonly string[] } {
  if (Object.hasOwn(COMMANDS, first)) return { command: COMMANDS[first], args: rest };
  if (first.startsWith('-') || existsSync(first) || /\.(json|pibinn)$/i.test(first)) return { command: COMMANDS.compile, args: argv };
  return { command: commandNamed(first), args: rest };
}

function commandNamed(name: string): Command {
  if (Object.hasOwn(COMMANDS, name)) return COMMANDS[name];
  const names = Object.keys(COMMANDS);
  const match = closestMatch(name, names);
  return fail({
    code: 'PB001',
    file: '<command line>',
    message: `"${name}" is neither a command nor an existing file`,
    expected: `a command (${names.join(', ')}) or a model path`,
    found: JSON.stringify(name),
    fix: match !== undefined ? `did you mean "${match}"?` : 'run `pibinn-compile --help` for the commands',
  });
}

function parseCommandLine(command: Command, args: readonly string[]) {
  try {
    const options = Object.fromEntries(
      Object.entries(command.options).map(([name, { type, short, multiple }]) => [name, { type, ...(short !== undefined && { short }), ...(multiple && { multiple }) }]),
    );
    return parseArgs({
      args: [...args],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return fail({ code: 'PB001', file: '<command line>', message: (error as Error).message, fix: `usage: ${command.usage}` });
  }
}

/** Options that contradict each other are refused, never silently resolved (`--json --md`). */
function refuseConflicts(command: Command, values: Record<string, unknown>): void {
  for (const group of command.conflicts ?? []) {
    const given = group.filter((name) => values[name] !== undefined && values[name] !== false);
    if (given.length > 1) {
      fail({
        code: 'PB001',
        file: '<command line>',
        message: `${given.map((n) => `--${n}`).join(' and ')} cannot be combined`,
        expected: `at most one of ${group.map((n) => `--${n}`).join(', ')}`,
        found: given.map((n) => `--${n}`).join(' '),
        fix: 'keep one of them',
      });
    }
  }
}

function usage(): string {
  const lines = ['pibinn-compile: compile one-bit physics-inspired networks (PIBiNN) for the edge', '', 'Commands:'];
  for (const [name, command] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(8)} ${command.summary}`, `           ${command.usage}`);
  lines.push(
    '',
    'Run `pibinn-compile help <command>` (or `<command> --help`) for the options of a command;',
    '`pibinn-compile --version` (-V) prints the version. With --json, diagnostics are JSON Lines on stderr.',
  );
  return lines.join('\n');
}

function commandHelp(command: Command): string {
  const options = Object.entries(command.options).map(
    ([name, option]) => `  --${name}${option.short ? `, -${option.short}` : ''}${option.type === 'string' ? ' <value>' : ''}  ${option.description}`,
  );
  return [`usage: ${command.usage}`, '', command.summary, '', 'Options:', ...options, '  --help, -h  print this help'].join('\n');
}

function printOut(text: string): void {
  process.stdout.write(`${text}\n`);
}

function printErr(text: string): void {
  process.stderr.write(`${text}\n`);
}

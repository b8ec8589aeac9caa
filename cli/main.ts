/**
 * `pibinn-compile`: entry point. Parses the command line, runs one command, and turns every
 * PibinnError into numbered diagnostics on stderr with a non-zero exit code (never a stack trace).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatDiagnostic, PibinnError } from '../core/diagnostics/diagnostic.js';
import { COMMANDS, type Command } from './commands.js';

const EXIT_DIAGNOSTIC = 1;
const EXIT_USAGE = 2;
const EXIT_INTERNAL = 70;

export async function main(argv: readonly string[], out = printOut, err = printErr): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    out(usage());
    return first === undefined ? EXIT_USAGE : 0;
  }
  if (first === '--version') {
    out(packageVersion());
    return 0;
  }
  // A bare model path means `compile`, the main job.
  const name = first in COMMANDS ? first : 'compile';
  const args = first in COMMANDS ? rest : argv;
  const command = COMMANDS[name];
  try {
    const { values, positionals } = parseCommandLine(command, args);
    if (values.help) {
      out(`${command.usage}\n\n${command.summary}\n\n${describeOptions(command)}`);
      return 0;
    }
    return await command.run({ positionals, values, out, err });
  } catch (error) {
    if (error instanceof PibinnError) {
      for (const d of error.diagnostics) err(formatDiagnostic(d, error.locate));
      return error.diagnostics.some((d) => d.code === 'PB001') ? EXIT_USAGE : EXIT_DIAGNOSTIC;
    }
    err(`pibinn-compile: internal error: ${error instanceof Error ? error.message : String(error)}`);
    err('This is a bug in pibinn; please report it with the model that triggers it (set PIBINN_DEBUG=1 for a stack trace).');
    if (process.env.PIBINN_DEBUG && error instanceof Error) err(error.stack ?? '');
    return EXIT_INTERNAL;
  }
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
    throw new PibinnError({
      code: 'PB001',
      severity: 'error',
      file: '<command line>',
      message: (error as Error).message,
      fix: `usage: ${command.usage}`,
    });
  }
}

function usage(): string {
  const lines = ['pibinn-compile: compile one-bit physics-inspired networks (PIBiNN) for the edge', '', 'Commands:'];
  for (const [name, command] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(8)} ${command.summary}`, `           ${command.usage}`);
  lines.push('', 'Run `pibinn-compile <command> --help` for the options of a command.');
  return lines.join('\n');
}

function describeOptions(command: Command): string {
  return Object.entries(command.options)
    .map(([name, option]) => `  --${name}${option.short ? `, -${option.short}` : ''}${option.type === 'string' ? ' <value>' : ''}  ${option.description}`)
    .join('\n');
}

function printOut(text: string): void {
  process.stdout.write(`${text}\n`);
}

function printErr(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** The version in the package.json above this file (the same walk works from sources and from dist/). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'pibinn') return pkg.version ?? 'unknown';
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

/**
 * Runs the external tools of the MCU target (wasm2c, arm-none-eabi-gcc, make, qemu-system-arm)
 * with a timeout, turning "not installed" and "failed" into numbered diagnostics that name the
 * Debian package to install.
 */
import { spawnSync } from 'node:child_process';
import { fail } from '../../core/diagnostics/diagnostic.js';

/** Debian package providing each tool (CI installs these). */
export const TOOL_PACKAGES: Readonly<Record<string, string>> = {
  wasm2c: 'wabt',
  make: 'make',
  'arm-none-eabi-gcc': 'gcc-arm-none-eabi libnewlib-arm-none-eabi',
  'arm-none-eabi-size': 'binutils-arm-none-eabi',
  'arm-none-eabi-nm': 'binutils-arm-none-eabi',
  'qemu-system-arm': 'qemu-system-arm',
};

export interface ToolResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
}

export interface ToolOptions {
  readonly cwd?: string;
  readonly timeoutMs?: number;
  /** Exit statuses that are not failures (default: only 0). */
  readonly okStatuses?: readonly number[];
}

export function runTool(tool: string, args: readonly string[], options: ToolOptions = {}): ToolResult {
  const result = spawnSync(tool, args, {
    cwd: options.cwd,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const command = `${tool} ${args.join(' ')}`;
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    fail({
      code: 'PB604',
      file: tool,
      message: `${tool} is not installed (needed by the MCU target)`,
      fix: `apt-get install -y ${TOOL_PACKAGES[tool] ?? tool}`,
    });
  }
  if (result.error || result.status === null) {
    fail({ code: 'PB605', file: tool, message: `${command} did not finish: ${result.error?.message ?? `killed by ${result.signal}`}` });
  }
  if (!(options.okStatuses ?? [0]).includes(result.status)) {
    fail({
      code: 'PB605',
      file: tool,
      message: `${command} exited with status ${result.status}\n${(result.stderr + result.stdout).slice(-4000)}`,
    });
  }
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

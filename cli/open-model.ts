/**
 * Opens what the user pointed at: a model.json (loaded and validated) or a .pibinn container
 * (verified and decoded). Both end as the same IR, so every command works on either.
 */
import { readContainer } from '../compiler/container/read.js';
import { CONTAINER_FILE_IDENTIFIER } from '../compiler/container/read.js';
import { fail, PibinnError, type Diagnostic, type SourceLocator } from '../core/diagnostics/diagnostic.js';
import { readRegularFile } from '../compiler/io/regular-file.js';
import { float32Overflows } from '../compiler/validate/float32-range.js';
import { checkIrLimits } from '../compiler/validate/ir-limits.js';
import { resolveLimits } from '../compiler/validate/limits.js';
import { loadModel, type LoadOptions } from '../compiler/load/load-model.js';
import type { IRModel } from '../core/ir.js';

export interface OpenedModel {
  readonly model: IRModel;
  readonly kind: 'model.json' | 'container';
  readonly warnings: readonly Diagnostic[];
  readonly locate?: SourceLocator;
}

export function openModel(path: string, options: LoadOptions = {}): OpenedModel {
  if (path.toLowerCase().endsWith('.json')) {
    const { model, warnings, locate } = loadModel(path, options);
    return { model, kind: 'model.json', warnings, locate };
  }
  const bytes = readInput(path);
  if (!hasContainerIdentifier(bytes)) {
    fail({
      code: 'PB004',
      file: path,
      byteOffset: 4,
      message: 'the file is neither a model.json nor a .pibinn container',
      expected: `a .json model, or a container with file identifier "${CONTAINER_FILE_IDENTIFIER}" at bytes 4..7`,
      found: JSON.stringify(Buffer.from(bytes.subarray(4, 8)).toString('latin1')),
      fix: 'pass a model.json file or a container written by pibinn-compile',
    });
  }
  const model = readContainer(bytes, path);
  const tooBig = checkIrLimits(model, resolveLimits(options.limits), path);
  if (tooBig.length > 0) throw new PibinnError(tooBig);
  return { model, kind: 'container', warnings: float32Overflows(model, path) };
}

function hasContainerIdentifier(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  return Buffer.from(bytes.subarray(4, 8)).toString('latin1') === CONTAINER_FILE_IDENTIFIER;
}

export function readInput(path: string): Uint8Array {
  return readRegularFile(path);
}

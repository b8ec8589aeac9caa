/**
 * Resolves a payload's `file` against the model's directory, refusing anything that could read
 * outside it: absolute paths, `..` segments, and symlinks whose target lies elsewhere.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, posix, relative, resolve, sep, win32 } from 'node:path';
import { fail, type JsonPath } from '../../core/diagnostics/diagnostic.js';

/** Absolute real path of the payload file; throws PB302 (unsafe) or PB303 (missing). */
export function resolvePayloadPath(given: string, baseDir: string, modelFile: string, jsonPath: JsonPath): string {
  const unsafe = (why: string): never =>
    fail({ code: 'PB302', file: modelFile, jsonPath, message: `unsafe payload path: ${why}`, found: JSON.stringify(given), fix: "give a relative path inside the model's directory, without '..'" });
  if (given.includes('\0')) unsafe('it contains a NUL character');
  if (isAbsolute(given) || posix.isAbsolute(given) || win32.isAbsolute(given)) unsafe('absolute paths are not allowed');
  if (given.split(/[\\/]/).includes('..')) unsafe("'..' segments are not allowed");
  let real: string;
  let realBase: string;
  try {
    realBase = realpathSync(baseDir);
    real = realpathSync(resolve(baseDir, given));
  } catch (error) {
    return fail({
      code: 'PB303',
      file: modelFile,
      jsonPath,
      message: `cannot open payload file ${JSON.stringify(given)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      expected: `a file in ${baseDir}`,
      fix: 'check the path; it is relative to the directory of model.json',
    });
  }
  const inside = relative(realBase, real);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
    unsafe(`it resolves (through a symbolic link) to ${real}, outside the model's directory`);
  }
  return real;
}

/**
 * Input files are regular files, checked before they are opened: reading a directory fails late
 * with EISDIR (after its size was taken for the data's), and opening a FIFO or a terminal
 * blocks until someone writes to it.
 */
import { readFileSync, statSync, type Stats } from 'node:fs';
import { fail } from '../../core/diagnostics/diagnostic.js';

/** `a directory`, `a FIFO`, ... for anything but a regular file; undefined for a regular file. */
export function describeNonRegular(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/** Size of the regular file at `path`, or PB002 naming why it cannot be read. */
export function regularFileSize(path: string): number {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    return fail({ code: 'PB002', file: path, message: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, fix: 'check the path and its permissions' });
  }
  const kind = describeNonRegular(stats);
  if (kind !== undefined) fail({ code: 'PB002', file: path, message: `cannot read the file: it is ${kind}`, expected: 'a regular file', found: kind, fix: 'give the path of a file' });
  return stats.size;
}

/** The bytes of a regular file (PB002 otherwise); `checkSize` may refuse it before it is read. */
export function readRegularFile(path: string, checkSize?: (bytes: number) => void): Uint8Array {
  const size = regularFileSize(path);
  checkSize?.(size);
  try {
    return readFileSync(path);
  } catch (error) {
    return fail({ code: 'PB002', file: path, message: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, fix: 'check the path and its permissions' });
  }
}

/**
 * Output files appear whole or not at all: write a sibling temp file, then rename over the
 * target. A failure removes the temp file, so no half-written container is ever left behind.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fail } from '../core/diagnostics/diagnostic.js';

export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(temp, 'w');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    removeQuietly(temp);
    fail({
      code: 'PB003',
      file: path,
      message: `could not write the output (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      fix: 'check that the directory exists and is writable, and that the disk has space',
    });
  }
}

/** Best effort: when the directory itself is unusable there is no temp file to remove either. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Nothing was created.
  }
}

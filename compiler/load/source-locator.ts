/**
 * Maps JSON paths back to line:column in the model text, lazily: nothing runs until a
 * diagnostic is printed, and each lookup is one streaming scan that skips every subtree off the
 * path, so locating an error in a huge inline model builds no syntax tree.
 */
import { visit } from 'jsonc-parser';
import type { JsonPath, SourceLocator } from '../../core/diagnostics/diagnostic.js';

export function createSourceLocator(text: string): SourceLocator {
  return (path) => {
    const offset = findOffset(text, path);
    return offset === undefined ? undefined : lineColumnAt(text, offset);
  };
}

/** 1-based line and column of a character offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** Thrown from a visitor callback to stop the scan once the whole path is found. */
const FOUND = Symbol('found');

/**
 * Offset of the deepest existing node on `path`: the property key for object members (so an
 * unknown-key error points at the key), the value for array items and the root.
 */
function findOffset(text: string, path: JsonPath): number | undefined {
  let best: number | undefined;
  let bestDepth = -1;
  const onPath = (current: readonly (string | number)[]) =>
    current.length <= path.length && current.every((segment, i) => segment === path[i]);
  const consider = (current: readonly (string | number)[], offset: number) => {
    if (onPath(current) && current.length > bestDepth) {
      best = offset;
      bestDepth = current.length;
      if (bestDepth === path.length) throw FOUND;
    }
  };
  // A container is entered only when it lies on the path; returning false skips its contents.
  const enter = (offset: number, pathSupplier: () => (string | number)[]) => {
    const current = pathSupplier();
    if (!onPath(current)) return false;
    if (current.length === 0 || typeof current[current.length - 1] === 'number') consider(current, offset);
    return true;
  };
  try {
    visit(text, {
      onObjectBegin: (offset, _l, _sl, _sc, pathSupplier) => enter(offset, pathSupplier),
      onArrayBegin: (offset, _l, _sl, _sc, pathSupplier) => enter(offset, pathSupplier),
      // jsonc-parser ends a skipped subtree only in its end callbacks, and only when they are given.
      onObjectEnd: () => {},
      onArrayEnd: () => {},
      onObjectProperty: (property, offset, _l, _sl, _sc, pathSupplier) => consider([...pathSupplier(), property], offset),
      onLiteralValue: (_v, offset, _l, _sl, _sc, pathSupplier) => {
        const current = pathSupplier();
        if (typeof current[current.length - 1] === 'number') consider(current, offset);
      },
    });
  } catch (error) {
    if (error !== FOUND) throw error;
  }
  return best;
}

/**
 * One linear, iterative pass over model text for what JSON.parse lets through silently:
 * - nesting deeper than the limit: every recursive consumer after the parser (ajv,
 *   JSON.stringify, jsonc-parser, structured clones) would overflow the stack;
 * - duplicate keys: JSON.parse keeps the last one, other parsers the first (RFC 8259 leaves it
 *   open), so the model would mean different things to different tools;
 * - `\uD800`-style escapes that are not half of a surrogate pair: no Unicode character, so the
 *   container's UTF-8 would silently hold U+FFFD instead.
 * It never recurses and never throws, so it also bounds the depth of text JSON.parse refused
 * before jsonc-parser (recursive) looks for the syntax error.
 */
import type { Diagnostic, JsonPath } from '../../core/diagnostics/diagnostic.js';
import { limitFix } from '../validate/limits.js';
import { lineColumnAt } from './source-locator.js';

/** Beyond this many duplicate keys the first ones say enough. */
const MAX_DUPLICATES_REPORTED = 20;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** A UTF-16 surrogate without its partner. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

interface Frame {
  /** Keys seen so far -> offset of their opening quote; undefined for arrays. */
  readonly keys: Map<string, number> | undefined;
  /** The member being read: its key (objects) or index (arrays). */
  segment: string | number;
  /** Objects: the next string is a key. */
  expectKey: boolean;
}

export interface DepthExcess {
  readonly offset: number;
  readonly path: JsonPath;
}

/** Every problem of the three kinds, in text order (the scan stops at the first excess depth). */
export function checkJsonStructure(text: string, file: string, maxDepth: number): Diagnostic[] {
  const issues: Diagnostic[] = [];
  const excess = scan(text, maxDepth, {
    duplicate: (path, first, again) => {
      if (issues.length < MAX_DUPLICATES_REPORTED) issues.push(duplicateKey(text, file, path, first, again));
    },
    loneSurrogate: (path, offset) => issues.push(loneSurrogate(text, file, path, offset)),
  });
  if (excess !== undefined) issues.push(depthExceeded(text, file, excess, maxDepth));
  return issues;
}

/** Where the text first nests deeper than `maxDepth`, if it does (any text, valid JSON or not). */
export function findDepthExcess(text: string, maxDepth: number): DepthExcess | undefined {
  return scan(text, maxDepth, {});
}

/** The PB401 for nesting beyond the limit, positioned where the limit is crossed. */
export function depthExceeded(text: string, file: string, excess: DepthExcess, maxDepth: number): Diagnostic {
  return {
    code: 'PB401',
    severity: 'error',
    file,
    jsonPath: excess.path,
    position: lineColumnAt(text, excess.offset),
    message: `arrays and objects nest deeper than the limit maxNestingDepth = ${maxDepth}`,
    expected: `at most ${maxDepth} levels (the model's own keys need 6; metadata gets the rest)`,
    found: `level ${maxDepth + 1} at this bracket`,
    fix: limitFix('maxNestingDepth'),
  };
}

/** The JSON path of the member (or array item) that the character at `offset` belongs to, as far as it is known there. */
export function pathAt(text: string, offset: number): JsonPath {
  let found: JsonPath = [];
  scan(text, Infinity, { stopAt: { offset, found: (path) => (found = path) } });
  return found;
}

interface Listener {
  duplicate?(path: JsonPath, firstOffset: number, againOffset: number): void;
  loneSurrogate?(path: JsonPath, offset: number): void;
  stopAt?: { readonly offset: number; found(path: JsonPath): void };
}

function scan(text: string, maxDepth: number, listener: Listener): DepthExcess | undefined {
  const frames: Frame[] = [];
  const path = (): JsonPath => frames.map((f) => f.segment);
  const end = listener.stopAt === undefined ? text.length : Math.min(text.length, listener.stopAt.offset);
  // Strings with a \u escape are decoded to look for surrogates; the next escape is found once,
  // not per string, so the pass stays linear however many strings there are.
  let nextUnicodeEscape = listener.loneSurrogate ? text.indexOf('\\u') : -1;
  let i = 0;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const close = stringEnd(text, i);
      const top = frames[frames.length - 1];
      const isKey = top?.keys !== undefined && top.expectKey;
      // The stop offset falls in this string: it is the member's value, or (a key) names the member.
      if (close >= end) {
        if (isKey) top.segment = decodeString(text, i, close);
        break;
      }
      while (nextUnicodeEscape >= 0 && nextUnicodeEscape < i) nextUnicodeEscape = text.indexOf('\\u', nextUnicodeEscape + 1);
      const hasEscape = nextUnicodeEscape >= 0 && nextUnicodeEscape < close;
      const value = isKey || hasEscape ? decodeString(text, i, close) : undefined;
      if (isKey) {
        top.expectKey = false;
        top.segment = value!;
        const first = top.keys!.get(value!);
        if (first === undefined) top.keys!.set(value!, i);
        else listener.duplicate?.(path(), first, i);
      }
      if (hasEscape && LONE_SURROGATE.test(value!)) listener.loneSurrogate?.(path(), i);
      i = close;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (frames.length >= maxDepth) return { offset: i, path: path() };
      frames.push(c === OPEN_OBJECT ? { keys: new Map(), segment: '', expectKey: true } : { keys: undefined, segment: 0, expectKey: false });
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      frames.pop();
    } else if (c === COMMA) {
      const top = frames[frames.length - 1];
      if (top === undefined) continue;
      if (top.keys !== undefined) top.expectKey = true;
      else top.segment = (top.segment as number) + 1;
    }
  }
  listener.stopAt?.found(path());
  return undefined;
}

/** Offset of the quote closing the string opened at `start` (the last offset when unterminated). */
function stringEnd(text: string, start: number): number {
  for (let j = text.indexOf('"', start + 1); j >= 0; j = text.indexOf('"', j + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(j - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return j;
  }
  return text.length - 1;
}

function decodeString(text: string, start: number, end: number): string {
  const raw = text.slice(start, end + 1);
  if (!raw.includes('\\')) return raw.slice(1, -1);
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.slice(1, -1); // Only text JSON.parse refused gets here, and only its depth matters.
  }
}

function duplicateKey(text: string, file: string, path: JsonPath, firstOffset: number, againOffset: number): Diagnostic {
  const first = lineColumnAt(text, firstOffset);
  const again = lineColumnAt(text, againOffset);
  const key = path[path.length - 1];
  return {
    code: 'PB110',
    severity: 'error',
    file,
    jsonPath: path,
    position: again,
    message: `key ${JSON.stringify(key)} appears twice in the same object: at line ${first.line}, column ${first.column} and again at line ${again.line}, column ${again.column}`,
    expected: 'each key once per object',
    found: 'two members with this key (JSON parsers disagree on which one wins)',
    fix: 'keep one of them; check the exporter for a key written twice',
  };
}

function loneSurrogate(text: string, file: string, path: JsonPath, offset: number): Diagnostic {
  return {
    code: 'PB111',
    severity: 'error',
    file,
    jsonPath: path,
    position: lineColumnAt(text, offset),
    message: 'the string has a \\uD800-\\uDFFF escape that is not half of a surrogate pair: it is no Unicode character and has no UTF-8 form',
    expected: 'escapes of whole characters (a high surrogate followed by a low one)',
    found: 'a lone surrogate escape',
    fix: 'fix the exporter (Python json.dumps writes only valid pairs for valid str)',
  };
}

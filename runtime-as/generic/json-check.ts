/**
 * JSON syntax check (RFC 8259, what JSON.parse accepts) for the container's metadata_json, so the
 * runtime rejects exactly what compiler/container/verify.ts rejects. Iterative with an explicit
 * nesting stack (one byte per level, in memory the caller provides), so deep nesting cannot
 * overflow the WebAssembly call stack.
 */

const OBJECT: u8 = 1;
const ARRAY: u8 = 2;

const EXPECT_VALUE = 0;
const EXPECT_KEY = 1;
const AFTER_VALUE = 2;

let p: usize = 0;
let end: usize = 0;

@inline function skipWhitespace(): void {
  while (p < end) {
    const c = load<u8>(p);
    if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) return;
    p++;
  }
}

@inline function isDigit(c: u32): bool {
  return c >= 0x30 && c <= 0x39;
}

@inline function isHex(c: u32): bool {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

function digits(): bool {
  const start = p;
  while (p < end && isDigit(load<u8>(p))) p++;
  return p > start;
}

function number(): bool {
  if (load<u8>(p) == 0x2d) p++;
  if (p >= end) return false;
  if (load<u8>(p) == 0x30) p++;
  else if (!digits()) return false;
  if (p < end && load<u8>(p) == 0x2e) {
    p++;
    if (!digits()) return false;
  }
  if (p < end && (load<u8>(p) | 0x20) == 0x65) {
    p++;
    if (p < end && (load<u8>(p) == 0x2b || load<u8>(p) == 0x2d)) p++;
    if (!digits()) return false;
  }
  return true;
}

/** A string starting at its opening quote; bytes >= 0x80 are already known to be valid UTF-8. */
function quoted(): bool {
  p++;
  while (p < end) {
    const c = <u32>load<u8>(p++);
    if (c == 0x22) return true;
    if (c < 0x20) return false;
    if (c != 0x5c) continue;
    if (p >= end) return false;
    const e = <u32>load<u8>(p++);
    if (e == 0x75) {
      for (let k = 0; k < 4; k++) {
        if (p >= end || !isHex(load<u8>(p))) return false;
        p++;
      }
    } else if (e != 0x22 && e != 0x5c && e != 0x2f && e != 0x62 && e != 0x66 && e != 0x6e && e != 0x72 && e != 0x74) {
      return false;
    }
  }
  return false;
}

function literal(word: string): bool {
  const n = <usize>word.length;
  if (end - p < n) return false;
  for (let k: usize = 0; k < n; k++) {
    if (<u32>load<u8>(p + k) != <u32>word.charCodeAt(<i32>k)) return false;
  }
  p += n;
  return true;
}

function scalar(): bool {
  const c = load<u8>(p);
  if (c == 0x22) return quoted();
  if (c == 0x74) return literal('true');
  if (c == 0x66) return literal('false');
  if (c == 0x6e) return literal('null');
  if (c == 0x2d || isDigit(c)) return number();
  return false;
}

/** True when the `count` bytes at `text` are one JSON value; `stack` must hold `count` bytes. */
export function isJson(text: usize, count: usize, stack: usize): bool {
  p = text;
  end = text + count;
  let depth: usize = 0;
  let mode = EXPECT_VALUE;
  while (true) {
    skipWhitespace();
    if (mode == AFTER_VALUE) {
      if (depth == 0) return p == end;
      if (p >= end) return false;
      const c = load<u8>(p++);
      const top = load<u8>(stack + depth - 1);
      if (c == 0x2c) mode = top == OBJECT ? EXPECT_KEY : EXPECT_VALUE;
      else if ((c == 0x7d && top == OBJECT) || (c == 0x5d && top == ARRAY)) depth--;
      else return false;
      continue;
    }
    if (p >= end) return false;
    const c = load<u8>(p);
    if (mode == EXPECT_KEY) {
      if (c != 0x22 || !quoted()) return false;
      skipWhitespace();
      if (p >= end || load<u8>(p++) != 0x3a) return false;
      mode = EXPECT_VALUE;
      continue;
    }
    if (c == 0x7b || c == 0x5b) {
      p++;
      store<u8>(stack + depth++, c == 0x7b ? OBJECT : ARRAY);
      skipWhitespace();
      if (p < end && load<u8>(p) == (c == 0x7b ? 0x7d : 0x5d)) {
        p++;
        depth--;
        mode = AFTER_VALUE;
      } else {
        mode = c == 0x7b ? EXPECT_KEY : EXPECT_VALUE;
      }
      continue;
    }
    if (!scalar()) return false;
    mode = AFTER_VALUE;
  }
  return false;
}

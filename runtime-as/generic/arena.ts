/**
 * Linear-memory arena: the container first (16-byte aligned, as the sign payloads need), then
 * everything `load` derives from it, allocated by bumping a cursor. Memory grows on demand with
 * memory.grow and never shrinks; loading a new container starts over from the arena's start.
 * Every reservation is checked against MEMORY_LIMIT before memory grows, so a container that
 * claims huge sizes is refused with LIMIT_EXCEEDED instead of growing memory or trapping.
 */
import { fail, LIMIT_EXCEEDED, D_MEMORY } from './status';

/** Upper bound on the linear memory the runtime will grow to (2 GiB, as for specialized modules). */
export const MEMORY_LIMIT: u64 = 0x80000000;

/** Bytes after the container (and after copied sign payloads) that kernels may read: they load 64-bit words. */
export const READ_SLACK: u64 = 16;

const ALIGN: u64 = 16;

let cursor: u64 = 0;

@inline export function alignUp(value: u64): u64 {
  return (value + ALIGN - 1) & ~(ALIGN - 1);
}

export function arenaStart(): usize {
  return <usize>alignUp(<u64>__heap_base);
}

export function arenaMark(): u64 {
  return cursor;
}

/** Moves the cursor back to a mark (freeing everything reserved after it) or to the arena start. */
export function arenaReset(mark: u64): void {
  cursor = mark;
}

/** Reserves `bytes` (16-byte aligned, zero-filled); 0 when over the limit or memory cannot grow. */
export function reserve(bytes: u64): usize {
  const start = alignUp(cursor);
  const end = start + bytes;
  if (bytes > MEMORY_LIMIT || end > MEMORY_LIMIT) {
    fail(LIMIT_EXCEEDED, D_MEMORY, -1);
    return 0;
  }
  const have = <u64>memory.size() << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >> 16);
    if (memory.grow(pages) < 0) {
      fail(LIMIT_EXCEEDED, D_MEMORY, -1);
      return 0;
    }
  }
  memory.fill(<usize>start, 0, <usize>bytes);
  cursor = end;
  return <usize>start;
}

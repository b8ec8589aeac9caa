/**
 * Linear-memory arena: the container first (16-byte aligned, as the sign payloads need), then
 * everything `load` derives from it, allocated by bumping a cursor. Memory grows on demand with
 * memory.grow and never shrinks; loading a new container starts over from the arena's start.
 * Every reservation is checked against the host's memory limit (options.ts) before memory grows,
 * so a container that claims huge sizes is refused with LIMIT_EXCEEDED instead of growing memory
 * or trapping; plan.ts also checks the sum of the inference buffers before reserving any.
 */
import { BUFFER_ALIGNMENT, DETAIL_MEMORY, STATUS_LIMIT_EXCEEDED } from '../generated/constants';
import { memoryLimit } from './options';
import { fail } from './status';

const ALIGN = BUFFER_ALIGNMENT;

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

/** Whether `bytes` more (each reservation rounded up to the alignment) stay within the memory limit. */
export function fits(bytes: u64): bool {
  return bytes <= memoryLimit && alignUp(cursor) + bytes <= memoryLimit;
}

/** Reserves `bytes` (16-byte aligned, zero-filled); 0 when over the limit or memory cannot grow. */
export function reserve(bytes: u64): usize {
  const start = alignUp(cursor);
  const end = start + bytes;
  if (!fits(bytes)) {
    fail(STATUS_LIMIT_EXCEEDED, DETAIL_MEMORY, -1);
    return 0;
  }
  const have = <u64>memory.size() << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >> 16);
    if (memory.grow(pages) < 0) {
      fail(STATUS_LIMIT_EXCEEDED, DETAIL_MEMORY, -1);
      return 0;
    }
  }
  memory.fill(<usize>start, 0, <usize>bytes);
  cursor = end;
  return <usize>start;
}

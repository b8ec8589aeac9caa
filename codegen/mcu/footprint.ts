/**
 * Flash and RAM of a model inside a linked firmware, from the linker map (input sections kept
 * after --gc-sections, attributed to the model's object files), arm-none-eabi-size of the whole
 * image, and the stack depth the harness measured.
 */
import { readFileSync } from 'node:fs';
import type { FirmwareBuild, FirmwareRun } from './firmware.js';
import { runTool } from './run-tool.js';

export interface SectionTotals {
  /** Bytes in flash: code (.text) and read-only data (.rodata: weights, tables, constants). */
  readonly text: number;
  readonly rodata: number;
  /** Initialized RAM data (stored in flash too). */
  readonly data: number;
  /** Zero-initialized RAM (the arena, buffers, runtime state). */
  readonly bss: number;
}

export interface FirmwareFootprint {
  /** `arm-none-eabi-size` of the whole image (model + harness + newlib). */
  readonly image: { readonly text: number; readonly data: number; readonly bss: number };
  /** What the model's object files contribute after garbage collection. */
  readonly model: SectionTotals;
  /** Library routines (libgcc soft-float, memcpy, ...) the model's objects call directly; may be shared with the rest of the firmware. */
  readonly libraryBytes: number;
  /** Deepest stack the model's run used (measured by stack painting). */
  readonly stackBytes: number;
  /** Flash the model needs: its code + read-only data + initial values of its data. */
  readonly flashBytes: number;
  /** RAM the model needs: its data + bss + stack. */
  readonly ramBytes: number;
}

export function measureFootprint(build: FirmwareBuild, run: FirmwareRun): FirmwareFootprint {
  const [, totals] = runTool('arm-none-eabi-size', [build.elf]).stdout.trim().split('\n');
  const [text, data, bss] = totals.trim().split(/\s+/).map(Number);
  const model = modelSections(readFileSync(build.elf.replace(/\.elf$/, '.map'), 'utf8'), build.modelObjects);
  const libraryBytes = referencedLibraryBytes(build);
  return {
    image: { text, data, bss },
    model,
    libraryBytes,
    stackBytes: run.stackBytes,
    flashBytes: model.text + model.rodata + model.data,
    ramBytes: model.data + model.bss + run.stackBytes,
  };
}

/** Sums the kept input sections of `objects` in a GNU ld map, by section kind. */
export function modelSections(map: string, objects: readonly string[]): SectionTotals {
  const kept = map.slice(map.indexOf('Linker script and memory map'));
  const totals = { text: 0, rodata: 0, data: 0, bss: 0 };
  // ` .text.name  0xADDR  0xSIZE  file.o`, with the address on the next line when the name is long.
  const entry = /^ (\.[\w.$]+|COMMON)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+\.o)\s*$/gm;
  for (const match of kept.replace(/^ (\.[\w.$]+)\n\s+(0x)/gm, ' $1 $2').matchAll(entry)) {
    const [, section, size, file] = match;
    if (!objects.includes(file)) continue;
    const kind = section.startsWith('.text') ? 'text' : section.startsWith('.rodata') ? 'rodata'
      : section.startsWith('.data') ? 'data' : section.startsWith('.bss') || section === 'COMMON' ? 'bss' : undefined;
    if (kind !== undefined) totals[kind] += parseInt(size, 16);
  }
  return totals;
}

/** Bytes of the image's functions that the model's objects reference but do not define. */
function referencedLibraryBytes(build: FirmwareBuild): number {
  const undefinedNames = new Set<string>();
  for (const object of build.modelObjects) {
    for (const line of runTool('arm-none-eabi-nm', ['-u', object]).stdout.split('\n')) {
      const name = line.trim().split(/\s+/).pop();
      if (name) undefinedNames.add(name);
    }
  }
  const intervals: [number, number][] = [];
  for (const line of runTool('arm-none-eabi-nm', ['-S', build.elf]).stdout.split('\n')) {
    const [address, size, type, name] = line.trim().split(/\s+/);
    if (name !== undefined && /^[TtWw]$/.test(type) && undefinedNames.has(name)) {
      const start = parseInt(address, 16) & ~1;
      intervals.push([start, start + parseInt(size, 16)]);
    }
  }
  // Aliases (__aeabi_dadd / __adddf3) and entry points into one routine overlap: count bytes once.
  intervals.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = 0;
  for (const [start, stop] of intervals) {
    if (stop > end) {
      total += stop - Math.max(start, end);
      end = stop;
    }
  }
  return total;
}

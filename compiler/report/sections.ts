/**
 * The report's human-readable content, decided once: titled sections of fields, tables and
 * notes. render-text and render-markdown only lay these out, so both always show the same thing.
 */
import { formatDiagnostic } from '../../core/diagnostics/diagnostic.js';
import type { FootprintReport, LayerFootprint, MatrixFootprint } from './footprint.js';
import { formatBytes, formatFactor, formatInt, formatKiB, formatPercent, formatRatio, formatReal } from './numbers.js';

export type Align = 'left' | 'right';

export interface Table {
  readonly headers: readonly string[];
  readonly align: readonly Align[];
  readonly rows: readonly (readonly string[])[];
}

export type Block =
  | { readonly kind: 'fields'; readonly fields: readonly (readonly [string, string])[] }
  | { readonly kind: 'table'; readonly table: Table }
  | { readonly kind: 'notes'; readonly lines: readonly string[] };

export interface Section {
  /** Stable name (`matrices`, `runtime`, ...) for renderers that add to a section, e.g. the HTML charts. */
  readonly id: string;
  readonly title: string;
  readonly blocks: readonly Block[];
}

/** Model metadata longer than this is cut in the text views (the JSON report has all of it). */
const METADATA_PREVIEW_CHARS = 300;

export function reportTitle(report: FootprintReport): string {
  return `PIBiNN footprint report: ${report.model.name}`;
}

export function reportSections(report: FootprintReport): Section[] {
  return [
    modelSection(report),
    matricesSection(report),
    layersSection(report),
    totalsSection(report),
    comparisonSection(report),
    memorySection(report),
    runtimeSection(report),
    ...mcuSection(report),
    warningsSection(report),
    provenanceSection(report),
  ];
}

function modelSection(report: FootprintReport): Section {
  const m = report.model;
  const fields: [string, string][] = [['name', m.name]];
  if (m.description !== null) fields.push(['description', m.description]);
  fields.push(
    ['scale (lambda)', String(m.scale)],
    ['state size', formatInt(m.state)],
    ['input size', formatInt(m.inputSize)],
    ['output size', formatInt(m.outputSize)],
    ['layers', formatInt(m.layerCount)],
    [
      'single global scale',
      m.singleGlobalScale ? 'yes (every gain is 1)' : `no: gain != 1 on ${m.gainMatrices.join(', ')} (32 bits of metadata each)`,
    ],
  );
  if (m.metadata !== null) fields.push(['metadata', metadataPreview(m.metadata)]);
  return { id: 'model', title: 'Model', blocks: [{ kind: 'fields', fields }] };
}

function metadataPreview(metadata: unknown): string {
  const json = JSON.stringify(metadata);
  return json.length <= METADATA_PREVIEW_CHARS ? json : `${json.slice(0, METADATA_PREVIEW_CHARS)}... (cut; see the JSON report)`;
}

function matricesSection(report: FootprintReport): Section {
  const table: Table = {
    headers: ['matrix', 'structure', 'shape', 'nnz', 'density', 'gain', 'signs (B)', 'metadata (B)', 'bits/dense w', 'bits/stored w', 'uses', 'used by', 'quant. error'],
    align: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left', 'right'],
    rows: report.matrices.map((m) => [
      m.id,
      m.structure,
      `${m.rows}x${m.cols}`,
      formatInt(m.nnz),
      formatPercent(m.density),
      String(m.gain),
      formatInt(m.signBytes),
      formatInt(m.metadataBytes),
      formatReal(m.bitsPerDenseWeight),
      m.bitsPerStoredWeight === null ? '-' : formatReal(m.bitsPerStoredWeight),
      String(m.usedByLayers.length + (m.usedByReadout ? 1 : 0)),
      usedBy(m),
      m.quantizationError === null ? '-' : formatReal(m.quantizationError),
    ]),
  };
  return {
    id: 'matrices',
    title: 'Matrices',
    blocks: [
      { kind: 'table', table },
      {
        kind: 'notes',
        lines: [
          'Each matrix is stored once however many layers share it; "uses" counts the layers (and readout) that reference it.',
          'metadata = structure description + 4 B per gain != 1; bits/dense w = (sign + metadata bits) / (rows * cols).',
        ],
      },
    ],
  };
}

function usedBy(m: MatrixFootprint): string {
  const parts: string[] = [];
  if (m.usedByLayers.length > 0) parts.push(`L${compressRanges(m.usedByLayers)}`);
  if (m.usedByReadout) parts.push('readout');
  return parts.join(', ');
}

/** [0, 1, 2, 5] -> "0-2,5". */
function compressRanges(indices: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < indices.length; ) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j] + 1) j++;
    parts.push(j === i ? `${indices[i]}` : `${indices[i]}-${indices[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

function layersSection(report: FootprintReport): Section {
  const table: Table = {
    headers: ['layer', 'terms', 'skip', 'relax', 'threshold', 'adds', 'params (B)', '||J|| est.', 'iterations'],
    align: ['right', 'left', 'right', 'right', 'left', 'right', 'right', 'right', 'right'],
    rows: report.layers.map((l) => [
      String(l.index),
      l.formula,
      String(l.skip),
      String(l.relax),
      thresholdText(l),
      formatInt(l.nnzTouched),
      formatInt(l.parameterBytes),
      l.contraction.factor === null ? 'skipped' : formatFactor(l.contraction.factor),
      String(l.contraction.iterations),
    ]),
  };
  const notes = [
    'adds = matrix entries visited per inference (the residual y - A*x is computed once per layer).',
    'params = theta and bias (float32 vectors or scalars) + skip and relax (float32).',
    '||J|| est. = spectral norm of the linear part of the state update, by power iteration (approaches it from below); > 1 means errors may grow (PB801); skipped = the layer is too large for the work budget (--contraction-budget).',
  ];
  if (report.readout !== null) notes.unshift(`readout: ${report.readout.matrix}*x, ${formatInt(report.readout.nnzTouched)} adds.`);
  return { id: 'layers', title: 'Layers', blocks: [{ kind: 'table', table }, { kind: 'notes', lines: notes }] };
}

function thresholdText(l: LayerFootprint): string {
  const extras = [l.thetaIsVector ? 'theta vector' : '', l.biasIsVector ? 'bias vector' : ''].filter((s) => s !== '');
  return extras.length === 0 ? l.threshold : `${l.threshold} (${extras.join(', ')})`;
}

function totalsSection(report: FootprintReport): Section {
  const t = report.totals;
  const fields: [string, string][] = [
    ['matrices', `${formatInt(t.matrixCount)} stored, ${formatInt(t.matrixUses)} uses`],
    ['stored weights (nnz)', formatInt(t.nnz)],
    ['dense-equivalent weights', formatInt(t.denseWeights)],
    ['sign bits', formatBytes(t.signBytes)],
    ['structure + gain metadata', formatBytes(t.metadataBytes)],
    ['global scale', formatBytes(t.globalScaleBytes)],
    ['PIBiNN weights', formatBytes(t.weightBytes)],
    ['layer parameters', formatBytes(t.parameterBytes)],
    ['bits per dense-equivalent weight', formatReal(t.bitsPerDenseWeight)],
    ['bits per stored weight', t.bitsPerStoredWeight === null ? '-' : formatReal(t.bitsPerStoredWeight)],
    ['adds per inference', formatInt(t.addsPerInference)],
  ];
  return { id: 'totals', title: 'Totals', blocks: [{ kind: 'fields', fields }] };
}

function comparisonSection(report: FootprintReport): Section {
  const table: Table = {
    headers: ['format', 'weights (B)', 'KiB', 'vs PIBiNN', 'description'],
    align: ['left', 'right', 'right', 'right', 'left'],
    rows: report.storageComparison.map((c) => [c.format, formatInt(c.bytes), formatKiB(c.bytes), `${formatRatio(c.ratioToPibinn)}x`, c.description]),
  };
  return {
    id: 'comparison',
    title: 'Weight storage comparison',
    blocks: [
      { kind: 'table', table },
      { kind: 'notes', lines: ['The same matrices (each stored once) in each format; "vs PIBiNN" = bytes / PIBiNN bytes.'] },
    ],
  };
}

function memorySection(report: FootprintReport): Section {
  const mem = report.memory;
  const summary: Table = {
    headers: ['region', 'bytes', 'KiB'],
    align: ['left', 'right', 'right'],
    rows: [
      ['weights (ro)', formatInt(mem.weightsBytes), formatKiB(mem.weightsBytes)],
      ['activations (rw)', formatInt(mem.activationsBytes), formatKiB(mem.activationsBytes)],
      ['weights + activations', formatInt(mem.ramBytes), formatKiB(mem.ramBytes)],
    ],
  };
  const buffers: Table = {
    headers: ['activation buffer', 'float32 elements', 'bytes'],
    align: ['left', 'right', 'right'],
    rows: mem.activations.map((b) => [b.name, formatInt(b.elements), formatInt(b.bytes)]),
  };
  const byTarget: Table = {
    headers: ['target', 'RAM (B)', 'KiB', 'which figure'],
    align: ['left', 'right', 'right', 'left'],
    rows: ramByTarget(report).map((r) => [r.target, r.bytes === null ? '-' : formatInt(r.bytes), r.bytes === null ? '-' : formatKiB(r.bytes), r.meaning]),
  };
  return {
    id: 'memory',
    title: 'Memory',
    blocks: [
      { kind: 'table', table: summary },
      { kind: 'table', table: buffers },
      { kind: 'table', table: byTarget },
      { kind: 'notes', lines: ['weights = PIBiNN weights + layer parameters. Each target needs a different amount of RAM: the table above says which figure applies where.'] },
    ],
  };
}

/** One RAM figure per target, with what it counts: the report shows three, and they answer different questions. */
export interface RamFigure {
  readonly target: string;
  /** Null when that target was not built or measured. */
  readonly bytes: number | null;
  readonly meaning: string;
}

export function ramByTarget(report: FootprintReport): RamFigure[] {
  const figures: RamFigure[] = [
    {
      target: 'any runtime (model data)',
      bytes: report.memory.ramBytes,
      meaning: 'weights + float32 activations: the least a runtime that keeps its weights in RAM needs; a lower bound, not a build',
    },
    report.runtime === null
      ? { target: 'WebAssembly (specialized build)', bytes: null, meaning: 'not built: `pibinn-compile build` gives the exact linear memory' }
      : {
          target: 'WebAssembly (specialized build)',
          bytes: report.runtime.linearMemoryBytes,
          meaning: `the declared linear memory (${report.runtime.memoryPages} x 64 KiB pages, batch of ${report.runtime.maxBatch}): what a browser, Node or wasm3 host allocates`,
        },
  ];
  const flash = (report.mcu ?? []).filter((r) => r.variant === 'pibinn-flash');
  if (flash.length === 0) {
    figures.push({ target: 'Cortex-M (MCU target)', bytes: null, meaning: 'not measured: `pibinn-compile build --target mcu --measure` gives it' });
  }
  for (const row of flash) {
    figures.push({ target: `Cortex-M, ${row.variant} on ${row.board}`, bytes: row.ramBytes, meaning: 'measured: model data + bss + stack; the weights stay in flash' });
  }
  return figures;
}

function provenanceSection(report: FootprintReport): Section {
  const p = report.provenance;
  const fields: [string, string][] = [
    ['tool', `${p.tool} ${p.toolVersion}`],
    ['model hash', p.modelHash ?? 'none (the model has no container: over 2 GiB, or refused by the container format)'],
    ['date', `${p.date} (${p.dateSource === 'SOURCE_DATE_EPOCH' ? 'SOURCE_DATE_EPOCH' : 'time of the run'})`],
  ];
  return {
    id: 'provenance',
    title: 'Provenance',
    blocks: [{ kind: 'fields', fields }, { kind: 'notes', lines: ['model hash = SHA-256 of the model\'s .pibinn container (sha256sum <name>.pibinn gives the same).'] }],
  };
}

function warningsSection(report: FootprintReport): Section {
  const lines = report.warnings.length === 0 ? ['none'] : report.warnings.map((d) => formatDiagnostic(d));
  return { id: 'warnings', title: `Warnings (${report.warnings.length})`, blocks: [{ kind: 'notes', lines }] };
}

function runtimeSection(report: FootprintReport): Section {
  const runtime = report.runtime;
  if (runtime === null) {
    return { id: 'runtime', title: 'Runtime', blocks: [{ kind: 'notes', lines: ['Runtime: not built (`pibinn-compile build` adds code bytes, linear memory and every buffer)'] }] };
  }
  const builds: Table = {
    headers: ['build', '.wasm (B)', 'code (B)', 'data (B)'],
    align: ['left', 'right', 'right', 'right'],
    rows: runtime.builds.map((b) => [b.flavor, formatInt(b.wasmBytes), formatInt(b.codeBytes), formatInt(b.dataBytes)]),
  };
  const buffers: Table = {
    headers: ['buffer', 'region', 'offset', 'bytes', 'align'],
    align: ['left', 'left', 'right', 'right', 'right'],
    rows: runtime.buffers.map((b) => [b.name, b.region, formatInt(b.offset), formatInt(b.bytes), String(b.alignment)]),
  };
  const fields: [string, string][] = [
    ['linear memory', `${runtime.memoryPages} x 64 KiB pages = ${formatBytes(runtime.linearMemoryBytes)} (the RAM a WebAssembly host allocates for this module)`],
    ['used by buffers', formatBytes(runtime.usedBytes)],
    ['max batch', formatInt(runtime.maxBatch)],
  ];
  if (runtime.activations !== null) {
    const a = runtime.activations;
    fields.push([
      'activations',
      `${a.bits}-bit (bit-serial kernel): relative L2 error vs the float64 reference ${a.meanRelativeL2.toExponential(2)} mean, ${a.maxRelativeL2.toExponential(2)} max over ${a.inputs} seeded inputs`,
    ]);
  }
  const kernels: Table = {
    headers: ['matrix', 'SIMD kernel', 'scalar kernel', 'bit layout', 'table (B)', 'why'],
    align: ['left', 'left', 'left', 'left', 'right', 'left'],
    rows: runtime.kernels.map((k) => [k.matrix, k.simd, k.scalar, k.bitLayout, formatInt(k.tableBytes), k.reason]),
  };
  return {
    id: 'runtime',
    title: `Runtime (${runtime.kind} WebAssembly)`,
    blocks: [{ kind: 'table', table: builds }, { kind: 'fields', fields }, { kind: 'table', table: kernels }, { kind: 'table', table: buffers }],
  };
}

function mcuSection(report: FootprintReport): Section[] {
  if (report.mcu === null) return [];
  const table: Table = {
    headers: ['board', 'variant', 'rel. L2 error', 'instr./inference', 'code (B)', 'constants (B)', 'flash (B)', 'arena (B)', 'stack (B)', 'RAM (B)', 'image text/data/bss'],
    align: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    rows: report.mcu.map((r) => [
      r.board,
      r.variant,
      r.maxRelativeL2.toExponential(2),
      formatInt(Math.round(r.instructionsPerInference)),
      formatInt(r.codeBytes),
      formatInt(r.constantsBytes),
      formatInt(r.flashBytes),
      r.arenaBytes === null ? '-' : formatInt(r.arenaBytes),
      formatInt(r.stackBytes),
      formatInt(r.ramBytes),
      `${r.image.text}/${r.image.data}/${r.image.bss}`,
    ]),
  };
  const notes = [
    'Measured in the example firmware under QEMU (-icount shift=0: instruction counts, deterministic). flash = model code + constants; RAM = model data + bss (arena, buffers, runtime) + measured stack.',
    'image = arm-none-eabi-size of the whole firmware (model + harness + newlib). See docs/mcu.md for which boards these numbers fit.',
  ];
  return [{ id: 'mcu', title: 'MCU (Cortex-M, emulated)', blocks: [{ kind: 'table', table }, { kind: 'notes', lines: notes }] }];
}

/**
 * The HTML report's charts, as inline SVG strings: horizontal bar charts (storage formats on a
 * log scale, footprint per matrix, work per layer, MCU flash and RAM) and the linear-memory
 * map of a build. Plain markup, no script: the page renders the same everywhere, offline.
 */
import type { FootprintReport } from './footprint.js';
import { formatFactor, formatInt, formatRatio } from './numbers.js';
import type { RuntimeBuffer, RuntimeFootprint } from './runtime.js';

/** Bars drawn at most; the tables below the charts list every row. */
const MAX_BARS = 48;
const WIDTH = 1000;
const LABEL = 160;
const VALUE = 230;
const ROW = 24;
const BAR = 15;

/** One bar made of stacked parts (each with a CSS class for its colour). */
interface Bar {
  readonly label: string;
  readonly parts: readonly { readonly value: number; readonly className: string }[];
  readonly text: string;
  readonly highlight?: boolean;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The same weights in every format, bytes on a log scale (PIBiNN can be hundreds of times smaller). */
export function storageChart(report: FootprintReport): string {
  const bars = report.storageComparison.map((c) => ({
    label: c.format,
    parts: [{ value: c.bytes, className: c.format === 'pibinn' ? 'accent' : 'neutral' }],
    text: `${formatInt(c.bytes)} B${c.format === 'pibinn' ? '' : ` (${formatRatio(c.ratioToPibinn)}x)`}`,
    highlight: c.format === 'pibinn',
  }));
  return barChart('storage-chart', 'Weight storage per format, bytes (log scale)', bars, 'log');
}

/** Sign bytes and structure metadata per stored matrix. */
export function matrixChart(report: FootprintReport): string {
  const bars = report.matrices.map((m) => ({
    label: m.id,
    parts: [
      { value: m.signBytes, className: 'signs' },
      { value: m.metadataBytes, className: 'meta' },
    ],
    text: `${formatInt(m.signBytes + m.metadataBytes)} B, ${Number(m.bitsPerDenseWeight.toPrecision(3))} bit/w`,
  }));
  return barChart('matrix-chart', 'Storage per matrix: sign bits and structure metadata, bytes', bars, 'linear', [
    ['signs', 'sign bits'],
    ['meta', 'structure + gain metadata'],
  ]);
}

/** Entry visits per layer, with the contraction estimate beside each bar (red above 1). */
export function layerChart(report: FootprintReport): string {
  const bars = report.layers.map((l) => {
    const factor = l.contraction.factor;
    return {
      label: `layer ${l.index}`,
      parts: [{ value: l.nnzTouched, className: factor !== null && factor > 1 ? 'warn' : 'work' }],
      text: `${formatInt(l.nnzTouched)} adds, ||J|| ${factor === null ? 'skipped' : formatFactor(factor)}`,
    };
  });
  return barChart('layer-chart', 'Work per layer (matrix entries visited per inference)', bars, 'linear', [
    ['work', '||J|| <= 1'],
    ['warn', '||J|| > 1 (PB801)'],
  ]);
}

/** Flash and RAM of every measured board and variant. */
export function mcuChart(report: FootprintReport): string {
  const bars = (report.mcu ?? []).map((r) => ({
    label: `${r.board} ${r.variant}`,
    parts: [
      { value: r.flashBytes, className: 'flash' },
      { value: r.ramBytes, className: 'ram' },
    ],
    text: `flash ${formatInt(r.flashBytes)} B, RAM ${formatInt(r.ramBytes)} B`,
  }));
  return barChart('mcu-chart', 'Cortex-M: flash and RAM per board and variant, bytes', bars, 'linear', [
    ['flash', 'flash'],
    ['ram', 'RAM'],
  ]);
}

/** Contiguous runs of buffers of one region. */
interface Span {
  readonly region: string;
  readonly offset: number;
  readonly bytes: number;
  readonly buffers: readonly RuntimeBuffer[];
}

export function memorySpans(runtime: RuntimeFootprint): Span[] {
  const spans: { region: string; offset: number; bytes: number; buffers: RuntimeBuffer[] }[] = [];
  for (const b of [...runtime.buffers].sort((x, y) => x.offset - y.offset)) {
    const last = spans[spans.length - 1];
    if (last !== undefined && last.region === b.region) {
      last.bytes = b.offset + b.bytes - last.offset;
      last.buffers.push(b);
    } else {
      spans.push({ region: b.region, offset: b.offset, bytes: b.bytes, buffers: [b] });
    }
  }
  return spans;
}

/**
 * The linear memory of the build as one strip: each region's share of the used bytes, the
 * unused rest of the declared pages at the end. A region too small to see gets a sliver.
 */
export function memoryMap(runtime: RuntimeFootprint): string {
  const spans = memorySpans(runtime);
  const free = Math.max(0, runtime.linearMemoryBytes - runtime.usedBytes);
  const parts = [...spans.map((s) => ({ className: `region-${s.region}`, bytes: s.bytes, title: `${s.region}: ${formatInt(s.bytes)} B at ${formatInt(s.offset)}` }))];
  if (free > 0) parts.push({ className: 'region-free', bytes: free, title: `unused: ${formatInt(free)} B` });
  const total = parts.reduce((sum, p) => sum + p.bytes, 0);
  const minimum = 3;
  const room = WIDTH - minimum * parts.length;
  let x = 0;
  const rects = parts.map((p) => {
    const width = minimum + (room * p.bytes) / total;
    const name = p.className.replace('region-', '');
    // Named inside the strip where the name fits (about 7 px per character).
    const label = width > 7 * name.length + 10 ? `<text class="inside" x="${(x + width / 2).toFixed(2)}" y="22" text-anchor="middle">${escapeHtml(name)}</text>` : '';
    const rect = `<g><rect class="${p.className}" x="${x.toFixed(2)}" y="0" width="${width.toFixed(2)}" height="34"><title>${escapeHtml(p.title)}</title></rect>${label}</g>`;
    x += width;
    return rect;
  });
  const legend = [...new Set(parts.map((p) => p.className))].map((c) => `<span class="key"><i class="${c}"></i>${escapeHtml(c.replace('region-', ''))}</span>`);
  return (
    `<figure><svg id="memory-map" role="img" aria-label="linear memory map" viewBox="0 0 ${WIDTH} 52" style="width: 100%; max-width: ${WIDTH}px">` +
    rects.join('') +
    `<text class="axis" x="0" y="48">0</text><text class="axis" x="${WIDTH}" y="48" text-anchor="end">${formatInt(runtime.linearMemoryBytes)} B (${runtime.memoryPages} x 64 KiB)</text>` +
    `</svg><figcaption>Linear memory of the specialized build, address 0 at the left: ${formatInt(runtime.usedBytes)} B used by buffers, ` +
    `${formatInt(free)} B of the declared pages unused. ${legend.join(' ')}</figcaption></figure>`
  );
}

function barChart(id: string, caption: string, all: readonly Bar[], scale: 'linear' | 'log', legend: readonly (readonly [string, string])[] = []): string {
  const bars = all.slice(0, MAX_BARS);
  const totals = bars.map((b) => b.parts.reduce((sum, p) => sum + p.value, 0));
  const max = Math.max(1, ...totals);
  const min = Math.max(1, Math.min(...totals.filter((t) => t > 0), max));
  const span = WIDTH - LABEL - VALUE;
  // Log scale: a decade below the smallest bar at zero width, so every bar stays visible.
  const position = (v: number) => (scale === 'linear' ? (span * v) / max : v <= 0 ? 0 : (span * Math.log10((10 * v) / min)) / Math.log10((10 * max) / min));
  const rows = bars.map((bar, i) => {
    const y = i * ROW;
    let cumulative = 0;
    const rects = bar.parts.map((p) => {
      const x0 = position(cumulative);
      cumulative += p.value;
      const width = Math.max(p.value > 0 ? 1 : 0, position(cumulative) - x0);
      return `<rect class="${p.className}" x="${(LABEL + x0).toFixed(2)}" y="${y + (ROW - BAR) / 2}" width="${width.toFixed(2)}" height="${BAR}" rx="2"></rect>`;
    });
    const end = LABEL + position(cumulative);
    return (
      `<g class="bar${bar.highlight ? ' highlight' : ''}"><text class="label" x="${LABEL - 8}" y="${y + ROW / 2 + 4}" text-anchor="end">${escapeHtml(clip(bar.label, 22))}</text>` +
      rects.join('') +
      `<text class="value" x="${(end + 6).toFixed(2)}" y="${y + ROW / 2 + 4}">${escapeHtml(bar.text)}</text></g>`
    );
  });
  const height = bars.length * ROW + 4;
  const keys = legend.map(([className, text]) => `<span class="key"><i class="${className}"></i>${escapeHtml(text)}</span>`).join(' ');
  const more = all.length > bars.length ? ` The first ${bars.length} of ${all.length} are drawn; the table lists all.` : '';
  return (
    `<figure><svg id="${id}" class="chart" role="img" aria-label="${escapeHtml(caption)}" viewBox="0 0 ${WIDTH} ${height}" style="width: 100%; max-width: ${WIDTH}px">${rows.join('')}</svg>` +
    `<figcaption>${escapeHtml(caption)}.${more} ${keys}</figcaption></figure>`
  );
}

function clip(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

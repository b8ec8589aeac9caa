import { describe, expect, it } from 'vitest';
import { buildFootprint } from '../../compiler/report/footprint.js';
import { renderMarkdown } from '../../compiler/report/render-markdown.js';
import { formatFactor } from '../../compiler/report/numbers.js';
import { renderText } from '../../compiler/report/render-text.js';
import { richModel } from './report-models.js';

const report = buildFootprint(richModel());
const sections = ['Model', 'Matrices', 'Layers', 'Totals', 'Weight storage comparison', 'Memory', 'Runtime', `Warnings (${report.warnings.length})`, 'Provenance'];

describe('renderText', () => {
  const text = renderText(report);
  const lines = text.split('\n');

  it('renders every section with an underlined title', () => {
    expect(lines[0]).toBe('PIBiNN footprint report: rich');
    for (const title of sections) {
      const at = lines.indexOf(title);
      expect(at, title).toBeGreaterThan(0);
      expect(lines[at + 1]).toBe('-'.repeat(title.length));
    }
  });

  it('shows the numbers of the report', () => {
    expect(text).toContain('Runtime: not built');
    expect(text).toContain('no: gain != 1 on B (32 bits of metadata each)');
    expect(text).toContain('a model with every optional part');
    expect(text).toContain('{"dataset":"synthetic","epochs":[20,24]}');
    expect(text).toContain('W*(y - A*x)');
    expect(text).toContain('readout: D*x, 12 adds.');
    expect(text).toMatch(/^weights \+ activations +[\d,]+ +[\d.]+$/m);
    for (const m of report.matrices) expect(text).toMatch(new RegExp(`^${m.id} +${m.structure.replace(/[()]/g, '\\$&')} `, 'm'));
    for (const d of report.warnings) expect(text).toContain(`warning ${d.code}`);
  });

  it('aligns table columns: right-aligned cells end under their header', () => {
    const header = lines.findIndex((l) => l.startsWith('format ') && l.includes('weights (B)'));
    const end = lines[header].indexOf('weights (B)') + 'weights (B)'.length;
    const rows = lines.slice(header + 2, header + 2 + report.storageComparison.length);
    expect(rows).toHaveLength(8);
    for (const row of rows) {
      expect(row[end - 1]).toMatch(/\d/);
      expect(row[end]).toBe(' ');
    }
  });

  it('says which RAM figure applies to which target', () => {
    expect(text).toMatch(/^any runtime \(model data\) +[\d,]+ +[\d.]+ +weights \+ float32 activations: .*a lower bound, not a build$/m);
    expect(text).toMatch(/^WebAssembly \(specialized build\) +- +- +not built: `pibinn-compile build` gives the exact linear memory$/m);
    expect(text).toMatch(/^Cortex-M \(MCU target\) +- +- +not measured/m);
    const built = renderText({
      ...report,
      runtime: { kind: 'specialized', builds: [], memoryPages: 8, linearMemoryBytes: 524288, maxBatch: 64, buffers: [], kernels: [], usedBytes: 471088, activations: null },
      mcu: [{ board: 'an386', variant: 'pibinn-flash', maxRelativeL2: 1e-7, instructionsPerInference: 1, codeBytes: 1, constantsBytes: 1, flashBytes: 2, ramBytes: 9216, arenaBytes: 8000, stackBytes: 300, image: { text: 1, data: 1, bss: 1 } }],
    });
    expect(built).toMatch(/^WebAssembly \(specialized build\) +524,288 +512\.00 +the declared linear memory \(8 x 64 KiB pages, batch of 64\)/m);
    expect(built).toMatch(/^Cortex-M, pibinn-flash on an386 +9,216 +9\.00 +measured: model data \+ bss \+ stack; the weights stay in flash$/m);
  });

  it('prints contraction factors to enough digits to see which side of 1 they are', () => {
    const near = (factor: number) => renderText({ ...report, layers: report.layers.map((l) => ({ ...l, contraction: { factor, iterations: 30 } })) });
    const column = (text: string) => [...text.matchAll(/^ +0 +\S+ .* (\S+) +30$/gm)].map((m) => m[1]);
    expect(column(near(0.99998))).toEqual(['0.99998']);
    expect(column(near(1.0000004))).toEqual(['1.0000004']);
    expect(column(near(1))).toEqual(['1']);
    expect(column(near(0.5))).toEqual(['0.5']);
  });

  it('ends with the provenance: tool version, model hash, date', () => {
    expect(text).toContain(`tool       : pibinn ${report.provenance.toolVersion}`);
    expect(text).toMatch(/^model hash : sha256:[0-9a-f]{64}$/m);
    expect(text).toMatch(/^date       : \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \((time of the run|SOURCE_DATE_EPOCH)\)$/m);
  });
});

describe('formatFactor', () => {
  it('keeps four digits unless they would round onto 1', () => {
    expect([0.8123456, 1.234567, 0.99998, 0.9999999999, 1.00004, 1 + 2 ** -52, 1, 0].map(formatFactor)).toEqual(['0.8123', '1.235', '0.99998', '0.9999999999', '1.00004', '1.0000000000000002', '1', '0']);
  });
});

describe('renderMarkdown', () => {
  const md = renderMarkdown(report);

  it('renders every section as a heading with GitHub tables', () => {
    expect(md.startsWith('# PIBiNN footprint report: rich\n')).toBe(true);
    for (const title of sections) expect(md).toContain(`\n## ${title}\n`);
    expect(md).toContain('| field | value |\n| --- | --- |');
    expect(md).toMatch(/^\| format \| weights \(B\) \| KiB \| vs PIBiNN \| description \|\n\| --- \| ---: \| ---: \| ---: \| --- \|$/m);
    expect(md).toContain('- Runtime: not built');
  });

  it('escapes markdown in cells, so formulas do not turn into emphasis', () => {
    expect(md).toContain('W\\*(y - A\\*x)');
    expect(md).toContain('\\|\\|J\\|\\| est.');
  });

  it('has one row per matrix, layer and format', () => {
    const tableRows = (first: string) => md.split('\n').filter((l) => l.startsWith(`| ${first}`));
    for (const m of report.matrices) expect(tableRows(`${m.id} |`)).toHaveLength(1);
    expect(tableRows('pibinn |')).toHaveLength(1);
    for (const l of report.layers) expect(md).toMatch(new RegExp(`^\\| ${l.index} \\| `, 'm'));
  });
});

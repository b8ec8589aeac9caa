/** The HTML report as markup: self-contained, escaped, deterministic, with every section and chart. */
import { describe, expect, it } from 'vitest';
import { buildFootprint } from '../../compiler/report/footprint.js';
import { renderHtml } from '../../compiler/report/render-html.js';
import { reportSections } from '../../compiler/report/sections.js';
import { makeLayer, makeMatrix, makeModel, seededRandom } from '../reference/ir-fixtures.js';
import { builtReport, richModel } from './report-models.js';

const report = buildFootprint(richModel());
const html = renderHtml(report);

describe('renderHtml', () => {
  it('is one self-contained page: no script, no external resource', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|src=|href=/i);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('has every section of the text report, each with an id, and the headline figures', () => {
    for (const section of reportSections(report)) expect(html).toContain(`<section id="${section.id}"><h2>${section.title}</h2>`);
    expect(html.match(/<div class="card">/g)).toHaveLength(4);
  });

  it('escapes model text: a description cannot inject markup', () => {
    const hostile = renderHtml({ ...report, model: { ...report.model, description: '<script>alert("x")</script> & co' } });
    expect(hostile).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; co');
    expect(hostile).not.toContain('<script>');
  });

  it('is deterministic', () => {
    expect(renderHtml(report)).toBe(html);
  });

  it('draws one bar per format, matrix and layer; the memory map and MCU chart when there are data', () => {
    const bars = (id: string, page = html) => (new RegExp(`<svg id="${id}"[^>]*>(.*?)</svg>`).exec(page)?.[1].match(/<g class="bar/g) ?? []).length;
    expect(bars('storage-chart')).toBe(report.storageComparison.length);
    expect(bars('matrix-chart')).toBe(report.matrices.length);
    expect(bars('layer-chart')).toBe(report.layers.length);
    expect(html).not.toContain('id="memory-map"');
    expect(html).not.toContain('id="mcu-chart"');
    const built = renderHtml(builtReport(report));
    expect(built).toMatch(/<svg id="memory-map"[^>]*>(<g><rect class="region-(weights|state|scratch|input|output|free)"[^>]*><title>[^<]+<\/title><\/rect>(<text[^>]*>[^<]+<\/text>)?<\/g>){6}/);
    expect(built).toContain('region-free');
    expect(bars('mcu-chart', built)).toBe(4);
    expect(built.match(/<div class="card">/g)).toHaveLength(6);
  });

  it('caps a chart at 48 bars for huge models (the tables keep every row)', () => {
    const random = seededRandom(3);
    const ids = Array.from({ length: 60 }, (_, i) => `M${i}`);
    const model = makeModel({
      scale: 0.5,
      state: 2,
      inputSize: 2,
      matrices: ids.map((id) => makeMatrix(id, 2, 2, { kind: 'dense' }, random)),
      layers: ids.map((id) => makeLayer({ terms: [{ matrix: id, source: 'input' }] })),
    });
    const page = renderHtml(buildFootprint(model));
    expect(page).toContain('The first 48 of 60 are drawn; the table lists all.');
    expect(page.match(/<tr><td>M\d+<\/td>/g)?.length).toBeGreaterThanOrEqual(60);
  });
});

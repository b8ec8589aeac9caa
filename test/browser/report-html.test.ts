/**
 * The HTML report in headless Chromium (Debian's /usr/bin/chromium through playwright-core):
 * the page of a real build (ista-rademacher's runtime section, with MCU rows as a measurement
 * fills them) renders offline, its charts, memory map and tables have a size, and its
 * screenshot is not blank. The screenshot is kept at $TMPDIR/pibinn-report-html.png to look at.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildArtifacts } from '../../codegen/artifacts.js';
import { loadModel } from '../../compiler/load/load-model.js';
import type { FootprintReport } from '../../compiler/report/footprint.js';
import { renderHtml } from '../../compiler/report/render-html.js';
import { builtReport } from '../report/report-models.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(tmpdir(), 'pibinn-report-html.png');

let browser: Browser;
let page: Page;
let report: FootprintReport;
const requests: string[] = [];
const problems: string[] = [];

beforeAll(async () => {
  const model = loadModel('examples/ista-rademacher/model.json').model;
  const built = (await buildArtifacts(model, { builds: ['scalar'] })).report;
  // The MCU section as `build --target mcu --measure` fills it (QEMU runs take minutes).
  report = { ...built, mcu: builtReport(built).mcu };
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  // From a file, as a user opens <name>.report.html.
  const dir = mkdtempSync(join(tmpdir(), 'pibinn-html-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, renderHtml(report));
  await page.goto(`file://${file}`);
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

/** Width and height of every element matching `selector`. */
async function sizes(selector: string): Promise<{ width: number; height: number }[]> {
  return page.$$eval(selector, (elements) => elements.map((e) => ({ width: e.getBoundingClientRect().width, height: e.getBoundingClientRect().height })));
}

describe('HTML report in headless Chromium', () => {
  it('loads nothing but itself and raises no error', () => {
    expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(problems).toEqual([]);
  });

  it('lays out the headline, every chart, the memory map and the tables with a real size', async () => {
    expect(await page.title()).toBe('PIBiNN footprint report: ista-rademacher');
    const cards = await sizes('#headline .card');
    expect(cards).toHaveLength(6);
    for (const chart of ['#storage-chart', '#matrix-chart', '#layer-chart', '#memory-map', '#mcu-chart', '#memory-regions']) {
      const [box] = await sizes(chart);
      expect(box, chart).toBeDefined();
      expect(box.width, chart).toBeGreaterThan(400);
      expect(box.height, chart).toBeGreaterThan(20);
    }
    const bars = await sizes('#storage-chart rect');
    expect(bars).toHaveLength(report.storageComparison.length);
    for (const bar of bars) expect(bar.width).toBeGreaterThan(0);
    // PIBiNN's bar is the shortest: the chart shows what the report is about.
    const widths = bars.map((b) => b.width);
    expect(widths[widths.length - 1]).toBe(Math.min(...widths));
    const regions = await sizes('#memory-map rect');
    expect(regions.length).toBeGreaterThanOrEqual(5);
    for (const region of regions) expect(region.width).toBeGreaterThanOrEqual(2);
    for (const id of ['model', 'matrices', 'layers', 'totals', 'comparison', 'memory', 'runtime', 'mcu', 'warnings', 'provenance']) {
      const [box] = await sizes(`section#${id}`);
      expect(box?.height, id).toBeGreaterThan(40);
    }
    // Nothing wider than the page: wide tables scroll inside their section.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
  });

  it('screenshots to a picture that is not blank', async () => {
    const png = await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(png.length).toBeGreaterThan(50_000);
    // Decoded by the browser itself: many colours, and a good share of pixels off the background.
    const stats = await page.evaluate(async (base64) => {
      const image = new Image();
      image.src = `data:image/png;base64,${base64}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d')!;
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, image.width, image.height);
      const colours = new Set<number>();
      let offBackground = 0;
      for (let i = 0; i < data.length; i += 16) {
        colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
        // The page background #f4f6fa and white cards.
        const background = (data[i] === 0xf4 && data[i + 1] === 0xf6 && data[i + 2] === 0xfa) || (data[i] === 255 && data[i + 1] === 255 && data[i + 2] === 255);
        if (!background) offBackground++;
      }
      return { width: image.width, height: image.height, colours: colours.size, inked: offBackground / (data.length / 16) };
    }, png.toString('base64'));
    expect(stats.width).toBe(1280);
    expect(stats.height).toBeGreaterThan(2000);
    expect(stats.colours).toBeGreaterThan(50);
    expect(stats.inked).toBeGreaterThan(0.05);
  });
});

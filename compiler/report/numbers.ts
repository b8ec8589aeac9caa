/** How the report's text, Markdown and HTML views print numbers (one place, so they agree). */

export function formatInt(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 0 });
}

export function formatKiB(bytes: number): string {
  return (bytes / 1024).toFixed(2);
}

export function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${formatInt(bytes)} B` : `${formatInt(bytes)} B (${formatKiB(bytes)} KiB)`;
}

/** Four significant digits, without exponent noise for ordinary magnitudes. */
export function formatReal(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

/**
 * A contraction factor: four significant digits, or as many more as it takes to show which side
 * of 1 it lies on (0.99998 must not print as "1"); exactly 1 prints as "1".
 */
export function formatFactor(x: number): string {
  for (let digits = 4; digits <= 17; digits++) {
    const text = Number(x.toPrecision(digits)).toString();
    if (Number(text) !== 1 || x === 1) return text;
  }
  return String(x);
}

export function formatPercent(fraction: number): string {
  return `${formatReal(100 * fraction)}%`;
}

export function formatRatio(ratio: number): string {
  return ratio >= 100 ? formatInt(ratio) : ratio.toFixed(2);
}

/** A size in the unit that reads best, three significant digits: `812 B`, `8.02 KiB`, `1.50 MiB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${formatInt(bytes)} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toPrecision(3)} KiB`;
  return `${(bytes / 1024 / 1024).toPrecision(3)} MiB`;
}

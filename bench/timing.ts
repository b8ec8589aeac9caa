/**
 * Timing that tolerates a shared, noisy machine: calibrate a repeat count per engine so one
 * sample takes ~target ms, then take samples round-robin across engines (so a burst of load
 * hits all of them) and report each engine's median.
 */
export interface Timed {
  readonly name: string;
  readonly run: () => void;
}

function calibrate(run: () => void, targetMs: number): number {
  let repeats = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < repeats; i++) run();
    const elapsed = performance.now() - start;
    if (elapsed >= targetMs / 4 || repeats >= 1 << 24) return Math.max(1, Math.round((repeats * targetMs) / Math.max(elapsed, 1e-3)));
    repeats *= 4;
  }
}

/** Median seconds per call of each engine, by name. */
export function medianSeconds(engines: readonly Timed[], samples = 7, targetMs = 60): Map<string, number> {
  const repeats = engines.map((e) => calibrate(e.run, targetMs));
  const times: number[][] = engines.map(() => []);
  for (let s = 0; s < samples; s++) {
    engines.forEach((engine, e) => {
      const start = performance.now();
      for (let i = 0; i < repeats[e]; i++) engine.run();
      times[e].push((performance.now() - start) / 1000 / repeats[e]);
    });
  }
  return new Map(engines.map((engine, e) => [engine.name, median(times[e])]));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

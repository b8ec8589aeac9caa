/**
 * Timing that tolerates a shared, noisy machine: calibrate a repeat count per engine so one
 * sample takes ~target ms, then take samples round-robin across engines (so a burst of load
 * hits all of them), each after a short pause, and report each engine's median. Engines may be
 * async (ONNX Runtime); only their promises are awaited, so synchronous engines pay no await
 * per call.
 */
export interface Timed {
  readonly name: string;
  readonly run: () => unknown;
}

async function timeRepeats(run: Timed['run'], repeats: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < repeats; i++) {
    const result = run();
    if (result instanceof Promise) await result;
  }
  return performance.now() - start;
}

async function calibrate(run: Timed['run'], targetMs: number): Promise<number> {
  for (let repeats = 1; ; repeats *= 4) {
    const elapsed = await timeRepeats(run, repeats);
    if (elapsed >= targetMs / 4 || repeats >= 1 << 24) return Math.max(1, Math.round((repeats * targetMs) / Math.max(elapsed, 1e-3)));
  }
}

const COOL_DOWN_MS = 20;

/** Median seconds per call of each engine, by name. */
export async function medianSeconds(engines: readonly Timed[], samples = 7, targetMs = 60): Promise<Map<string, number>> {
  const repeats: number[] = [];
  for (const engine of engines) repeats.push(await calibrate(engine.run, targetMs));
  const times: number[][] = engines.map(() => []);
  for (let s = 0; s < samples; s++) {
    for (const [e, engine] of engines.entries()) {
      // A pause first: multi-threaded engines (ORT's thread pool, our helper) keep spinning
      // for a while after a call, and would take a core from the next engine's sample.
      await new Promise((resolve) => setTimeout(resolve, COOL_DOWN_MS));
      times[e].push((await timeRepeats(engine.run, repeats[e])) / 1000 / repeats[e]);
    }
  }
  return new Map(engines.map((engine, e) => [engine.name, median(times[e])]));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

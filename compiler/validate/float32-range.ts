/**
 * Parameters that are finite in float64 but not in float32. The reference evaluator computes in
 * float64, every build (WebAssembly, generic runtime, MCU) in float32, where such a value is
 * Infinity and the outputs silently become NaN or infinite. Loading warns (PB804); whatever runs
 * the model in float32 refuses it (PB606, from these findings). Not checked: theta (an infinite
 * threshold zeroes exactly what a threshold beyond float32 zeroes) and relax (at most 1).
 */
import type { Diagnostic, JsonPath } from '../../core/diagnostics/diagnostic.js';
import type { IRModel, ScalarOrVector } from '../../core/ir.js';

const FLOAT32_MAX = 3.4028234663852886e38;

/** One PB804 warning per parameter whose float32 rounding is infinite, located by its JSON path. */
export function float32Overflows(model: IRModel, file: string): Diagnostic[] {
  const findings: Diagnostic[] = [];
  const check = (value: number, path: JsonPath, what: string) => {
    if (Number.isFinite(value) && !Number.isFinite(Math.fround(value))) {
      findings.push({
        code: 'PB804',
        severity: 'warning',
        file,
        jsonPath: path,
        message: `${what} is ${value}, beyond float32: the builds compute in float32, where it is Infinity and the outputs become NaN or infinite`,
        expected: `a magnitude of at most ${FLOAT32_MAX}`,
        found: String(value),
        fix: 'rescale the model (a trained parameter this large is an exporter bug); only the float64 reference (run --engine reference) can evaluate it as it is',
      });
    }
  };
  // The first element beyond float32 of a vector stands for the rest.
  const checkParameter = (value: ScalarOrVector, path: JsonPath, what: string) => {
    if (typeof value === 'number') return check(value, path, what);
    const i = value.findIndex((v) => !Number.isFinite(Math.fround(v)));
    if (i >= 0) check(value[i], [...path, i], `${what}[${i}]`);
  };
  check(model.scale, ['scale'], 'scale');
  for (const m of model.matrices) check(model.scale * m.gain, m.gain === 1 ? ['scale'] : ['matrices', m.id, 'gain'], `matrix "${m.id}": the weight magnitude scale * gain`);
  model.layers.forEach((layer, k) => {
    check(layer.skip, ['layers', k, 'skip'], `layer ${k}: skip`);
    checkParameter(layer.bias, ['layers', k, 'bias'], `layer ${k}: bias`);
  });
  // scale alone overflowing makes every gain-1 matrix overflow too: one finding per path is enough.
  return findings.filter((d, i) => findings.findIndex((e) => JSON.stringify(e.jsonPath) === JSON.stringify(d.jsonPath)) === i);
}

/** The same findings as errors, for a command about to run the model in float32. */
export function float32Refusals(warnings: readonly Diagnostic[], consumer: string): Diagnostic[] {
  return warnings
    .filter((d) => d.code === 'PB804')
    .map((d) => ({ ...d, code: 'PB606', severity: 'error', message: `${d.message}; ${consumer} cannot run it`, fix: 'rescale the model; run --engine reference evaluates it in float64' }));
}

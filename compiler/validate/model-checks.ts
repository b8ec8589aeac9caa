/**
 * Model-level checks a schema cannot express: size limits, matrix references, dimensions of
 * every use, residual matrices present exactly when used, vector lengths, unused matrices.
 * Returns every independent problem found, in model order.
 */
import type { Diagnostic, JsonPath } from '../../core/diagnostics/diagnostic.js';
import { checkLimit, type Limits } from './limits.js';
import type { RawModel } from './raw-model.js';
import { suggestionFix } from './suggest.js';

export function checkModel(raw: RawModel, file: string, limits: Limits, allowUnused = false): Diagnostic[] {
  const limitIssues = checkSizes(raw, file, limits);
  // Everything below trusts the sizes; beyond the limits the numbers are not worth checking.
  if (limitIssues.length > 0) return limitIssues;
  return [...checkUses(raw, file, allowUnused), ...checkVectorLengths(raw, file), ...checkMagnitudes(raw, file)];
}

/** Each weight's magnitude, scale * gain, must be a finite double, or not even the float64 reference can run the model. */
function checkMagnitudes(raw: RawModel, file: string): Diagnostic[] {
  return Object.entries(raw.matrices)
    .filter(([, m]) => !Number.isFinite(raw.scale * (m.gain ?? 1)))
    .map(([id, m]) => ({
      code: 'PB105',
      severity: 'error',
      file,
      jsonPath: ['matrices', id, 'gain'],
      message: `matrix "${id}": its weights scale * gain = ${raw.scale} * ${m.gain} overflow a double`,
      expected: `scale * gain <= ${Number.MAX_VALUE}`,
      found: String(raw.scale * (m.gain ?? 1)),
      fix: 'check the exporter: a gain this large is no trained value',
    }));
}

function checkSizes(raw: RawModel, file: string, limits: Limits): Diagnostic[] {
  const issues: (Diagnostic | undefined)[] = [
    checkLimit(limits, 'maxDimension', raw.state, file, ['state'], 'state'),
    checkLimit(limits, 'maxDimension', raw.input.size, file, ['input', 'size'], 'input.size'),
    checkLimit(limits, 'maxDimension', raw.output.size, file, ['output', 'size'], 'output.size'),
  ];
  for (const [id, m] of Object.entries(raw.matrices)) {
    issues.push(checkLimit(limits, 'maxDimension', m.rows, file, ['matrices', id, 'rows'], `matrix "${id}" rows`));
    issues.push(checkLimit(limits, 'maxDimension', m.cols, file, ['matrices', id, 'cols'], `matrix "${id}" cols`));
    if (Array.isArray(m.signs.data)) {
      issues.push(checkLimit(limits, 'maxInlineArrayLength', m.signs.data.length, file, ['matrices', id, 'signs', 'data'], 'inline array length'));
    }
  }
  raw.layers.forEach((layer, k) => {
    for (const [key, value] of [['bias', layer.bias], ['theta', layer.threshold.theta]] as const) {
      if (!Array.isArray(value)) continue;
      const path = key === 'bias' ? ['layers', k, 'bias'] : ['layers', k, 'threshold', 'theta'];
      issues.push(checkLimit(limits, 'maxInlineArrayLength', value.length, file, path, 'inline array length'));
    }
  });
  return issues.filter((d): d is Diagnostic => d !== undefined);
}

/** Every matrix use: defined, right shape; residual given iff used; readout / output size; nothing unused. */
function checkUses(raw: RawModel, file: string, allowUnused: boolean): Diagnostic[] {
  const issues: Diagnostic[] = [];
  const ids = Object.keys(raw.matrices);
  const used = new Set<string>();
  const reported = new Set<string>();
  const portSize = { state: raw.state, input: raw.input.size, residual: raw.input.size };

  const use = (id: string, path: JsonPath, rows: number, cols: number, role: string) => {
    const matrix = raw.matrices[id];
    if (!Object.hasOwn(raw.matrices, id)) {
      issues.push({ code: 'PB201', severity: 'error', file, jsonPath: path, message: `no matrix "${id}" is defined`, found: JSON.stringify(id), fix: suggestionFix(id, ids, 'defined matrices') });
      return;
    }
    used.add(id);
    // A shared matrix used the same wrong way in many layers is reported once, at its first use.
    const key = `${id}\u0000${rows}x${cols}`;
    if ((matrix.rows !== rows || matrix.cols !== cols) && !reported.has(key)) {
      reported.add(key);
      issues.push({
        code: 'PB202',
        severity: 'error',
        file,
        jsonPath: path,
        message: `matrix "${id}" is ${matrix.rows} x ${matrix.cols} but is used as ${role}`,
        expected: `${rows} x ${cols}`,
        found: `${matrix.rows} x ${matrix.cols}`,
      });
    }
  };

  raw.layers.forEach((layer, k) => {
    layer.terms.forEach((term, t) => {
      const role = `a term with source "${term.source}" (state x ${term.source === 'state' ? 'state' : 'input.size'})`;
      use(term.matrix, ['layers', k, 'terms', t, 'matrix'], raw.state, portSize[term.source], role);
    });
    const usesResidual = layer.terms.some((t) => t.source === 'residual');
    if (layer.residual !== undefined) {
      use(layer.residual.matrix, ['layers', k, 'residual', 'matrix'], raw.input.size, raw.state, 'the residual matrix A (input.size x state)');
      if (!usesResidual) {
        issues.push({ code: 'PB206', severity: 'error', file, jsonPath: ['layers', k, 'residual'], message: 'the layer gives a residual matrix but no term has source "residual"', fix: 'remove "residual" or add a term with "source": "residual"' });
      }
    } else if (usesResidual) {
      issues.push({ code: 'PB206', severity: 'error', file, jsonPath: ['layers', k], message: 'a term has source "residual" but the layer gives no residual matrix', expected: '"residual": { "matrix": id } (A, input.size x state)', fix: 'add "residual": { "matrix": "A" }' });
    }
  });

  if (raw.readout !== undefined) {
    use(raw.readout.matrix, ['readout', 'matrix'], raw.output.size, raw.state, 'the readout (output.size x state)');
  } else if (raw.output.size !== raw.state) {
    issues.push({
      code: 'PB209',
      severity: 'error',
      file,
      jsonPath: ['output', 'size'],
      message: 'without a readout the output is the state',
      expected: `output.size = state = ${raw.state}`,
      found: `${raw.output.size}`,
      fix: 'set output.size to state, or add "readout": { "matrix": id } with an output.size x state matrix',
    });
  }

  for (const id of ids) {
    if (!used.has(id)) {
      issues.push({
        code: 'PB208',
        severity: allowUnused ? 'warning' : 'error',
        file,
        jsonPath: ['matrices', id],
        message: `matrix "${id}" is not used by any layer or the readout${allowUnused ? ' (accepted by --allow-unused; it is kept in the container)' : ''}`,
        fix: allowUnused ? 'remove it, or reference it' : 'remove it, or reference it (--allow-unused accepts such a model with a warning)',
      });
    }
  }
  return issues;
}

function checkVectorLengths(raw: RawModel, file: string): Diagnostic[] {
  const issues: Diagnostic[] = [];
  raw.layers.forEach((layer, k) => {
    const vectors: [JsonPath, number | number[] | undefined][] = [
      [['layers', k, 'bias'], layer.bias],
      [['layers', k, 'threshold', 'theta'], layer.threshold.theta],
    ];
    for (const [path, value] of vectors) {
      if (Array.isArray(value) && value.length !== raw.state) {
        issues.push({ code: 'PB207', severity: 'error', file, jsonPath: path, message: 'a per-element vector must have one entry per state element', expected: `${raw.state} entries`, found: `${value.length}`, fix: 'give a single number or a vector of length state' });
      }
    }
  });
  return issues;
}

// The browser example: load a container into the generic runtime and run one input.
// Served from the repository root (after `npm run build`), so the API is at ../../dist/runtime/.
import { loadContainer } from '../../dist/runtime/index.js';

const params = new URLSearchParams(location.search);
const status = document.getElementById('status');
const facts = document.getElementById('facts');
const output = document.getElementById('output');

/** A deterministic unit-scale input, so the page's output can be checked against the reference. */
function demoInput(size) {
  return Float32Array.from({ length: size }, (_, i) => Math.sin(0.37 * i));
}

function show(label, value) {
  const dt = document.createElement('dt');
  dt.textContent = label;
  const dd = document.createElement('dd');
  dd.textContent = value;
  facts.append(dt, dd);
}

async function run(source, label) {
  status.className = '';
  status.textContent = `loading ${label}…`;
  facts.replaceChildren();
  output.textContent = '';
  document.body.dataset.state = 'loading';
  try {
    const model = await loadContainer(source, { build: params.get('build') ?? 'auto', file: label });
    const input = demoInput(model.inputSize);
    const result = model.infer(input);
    // Time a few hundred calls for a stable figure.
    const runs = 200;
    const started = performance.now();
    for (let i = 0; i < runs; i++) model.infer(input);
    const perCall = (performance.now() - started) / runs;
    show('model', model.name);
    show('build', `generic runtime, ${model.build}`);
    show('sizes', `input ${model.inputSize}, state ${model.stateSize}, output ${model.outputSize}`);
    show('time per inference', `${(perCall * 1000).toFixed(1)} µs`);
    output.textContent = Array.from(result.subarray(0, 16), (v) => v.toFixed(6)).join('\n') + (result.length > 16 ? `\n… (${result.length} values)` : '');
    window.pibinnResult = { name: model.name, build: model.build, output: Array.from(result) };
    status.textContent = `ran ${label}`;
    document.body.dataset.state = 'done';
  } catch (error) {
    const diagnostic = error.diagnostics?.[0];
    status.className = 'error';
    status.textContent = diagnostic ? `${diagnostic.code}: ${diagnostic.message}` : String(error);
    window.pibinnResult = { error: diagnostic?.code ?? String(error) };
    document.body.dataset.state = 'error';
  }
}

document.getElementById('file').addEventListener('change', async (event) => {
  const file = event.target.files[0];
  if (file) await run(new Uint8Array(await file.arrayBuffer()), file.name);
});

const model = params.get('model') ?? '../../build/ista-rademacher/ista-rademacher.pibinn';
await run(new URL(model, location.href), model);

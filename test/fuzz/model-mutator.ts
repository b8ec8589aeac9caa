/**
 * A seeded, structure-aware mutator of valid models: it picks nodes of the parsed model.json
 * and changes their type, size or id, deletes, adds or duplicates keys and items, nests them
 * deep, swaps structures and encodings, points payloads at bad files, and then (sometimes)
 * damages the text itself: truncation, bytes that are not UTF-8, a byte order mark, flipped
 * bytes. Mutants are data: the model.json bytes plus the files (and directories, FIFOs,
 * symlinks) to lay out beside it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Seed {
  readonly name: string;
  readonly dir: string;
  readonly model: unknown;
}

/** What to create beside model.json. */
export type FileSpec =
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'directory' }
  | { readonly kind: 'fifo' }
  | { readonly kind: 'symlink'; readonly target: string };

export interface Mutant {
  /** The mutations applied, for the failure message (with the seed and iteration, enough to replay). */
  readonly steps: readonly string[];
  readonly text: Uint8Array;
  readonly files: ReadonlyMap<string, FileSpec>;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];
type Random = () => number;

/** Texts that stand in for a value in the tree and are spliced into the serialized text verbatim. */
class RawTexts {
  private readonly texts: string[] = [];
  /** A placeholder string value whose serialization is replaced by `text`. */
  value(text: string): string {
    this.texts.push(text);
    return `@@raw${this.texts.length - 1}@@`;
  }
  splice(serialized: string): string {
    return serialized.replace(/"@@raw(\d+)@@"/g, (_, i: string) => this.texts[Number(i)]);
  }
}

const NUMBERS = [0, -1, 1, 2, 3, 7, 8, 0.5, -0.5, 2 ** 24, 2 ** 24 + 1, 2 ** 27, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 34, 2 ** 53, 1e308, 5e-324, -1e308];
const NUMBER_TEXTS = ['1e999', '-1e999', '1e-999', '-0.0', '123456789012345678901234567890', '9007199254740993', '0.30000000000000004', '1E+2'];
const NAN_STRINGS = ['NaN', 'Infinity', '-Infinity', 'nan', '1e5', '0x10', ' 4', '4 ', '', '-', '1,5'];
const STRINGS = ['', 'x', 'W', 'B', 'A', '9x', 'é', '\u0000', 'a'.repeat(100), 'state', 'input', 'residual', 'soft', 'bits', 'values', 'dense-values', 'mask', 'blocks', 'banded', 'dense', 'block-diagonal'];
const DEPTHS = [3, 40, 62, 63, 64, 65, 200, 5_000, 20_000];
/** Finite in float64; some overflow float32 (3.5e38), some underflow it (1e-46). */
const EXTREMES = [1e308, -1e308, 5e-324, 1e-46, 1e-30, 1e30, 3.4e38, 3.5e38, 0, -0, 1, 0.999999, 1.000001];
const ODD_TEXTS = ['', 'tiny', 'a'.repeat(64), 'a'.repeat(65), 'é', '🙂 emoji', '\u202e right-to-left', 'tab\tand\nnewline', '<script>alert(1)</script>', 'x'.repeat(100_000)];

export function mutate(seed: Seed, random: Random): Mutant {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const model = structuredClone(seed.model) as Json;
  const raw = new RawTexts();
  const files = new Map<string, FileSpec>();
  const steps: string[] = [];

  const count = 1 + Math.floor(random() * 3);
  for (let m = 0; m < count; m++) {
    const nodes = collectPaths(model);
    const path = pick(nodes);
    const operation = pick(OPERATIONS);
    steps.push(`${operation.name} at ${renderPath(path)}`);
    operation.apply({ model, path, raw, files, pick, random, seed });
  }
  const text = raw.splice(JSON.stringify(model, null, pick([0, 1, 2])));
  let bytes: Uint8Array = new TextEncoder().encode(text);
  if (random() < 0.25) {
    const damage = pick(TEXT_DAMAGE);
    steps.push(`text: ${damage.name}`);
    bytes = damage.apply(bytes, random);
  }
  return { steps, text: bytes, files };
}

interface Context {
  readonly model: Json;
  readonly path: Path;
  readonly raw: RawTexts;
  readonly files: Map<string, FileSpec>;
  readonly pick: <T>(items: readonly T[]) => T;
  readonly random: Random;
  readonly seed: Seed;
}

interface Operation {
  readonly name: string;
  apply(c: Context): void;
}

const OPERATIONS: readonly Operation[] = [
  { name: 'retype', apply: (c) => set(c, c.pick<Json>([null, true, false, 0, 1.5, -1, '', 'x', [], {}, [1, 2], { a: 1 }])) },
  { name: 'boundary number', apply: (c) => set(c, c.pick(NUMBERS)) },
  { name: 'huge or odd number literal', apply: (c) => set(c, c.raw.value(c.pick(NUMBER_TEXTS))) },
  { name: 'NaN-ish string', apply: (c) => set(c, c.pick(NAN_STRINGS)) },
  { name: 'string', apply: (c) => set(c, c.pick(STRINGS)) },
  { name: 'nudge size', apply: (c) => typeof get(c.model, c.path) === 'number' && set(c, (get(c.model, c.path) as number) + c.pick([-1, 1, 8, -8, 1000])) },
  {
    name: 'deep nesting',
    apply: (c) => {
      const depth = c.pick(DEPTHS);
      const object = c.random() < 0.5;
      set(c, c.raw.value(`${(object ? '{"a":' : '[').repeat(depth)}1${(object ? '}' : ']').repeat(depth)}`));
    },
  },
  { name: 'extreme parameter', apply: (c) => extremeParameter(c) },
  { name: 'odd text', apply: (c) => ((c.model as Record<string, Json>)[c.pick(['description', 'name'])] = c.pick(ODD_TEXTS)) },
  { name: 'absurd but consistent sizes', apply: (c) => absurdSizes(c) },
  { name: 'delete key or item', apply: (c) => remove(c.model, c.path) },
  { name: 'duplicate key or item', apply: (c) => duplicate(c) },
  { name: 'unknown key', apply: (c) => addKey(c, 'unknownKey', 1) },
  { name: 'empty container', apply: (c) => set(c, Array.isArray(get(c.model, c.path)) ? [] : {}) },
  { name: 'rename matrix', apply: (c) => renameMatrix(c) },
  { name: 'point a reference elsewhere', apply: (c) => retarget(c) },
  { name: 'swap structure', apply: (c) => swapStructure(c) },
  { name: 'swap sign encoding', apply: (c) => swapEncoding(c) },
  { name: 'corrupt base64', apply: (c) => corruptBase64(c) },
  { name: 'bad payload file', apply: (c) => badPayloadFile(c) },
  {
    name: 'metadata',
    apply: (c) => {
      const depth = c.pick(DEPTHS);
      (c.model as Record<string, Json>).metadata = c.pick<Json>([{ deep: c.raw.value(`${'['.repeat(depth)}0${']'.repeat(depth)}`) }, 'x', [], { s: 'é'.repeat(1000) }, null]);
    },
  },
];

/** A real-valued parameter (scale, a gain, theta, bias, skip, relax) set to an extreme but finite value. */
function extremeParameter(c: Context): void {
  const model = c.model as Record<string, Json>;
  const value = c.pick(EXTREMES);
  const layers = Array.isArray(model.layers) ? (model.layers as Record<string, Json>[]) : [];
  const layer = layers.length > 0 ? c.pick(layers) : undefined;
  const m = matrixAtOrRandom(c);
  const target = c.pick(['scale', 'gain', 'theta', 'bias', 'skip', 'relax']);
  if (target === 'scale') model.scale = value;
  else if (target === 'gain' && m !== undefined) m.gain = value;
  else if (layer !== undefined && layer !== null && typeof layer === 'object') {
    if (target === 'theta' && layer.threshold !== null && typeof layer.threshold === 'object') (layer.threshold as Record<string, Json>).theta = value;
    else if (target !== 'theta') layer[target] = value;
  }
}

/** A consistent model whose vectors are huge but whose matrices are empty: tiny text, large needs. */
function absurdSizes(c: Context): void {
  const n = c.pick([2 ** 20, 2 ** 24, 2 ** 24 + 1, 2 ** 27, 2 ** 31]);
  const model = c.model as Record<string, Json>;
  model.state = n;
  model.input = { name: 'y', size: n };
  model.output = { name: 'x', size: n };
  model.matrices = { E: { rows: n, cols: n, structure: { kind: 'blocks', blocks: [] }, signs: { encoding: 'bits', data: '' } } };
  model.layers = [{ terms: [{ matrix: 'E', source: c.pick(['input', 'state']) }], threshold: { kind: 'soft', theta: 0.1 } }];
  delete model.readout;
}

/** Paths of every node, with long arrays sampled (their first items and the last), so big payloads do not swamp the choice. */
function collectPaths(root: Json): Path[] {
  const paths: Path[] = [];
  const stack: { node: Json; path: Path }[] = [{ node: root, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    paths.push(path);
    if (Array.isArray(node)) {
      const indices = node.length <= 6 ? node.map((_, i) => i) : [0, 1, 2, node.length - 1];
      for (const i of indices) stack.push({ node: node[i], path: [...path, i] });
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) stack.push({ node: child, path: [...path, key] });
    }
  }
  return paths;
}

function get(root: Json, path: Path): Json | undefined {
  let node: Json | undefined = root;
  for (const segment of path) node = node !== null && typeof node === 'object' ? (node as Record<string | number, Json>)[segment] : undefined;
  return node;
}

function set(c: Context, value: Json): void {
  if (c.path.length === 0) return; // The root stays an object; other damage reaches it through the text.
  const parent = get(c.model, c.path.slice(0, -1)) as Record<string | number, Json>;
  parent[c.path[c.path.length - 1]] = value;
}

function remove(root: Json, path: Path): void {
  if (path.length === 0) return;
  const parent = get(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (Array.isArray(parent)) parent.splice(last as number, 1);
  else if (parent !== null && typeof parent === 'object') delete (parent as Record<string, Json>)[last];
}

function duplicate(c: Context): void {
  if (c.path.length === 0) return;
  const parent = get(c.model, c.path.slice(0, -1));
  const last = c.path[c.path.length - 1];
  if (Array.isArray(parent)) {
    parent.splice(last as number, 0, structuredClone(parent[last as number]));
  } else if (parent !== null && typeof parent === 'object') {
    // The same key twice: written under a placeholder key, renamed in the text.
    const placeholder = c.raw.value(JSON.stringify(last));
    (parent as Record<string, Json>)[placeholder] = structuredClone((parent as Record<string, Json>)[last]);
  }
}

function addKey(c: Context, key: string, value: Json): void {
  const node = get(c.model, c.path);
  if (node !== null && typeof node === 'object' && !Array.isArray(node)) node[key] = value;
}

function matrices(c: Context): Record<string, Json> | undefined {
  const m = (c.model as Record<string, Json>).matrices;
  return m !== null && typeof m === 'object' && !Array.isArray(m) ? (m as Record<string, Json>) : undefined;
}

function renameMatrix(c: Context): void {
  const all = matrices(c);
  if (all === undefined || Object.keys(all).length === 0) return;
  const id = c.pick(Object.keys(all));
  const to = c.pick(['9bad', 'x'.repeat(65), 'W', 'B', 'renamed', 'é', '']);
  const value = all[id];
  delete all[id];
  all[to] = value;
}

function retarget(c: Context): void {
  const all = matrices(c);
  const layers = (c.model as Record<string, Json>).layers;
  if (!Array.isArray(layers) || layers.length === 0) return;
  const layer = c.pick(layers) as Record<string, Json>;
  const terms = layer?.terms;
  if (!Array.isArray(terms) || terms.length === 0) return;
  const term = c.pick(terms) as Record<string, Json>;
  if (term === null || typeof term !== 'object') return;
  if (c.random() < 0.5) term.matrix = c.pick([...Object.keys(all ?? {}), 'missing']);
  else term.source = c.pick(['state', 'input', 'residual', 'output']);
}

function matrixAtOrRandom(c: Context): Record<string, Json> | undefined {
  const all = matrices(c);
  if (all === undefined || Object.keys(all).length === 0) return undefined;
  const m = all[c.pick(Object.keys(all))];
  return m !== null && typeof m === 'object' && !Array.isArray(m) ? (m as Record<string, Json>) : undefined;
}

function swapStructure(c: Context): void {
  const m = matrixAtOrRandom(c);
  if (m === undefined) return;
  const rows = typeof m.rows === 'number' ? m.rows : 4;
  const cols = typeof m.cols === 'number' ? m.cols : 4;
  m.structure = c.pick<Json>([
    { kind: 'dense' },
    { kind: 'banded', lower: c.pick([0, 1, 3, -1, 2 ** 31]), upper: c.pick([0, 2, 2 ** 24]) },
    { kind: 'block-diagonal', blockRows: c.pick([1, 2, 3, 0]), blockCols: c.pick([1, 2, 5]) },
    { kind: 'blocks', blocks: c.pick<Json>([[], [[0, 0, 1, 1]], [[0, 0, rows, cols], [0, 0, 1, 1]], [[rows, cols, 1, 1]], [[0, 0, 2 ** 31, 1]]]) },
    { kind: 'mask', encoding: 'bits', data: c.pick(['', 'AA==', 'pQ==', '////']) },
    { kind: 'mask', encoding: 'bits', file: 'mask.bin' },
  ]);
}

function swapEncoding(c: Context): void {
  const m = matrixAtOrRandom(c);
  if (m === undefined) return;
  m.signs = c.pick<Json>([
    { encoding: 'bits', data: c.pick(['', 'AA==', 'pQ==']) },
    { encoding: 'values', data: c.pick<Json>([[], [1], [0.5, -0.5, 1e308, -1e308]]) },
    { encoding: 'dense-values', data: c.pick<Json>([[], [0, 0, 0, 1]]) },
    { encoding: 'values', file: c.pick(['values.npy', 'values.f32']) },
  ]);
}

function corruptBase64(c: Context): void {
  const m = matrixAtOrRandom(c);
  const signs = m?.signs as Record<string, Json> | undefined;
  if (signs === undefined || signs === null || typeof signs.data !== 'string') return;
  const data = signs.data;
  signs.data = c.pick([`${data}=`, data.replace(/=+$/, ''), `*${data.slice(1)}`, `${data}AAAA`, data.slice(0, -4), `${data.slice(0, 2)} ${data.slice(2)}`]);
}

/** Points a payload at a file that is missing, unsafe, a directory, a FIFO, empty, garbage or the wrong size. */
function badPayloadFile(c: Context): void {
  const m = matrixAtOrRandom(c);
  if (m === undefined) return;
  const choice = c.pick(['missing', 'absolute', 'dotdot', 'directory', 'fifo', 'empty', 'garbage.npy', 'short.npy', 'escape-link', 'raw-odd']);
  const name = `p-${choice}`;
  const file: Record<string, string> = {
    missing: 'nowhere.bin',
    absolute: '/etc/hostname',
    dotdot: '../model.json',
    directory: name,
    fifo: name,
    empty: name,
    'garbage.npy': `${name}.npy`,
    'short.npy': `${name}.npy`,
    'escape-link': name,
    'raw-odd': name,
  };
  const npyHeader = (count: number) => {
    const dict = `{'descr': '|u1', 'fortran_order': False, 'shape': (${count},), }`.padEnd(117, ' ') + '\n';
    return Uint8Array.from([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0, dict.length & 0xff, dict.length >> 8, ...new TextEncoder().encode(dict)]);
  };
  switch (choice) {
    case 'directory':
      c.files.set(name, { kind: 'directory' });
      break;
    case 'fifo':
      c.files.set(name, { kind: 'fifo' });
      break;
    case 'empty':
      c.files.set(name, { kind: 'bytes', bytes: new Uint8Array(0) });
      break;
    case 'garbage.npy':
      c.files.set(file[choice], { kind: 'bytes', bytes: Uint8Array.from({ length: 64 }, () => Math.floor(c.random() * 256)) });
      break;
    case 'short.npy':
      c.files.set(file[choice], { kind: 'bytes', bytes: npyHeader(c.pick([0, 1, 2 ** 31, 2 ** 53])) });
      break;
    case 'escape-link':
      c.files.set(name, { kind: 'symlink', target: '/etc/hostname' });
      break;
    case 'raw-odd':
      c.files.set(name, { kind: 'bytes', bytes: Uint8Array.of(1, 2, 3) });
      break;
  }
  const target = c.random() < 0.5 && m.structure !== null && typeof m.structure === 'object' && (m.structure as Record<string, Json>).kind === 'mask' ? 'structure' : 'signs';
  const payload = m[target] as Record<string, Json>;
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return;
  delete payload.data;
  payload.file = file[choice];
}

/** Damage to the serialized text. */
const TEXT_DAMAGE: readonly { readonly name: string; apply(bytes: Uint8Array, random: Random): Uint8Array }[] = [
  { name: 'truncate', apply: (b, r) => b.slice(0, Math.floor(r() * b.length)) },
  { name: 'invalid UTF-8 byte', apply: (b, r) => insert(b, Math.floor(r() * b.length), [0xff]) },
  { name: 'truncated UTF-8 sequence', apply: (b, r) => insert(b, Math.floor(r() * b.length), [0xe2, 0x82]) },
  { name: 'overlong UTF-8', apply: (b, r) => insert(b, Math.floor(r() * b.length), [0xc0, 0xaf]) },
  { name: 'byte order mark', apply: (b) => insert(b, 0, [0xef, 0xbb, 0xbf]) },
  { name: 'NUL byte', apply: (b, r) => insert(b, Math.floor(r() * b.length), [0]) },
  {
    name: 'flip a byte',
    apply: (b, r) => {
      const copy = b.slice();
      if (copy.length > 0) copy[Math.floor(r() * copy.length)] ^= 1 << Math.floor(r() * 8);
      return copy;
    },
  },
  { name: 'lone surrogate escape', apply: (b, r) => insertInString(b, r, '\\ud800') },
];

function insert(bytes: Uint8Array, at: number, extra: readonly number[]): Uint8Array {
  return Uint8Array.from([...bytes.subarray(0, at), ...extra, ...bytes.subarray(at)]);
}

/** After a random quote, so the escape lands inside a string (or breaks the syntax, also fine). */
function insertInString(bytes: Uint8Array, random: Random, text: string): Uint8Array {
  const quotes: number[] = [];
  bytes.forEach((b, i) => b === 0x22 && quotes.push(i));
  const at = quotes.length === 0 ? 0 : quotes[Math.floor(random() * quotes.length)] + 1;
  return insert(bytes, at, [...new TextEncoder().encode(text)]);
}

function renderPath(path: Path): string {
  return `$${path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('')}`;
}

/** The seeds: every conformance model and shipped example, parsed. */
export function loadSeeds(dirs: readonly string[]): Seed[] {
  return dirs.map((dir) => ({ name: dir.split('/').slice(-2).join('/'), dir, model: JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) }));
}

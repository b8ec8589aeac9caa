/**
 * Float32 ONNX exports of a model, the graphs a web developer would run in ONNX Runtime instead
 * of pibinn (spec section 4, batch dimension `batch`):
 * - `dense`: every matrix as a full [cols, rows] float32 MatMul weight, structural zeros included;
 * - `structured`: block-diagonal matrices as one batched MatMul over [blocks, blockCols,
 *   blockRows] (only the blocks, what an expert deploys); other kinds as in `dense`.
 * Hand-encoded protobuf (ONNX IR 8, opset 17); written as chunks, never as one big array.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { forEachRowSegment, signAt } from '../../compiler/ir/structure.js';
import type { IRMatrix, IRModel, ScalarOrVector } from '../../core/ir.js';
import { Message } from './protobuf.js';

export type OnnxGraphKind = 'dense' | 'structured';

const FLOAT = 1;
const INT64 = 7;
const ATTRIBUTE_INTS = 7;

/** Float32 values of a dense-equivalent graph: the bytes its weights take. */
export function onnxWeightBytes(model: IRModel, kind: OnnxGraphKind): number {
  let values = 0;
  for (const m of model.matrices.values()) values += kind === 'structured' && m.structure.kind === 'block-diagonal' ? m.nnz : m.rows * m.cols;
  return 4 * values;
}

class Graph {
  readonly nodes: Message[] = [];
  readonly initializers: Message[] = [];
  private count = 0;

  fresh(prefix: string): string {
    return `${prefix}_${this.count++}`;
  }

  node(op: string, inputs: string[], attributes: Message[] = []): string {
    const output = this.fresh(op.toLowerCase());
    const node = new Message();
    inputs.forEach((i) => node.string(1, i));
    node.string(2, output).string(3, output).string(4, op);
    attributes.forEach((a) => node.message(5, a));
    this.nodes.push(node);
    return output;
  }

  floats(prefix: string, dims: number[], values: Float32Array): string {
    const name = this.fresh(prefix);
    const tensor = new Message();
    dims.forEach((d) => tensor.int(1, d));
    tensor.int(2, FLOAT).string(8, name).bytes(9, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    this.initializers.push(tensor);
    return name;
  }

  int64s(prefix: string, values: number[]): string {
    const name = this.fresh(prefix);
    const tensor = new Message().int(1, values.length).int(2, INT64).string(8, name);
    tensor.bytes(9, new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer));
    this.initializers.push(tensor);
    return name;
  }

  scalarOrVector(prefix: string, value: ScalarOrVector): string {
    return typeof value === 'number' ? this.floats(prefix, [], Float32Array.of(value)) : this.floats(prefix, [value.length], Float32Array.from(value));
  }
}

function intsAttribute(name: string, values: number[]): Message {
  const a = new Message().string(1, name).int(20, ATTRIBUTE_INTS);
  values.forEach((v) => a.int(8, v));
  return a;
}

/** The matrix transposed ([cols, rows], so that v [batch, cols] @ it = (M v^T)^T), zeros included. */
function denseTransposed(m: IRMatrix, value: number): Float32Array {
  const t = new Float32Array(m.rows * m.cols);
  forEachRowSegment(m.structure, m.rows, m.cols, (i, c0, c1, k) => {
    for (let j = c0; j < c1; j++) t[j * m.rows + i] = signAt(m.signs, k + j - c0) * value;
  });
  return t;
}

/** Block-diagonal blocks as [blocks, blockCols, blockRows], each transposed. */
function blocksTransposed(m: IRMatrix, value: number): Float32Array {
  if (m.structure.kind !== 'block-diagonal') throw new Error('blocksTransposed needs a block-diagonal matrix');
  const { blockRows: br, blockCols: bc } = m.structure;
  const t = new Float32Array(m.nnz);
  forEachRowSegment(m.structure, m.rows, m.cols, (i, c0, c1, k) => {
    const b = Math.floor(i / br);
    for (let j = c0; j < c1; j++) t[b * bc * br + (j - c0) * br + (i % br)] = signAt(m.signs, k + j - c0) * value;
  });
  return t;
}

function product(g: Graph, model: IRModel, m: IRMatrix, v: string, kind: OnnxGraphKind, weights: Map<string, string>): string {
  const value = Math.fround(model.scale * m.gain);
  const { structure } = m;
  if (kind === 'structured' && structure.kind === 'block-diagonal') {
    const blocks = m.rows / structure.blockRows;
    let w = weights.get(m.id);
    if (w === undefined) weights.set(m.id, (w = g.floats(`W_${m.id}`, [blocks, structure.blockCols, structure.blockRows], blocksTransposed(m, value))));
    const split = g.node('Reshape', [v, g.int64s('shape', [-1, blocks, structure.blockCols])]);
    const perm = intsAttribute('perm', [1, 0, 2]);
    const products = g.node('MatMul', [g.node('Transpose', [split], [perm]), w]);
    return g.node('Reshape', [g.node('Transpose', [products], [perm]), g.int64s('shape', [-1, m.rows])]);
  }
  let w = weights.get(m.id);
  if (w === undefined) weights.set(m.id, (w = g.floats(`W_${m.id}`, [m.cols, m.rows], denseTransposed(m, value))));
  return g.node('MatMul', [v, w]);
}

function valueInfo(name: string, size: number): Message {
  const shape = new Message().message(1, new Message().string(2, 'batch')).message(1, new Message().int(1, size));
  const tensorType = new Message().int(1, FLOAT).message(2, shape);
  return new Message().string(1, name).message(2, new Message().message(1, tensorType));
}

function buildGraph(model: IRModel, kind: OnnxGraphKind): Message {
  const g = new Graph();
  const weights = new Map<string, string>();
  const times = (m: IRMatrix, v: string) => product(g, model, m, v, kind, weights);
  const cached = new Map<string, string>();
  const withY = (m: IRMatrix) => {
    if (!cached.has(m.id)) cached.set(m.id, times(m, 'y'));
    return cached.get(m.id)!;
  };
  let x: string | undefined; // undefined: x_0 = 0
  for (const layer of model.layers) {
    const parts: string[] = [];
    if (x !== undefined && layer.skip !== 0) parts.push(g.node('Mul', [x, g.scalarOrVector('skip', layer.skip)]));
    let r = 'y';
    if (layer.residual !== undefined && x !== undefined) r = g.node('Sub', ['y', times(layer.residual, x)]);
    for (const term of layer.terms) {
      const m = term.matrix;
      if (term.source === 'state' && x === undefined) continue;
      parts.push(term.source === 'input' ? withY(m) : times(m, term.source === 'state' ? x! : r));
    }
    let z = parts.reduce((a, b) => g.node('Add', [a, b]));
    if (layer.bias !== 0) z = g.node('Add', [z, g.scalarOrVector('bias', layer.bias)]);
    const theta = g.scalarOrVector('theta', layer.threshold.theta);
    let eta = z;
    const { kind: t } = layer.threshold;
    if (t === 'soft') eta = g.node('Sub', [z, g.node('Min', [g.node('Max', [z, g.node('Neg', [theta])]), theta])]);
    if (t === 'hard') eta = g.node('Where', [g.node('Greater', [g.node('Abs', [z]), theta]), z, g.floats('zero', [], Float32Array.of(0))]);
    if (t === 'soft-nonneg') eta = g.node('Relu', [g.node('Sub', [z, theta])]);
    if (layer.relax === 1) {
      x = eta;
    } else {
      const relaxed = g.node('Mul', [eta, g.floats('relax', [], Float32Array.of(layer.relax))]);
      x = x === undefined ? relaxed : g.node('Add', [g.node('Mul', [x, g.floats('keep', [], Float32Array.of(1 - layer.relax))]), relaxed]);
    }
  }
  const out = model.readout === undefined ? x! : times(model.readout, x!);
  const graph = new Message();
  g.nodes.forEach((n) => graph.message(1, n));
  graph.message(1, new Message().string(1, out).string(2, 'out').string(3, 'out').string(4, 'Identity'));
  graph.string(2, `${model.name}-${kind}`);
  g.initializers.forEach((t) => graph.message(5, t));
  graph.message(11, valueInfo('y', model.input.size));
  graph.message(12, valueInfo('out', model.output.size));
  return graph;
}

/** Writes the ONNX model to `path`; returns its size in bytes. */
export function writeOnnx(model: IRModel, kind: OnnxGraphKind, path: string): number {
  const file = new Message()
    .int(1, 8) // ir_version
    .string(2, 'pibinn-bench')
    .message(8, new Message().string(1, '').int(2, 17)) // opset_import
    .message(7, buildGraph(model, kind))
    .encoded();
  const fd = openSync(path, 'w');
  try {
    for (const chunk of file.chunks) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  return file.length;
}

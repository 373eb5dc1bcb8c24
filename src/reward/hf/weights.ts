import * as tf from '@tensorflow/tfjs-core';
import { ModelConfigError } from '../../core/errors.ts';
import type { DecoderConfig } from './config.ts';
import { listTensors, readTensor, type TensorEntry } from './safetensors.ts';

/** Which head turns the hidden state at a step's tag into P(step correct). */
export type HeadKind = 'prm-mlp' | 'token-class' | 'value' | 'lm-labels';

export interface LayerWeights {
  readonly inNorm: tf.Tensor1D;
  readonly postNorm: tf.Tensor1D;
  /** Projections in torch layout [out, in], applied with transposeB (separate: splitting a fused output is a strided copy on cpu). */
  readonly q: tf.Tensor2D;
  readonly k: tf.Tensor2D;
  readonly v: tf.Tensor2D;
  readonly qb: tf.Tensor1D | null;
  readonly kb: tf.Tensor1D | null;
  readonly vb: tf.Tensor1D | null;
  readonly o: tf.Tensor2D;
  readonly gate: tf.Tensor2D;
  readonly up: tf.Tensor2D;
  readonly down: tf.Tensor2D;
}

/** Head weights as [out, in] matrices applied in order; ReLU between them (the Qwen PRM's score.0 / score.2). */
export interface HeadWeights {
  readonly kind: HeadKind;
  readonly mats: readonly { w: tf.Tensor2D; b: tf.Tensor1D | null }[];
}

export interface Weights {
  /** Token embeddings stay on the host: rows are gathered here (a 7B table is larger than a WebGPU binding). */
  readonly embed: Float32Array;
  readonly layers: readonly LayerWeights[];
  readonly norm: tf.Tensor1D;
  readonly head: HeadWeights;
  /** Bytes of fp32 weights on the backend, and on the host. */
  readonly deviceBytes: number;
  readonly hostBytes: number;
  readonly skipped: readonly string[];
}

const HEAD_NAMES = {
  'prm-mlp': ['score.0.weight', 'score.2.weight'],
  value: ['v_head.summary.weight', 'value_head.weight'],
} as const;

/** The head, from the architecture name and the tensors present (names, not guesses from the folder name). */
export function detectHead(architecture: string, names: ReadonlySet<string>, shapeOf: (n: string) => readonly number[]): HeadKind {
  if (architecture.endsWith('ForProcessRewardModel') || HEAD_NAMES['prm-mlp'].every((n) => names.has(n))) return 'prm-mlp';
  if (HEAD_NAMES.value.some((n) => names.has(n))) return 'value';
  if (names.has('score.weight')) return shapeOf('score.weight')[0] === 1 ? 'value' : 'token-class';
  if (architecture.endsWith('ForCausalLM')) return 'lm-labels';
  throw new ModelConfigError('config.json', `cannot tell the PRM head of architecture ${JSON.stringify(architecture)} (no score.*, v_head.* or LM head)`);
}

/**
 * Streams the checkpoint tensor by tensor into fp32 backend tensors: each one is read by offset, widened, uploaded
 * and dropped before the next, so the checkpoint never sits in memory twice. Tensors the head does not use (the LM
 * head of a classification PRM) are never read; an LM-label head reads only the two label rows.
 */
export function loadWeights(dir: string, c: DecoderConfig, labelIds: readonly number[] | null): Weights {
  const all = listTensors(dir);
  const kind = detectHead(c.architecture, new Set(all.keys()), (n) => all.get(n)!.shape);
  const used = new Set<string>();
  let deviceBytes = 0;
  const entry = (name: string): TensorEntry => {
    const e = all.get(name);
    if (!e) throw new ModelConfigError(dir, `tensor ${name} missing from the checkpoint`);
    used.add(name);
    return e;
  };
  const expect = (e: TensorEntry, shape: number[]) => {
    if (e.shape.join() !== shape.join()) throw new ModelConfigError(e.file, `tensor ${e.name}: shape [${e.shape}] where config.json implies [${shape}]`);
  };
  const read = (name: string, shape: number[]): Float32Array => {
    const e = entry(name);
    expect(e, shape);
    return readTensor(e);
  };
  const up1 = (x: Float32Array) => ((deviceBytes += x.byteLength), tf.tensor1d(x));
  const up2 = (x: Float32Array, r: number, k: number) => ((deviceBytes += x.byteLength), tf.tensor2d(x, [r, k]));
  const H = c.hidden,
    D = c.headDim,
    q = c.heads * D,
    kv = c.kvHeads * D;
  const embed = read('model.embed_tokens.weight', [c.vocab, H]);
  const layers: LayerWeights[] = [];
  for (let i = 0; i < c.layers; i++) {
    const p = `model.layers.${i}.`;
    const bias = (n: string, len: number) => read(`${p}self_attn.${n}_proj.bias`, [len]);
    layers.push({
      inNorm: up1(read(`${p}input_layernorm.weight`, [H])),
      postNorm: up1(read(`${p}post_attention_layernorm.weight`, [H])),
      q: up2(read(`${p}self_attn.q_proj.weight`, [q, H]), q, H),
      k: up2(read(`${p}self_attn.k_proj.weight`, [kv, H]), kv, H),
      v: up2(read(`${p}self_attn.v_proj.weight`, [kv, H]), kv, H),
      qb: c.qkvBias ? up1(bias('q', q)) : null,
      kb: c.qkvBias ? up1(bias('k', kv)) : null,
      vb: c.qkvBias ? up1(bias('v', kv)) : null,
      o: up2(read(`${p}self_attn.o_proj.weight`, [H, q]), H, q),
      gate: up2(read(`${p}mlp.gate_proj.weight`, [c.ffn, H]), c.ffn, H),
      up: up2(read(`${p}mlp.up_proj.weight`, [c.ffn, H]), c.ffn, H),
      down: up2(read(`${p}mlp.down_proj.weight`, [H, c.ffn]), H, c.ffn),
    });
  }
  const norm = up1(read('model.norm.weight', [H]));
  const head = loadHead(kind, c, all, entry, up1, up2, embed, labelIds);
  const skipped = [...all.keys()].filter((n) => !used.has(n));
  return { embed, layers, norm, head, deviceBytes, hostBytes: embed.byteLength, skipped };
}

function loadHead(
  kind: HeadKind,
  c: DecoderConfig,
  all: Map<string, TensorEntry>,
  entry: (n: string) => TensorEntry,
  up1: (x: Float32Array) => tf.Tensor1D,
  up2: (x: Float32Array, r: number, k: number) => tf.Tensor2D,
  embed: Float32Array,
  labelIds: readonly number[] | null,
): HeadWeights {
  const H = c.hidden;
  const lin = (w: string, b: string | null) => {
    const e = entry(w);
    if (e.shape.length !== 2 || e.shape[1] !== H) throw new ModelConfigError(e.file, `tensor ${w}: shape [${e.shape}] is not [out, ${H}]`);
    const bias = b && all.has(b) ? up1(readTensor(entry(b))) : null;
    return { w: up2(readTensor(e), e.shape[0]!, e.shape[1]!), b: bias };
  };
  if (kind === 'prm-mlp') return { kind, mats: [lin('score.0.weight', 'score.0.bias'), lin('score.2.weight', 'score.2.bias')] };
  if (kind === 'token-class') return { kind, mats: [lin('score.weight', 'score.bias')] };
  if (kind === 'value') {
    const name = HEAD_NAMES.value.find((n) => all.has(n)) ?? 'score.weight';
    return { kind, mats: [lin(name, name.replace(/weight$/, 'bias'))] };
  }
  if (!labelIds) throw new ModelConfigError('config.json', 'an LM-head PRM needs a step format with label tokens (good / bad)');
  // Math-Shepherd style: only the rows of the label tokens of the LM head (or of the tied embeddings) are read.
  const rows = labelIds.map((id) => {
    if (!(id >= 0 && id < c.vocab)) throw new ModelConfigError('config.json', `label token id ${id} outside vocab_size ${c.vocab}`);
    return id;
  });
  const w = c.tied ? gatherRows(embed, rows, H) : readTensor(entry('lm_head.weight'), rows);
  return { kind, mats: [{ w: up2(w, rows.length, H), b: null }] };
}

function gatherRows(table: Float32Array, rows: readonly number[], width: number): Float32Array {
  const out = new Float32Array(rows.length * width);
  rows.forEach((r, i) => out.set(table.subarray(r * width, (r + 1) * width), i * width));
  return out;
}

export function disposeWeights(w: Weights): void {
  for (const l of w.layers) tf.dispose([l.inNorm, l.postNorm, l.q, l.k, l.v, l.o, l.gate, l.up, l.down, ...[l.qb, l.kb, l.vb].filter((b) => b !== null)]);
  tf.dispose([w.norm, ...w.head.mats.flatMap((m) => (m.b ? [m.w, m.b] : [m.w]))]);
}

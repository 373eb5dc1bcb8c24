import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelConfigError } from '../../core/errors.ts';

/** Llama 3 RoPE frequency scaling (`rope_scaling.rope_type: llama3`), or linear position scaling. */
export type RopeScaling =
  | { readonly type: 'llama3'; readonly factor: number; readonly lowFreqFactor: number; readonly highFreqFactor: number; readonly originalMax: number }
  | { readonly type: 'linear'; readonly factor: number };

/** The decoder facts the forward pass needs, read from config.json (every value from the file, none assumed). */
export interface DecoderConfig {
  readonly architecture: string;
  readonly modelType: 'qwen2' | 'llama' | 'mistral';
  readonly hidden: number;
  readonly layers: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly ffn: number;
  readonly vocab: number;
  readonly eps: number;
  readonly theta: number;
  readonly ropeScaling: RopeScaling | null;
  readonly tied: boolean;
  /** q/k/v projections carry biases (Qwen2 always; Llama when `attention_bias`). */
  readonly qkvBias: boolean;
  /** Sliding-window span when on: a token attends to itself and the `slidingWindow - 1` positions before it. */
  readonly slidingWindow: number | null;
  /** Which layers use the window (Mistral: all; Qwen2: `layer_types`, else layers ≥ `max_window_layers`). */
  readonly windowLayers: readonly boolean[];
  readonly numLabels: number | null;
}

export function readConfig(dir: string): DecoderConfig {
  const file = join(dir, 'config.json');
  let c: Record<string, unknown>;
  try {
    c = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ModelConfigError(file, `cannot read: ${(e as Error).message}`);
  }
  const bad = (field: string, detail: string): never => {
    throw new ModelConfigError(file, `field \`${field}\`: ${detail}`);
  };
  const int = (k: string, fallback?: number): number => {
    const v = c[k] ?? fallback;
    return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : bad(k, `expected a positive integer, got ${JSON.stringify(v)}`);
  };
  const num = (k: string, fallback?: number): number => {
    const v = c[k] ?? fallback;
    return typeof v === 'number' && v > 0 ? v : bad(k, `expected a positive number, got ${JSON.stringify(v)}`);
  };
  const modelType = c.model_type as DecoderConfig['modelType'];
  if (!['qwen2', 'llama', 'mistral'].includes(modelType)) bad('model_type', `expected qwen2, llama or mistral, got ${JSON.stringify(c.model_type)}`);
  const act = c.hidden_act ?? 'silu';
  if (act !== 'silu') bad('hidden_act', `only silu (SwiGLU) is implemented, got ${JSON.stringify(act)}`);
  const hidden = int('hidden_size'),
    heads = int('num_attention_heads');
  const kvHeads = int('num_key_value_heads', heads);
  if (heads % kvHeads) bad('num_key_value_heads', `${kvHeads} does not divide num_attention_heads ${heads}`);
  const headDim = int('head_dim', hidden / heads);
  const layers = int('num_hidden_layers');
  const { slidingWindow, windowLayers } = slidingWindowOf(c, modelType, layers, bad);
  const labels = c.num_labels ?? (c.id2label && typeof c.id2label === 'object' ? Object.keys(c.id2label).length : null);
  return {
    architecture: String((c.architectures as string[] | undefined)?.[0] ?? ''),
    modelType,
    hidden,
    heads,
    kvHeads,
    headDim,
    layers,
    ffn: int('intermediate_size'),
    vocab: int('vocab_size'),
    eps: num('rms_norm_eps'),
    theta: num('rope_theta', 10000),
    ropeScaling: ropeScaling(c.rope_scaling, bad),
    tied: c.tie_word_embeddings === undefined ? modelType === 'qwen2' : c.tie_word_embeddings === true,
    qkvBias: modelType === 'qwen2' || c.attention_bias === true,
    slidingWindow,
    windowLayers,
    numLabels: typeof labels === 'number' ? labels : null,
  };
}

/**
 * transformers' semantics: Mistral windows every layer when `sliding_window` is set (absent means its default
 * 4096; null means off); Qwen2 only with `use_sliding_window`, on the layers `layer_types` marks
 * `sliding_attention`, else on layers with index ≥ `max_window_layers` (default 28); Llama never.
 */
function slidingWindowOf(c: Record<string, unknown>, modelType: DecoderConfig['modelType'], layers: number, bad: (f: string, d: string) => never) {
  const off = { slidingWindow: null, windowLayers: new Array<boolean>(layers).fill(false) };
  if (modelType === 'llama' || (modelType === 'qwen2' && c.use_sliding_window !== true)) return off;
  const w = 'sliding_window' in c ? c.sliding_window : 4096;
  if (w === null) return off;
  if (!(typeof w === 'number' && Number.isInteger(w) && w > 0)) bad('sliding_window', `expected a positive integer or null, got ${JSON.stringify(w)}`);
  if (modelType === 'mistral') return { slidingWindow: w as number, windowLayers: off.windowLayers.map(() => true) };
  const types = c.layer_types;
  if (types !== undefined) {
    if (!Array.isArray(types) || types.length !== layers || types.some((t) => t !== 'sliding_attention' && t !== 'full_attention'))
      bad('layer_types', `expected ${layers} entries of "sliding_attention" or "full_attention"`);
    return { slidingWindow: w as number, windowLayers: (types as string[]).map((t) => t === 'sliding_attention') };
  }
  const from = c.max_window_layers ?? 28;
  if (!(typeof from === 'number' && Number.isInteger(from) && from >= 0)) bad('max_window_layers', `expected an integer ≥ 0, got ${JSON.stringify(from)}`);
  return { slidingWindow: w as number, windowLayers: off.windowLayers.map((_, i) => i >= (from as number)) };
}

function ropeScaling(v: unknown, bad: (f: string, d: string) => never): RopeScaling | null {
  if (v == null) return null;
  const r = v as Record<string, unknown>;
  const type = r.rope_type ?? r.type;
  const n = (k: string) =>
    typeof r[k] === 'number' && (r[k] as number) > 0 ? (r[k] as number) : bad(`rope_scaling.${k}`, `expected a positive number, got ${JSON.stringify(r[k])}`);
  if (type === 'default') return null;
  if (type === 'linear') return { type, factor: n('factor') };
  if (type === 'llama3') {
    return {
      type,
      factor: n('factor'),
      lowFreqFactor: n('low_freq_factor'),
      highFreqFactor: n('high_freq_factor'),
      originalMax: n('original_max_position_embeddings'),
    };
  }
  return bad('rope_scaling', `rope type ${JSON.stringify(type)} is not implemented (default, linear, llama3)`);
}

/** Inverse RoPE frequencies in float64, with the config's scaling (transformers' `_compute_llama3_parameters`). */
export function invFrequencies(c: DecoderConfig): Float64Array {
  const half = c.headDim / 2;
  const f = new Float64Array(half);
  for (let i = 0; i < half; i++) f[i] = 1 / c.theta ** ((2 * i) / c.headDim);
  const s = c.ropeScaling;
  if (!s) return f;
  if (s.type === 'linear') return f.map((x) => x / s.factor);
  const lowWave = s.originalMax / s.lowFreqFactor,
    highWave = s.originalMax / s.highFreqFactor;
  return f.map((x) => {
    const wave = (2 * Math.PI) / x;
    if (wave < highWave) return x;
    if (wave > lowWave) return x / s.factor;
    const smooth = (s.originalMax / wave - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
    return (1 - smooth) * (x / s.factor) + smooth * x;
  });
}

/** Parameters of the decoder and head, counted from the config (embeddings once; a tied LM head not again). */
export function countParams(c: DecoderConfig, headParams: number): number {
  const attn = c.hidden * c.headDim * (c.heads * 2 + c.kvHeads * 2) + (c.qkvBias ? c.headDim * (c.heads + 2 * c.kvHeads) : 0);
  const layer = attn + 3 * c.hidden * c.ffn + 2 * c.hidden;
  return c.vocab * c.hidden + c.layers * layer + c.hidden + headParams;
}

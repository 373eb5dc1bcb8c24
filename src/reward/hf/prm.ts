import * as tf from '@tensorflow/tfjs-core';
import { InvalidOptionError } from '../../core/errors.ts';
import { stepFormats, type StepFormat, type StepFormatName } from '../formats.ts';
import { selectBackend, type BackendDeps, type BackendName, type BackendPref } from '../tfjs/backend.ts';
import type { PRM, ScoreRequest } from '../types.ts';
import { KvCache, makeRecord, plan, type NodeRecord, type Plan } from './cache.ts';
import { countParams, invFrequencies, readConfig, type DecoderConfig } from './config.ts';
import { forward, type Decoder } from './forward.ts';
import { listTensors } from './safetensors.ts';
import { HfText } from './text.ts';
import { detectHead, disposeWeights, loadWeights, type HeadKind } from './weights.ts';

export interface HfPRMOptions {
  /** Step format (a name in src/reward/formats.ts or an object); default from the head: see `defaultFormat`. */
  readonly format?: StepFormatName | StepFormat;
  readonly backend?: BackendPref;
  readonly backendDeps?: BackendDeps;
  /** Cap on cached keys/values, bytes (LRU eviction; an evicted parent means re-encoding from the prefix). Default 1 GiB. */
  readonly cacheBytes?: number;
  /** Most rows (steps) in one forward; a larger frontier is cut into several. Default 32. */
  readonly maxBatch?: number;
  /** Problem prefixes kept cached (one per concurrent search is enough). Default 16. */
  readonly problemCacheSize?: number;
  /** Where load-time facts go (webgpu adapter limits). Default: stderr. */
  readonly log?: (line: string) => void;
}

/** The format a checkpoint's head was trained with, when none is given. */
export const defaultFormat: Record<HeadKind, StepFormatName> = {
  'prm-mlp': 'qwen2.5-math-prm',
  'token-class': 'qwen2.5-math-prm',
  'lm-labels': 'math-shepherd',
  value: 'plain',
};

const HEAD_KEY = '\u0000problem\u0000';

/**
 * A Hugging Face PRM checkpoint (Qwen2 / Llama / Mistral decoder + a PRM head) run in-process on tfjs, in fp32.
 * Each step is encoded once: a child runs only its own tokens against its parent's cached keys and values, and a
 * whole frontier (children of many parents, of many searches) is one batched forward.
 */
export class HfPRM implements PRM {
  readonly name: string;
  private readonly cache: KvCache;
  private readonly maxBatch: number;
  private readonly problemCacheSize: number;
  /** Counters: forwards, rows, new tokens run, padded positions computed, problem-prefix tokens, fallbacks. */
  readonly stats = { calls: 0, steps: 0, forwards: 0, rows: 0, tokens: 0, paddedTokens: 0, headTokens: 0, fallbacks: 0 };

  private constructor(
    readonly dir: string,
    readonly m: Decoder & { headKind: HeadKind },
    readonly text: HfText,
    readonly backend: BackendName,
    opts: HfPRMOptions,
  ) {
    this.cache = new KvCache(opts.cacheBytes ?? 2 ** 30);
    this.maxBatch = opts.maxBatch ?? 32;
    this.problemCacheSize = opts.problemCacheSize ?? 16;
    for (const [k, v] of [
      ['maxBatch', this.maxBatch],
      ['problemCacheSize', this.problemCacheSize],
    ] as const) {
      if (!(Number.isInteger(v) && v >= 1)) throw new InvalidOptionError(k, `expected an integer ≥ 1, got ${v}`);
    }
    this.name = `hf:${text.format.name}`;
  }

  static async load(dir: string, opts: HfPRMOptions = {}): Promise<HfPRM> {
    const backend = await selectBackend(opts.backend ?? 'auto', opts.backendDeps);
    if (backend === 'webgpu') logAdapterLimits(opts.log ?? ((l) => process.stderr.write(l + '\n')));
    const cfg = readConfig(dir);
    const tensors = listTensors(dir);
    const headKind = detectHead(cfg.architecture, new Set(tensors.keys()), (n) => tensors.get(n)!.shape);
    const format = resolveFormat(opts.format ?? defaultFormat[headKind]);
    const text = HfText.load(dir, format);
    const labels = headKind === 'lm-labels' ? text.labelIds() : null;
    if (headKind === 'lm-labels' && !labels)
      throw new InvalidOptionError('format', `${format.name} has no label tokens (good / bad) for the LM head of ${cfg.architecture}`);
    const w = loadWeights(dir, cfg, labels);
    const positiveIndex = (format as { positiveIndex?: number }).positiveIndex ?? 1;
    return new HfPRM(dir, { cfg, w, invFreq: invFrequencies(cfg), positiveIndex, headKind }, text, backend, opts);
  }

  info() {
    const { cfg, w, headKind } = this.m;
    const headParams = w.head.mats.reduce((s, l) => s + l.w.size + (l.b?.size ?? 0), 0);
    return {
      backend: this.backend,
      model: this.dir,
      architecture: cfg.architecture,
      modelType: cfg.modelType,
      head: headKind,
      format: this.text.format.name,
      chatTemplate: this.text.usesChatTemplate,
      layers: cfg.layers,
      hidden: cfg.hidden,
      heads: cfg.heads,
      kvHeads: cfg.kvHeads,
      headDim: cfg.headDim,
      ffn: cfg.ffn,
      vocab: cfg.vocab,
      rmsNormEps: cfg.eps,
      ropeTheta: cfg.theta,
      ropeScaling: cfg.ropeScaling,
      slidingWindow: cfg.slidingWindow,
      windowLayers: cfg.windowLayers.filter(Boolean).length,
      tiedEmbeddings: cfg.tied,
      parameters: countParams(cfg, headParams),
      memory: { deviceWeightBytes: w.deviceBytes, hostEmbeddingBytes: w.hostBytes, kvBytesPerToken: kvBytesPerToken(cfg), cachedKvBytes: this.cache.bytes },
      skippedTensors: w.skipped.length,
      cachedRecords: this.cache.size,
      stats: { ...this.stats },
    };
  }

  async score(requests: readonly ScoreRequest[], signal?: AbortSignal): Promise<number[]> {
    signal?.throwIfAborted();
    this.stats.calls++;
    this.stats.steps += requests.length;
    const ids = requests.map((r) => this.text.encodeThrough(r.problem.text, [...r.prefix, r.step]));
    await this.encodeHeads(requests);
    const out = new Array<number>(requests.length);
    // Rows of similar length share a forward, so little of it is padding (scores go back by index).
    const order = requests.map((r, at) => ({ r, ids: ids[at]!, at })).sort((a, b) => a.ids.length - b.ids.length);
    for (let i = 0; i < order.length; i += this.maxBatch) {
      signal?.throwIfAborted();
      const part = order.slice(i, i + this.maxBatch);
      const plans = part.map(({ r, ids }) => this.planFor(r, ids));
      const scores = await this.run(part.map((p, j) => ({ ids: p.ids, plan: plans[j]!, key: p.r.key })));
      part.forEach((p, j) => (out[p.at] = scores[j]!));
    }
    return out;
  }

  release(keys: readonly string[]): void {
    for (const k of keys) this.cache.delete(k);
  }

  /** Frees every cached record and the weights. */
  dispose(): void {
    this.cache.clear();
    disposeWeights(this.m.w);
  }

  /** The parent's chain, or the problem prefix when the parent is unknown or evicted (whichever reuses more). */
  private planFor(r: ScoreRequest, ids: readonly number[]): Plan {
    const fromParent = r.parentKey !== undefined ? plan(this.cache.get(r.parentKey), ids) : undefined;
    const fromHead = plan(this.cache.get(HEAD_KEY + r.problem.text), ids);
    if (r.parentKey !== undefined && (fromParent!.m < fromHead.m || fromParent!.m === 0)) this.stats.fallbacks++;
    return fromParent && fromParent.m >= fromHead.m ? fromParent : fromHead;
  }

  /** The problem's chat prefix, run once per problem and cached under a problem key. */
  private async encodeHeads(requests: readonly ScoreRequest[]): Promise<void> {
    const todo = [...new Set(requests.map((r) => r.problem.text))].filter((p) => !this.cache.get(HEAD_KEY + p));
    for (let i = 0; i < todo.length; i += this.maxBatch) {
      const rows = todo
        .slice(i, i + this.maxBatch)
        .map((p) => ({ ids: this.text.encode(this.text.parts(p).head), plan: { past: [], m: 0 }, key: HEAD_KEY + p }));
      const live = rows.filter((row) => row.ids.length > 0);
      if (live.length) await this.run(live);
      this.stats.headTokens += live.reduce((s, row) => s + row.ids.length, 0);
    }
    this.cache.trim(HEAD_KEY, this.problemCacheSize);
  }

  private async run(rows: readonly { ids: readonly number[]; plan: Plan; key: string }[]): Promise<number[]> {
    const res = await forward(
      this.m,
      rows.map((r) => ({ ids: r.ids.slice(r.plan.m), past: r.plan.past.map((p) => ({ chunk: p.rec.chunk, n: p.n })) })),
    );
    const T = Math.max(...rows.map((r) => r.ids.length - r.plan.m));
    this.stats.forwards++;
    this.stats.rows += rows.length;
    this.stats.tokens += rows.reduce((s, r) => s + r.ids.length - r.plan.m, 0);
    this.stats.paddedTokens += rows.length * T;
    rows.forEach((r, i) => this.cache.set(r.key, makeRecord(r.ids, r.plan, res.chunks[i]!) as NodeRecord));
    this.cache.evict();
    return res.scores;
  }
}

export function kvBytesPerToken(c: DecoderConfig): number {
  return c.layers * 2 * c.kvHeads * c.headDim * 4;
}

function resolveFormat(f: StepFormatName | StepFormat): StepFormat {
  if (typeof f !== 'string') return f;
  const found = (stepFormats as Record<string, StepFormat>)[f];
  if (!found) throw new InvalidOptionError('format', `expected one of ${Object.keys(stepFormats).join(', ')}, got ${JSON.stringify(f)}`);
  return found;
}

/** The limits that decide whether a model fits: WebGPU bindings and buffers are capped per adapter. */
function logAdapterLimits(log: (line: string) => void): void {
  const dev = (tf.backend() as unknown as { device?: { limits?: Record<string, number> } }).device;
  const l = dev?.limits;
  if (!l) return log('steptree: webgpu adapter limits unavailable');
  log(
    `steptree: webgpu limits maxBufferSize ${l.maxBufferSize} maxStorageBufferBindingSize ${l.maxStorageBufferBindingSize} maxComputeWorkgroupStorageSize ${l.maxComputeWorkgroupStorageSize}`,
  );
}

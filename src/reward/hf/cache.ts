import * as tf from '@tensorflow/tfjs-core';
import type { KvChunk } from './forward.ts';

/**
 * One scored node (or a problem's chat prefix): the token ids of its whole path, and the keys/values of its own
 * tokens. Positions before `start` live in `past`, chunks of ancestors (each used up to `n` tokens), so each token
 * of the tree is stored once.
 */
export interface NodeRecord {
  readonly ids: readonly number[];
  readonly past: readonly { readonly rec: NodeRecord; readonly n: number }[];
  readonly chunk: KvChunk;
  readonly start: number;
  readonly bytes: number;
  disposed: boolean;
}

/** What a new path can reuse: cached chunks covering its first `m` ids. */
export interface Plan {
  readonly past: readonly { readonly rec: NodeRecord; readonly n: number }[];
  readonly m: number;
}

function lcp(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * The longest reusable prefix of `ids` under `rec`'s chain: as far as the token ids agree (a tokenizer may merge
 * across a step boundary) and the chunks are still alive (an evicted ancestor ends the reuse). At least the last
 * id is always run, since its hidden state is the score.
 */
export function plan(rec: NodeRecord | undefined, ids: readonly number[]): Plan {
  if (!rec || rec.disposed) return { past: [], m: 0 };
  const limit = Math.min(lcp(rec.ids, ids), ids.length - 1);
  const past: { rec: NodeRecord; n: number }[] = [];
  let m = 0;
  for (const { rec: r, n } of [...rec.past, { rec, n: rec.chunk.len }]) {
    const take = Math.min(n, limit - m);
    if (r.disposed || take <= 0) break;
    past.push({ rec: r, n: take });
    m += take;
    if (take < n) break;
  }
  return { past, m };
}

export function makeRecord(ids: readonly number[], p: Plan, chunk: KvChunk): NodeRecord {
  const bytes = [...chunk.k, ...chunk.v].reduce((s, t) => s + t.size * 4, 0);
  return { ids, past: p.past, chunk, start: p.m, bytes, disposed: false };
}

/**
 * Per-node KV records under the PRM's keys, LRU with a byte cap. Evicting or releasing a record disposes its
 * tensors at once; descendants that still point at it see `disposed` and re-encode from what is left.
 */
export class KvCache {
  private readonly map = new Map<string, NodeRecord>();
  bytes = 0;
  evictions = 0;

  constructor(private readonly capBytes: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: string): NodeRecord | undefined {
    const r = this.map.get(key);
    if (r) {
      this.map.delete(key);
      this.map.set(key, r);
    }
    return r;
  }

  set(key: string, rec: NodeRecord): void {
    this.delete(key);
    this.map.set(key, rec);
    this.bytes += rec.bytes;
  }

  delete(key: string): void {
    const r = this.map.get(key);
    if (!r) return;
    this.map.delete(key);
    this.bytes -= r.bytes;
    r.disposed = true;
    tf.dispose([...r.chunk.k, ...r.chunk.v]);
  }

  /** Drops least recently used records until the cached bytes are under the cap. */
  evict(): void {
    for (const k of this.map.keys()) {
      if (this.bytes <= this.capBytes) return;
      this.delete(k);
      this.evictions++;
    }
  }

  /** Keeps at most `max` records whose key starts with `prefix` (the least recently used go first). */
  trim(prefix: string, max: number): void {
    const keys = [...this.map.keys()].filter((k) => k.startsWith(prefix));
    for (const k of keys.slice(0, Math.max(0, keys.length - max))) this.delete(k);
  }

  clear(): void {
    for (const k of [...this.map.keys()]) this.delete(k);
  }
}

import { EventEmitter } from 'eventemitter3';
import type { SearchResult } from './result.ts';

/** Typed search events, emitted synchronously and in a deterministic order. */
export interface SearchEventMap {
  /** The strategy chose these nodes to expand in the coming wave. */
  select: { nodeIds: string[] };
  /** A node was expanded; `childIds` are its usable children after merging duplicates. */
  expand: { nodeId: string; childIds: string[]; newIds: string[]; reused: boolean };
  score: { nodeIds: string[]; scores: number[] };
  backup: { nodeId: string; value: number; visits: number };
  prune: { nodeIds: string[] };
  terminal: { nodeId: string; answer: string | null; value: number | null };
  fail: { nodeId: string; error: string };
  done: { result: SearchResult };
  /** The search threw (e.g. SearchFailedError); the event stream rethrows it. */
  error: { error: unknown };
}

export type SearchEventName = keyof SearchEventMap;
export type SearchEvent = { [K in SearchEventName]: { type: K } & SearchEventMap[K] }[SearchEventName];

type Listeners = { [K in SearchEventName]: (e: SearchEventMap[K]) => void };
export class SearchEmitter extends EventEmitter<Listeners> {}

/** Turns the emitter into an AsyncIterable that ends after `done`. Attach before the search starts. */
export function eventStream(em: SearchEmitter): AsyncIterable<SearchEvent> {
  const names: SearchEventName[] = ['select', 'expand', 'score', 'backup', 'prune', 'terminal', 'fail', 'done', 'error'];
  const buf: SearchEvent[] = [];
  let wake: (() => void) | null = null;
  let ended = false;
  for (const type of names)
    em.on(type, (e: object) => {
      buf.push({ type, ...e } as SearchEvent);
      if (type === 'done' || type === 'error') ended = true;
      wake?.();
    });
  return {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        while (buf.length) {
          const e = buf.shift()!;
          if (e.type === 'error') throw e.error;
          yield e;
        }
        if (ended) return;
        await new Promise<void>((r) => (wake = r));
        wake = null;
      }
    },
  };
}

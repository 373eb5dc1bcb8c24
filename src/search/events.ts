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

const names: SearchEventName[] = ['select', 'expand', 'score', 'backup', 'prune', 'terminal', 'fail', 'done', 'error'];

/** How a search ended, for a stream opened after the end. */
export type Outcome = { readonly result: SearchResult } | { readonly error: unknown };

/**
 * The emitter's events from now on, as an AsyncIterable that ends after `done` (or throws the
 * search's error). Opened after the search ended, it yields the `done` event alone (or throws).
 */
export function eventStream(em: SearchEmitter, ended: () => Outcome | null): AsyncIterable<SearchEvent> {
  const buf: SearchEvent[] = [];
  let wake: (() => void) | null = null;
  let over = false;
  const end = ended();
  const handlers = new Map<SearchEventName, (e: object) => void>();
  const detach = () => {
    for (const [type, h] of handlers) em.off(type, h as never);
    handlers.clear();
  };
  if (end) {
    buf.push('result' in end ? { type: 'done', result: end.result } : { type: 'error', error: end.error });
    over = true;
  } else
    for (const type of names) {
      const h = (e: object) => {
        buf.push({ type, ...e } as SearchEvent);
        if (type === 'done' || type === 'error') ((over = true), detach());
        wake?.();
      };
      handlers.set(type, h);
      em.on(type, h as never);
    }
  return {
    async *[Symbol.asyncIterator]() {
      try {
        for (;;) {
          while (buf.length) {
            const e = buf.shift()!;
            if (e.type === 'error') throw e.error;
            yield e;
          }
          if (over) return;
          await new Promise<void>((r) => (wake = r));
          wake = null;
        }
      } finally {
        detach(); // a consumer that breaks out early leaves no listeners behind
      }
    },
  };
}

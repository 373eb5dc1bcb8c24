import { eventStream, SearchEmitter, type Outcome, type SearchEvent } from '../events.ts';
import type { SearchResult } from '../result.ts';
import { nextTurn } from '../turn.ts';

/** A running search: typed events, an AsyncIterable of them, and the result. */
export class SearchRun extends SearchEmitter {
  readonly result: Promise<SearchResult>;
  private outcome: Outcome | null = null;
  constructor(run: (self: SearchRun) => Promise<SearchResult>) {
    super();
    // the first listeners: a stream opened from inside any later 'done' listener already sees the end
    this.on('done', ({ result }) => (this.outcome ??= { result }));
    this.on('error', ({ error }) => (this.outcome ??= { error }));
    // start on a later turn so listeners attached right after startSearch see every event
    this.result = nextTurn()
      .then(() => run(this))
      .catch((error: unknown) => {
        if (!this.outcome) this.emit('error', { error }); // an unexpected throw still ends open streams
        throw error;
      });
    this.result.catch(() => {}); // rejections surface through `result` and the event stream
  }
  /**
   * The events from the moment of the call, as an AsyncIterable that ends after `done` (or throws
   * the search's error). Call it right after startSearch to see every event; called after the
   * search ended, it yields the `done` event alone.
   */
  events(): AsyncIterable<SearchEvent> {
    return eventStream(this, () => this.outcome);
  }
}

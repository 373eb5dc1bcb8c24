import seedrandom from 'seedrandom';
import { getAggregation, getSelection, type AggregationSpec, type Candidate, type SelectionName } from '../core/aggregate.ts';
import { validateBudget, type Budget, type StopReason } from '../core/budget.ts';
import { InvalidOptionError, PolicyError, PRMError, SearchFailedError } from '../core/errors.ts';
import type { Problem } from '../core/problem.ts';
import type { Policy, ProposeRequest, StepProposal } from '../policy/types.ts';
import type { PRM, ScoreRequest } from '../reward/types.ts';
import { eventStream, SearchEmitter, type SearchEvent } from './events.ts';
import type { SearchResult, Trajectory } from './result.ts';
import { defaultScheduler, type Scheduler } from './scheduler.ts';
import type { LoadedTree } from './schema.ts';
import { usable, type Expansion, type ExpansionResult, type StrategyContext, type StrategySpec } from './strategy.ts';
import { storeFrom, TreeStore, type NodeRec } from './tree.ts';

export interface SearchOptions {
  readonly problem: Problem;
  readonly policy: Policy;
  readonly prm: PRM;
  readonly strategy: StrategySpec;
  readonly budget?: Budget;
  readonly seed?: string | number;
  readonly signal?: AbortSignal;
  /** How step scores combine into a node's value (default `last`, as in search-and-learn). */
  readonly aggregation?: AggregationSpec;
  /** Final pick among terminal candidates (default `best`). */
  readonly selection?: SelectionName;
  /** Share one scheduler between searches so their PRM work batches together (default: a process-wide one). */
  readonly scheduler?: Scheduler;
  /** Continue from a loaded tree: its scores and proposals are reused, never recomputed. */
  readonly resume?: LoadedTree;
}

/** A running search: typed events, an AsyncIterable of them, and the result. */
export class SearchRun extends SearchEmitter {
  readonly result: Promise<SearchResult>;
  private stream: AsyncIterable<SearchEvent> | null = null;
  constructor(run: (self: SearchRun) => Promise<SearchResult>) {
    super();
    // start on a later turn so listeners attached right after startSearch see every event
    this.result = new Promise<void>((r) => setImmediate(r)).then(() => run(this));
    this.result.catch(() => {}); // rejections surface through `result` and the event stream
  }
  /** Every event as an AsyncIterable; call it before the search's first turn (right after startSearch). */
  events(): AsyncIterable<SearchEvent> {
    return (this.stream ??= eventStream(this));
  }
}

let searchSerial = 0;

/** Validates options (throwing InvalidOptionError before any model call) and starts the search. */
export function startSearch(o: SearchOptions): SearchRun {
  const p = o.problem as Partial<Problem> | undefined;
  if (!p || typeof p.text !== 'string' || typeof p.id !== 'string') throw new InvalidOptionError('problem', 'expected {id: string, text: string}');
  if (!o.policy || typeof o.policy.propose !== 'function') throw new InvalidOptionError('policy', 'expected an object with propose()');
  if (!o.prm || typeof o.prm.score !== 'function') throw new InvalidOptionError('prm', 'expected an object with score()');
  if (!o.strategy || typeof o.strategy.create !== 'function') throw new InvalidOptionError('strategy', 'expected a strategy spec such as beam({ n: 8, beamWidth: 4 })');
  const budget = validateBudget(o.budget);
  const aggregation = getAggregation(o.aggregation ?? 'last');
  const selectionName = o.selection ?? 'best';
  const select = getSelection(selectionName);
  if (o.seed !== undefined && typeof o.seed !== 'string' && !Number.isFinite(o.seed)) throw new InvalidOptionError('seed', 'expected a string or number');
  const seed = String(o.seed ?? 0);
  if (o.resume && (o.resume.tree.problem.id !== p.id || o.resume.tree.problem.text !== p.text))
    throw new InvalidOptionError('resume', `the loaded tree is for problem ${o.resume.tree.problem.id}, not ${p.id}`);
  const scheduler = o.scheduler ?? defaultScheduler;

  return new SearchRun(async (em) => {
    const t0 = performance.now();
    scheduler.enter();
    const store = o.resume ? storeFrom(o.resume.tree) : new TreeStore(o.problem);
    const ctx: StrategyContext = { tree: store, aggregation, rng: seedrandom(`${seed}/strategy`), events: em };
    const strategy = o.strategy.create();
    const keyOf = `s${++searchSerial}:`;
    const stats = { policyCalls: 0, tokens: 0, prmCalls: 0, failures: 0 };
    const failures: string[] = [];
    let inFlight: Promise<number[]> | null = null;
    const ctl = new AbortController();
    let stop: StopReason | null = null;
    const halt = (r: StopReason) => {
      stop ??= r;
      ctl.abort();
    };
    const aborted = new Promise<void>((r) => ctl.signal.addEventListener('abort', () => r(), { once: true }));
    const onUser = () => halt('aborted');
    if (o.signal?.aborted) halt('aborted');
    o.signal?.addEventListener('abort', onUser, { once: true });
    const timer = budget.wallMs !== undefined ? setTimeout(() => halt('wallMs'), budget.wallMs) : null;
    const fail = (n: NodeRec, err: Error) => {
      n.failed = err.message;
      stats.failures++;
      failures.push(err.message);
      em.emit('fail', { nodeId: n.id, error: err.message });
    };

    try {
      while (!stop) {
        if (budget.nodes !== undefined && store.size >= budget.nodes) { stop = 'nodes'; break; }
        let wave = strategy.plan(ctx) as Expansion<NodeRec>[] | null; // the engine's own nodes
        if (!wave || wave.length === 0) break;
        let pending: StopReason | null = null;
        let trimmed = false;
        // Trim to the policy-call budget: reused expansions are free, calls are kept in plan order.
        if (budget.policyCalls !== undefined) {
          let left = budget.policyCalls - stats.policyCalls;
          const kept = wave.filter((e) => !needsCall(e.node, e.total) || left-- > 0);
          if (kept.length < wave.length) (pending = 'policyCalls'), (trimmed = true);
          if (kept.length === 0) { stop = 'policyCalls'; break; }
          wave = kept;
        }
        if (em.listenerCount('select')) em.emit('select', { nodeIds: wave.map((e) => e.node.id) });
        const before = wave.map((e) => e.node.requested);
        const calls = wave.map((e) => {
          if (e.node.failed !== null || !needsCall(e.node, e.total)) return null;
          const req = new LazyProposeRequest(store, o.problem, e.node, e.total - e.node.requested, seed, ctl.signal);
          e.node.requested = e.total;
          stats.policyCalls++;
          return scheduler.propose(o.policy, req);
        });
        const settled = await Promise.race([Promise.allSettled(calls), aborted]);
        if (!settled || stop) {
          // results of an interrupted wave are dropped whole, so the tree stays consistent
          wave.forEach((e, i) => (e.node.requested = before[i]!));
          stats.policyCalls -= calls.filter(Boolean).length;
          break;
        }

        // Apply in plan order, whatever order responses arrived in: node ids and order stay deterministic.
        const fresh: NodeRec[] = [];
        wave.forEach((e, i) => {
          const s = settled[i]!;
          if (e.node.failed !== null || calls[i] === null) return;
          if (s.status === 'rejected') return fail(e.node, new PolicyError(e.node.id, s.reason));
          const props: unknown = s.value;
          if (!Array.isArray(props)) return fail(e.node, new PolicyError(e.node.id, `expected an array of proposals, got ${typeof props}`));
          const bad = props.findIndex((p) => !validProposal(p));
          if (bad >= 0) return fail(e.node, new PolicyError(e.node.id, `proposal ${bad} is malformed: ${JSON.stringify(props[bad])?.slice(0, 200)}`));
          for (const p of props as StepProposal[]) {
            if (pending) break;
            if (budget.tokens !== undefined && stats.tokens + p.tokens > budget.tokens) { pending = 'tokens'; break; }
            stats.tokens += p.tokens;
            const dup = store.childByText(e.node, p.text);
            if (dup) { dup.count++; continue; }
            if (budget.nodes !== undefined && store.size >= budget.nodes) { pending = 'nodes'; break; }
            fresh.push(store.add(e.node, { text: p.text, tokens: p.tokens, terminal: p.terminal, answer: p.terminal ? (p.answer ?? null) : null, prior: p.logprob ?? null, rollout: e.rollout }));
          }
        });

        // Score every new child in one request; the scheduler merges it with other searches' work.
        let toScore = fresh;
        if (budget.prmCalls !== undefined && stats.prmCalls + fresh.length > budget.prmCalls) {
          toScore = fresh.slice(0, Math.max(0, budget.prmCalls - stats.prmCalls));
          pending ??= 'prmCalls';
        }
        stats.prmCalls += toScore.length;
        if (toScore.length) {
          const reqs = toScore.map((n) => new LazyScoreRequest(store, o.problem, n, keyOf));
          let scores: number[] | void = undefined;
          try {
            inFlight = scheduler.score(o.prm, reqs);
            scores = await Promise.race([inFlight, aborted]);
          } catch (e) {
            const err = new PRMError(toScore.map((n) => n.id), e);
            toScore.forEach((n) => fail(n, err));
          }
          if (stop) break;
          if (scores) {
            const listen = em.listenerCount('score') > 0;
            const ids: string[] = [];
            const vals: number[] = [];
            toScore.forEach((n, i) => {
              const s = scores![i]!;
              if (!(typeof s === 'number' && s >= 0 && s <= 1)) return fail(n, new PRMError([n.id], `score ${s} is not a probability in [0, 1]`));
              n.score = s;
              n.value = aggregation.extend ? aggregation.extend(n.parent!.value ?? 0, n.depth, s) : aggregation.of(store.scores(n));
              if (listen) ids.push(n.id), vals.push(s);
            });
            if (listen) em.emit('score', { nodeIds: ids, scores: vals });
            if (em.listenerCount('terminal')) for (const n of toScore) if (n.terminal && usable(n)) em.emit('terminal', { nodeId: n.id, answer: n.answer, value: n.value });
          }
        }

        const isNew = em.listenerCount('expand') ? new Set(fresh) : null;
        const results: ExpansionResult[] = wave.map((e, i) => {
          const children = e.node.children.filter(usable);
          if (isNew) em.emit('expand', { nodeId: e.node.id, childIds: children.map((c) => c.id), newIds: children.filter((c) => isNew.has(c)).map((c) => c.id), reused: calls[i] === null });
          return { node: e.node, children, failed: e.node.failed !== null };
        });
        // a trimmed wave ends the search: strategies only ever observe the whole wave they planned
        if (!trimmed) strategy.observe(ctx, results);
        if (pending) stop = pending;
      }
    } finally {
      scheduler.leave();
      if (timer) clearTimeout(timer);
      o.signal?.removeEventListener('abort', onUser);
      // an interrupted search may leave a PRM batch running: release its keys only once it has settled
      const release = () => o.prm.release?.(store.nodes.map((n) => keyOf + n.id));
      if (inFlight) inFlight.then(release, release);
      else release();
    }

    const scored = store.nodes.filter(usable);
    if (scored.length === 0 && stats.failures > 0) {
      const err = new SearchFailedError('no step could be generated and scored', failures);
      em.emit('error', { error: err });
      throw err;
    }
    const cands: Candidate[] = scored.filter((n) => n.terminal).map((n) => ({ nodeId: n.id, answer: n.answer, value: n.value ?? 0, count: n.count }));
    const ranked = select(cands);
    let bestNode = (strategy.pick?.(ctx) as NodeRec | null | undefined) ?? (ranked[0] ? store.get(ranked[0].nodeId)! : null);
    // anytime: with no finished trajectory, report the best partial one
    bestNode ??= scored.reduce<NodeRec | null>((b, n) => (!b || (n.value ?? 0) > (b.value ?? 0) ? n : b), null);
    const traj = (n: NodeRec): Trajectory => ({ nodeId: n.id, steps: store.steps(n), answer: n.answer, score: n.value, terminal: n.terminal });
    const result: SearchResult = {
      best: bestNode ? traj(bestNode) : null,
      candidates: ranked.map((c) => ({ ...c, steps: store.steps(store.get(c.nodeId)!) })),
      tree: store.snapshot(),
      stats: { ...stats, nodes: store.size, wallMs: performance.now() - t0, stoppedBy: stop ?? 'complete', ...(o.prm.info ? { prm: o.prm.info() } : {}) },
      strategy: { name: o.strategy.name, config: o.strategy.config },
      seed,
      aggregation: aggregation.name,
      selection: selectionName,
    };
    em.emit('done', { result });
    return result;
  });
}

/** Runs a search to its end (or budget, or abort) and returns the best trajectory and the tree. */
export function search(o: SearchOptions): Promise<SearchResult> {
  try {
    return startSearch(o).result;
  } catch (e) {
    return Promise.reject(e);
  }
}

const needsCall = (n: NodeRec, k: number) => n.requested < k && !n.terminal;

function validProposal(p: StepProposal): boolean {
  return typeof p === 'object' && p !== null && typeof p.text === 'string' && typeof p.terminal === 'boolean' && Number.isFinite(p.tokens) && p.tokens >= 0 && (p.logprob === undefined || typeof p.logprob === 'number');
}

/** `prefix` is built only if the PRM reads it: an incremental PRM uses parentKey instead. */
class LazyScoreRequest implements ScoreRequest {
  readonly step: string;
  constructor(private readonly store: TreeStore, readonly problem: Problem, private readonly node: NodeRec, private readonly keyOf: string) {
    this.step = node.text;
  }
  get prefix(): string[] {
    return this.store.steps(this.node.parent!);
  }
  get key(): string {
    return this.keyOf + this.node.id;
  }
  get parentKey(): string | undefined {
    return this.node.parent!.parent ? this.keyOf + this.node.parent!.id : undefined;
  }
}

/** `steps` are built only if the policy reads them. */
class LazyProposeRequest implements ProposeRequest {
  readonly nodeId: string;
  readonly seed: string;
  constructor(private readonly store: TreeStore, readonly problem: Problem, private readonly node: NodeRec, readonly k: number, seed: string, readonly signal: AbortSignal) {
    this.nodeId = node.id;
    this.seed = `${seed}/${node.id}/${node.requested}`;
  }
  get steps(): string[] {
    return this.store.steps(this.node);
  }
}


import type { RankedCandidate } from '../core/aggregate.ts';
import type { StopReason } from '../core/budget.ts';
import type { SearchTree } from './tree.ts';

export interface SearchStats {
  readonly policyCalls: number;
  readonly tokens: number;
  /** Steps sent to the PRM by this search (never the same node twice). */
  readonly prmCalls: number;
  /** Nodes in the tree, root included. */
  readonly nodes: number;
  /** Nodes marked failed (policy or PRM errors, per-call timeouts), whatever `stoppedBy` says. */
  readonly failures: number;
  /** This run's wall time (a resumed search counts only its own). */
  readonly wallMs: number;
  /** Why the search ended (see StopReason); a resumed search's counts above include the loaded tree's. */
  readonly stoppedBy: StopReason;
  /** What the PRM reports about itself (backend, model). */
  readonly prm?: Readonly<Record<string, unknown>>;
}

export interface Trajectory {
  readonly nodeId: string;
  readonly steps: readonly string[];
  readonly answer: string | null;
  /** Aggregated PRM value of the trajectory. */
  readonly score: number | null;
  readonly terminal: boolean;
}

export interface SearchResult {
  /** Best trajectory; a non-terminal one when the search stopped before any finished (anytime). */
  readonly best: Trajectory | null;
  /** Terminal candidates ranked by the final selection (made on first read, then kept). */
  readonly candidates: readonly (RankedCandidate & { readonly steps: readonly string[] })[];
  readonly tree: SearchTree;
  readonly stats: SearchStats;
  readonly strategy: { readonly name: string; readonly config: Readonly<Record<string, unknown>> };
  readonly seed: string;
  readonly aggregation: string;
  readonly selection: string;
}

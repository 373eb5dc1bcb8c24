import { opt } from '../../core/options.ts';

/** Options several strategies share, so their flag and help read the same everywhere. */
export const DEFAULT_MAX_DEPTH = 64;

export const maxDepth = opt.int({ min: 1, default: DEFAULT_MAX_DEPTH, help: 'stop a trajectory at this depth even if unfinished' });

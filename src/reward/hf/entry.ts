// steptree/hf on Node, Bun and Deno: it runs on tfjs, an optional peer, so check that first (a static import of a
// missing package fails before any code of ours could explain it), then re-export index.ts (whose types it has).
// test/package/tfjs-entry.test.ts keeps the two export lists equal.
import { requireTfjs } from '../tfjs/peers.ts';

requireTfjs('steptree/hf');
const m = await import('./index.ts');

export const { HfPRM, defaultFormat, kvBytesPerToken, readConfig, invFrequencies, countParams, listTensors, readHeader, readTensor, detectHead, HfText } = m;

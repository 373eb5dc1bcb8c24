// steptree/tfjs on Node, Bun and Deno: checks that the optional peers are installed before importing the subpath
// (a static import of a missing package fails before any code of ours could explain it), then re-exports it.
// Types come from index.ts (package.json "types"); test/package/tfjs-entry.test.ts keeps the two export lists equal.
import { requireTfjs } from './peers.ts';

requireTfjs();
const m = await import('./index.ts');

export const {
  selectBackend,
  backendPrefs,
  ByteTokenizer,
  HFTokenizer,
  loadHFTokenizer,
  createNet,
  defaultStepFormat,
  PRMNet,
  defaultArch,
  checkCounts,
  digitPlaces,
  padBatch,
  featuresFromKnobs,
  TfjsPRM,
  saveNet,
  loadNet,
  fileIOHandler,
  FORMAT_VERSION,
  trainPRM,
} = m;

/** Public surface of the tfjs process reward model. */
export { selectBackend, backendPrefs, type BackendPref, type BackendName, type BackendDeps } from './backend.ts';
export { ByteTokenizer, HFTokenizer, loadHFTokenizer, type TextTokenizer, type TokenizerSpec } from './tokenizer.ts';
export { createNet, defaultStepFormat, PRMNet, type CreateNetOptions, type StepFormat } from './model.ts';
export { defaultArch, type ArchConfig } from './arch.ts';
export { padBatch, type TokenBatch } from './batch.ts';
export { digitPlaces, type DigitSlots } from './features/digit-slots.ts';
export { checkCounts, type LocalCheck } from './features/local-check.ts';
export { featuresFromKnobs, type Knobs } from './features/knobs.ts';
export type { Features, BagHead } from './features/index.ts';
export { TfjsPRM, type TfjsPRMOptions } from './prm.ts';
export { saveNet, loadNet, fileIOHandler, FORMAT_VERSION, type SavedConfig } from './io.ts';
export { trainPRM, type TrainExample, type TrainOptions, type TrainProgress, type EpochLog } from './train.ts';

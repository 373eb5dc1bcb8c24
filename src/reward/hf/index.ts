/** Public surface of the in-process Hugging Face PRM (subpath `steptree/hf`). */
export { HfPRM, defaultFormat, kvBytesPerToken, type HfPRMOptions } from './prm.ts';
export { readConfig, invFrequencies, countParams, type DecoderConfig, type RopeScaling } from './config.ts';
export { listTensors, readHeader, readTensor, type TensorEntry } from './safetensors.ts';
export { detectHead, type HeadKind } from './weights.ts';
export { HfText } from './text.ts';

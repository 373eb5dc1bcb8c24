// PRMs served over HTTP (vLLM pooling / reward endpoints).
export * from './prm.ts';

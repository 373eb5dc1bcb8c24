import { requireInstalled } from '../../core/optional.ts';

// The optional peer dependencies of steptree/tfjs. Every module of the subpath imports these two statically; the
// backends (wasm, webgpu, tfjs-node) are loaded on demand by backend.ts, each miss naming its package.
export const tfjsPeers = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu'] as const;

/** Throws MissingDependencyError ("… npm install @tensorflow/tfjs-core") before anything imports the tfjs modules. */
export function requireTfjs(feature = 'steptree/tfjs'): void {
  requireInstalled(tfjsPeers, feature, import.meta);
}

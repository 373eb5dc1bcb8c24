#!/usr/bin/env node
// Installed from the package (no src/ in it): runs the compiled CLI in dist/ with plain node.
// In a checkout of the repository (src/ present): runs the TypeScript sources through tsx, a devDependency, so
// `npx steptree` always runs what is in src/ without a build. Both tsx hooks: tfjs-core's gradient registry is
// loaded through require (see src/reward/tfjs/train.ts).
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(source)) {
  const { register: registerCjs } = await import('tsx/cjs/api');
  const { register: registerEsm } = await import('tsx/esm/api');
  registerCjs();
  registerEsm();
  await import(source.href);
} else {
  await import('../dist/cli/main.js');
}

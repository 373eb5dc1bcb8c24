#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the package works without a build step. Both hooks: tfjs-core's
// gradient registry is loaded through require (see src/reward/tfjs/train.ts).
import { register as registerEsm } from 'tsx/esm/api';
import { register as registerCjs } from 'tsx/cjs/api';
registerCjs();
registerEsm();
await import('../src/cli/main.ts');

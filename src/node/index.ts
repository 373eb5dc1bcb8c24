// steptree/node: helpers that need a file system (Node, Bun, Deno). The engine entry ('steptree') has none, so it
// also runs in browsers.
export { loadTreeFile } from './tree-file.ts';

// Node-only: reading a saved tree from disk. The engine itself (src/search) does no file I/O.
import { readFileSync } from 'node:fs';
import { FormatError } from '../core/errors.ts';
import { parseTree, type LoadedTree } from '../search/schema.ts';

export function loadTreeFile(path: string): LoadedTree {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new FormatError(path, `cannot read (${(e as Error).message})`);
  }
  return parseTree(text, path);
}

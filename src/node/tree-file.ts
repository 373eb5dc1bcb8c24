import { readFileSync } from 'node:fs';
import { FormatError } from '../core/errors.ts';
import { parseTree, type LoadedTree } from '../search/schema.ts';

/** Read and validate a tree JSON file (errors name the file and field); pass the result as `resume`. */
export function loadTreeFile(path: string): LoadedTree {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new FormatError(path, `cannot read (${(e as Error).message})`);
  }
  return parseTree(text, path);
}

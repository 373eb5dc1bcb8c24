// The offline tree viewer: one self-contained HTML file per search tree (node only: it reads the
// d3-hierarchy build from node_modules and writes files).
import { writeFileSync } from 'node:fs';
import { InvalidOptionError } from '../core/errors.ts';
import { parseTree } from '../search/schema.ts';
import { renderTreeViewer, type ViewerOptions } from './page.ts';

export { renderTreeViewer, viewerData, autoCollapseDepth, scriptSafeJSON, type ViewerOptions } from './page.ts';
export type { ViewerData, ViewerNode } from './client.ts';

/** Validates tree JSON text (errors name `where` and the field) and writes its viewer page to `outPath`. */
export function writeTreeViewer(treeJsonText: string, outPath: string, o: ViewerOptions & { where?: string } = {}): void {
  const { json } = parseTree(treeJsonText, o.where ?? 'tree');
  const html = renderTreeViewer(json, o);
  try {
    writeFileSync(outPath, html);
  } catch (e) {
    throw new InvalidOptionError('--out', `cannot write ${outPath}: ${(e as Error).message}`);
  }
}

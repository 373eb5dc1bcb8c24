import { readFileSync, statSync } from 'node:fs';
import { InvalidOptionError } from '../core/errors.ts';
import { number, parseFlags } from './args.ts';

export const VIEW_HELP = `steptree view TREE.json [--out TREE.html] [--collapse-depth d] [--page-size n]
  writes one self-contained offline HTML page for a saved search tree (solve --out, bench --save-trees):
  collapsible tree coloured by PRM score, sized by visits, best path highlighted, search box, legend.
  --out defaults to TREE.json with .html in place of .json.`;

export async function view(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    out: { type: 'string' },
    'collapse-depth': { type: 'string' },
    'page-size': { type: 'string' },
    help: { type: 'boolean' },
  });
  if (values.help) return (console.log(VIEW_HELP), 0);
  const [file, ...extra] = positionals;
  if (!file) throw new InvalidOptionError('TREE.json', 'a tree file is required (see steptree view --help)');
  if (extra.length) throw new InvalidOptionError('argv', `one tree file at a time, got also ${extra.join(' ')}`);
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw new Error('it is a folder');
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InvalidOptionError('TREE.json', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const out = (values.out as string | undefined) ?? file.replace(/\.json$/i, '') + '.html';
  const collapseDepth = number('collapse-depth', values['collapse-depth'], true);
  const pageSize = number('page-size', values['page-size'], true, { min: 1 });
  const { writeTreeViewer } = await import('../viewer/index.ts');
  writeTreeViewer(text, out, { where: file, ...(collapseDepth === undefined ? {} : { collapseDepth }), ...(pageSize === undefined ? {} : { pageSize }) });
  console.log(`viewer written to ${out}`);
  return 0;
}

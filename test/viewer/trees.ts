import type { NodeJSON, TreeJSON } from '../../src/search/schema.ts';

/** A synthetic, valid tree JSON: `width` children per node down to `depth`, step texts from `text(id)`. */
export function syntheticTree(width: number, depth: number, text: (id: string) => string = (id) => `step ${id}`): TreeJSON {
  const nodes: NodeJSON[] = [];
  const add = (id: string, parent: string | null, d: number) => {
    const score = d === 0 ? null : ((id.length * 7919) % 1000) / 1000;
    nodes.push({
      id,
      parent,
      depth: d,
      text: d === 0 ? '' : text(id),
      tokens: d ? 5 : 0,
      prior: null,
      score,
      value: score,
      visits: d,
      q: null,
      terminal: d === depth,
      answer: d === depth ? id : null,
      order: nodes.length,
      count: 1,
      requested: d < depth ? width : 0,
      rollout: false,
      failed: null,
    });
  };
  add('0', null, 0);
  // breadth-first so parents come first and children are numbered in order, as parseTree wants
  let level = ['0'];
  for (let d = 1; d <= depth; d++) {
    const next: string[] = [];
    for (const p of level) for (let c = 0; c < width; c++) (add(`${p}.${c}`, p, d), next.push(`${p}.${c}`));
    level = next;
  }
  const last = nodes[nodes.length - 1]!;
  return {
    schemaVersion: 1,
    strategy: { name: 'synthetic', config: { width, depth } },
    seed: '1',
    aggregation: 'last',
    selection: 'best',
    problem: { id: 'synthetic', text: 'a synthetic tree' },
    bestId: last.id,
    stats: { policyCalls: 0, tokens: 0, prmCalls: nodes.length - 1, nodes: nodes.length, failures: 0, stoppedBy: 'complete' },
    nodes,
  };
}

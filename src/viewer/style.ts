export const VIEWER_CSS = `
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.4 system-ui, sans-serif; color: #222; background: #fafafa; display: flex; flex-direction: column; height: 100vh; }
header { padding: 8px 14px; background: #fff; border-bottom: 1px solid #ddd; }
header h1 { font-size: 16px; margin: 0 0 4px; }
header dl { display: grid; grid-template-columns: max-content 1fr; gap: 0 10px; margin: 0; max-height: 7.5em; overflow: auto; }
dt { color: #666; } dd { margin: 0; white-space: pre-wrap; word-break: break-word; }
#toolbar { padding: 6px 14px; display: flex; gap: 8px; align-items: center; border-bottom: 1px solid #ddd; background: #fff; }
#search { width: 28em; padding: 3px 6px; } #found { color: #666; min-width: 6em; }
main { flex: 1; display: flex; min-height: 0; }
#tree { flex: 1; height: 100%; cursor: grab; background: #fff; }
aside { width: 340px; overflow: auto; border-left: 1px solid #ddd; padding: 8px 12px; background: #fcfcfc; }
aside h2 { font-size: 14px; margin: 6px 0; }
aside dl { display: grid; grid-template-columns: max-content 1fr; gap: 0 10px; }
.step-text { white-space: pre-wrap; word-break: break-word; background: #f3f3f3; padding: 6px; margin: 0 0 8px; font: 12px/1.4 ui-monospace, monospace; }
.link { fill: none; stroke: #c8c8c8; stroke-width: 1.2; }
.link.best { stroke: #f28c00; stroke-width: 3; }
.node { cursor: pointer; }
.node circle { stroke: #555; stroke-width: 1; }
.node.best > circle:not(.ring) { stroke: #f28c00; stroke-width: 3; }
.node .ring { fill: none; stroke: #333; stroke-width: 1.2; }
.node.rollout > circle { stroke-dasharray: 2 2; }
.node .cross { stroke: #000; stroke-width: 2; }
.node text { font-size: 12px; fill: #222; }
.node.selected text { font-weight: 700; }
.node.match text { fill: #0645ad; text-decoration: underline; }
.node.collapsed text { fill: #555; }
.more { cursor: pointer; } .more rect { fill: #eee; stroke: #999; } .more text { fill: #0645ad; font-size: 12px; }
.legend-row { display: flex; gap: 8px; align-items: center; margin: 3px 0; }
.swatch { display: inline-block; width: 16px; height: 16px; border-radius: 50%; border: 1px solid #555; flex: none; }
.swatch-fill { background: linear-gradient(90deg, hsl(0,70%,45%), hsl(60,70%,45%), hsl(120,70%,45%)); border-radius: 3px; width: 34px; }
.swatch-size { width: 10px; height: 10px; background: #ccc; }
.swatch-best { border: 3px solid #f28c00; }
.swatch-term { box-shadow: 0 0 0 2px #fff, 0 0 0 3px #333; }
.swatch-fail { background: linear-gradient(45deg, transparent 45%, #000 45%, #000 55%, transparent 55%); }
.swatch-roll { border-style: dashed; }
.swatch-more { border-radius: 2px; background: #eee; }
`;

/**
 * Splitting solutions into steps, shared by the offline policies (simulated, replay). A step is what one policy
 * call proposes; the splits follow how the data was written.
 */

/** Content of the last brace-matched `\boxed{…}` (or `\fbox{…}`), or null. Only for terminal detection and the proposal's answer hint: grading re-extracts. */
export function lastBoxed(text: string): string | null {
  const at = Math.max(text.lastIndexOf('\\boxed'), text.lastIndexOf('\\fbox'));
  if (at < 0) return null;
  let i = text.indexOf('{', at);
  if (i < 0) return null;
  const start = ++i;
  for (let depth = 1; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(start, i);
  }
  return null;
}

/** GSM8K reference or model lines: one step per non-empty line, the final-answer line (`#### N` or `A: N`) split off. */
export function splitLines(solution: string): { steps: string[]; answer: string | null } {
  const lines = solution
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
  const last = lines[lines.length - 1];
  const m = last === undefined ? null : /^\s*(?:####|A:)\s*(.*)$/.exec(last);
  if (m) lines.pop();
  return { steps: lines, answer: m ? m[1]!.trim() : null };
}

/**
 * MATH-style prose: paragraphs (blank-line separated) when there are several, else sentences. Sentences end at
 * `.`, `!` or `?` outside math (`$…$`, `$$…$$`, `\[…\]`, `\(…\)`) and outside braces, before whitespace and a
 * capital, `$` or `\`. Steps after the one holding the last `\boxed{}` are dropped: the solution ends there.
 */
export function splitProse(solution: string): string[] {
  const paras = keepAsy(
    solution
      .split(/\n[^\S\n]*\n/)
      .map((p) => p.trim())
      .filter(Boolean),
  );
  const steps = paras.length > 1 ? paras : sentences(solution.trim());
  const lastBox = steps.map((s) => /\\(boxed|fbox)\{/.test(s)).lastIndexOf(true);
  return lastBox >= 0 ? steps.slice(0, lastBox + 1) : steps;
}

/** Blank lines inside an `[asy]…[/asy]` figure do not end a paragraph. */
function keepAsy(paras: string[]): string[] {
  const out: string[] = [];
  let open = false;
  for (const p of paras) {
    if (open) out[out.length - 1] += `\n\n${p}`;
    else out.push(p);
    const last = out[out.length - 1]!;
    open = last.lastIndexOf('[asy]') > last.lastIndexOf('[/asy]');
  }
  return out;
}

function sentences(text: string): string[] {
  const out: string[] = [];
  let math: string | null = null,
    depth = 0,
    from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!,
      two = text.slice(i, i + 2);
    if (c === '\\' && (two === '\\[' || two === '\\(') && !math) ((math = two === '\\[' ? '\\]' : '\\)'), i++);
    else if (c === '\\' && math && two === math) ((math = null), i++);
    else if (c === '\\')
      i++; // an escaped character (\$, \{) is never a delimiter
    else if (two === '$$') ((math = math === '$$' ? null : (math ?? '$$')), i++);
    else if (c === '$') math = math === '$' ? null : (math ?? '$');
    else if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
    else if (!math && depth === 0 && '.!?'.includes(c) && /^\s+[A-Z$\\]/.test(text.slice(i + 1, i + 12))) {
      out.push(text.slice(from, i + 1).trim());
      from = i + 1;
    }
  }
  const rest = text.slice(from).trim();
  if (rest) out.push(rest);
  return out;
}

/**
 * The content of the last brace-matched `\boxed{…}` (or `\fbox{…}`) in a text, or null.
 * Used for MATH references until the grade module's extractor is merged.
 */
export function lastBoxed(text: string): string | null {
  const re = /\\(?:boxed|fbox)\s*\{/g;
  let best: string | null = null;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let depth = 1;
    let i = m.index + m[0].length;
    const start = i;
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === '{') depth++;
      else if (text[i] === '}') depth--;
    }
    if (depth === 0) best = text.slice(start, i - 1);
  }
  return best;
}

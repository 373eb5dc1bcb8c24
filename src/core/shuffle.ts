/** Fisher–Yates shuffle of a copy, driven by a seeded rng (seedrandom) so it is reproducible. */
export function shuffle<T>(a: readonly T[], rng: () => number): T[] {
  const out = a.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

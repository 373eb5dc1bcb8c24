/** What every feature module (features/*.ts) shares: how it reports a bad config. */

/** A problem with a config, naming the field by its path inside the architecture (e.g. `features.digitSlots.places`). */
export interface ConfigProblem {
  readonly field: string;
  readonly detail: string;
}

/** Problems of a field that must be an integer ≥ min. */
export function intProblems(obj: Record<string, unknown>, key: string, path: string, min: number): ConfigProblem[] {
  const v = obj[key];
  return Number.isInteger(v) && (v as number) >= min ? [] : [{ field: `${path}.${key}`, detail: `expected an integer ≥ ${min}, got ${JSON.stringify(v)}` }];
}

/** Problems of a feature's config object: not an object, or fields it does not know. */
export function objectProblems(v: unknown, path: string, known: readonly string[]): ConfigProblem[] {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return [{ field: path, detail: `expected an object, got ${JSON.stringify(v)}` }];
  return Object.keys(v)
    .filter((k) => !known.includes(k))
    .map((k) => ({ field: `${path}.${k}`, detail: `unknown field (known: ${known.join(', ')})` }));
}

import { InvalidOptionError } from './errors.ts';

/**
 * The one option-validation kit. An option schema is a table of fields (type, range, default, help);
 * the same table validates library options (`beam.n`), parses CLI flags (`--n`), prints `--help`
 * and renders the README. Errors name the option's dotted path.
 */

export type FieldType = 'int' | 'number' | 'boolean' | 'choice' | 'group';

export interface Field<T> {
  readonly type: FieldType;
  readonly help: string;
  /** Used when the option is absent. A field with no default is required. */
  readonly default?: T;
  readonly min?: number;
  readonly above?: number;
  readonly max?: number;
  readonly infinite?: boolean;
  readonly choices?: readonly string[];
  /** The sub-fields of a group (such as `mcts.widening`). */
  readonly fields?: OptionSchema;
  /** Validates one value (already defaulted) at `path`; throws InvalidOptionError naming it. */
  check(path: string, v: unknown): T;
}

export type OptionSchema = Readonly<Record<string, Field<unknown>>>;

/** The validated options a schema yields. */
export type Parsed<S extends OptionSchema> = { readonly [K in keyof S]: S[K] extends Field<infer T> ? T : never };

interface Range {
  readonly min?: number;
  /** Exclusive lower bound (a learning rate: > 0). */
  readonly above?: number;
  readonly max?: number;
  /** Infinity is allowed too, meaning "no limit" (a timeout). */
  readonly infinite?: boolean;
}
interface Common<T> {
  readonly help?: string;
  readonly default?: T;
}

const show = (v: unknown): string => (v === undefined ? 'nothing' : typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v)));

/** The wording every check shares, e.g. "a positive integer", "a number in [0, 1]". */
export function describe(type: 'int' | 'number', r: Range = {}): string {
  return r.infinite ? `${finite(type, r)} or Infinity (none)` : finite(type, r);
}

function finite(type: 'int' | 'number', r: Range): string {
  const what = type === 'int' ? 'integer' : 'number';
  const { min, max, above } = r;
  if (above !== undefined) return `${type === 'int' ? 'an' : 'a'} ${what} > ${above}${max !== undefined ? ` and ≤ ${max}` : ''}`;
  if (min !== undefined && max !== undefined) return `${type === 'int' ? 'an' : 'a'} ${what} in [${min}, ${max}]`;
  if (min !== undefined)
    return type === 'int' && min === 1
      ? 'a positive integer'
      : type === 'int' && min === 0
        ? 'a non-negative integer'
        : `${type === 'int' ? 'an' : 'a'} ${what} ≥ ${min}`;
  if (max !== undefined) return `${type === 'int' ? 'an' : 'a'} ${what} ≤ ${max}`;
  return type === 'int' ? 'an integer' : 'a finite number';
}

/** Null when `v` is a number of the type within the range, else what is wrong with it. For callers with their own error type (file formats). */
export function numberProblem(type: 'int' | 'number', v: unknown, r: Range = {}): string | null {
  const ok =
    (r.infinite === true && v === Infinity) ||
    (typeof v === 'number' &&
      Number.isFinite(v) &&
      (type === 'number' || Number.isInteger(v)) &&
      !(r.min !== undefined && v < r.min) &&
      !(r.above !== undefined && v <= r.above) &&
      !(r.max !== undefined && v > r.max));
  return ok ? null : `expected ${describe(type, r)}, got ${show(v)}`;
}

function field<T>(
  type: FieldType,
  c: Common<T> & Range & { choices?: readonly string[]; fields?: OptionSchema },
  check: (path: string, v: unknown) => T,
): Field<T> {
  return {
    type,
    help: c.help ?? '',
    ...('default' in c ? { default: c.default } : {}),
    min: c.min,
    above: c.above,
    max: c.max,
    infinite: c.infinite,
    choices: c.choices,
    fields: c.fields,
    check,
  };
}

const numeric =
  (type: 'int' | 'number') =>
  (c: Common<number> & Range = {}) =>
    field<number>(type, c, (path, v) => {
      const p = numberProblem(type, v, c);
      if (p) throw new InvalidOptionError(path, p);
      return v as number;
    });

/** Field constructors. */
export const opt = {
  int: numeric('int'),
  number: numeric('number'),
  boolean: (c: Common<boolean> = {}) =>
    field<boolean>('boolean', c, (path, v) => {
      if (typeof v !== 'boolean') throw new InvalidOptionError(path, `expected true or false, got ${show(v)}`);
      return v;
    }),
  choice: <const C extends string>(choices: readonly C[], c: Common<C> = {}) =>
    field<C>('choice', { ...c, choices }, (path, v) => {
      if (!choices.includes(v as C)) throw new InvalidOptionError(path, `expected one of ${choices.join(', ')}, got ${show(v)}`);
      return v as C;
    }),
  /** A nested object of options; absent (or null) gives null, a given one has its own defaults filled in. */
  group: <S extends OptionSchema>(fields: S, c: { help?: string } = {}) =>
    field<Parsed<S> | null>('group', { ...c, default: null, fields }, (path, v) => (v === null ? null : readOptions(path, v, fields))),
};

/** Throws naming the first key of `o` that the schema does not know. */
export function known(path: string, o: object, keys: readonly string[]): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new InvalidOptionError(`${path}.${k}`, `unknown option (known: ${keys.join(', ')})`);
}

/** Validates `input` against `schema` (unknown keys, types, ranges), filling in defaults. `path` prefixes every error. */
export function readOptions<S extends OptionSchema>(path: string, input: unknown, schema: S): Parsed<S> {
  const o = input ?? {};
  if (typeof o !== 'object' || Array.isArray(o)) throw new InvalidOptionError(path, `expected an object of options, got ${show(input)}`);
  known(path, o, Object.keys(schema));
  const out: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(schema)) {
    const raw = (o as Record<string, unknown>)[k];
    out[k] = checkField(`${path}.${k}`, raw, f);
  }
  return out as Parsed<S>;
}

/** One value against one field, with its default; for options that are not part of a schema object. */
export function checkField<T>(path: string, v: unknown, f: Field<T>): T {
  if (v === undefined) {
    if ('default' in f) return f.default as T;
    throw new InvalidOptionError(
      path,
      `is required (${f.type === 'choice' ? `one of ${f.choices!.join(', ')}` : f.type === 'int' || f.type === 'number' ? describe(f.type, f) : f.type})`,
    );
  }
  return f.check(path, v);
}

/** Flattens a schema to its leaves with dotted option paths (`widening.alpha`). */
export function leaves(schema: OptionSchema, prefix = ''): { path: string; field: Field<unknown> }[] {
  return Object.entries(schema).flatMap(([k, f]) => (f.type === 'group' ? leaves(f.fields!, `${prefix}${k}.`) : [{ path: prefix + k, field: f }]));
}

/** The CLI flag for an option path: kebab-case, dots become dashes (`widening.alpha` → `widening-alpha`, `cPuct` → `c-puct`). */
export const flagOf = (path: string): string => path.replace(/\./g, '-').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** A CLI string as the field's type; errors name the flag (`--n: expected a positive integer, got -1`). */
export function fromFlag(flag: string, raw: string | boolean, f: Field<unknown>): unknown {
  if (f.type === 'boolean') return raw === true || raw === 'true' ? true : raw === 'false' ? false : f.check(flag, raw);
  if (f.type === 'int' || f.type === 'number') {
    const x = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    if (Number.isNaN(x)) throw new InvalidOptionError(flag, `expected ${describe(f.type, f)}, got ${show(raw)}`);
    return f.check(flag, x);
  }
  return f.check(flag, raw);
}

import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { InvalidOptionError } from '../core/errors.ts';
import { flagOf, fromFlag, leaves, opt, type Field } from '../core/options.ts';
import { strategyDescriptor, strategyDescriptors } from '../search/strategies/index.ts';

export type FlagSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; default?: string | boolean | string[] }>;

/** A value that starts with a dash but is a number (`-1`, `-0.5`, `-.5`, `-1e3`). */
const NEGATIVE = /^-(\d|\.\d)/;

/** `--n -1` → `--n=-1` for flags that take a value, so negative numbers parse (parseArgs calls them ambiguous). */
function joinNegatives(argv: readonly string[], spec: FlagSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (a.startsWith('--') && !a.includes('=') && spec[a.slice(2)]?.type === 'string' && next !== undefined && NEGATIVE.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** Strict flag parsing for every command; an unknown or malformed flag is an InvalidOptionError naming it. */
// Return type spelled out: the inferred one names a type node:util does not export, which the .d.ts build cannot emit.
export function parseFlags<S extends FlagSpec>(
  argv: string[],
  spec: S,
): ReturnType<typeof parseArgs<{ args: string[]; options: S; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args: joinNegatives(argv, spec), options: spec, allowPositionals: true, strict: true });
  } catch (e) {
    const m = /'(--?[\w-]+)/.exec((e as Error).message);
    throw new InvalidOptionError(m?.[1] ?? 'argv', (e as Error).message.split('\n')[0]!);
  }
}

/** A numeric flag through the option kit: `--seed`, `--length`; errors name the flag. */
export function number(flag: string, v: unknown, integer = false, range: { min?: number; above?: number; max?: number } = {}): number | undefined {
  if (v === undefined) return undefined;
  return fromFlag(`--${flag}`, v as string, integer ? opt.int(range) : opt.number(range)) as number;
}

/** A flag with a fixed set of values, `fallback` when absent; errors name the flag and the choices. */
export function choice<const C extends string>(flag: string, v: unknown, choices: readonly C[], fallback: C): C {
  if (v === undefined) return fallback;
  return fromFlag(`--${flag}`, v as string, opt.choice(choices)) as C;
}

/** Every strategy flag in the registry: flag → its option path and field, per strategy. */
export function strategyFlags(): Map<string, Map<string, { path: string; field: Field<unknown> }>> {
  const flags = new Map<string, Map<string, { path: string; field: Field<unknown> }>>();
  for (const d of strategyDescriptors())
    for (const { path, field } of leaves(d.options)) {
      const flag = flagOf(path);
      const per = flags.get(flag) ?? new Map();
      per.set(d.name, { path, field });
      flags.set(flag, per);
    }
  return flags;
}

/** `own` flags plus every strategy flag (a boolean option is a switch, others take a value). */
export function parse<S extends FlagSpec>(argv: string[], own: S): ReturnType<typeof parseFlags<S>> {
  const options: FlagSpec = { ...own };
  for (const [flag, per] of strategyFlags()) {
    if (flag in own) throw new Error(`strategy flag --${flag} collides with a command flag`);
    const kinds = new Set([...per.values()].map((p) => (p.field.type === 'boolean' ? 'boolean' : 'string')));
    options[flag] = { type: kinds.has('boolean') && kinds.size === 1 ? 'boolean' : 'string' };
  }
  return parseFlags(argv, options as S); // values beyond S: read them as a record
}

/** The options of strategy `name` from the flags given (only those); a flag of another strategy is an error naming it. */
export function strategyOptions(name: string, values: Record<string, unknown>): Record<string, unknown> {
  const d = strategyDescriptor(name);
  const out: Record<string, unknown> = {};
  for (const [flag, per] of strategyFlags()) {
    const raw = values[flag];
    if (raw === undefined) continue;
    const mine = per.get(name);
    if (!mine) {
      const own = leaves(d.options).map((l) => `--${flagOf(l.path)}`);
      throw new InvalidOptionError(
        `--${flag}`,
        `is not an option of strategy ${name} (it is one of ${[...per.keys()].join(', ')}); ${name} takes ${own.join(' ') || 'no options'}`,
      );
    }
    setPath(out, mine.path, fromFlag(`--${flag}`, raw as string | boolean, mine.field));
  }
  return out;
}

function setPath(o: Record<string, unknown>, path: string, v: unknown): void {
  const keys = path.split('.');
  let at = o;
  for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
  at[keys[keys.length - 1]!] = v;
}

/** A file the command reads: it must exist and be a file. */
export function inputFile(flag: string, path: unknown): string {
  if (typeof path !== 'string' || !path) throw new InvalidOptionError(`--${flag}`, 'expected a file name');
  if (!existsSync(path)) throw new InvalidOptionError(`--${flag}`, `no such file: ${path}`);
  if (!statSync(path).isFile()) throw new InvalidOptionError(`--${flag}`, `${path} is a folder, not a file`);
  return path;
}

/** A file the command writes: not a folder, and (unless the command makes it) its folder exists. Checked before any work. */
export function outputFile(flag: string, path: unknown, makesFolder = false): string {
  if (typeof path !== 'string' || !path) throw new InvalidOptionError(`--${flag}`, 'expected a file name');
  if (existsSync(path) && statSync(path).isDirectory()) throw new InvalidOptionError(`--${flag}`, `${path} is a folder; give a file name`);
  const dir = dirname(resolve(path));
  if (!makesFolder && !existsSync(dir)) throw new InvalidOptionError(`--${flag}`, `folder ${dirname(path)} does not exist`);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new InvalidOptionError(`--${flag}`, `${dirname(path)} is a file, not a folder`);
  return path;
}

/** A folder the command writes into (made if missing): it must not be a file. */
export function outputFolder(flag: string, path: unknown): string {
  if (typeof path !== 'string' || !path) throw new InvalidOptionError(`--${flag}`, 'expected a folder name');
  if (existsSync(path) && !statSync(path).isDirectory()) throw new InvalidOptionError(`--${flag}`, `${path} is a file, not a folder`);
  return path;
}

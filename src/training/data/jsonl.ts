import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { FormatError } from '../../core/errors.ts';
import { numberProblem } from '../../core/options.ts';

/** One parsed JSONL row and where it came from (`file:line`, 1-based), for error messages. */
export interface Row {
  readonly value: unknown;
  readonly where: string;
  readonly line: number;
}

/** Streams a JSONL file one line at a time (never the whole file in memory). Blank lines are skipped. */
export async function* readJsonl(file: string): AsyncGenerator<Row> {
  const input = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (!text.trim()) continue;
      const where = `${file}:${line}`;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        throw new FormatError(where, `invalid JSON (${(e as Error).message})`);
      }
      yield { value, where, line };
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

/** Writes values as JSONL, waiting on back-pressure so large outputs do not pile up in memory. Returns the row count. */
export async function writeJsonl(file: string, values: Iterable<unknown> | AsyncIterable<unknown>): Promise<number> {
  const out = createWriteStream(file, { encoding: 'utf8' });
  // Keeps an 'error' listener attached the whole time, so a write error rejects here instead of crashing the process.
  const failed = once(out, 'error').then(([e]) => Promise.reject(e));
  failed.catch(() => {});
  let n = 0;
  try {
    for await (const v of values) {
      if (!out.write(JSON.stringify(v) + '\n')) await Promise.race([once(out, 'drain'), failed]);
      n++;
    }
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
  } catch (e) {
    out.destroy();
    throw e;
  }
  return n;
}

// Field readers: each names the field and what was wrong, so a bad row is easy to find.

export function asObject(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new FormatError(where, `expected a JSON object, got ${kind(v)}`);
  return v as Record<string, unknown>;
}

export function str(o: Record<string, unknown>, field: string, where: string): string {
  const v = o[field];
  if (typeof v !== 'string') throw new FormatError(where, `field \`${field}\`: expected a string, got ${kind(v)}`);
  return v;
}

export function optStr(o: Record<string, unknown>, field: string, where: string): string | undefined {
  return o[field] === undefined || o[field] === null ? undefined : str(o, field, where);
}

export function strList(o: Record<string, unknown>, field: string, where: string, nonEmpty = true): string[] {
  const v = o[field];
  if (!Array.isArray(v)) throw new FormatError(where, `field \`${field}\`: expected an array of strings, got ${kind(v)}`);
  const bad = v.findIndex((s) => typeof s !== 'string');
  if (bad >= 0) throw new FormatError(where, `field \`${field}[${bad}]\`: expected a string, got ${kind(v[bad])}`);
  if (nonEmpty && v.length === 0) throw new FormatError(where, `field \`${field}\`: expected at least one step, got []`);
  return v as string[];
}

export function int(o: Record<string, unknown>, field: string, where: string, min: number, max: number): number {
  const v = o[field];
  const problem = numberProblem('int', v, { min, max }); // the option kit's wording, in a FormatError naming file and line
  if (problem) throw new FormatError(where, `field \`${field}\`: ${problem}`);
  return v as number;
}

export function kind(v: unknown): string {
  if (v === undefined) return 'nothing (missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return typeof v === 'string' ? `a string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}` : `${typeof v} ${JSON.stringify(v)}`;
}

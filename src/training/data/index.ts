import { FormatError, InvalidOptionError } from '../../core/errors.ts';
import { converters, dataFormats, emptyWarnings, type DataFormat, type Example, type LoadOptions, type LoadWarnings } from './formats.ts';
import { readJsonl, writeJsonl } from './jsonl.ts';

export { dataFormats, emptyWarnings, firstErrorLabels, type DataFormat, type Example, type LoadOptions, type LoadWarnings } from './formats.ts';
export { readJsonl, writeJsonl } from './jsonl.ts';

function check(format: DataFormat, opts: LoadOptions): void {
  if (!dataFormats.includes(format)) throw new InvalidOptionError('format', `expected one of ${dataFormats.join(', ')}, got ${JSON.stringify(format)}`);
  if (opts.neutral !== undefined && ![0, 0.5, 1].includes(opts.neutral))
    throw new InvalidOptionError('neutral', `expected 0, 0.5 or 1, got ${JSON.stringify(opts.neutral)}`);
}

/**
 * Streams examples from JSONL files one row at a time. Skipped or repaired rows are counted in `warnings`
 * (pass your own object to read the tally while or after streaming).
 */
export async function* streamExamples(
  files: string | readonly string[],
  format: DataFormat,
  opts: LoadOptions = {},
  warnings: LoadWarnings = emptyWarnings(),
): AsyncGenerator<Example> {
  check(format, opts);
  const convert = converters[format];
  const seen = new Map<string, number>();
  for (const file of typeof files === 'string' ? [files] : files) {
    for await (const row of readJsonl(file)) {
      for (const e of convert(row, file, opts, warnings)) {
        // Ids key results and splits, so they must be unique across all the files loaded together.
        const n = (seen.get(e.id) ?? 0) + 1;
        seen.set(e.id, n);
        if (n === 1) yield e;
        else {
          warnings.duplicateIds++;
          yield { ...e, id: `${e.id}#${n}` };
        }
      }
    }
  }
}

/** Loads every example from the files into memory, with the tally of skipped/ignored entries. */
export async function loadExamples(
  files: string | readonly string[],
  format: DataFormat,
  opts: LoadOptions = {},
): Promise<{ examples: Example[]; warnings: LoadWarnings }> {
  const warnings = emptyWarnings();
  const examples: Example[] = [];
  for await (const e of streamExamples(files, format, opts, warnings)) examples.push(e);
  return { examples, warnings };
}

/** Writes examples in the `steptree` format (readable again with `loadExamples(path, 'steptree')`). Returns the count. */
export async function writeSteptreeJsonl(path: string, examples: Iterable<Example> | AsyncIterable<Example>): Promise<number> {
  let i = 0;
  async function* rows() {
    for await (const e of examples) {
      // Validate before writing so a bad example never produces a file we cannot read back.
      const where = `example ${i++} (id ${JSON.stringify(e.id)})`;
      if (e.labels.length !== e.steps.length) throw new FormatError(where, `field \`labels\`: ${e.labels.length} labels for ${e.steps.length} steps`);
      const bad = e.labels.findIndex((l) => l !== null && !(l >= 0 && l <= 1));
      if (bad >= 0) throw new FormatError(where, `field \`labels[${bad}]\`: expected a number in [0, 1] or null, got ${e.labels[bad]}`);
      yield { id: e.id, problem: e.problem, steps: e.steps, labels: e.labels, ...(e.source !== undefined && { source: e.source }) };
    }
  }
  return writeJsonl(path, rows());
}

/** Labelled-step counts, for reports: how many labelled steps, positives (label ≥ 0.5), negatives. */
export function labelCounts(examples: Iterable<Example>): { examples: number; steps: number; labelled: number; positive: number; negative: number } {
  const c = { examples: 0, steps: 0, labelled: 0, positive: 0, negative: 0 };
  for (const e of examples) {
    c.examples++;
    c.steps += e.steps.length;
    for (const l of e.labels) {
      if (l === null) continue;
      c.labelled++;
      if (l >= 0.5) c.positive++;
      else c.negative++;
    }
  }
  return c;
}

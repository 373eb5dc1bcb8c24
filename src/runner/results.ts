import { open, rename, stat, truncate, type FileHandle } from 'node:fs/promises';
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { FormatError } from '../core/errors.ts';
import type { ResultRecord } from './record.ts';

/** Streams results.jsonl (a missing file is empty). A line that does not parse names file:line. */
export async function* readResults(file: string): AsyncGenerator<ResultRecord> {
  if (!existsSync(file)) return;
  const input = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const text of lines) {
      n++;
      if (!text.trim()) continue;
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch (e) {
        throw new FormatError(`${file}:${n}`, `not a results line (${(e as Error).message}); the file was edited or corrupted`);
      }
      const r = v as ResultRecord;
      if (typeof r?.key !== 'string' || (r.status !== 'ok' && r.status !== 'error'))
        throw new FormatError(`${file}:${n}`, 'expected a results line with `key` and `status`');
      yield r;
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

/** Drops a torn last line (a process killed mid-write leaves bytes after the last newline). Returns the bytes dropped. */
export async function dropTornTail(file: string): Promise<number> {
  if (!existsSync(file)) return 0;
  const { size } = await stat(file);
  if (size === 0) return 0;
  const fh = await open(file, 'r');
  try {
    // scan back in chunks for the last newline
    const chunk = Buffer.alloc(64 * 1024);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const { bytesRead } = await fh.read(chunk, 0, end - start, start);
      const i = chunk.subarray(0, bytesRead).lastIndexOf(10);
      if (i >= 0) {
        const keep = start + i + 1;
        if (keep < size) await truncate(file, keep);
        return size - keep;
      }
      end = start;
    }
  } finally {
    await fh.close();
  }
  await truncate(file, 0);
  return size;
}

/** Rewrites the file without the records `drop` selects (tmp file + fsync + rename, so a crash keeps one of the two). */
export async function rewriteWithout(file: string, drop: (r: ResultRecord) => boolean): Promise<number> {
  const tmp = `${file}.tmp`;
  const fh = await open(tmp, 'w');
  let dropped = 0;
  try {
    for await (const r of readResults(file)) {
      if (drop(r)) dropped++;
      else await fh.write(JSON.stringify(r) + '\n');
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  return dropped;
}

/**
 * Appends one line per finished (problem, seed) and fsyncs it before `append` resolves. Lines that finish
 * while a sync is in flight are written and synced together (group commit): one fsync per batch, not per line.
 */
export class ResultsWriter {
  private pending: { line: string; done: () => void; fail: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;
  private constructor(private readonly fh: FileHandle) {}
  static async open(file: string): Promise<ResultsWriter> {
    return new ResultsWriter(await open(file, 'a'));
  }
  /** Counts for benchmarks: lines written and fsyncs made. */
  readonly stats = { lines: 0, syncs: 0 };
  append(r: ResultRecord): Promise<void> {
    return new Promise((done, fail) => {
      this.pending.push({ line: JSON.stringify(r) + '\n', done, fail });
      this.flushing ??= this.flush();
    });
  }
  private async flush(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.fh.write(batch.map((b) => b.line).join(''));
        await this.fh.sync();
        this.stats.lines += batch.length;
        this.stats.syncs++;
        for (const b of batch) b.done();
      } catch (e) {
        for (const b of batch) b.fail(e);
      }
    }
    this.flushing = null;
  }
  async close(): Promise<void> {
    await this.flushing;
    await this.fh.close();
  }
}

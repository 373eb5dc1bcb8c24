import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { FormatError } from '../core/errors.ts';

/**
 * An append-only JSONL file of finished work, keyed, so a sweep resumes after a crash: rows already
 * there are never redone. A torn last line (the crash hit mid-write) is dropped and rewritten; any
 * other malformed line is a FormatError naming file and line.
 */
export class JsonlStore<T extends { key: string }> {
  private rows = new Map<string, T>();
  constructor(readonly file: string) {
    if (!existsSync(file)) return;
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    const torn = !text.endsWith('\n') && lines.length > 0;
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      let row: T;
      try {
        row = JSON.parse(line) as T;
      } catch (e) {
        if (torn && i === lines.length - 1) return;
        throw new FormatError(`${file}:${i + 1}`, `not JSON: ${(e as Error).message}`);
      }
      if (typeof row?.key !== 'string') throw new FormatError(`${file}:${i + 1}`, 'a row without a string `key`');
      this.rows.set(row.key, row);
    });
    // drop a torn tail so the next append starts on a fresh line
    if (torn) writeFileSync(file, [...this.rows.values()].map((r) => JSON.stringify(r) + '\n').join(''));
  }
  has(key: string): boolean {
    return this.rows.has(key);
  }
  get(key: string): T | undefined {
    return this.rows.get(key);
  }
  add(row: T): void {
    appendFileSync(this.file, JSON.stringify(row) + '\n');
    this.rows.set(row.key, row);
  }
  get size(): number {
    return this.rows.size;
  }
}

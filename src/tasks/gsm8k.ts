import { FormatError } from '../core/errors.ts';
import { str } from '../training/data/jsonl.ts';
import { loadJsonlItems } from './jsonl-items.ts';
import type { BenchItem, DatasetFilters, DatasetKind } from './types.ts';

/** GSM8K: `{question, answer}`, the answer's last line is `#### N`. Ids are `gsm8k/<file stem>/<row>`. */
export function loadGsm8k(file: string, filters?: DatasetFilters): AsyncGenerator<BenchItem> {
  return loadJsonlItems(
    file,
    (row, { stem, line, index, where }) => {
      const question = str(row, 'question', where);
      const answer = str(row, 'answer', where);
      const m = /(?:^|\n)####\s*(.+?)\s*$/.exec(answer);
      if (!m) throw new FormatError(where, 'field `answer`: expected a last line `#### N`');
      const id = `gsm8k/${stem}/${index}`;
      return { id, problem: { id, text: question }, reference: m[1]!, solution: answer, source: { file, line } };
    },
    filters,
  );
}

export const gsm8k: DatasetKind = {
  summary: 'GSM8K JSONL ({question, answer ending "#### N"}), e.g. ../shared/data/gsm8k/test.jsonl',
  grader: 'gsm8k',
  load: loadGsm8k,
};

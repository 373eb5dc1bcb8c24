/** Token batches: padded ids, lengths, and digit places. */
import { BOS_ID, BYTE_OFFSET, EOS_ID, PAD_ID, UNK_ID } from './tokenizer.ts';

/**
 * Token ids padded to a common length L (a multiple of 8, so of any patch size, and so backends that compile
 * per shape see few shapes). Padding is PAD_ID, which keeps a partly filled last patch identical in any batch.
 */
export interface TokenBatch {
  ids: Int32Array;
  lengths: number[];
  B: number;
  L: number;
  /** Per token: the digit's place from the right (1 = units), 0 for non-digits; set when the arch uses places. */
  places?: Int32Array;
  /** Per row: the local check's input counts [B, checkRows]; set when the arch has a check. */
  check?: Float32Array;
}

const DIGIT_0 = 48 + BYTE_OFFSET,
  DIGIT_9 = 57 + BYTE_OFFSET;
/**
 * Per byte token: 1 + the digit's row in the place table (see ArchConfig.places/numbers), 0 for non-digits. The place
 * counts from the right within a run of digits, the number slot counts runs from the text's end; both are capped.
 * `bind`: the row is per (number slot, place, digit value).
 */
export function digitPlaces(batch: TokenBatch, places: number, numbers = 0, bind = false): Int32Array {
  const out = new Int32Array(batch.ids.length);
  for (let b = 0; b < batch.B; b++) {
    let run = 0,
      ordinal = 0;
    for (let i = b * batch.L + batch.L - 1; i >= b * batch.L; i--) {
      const id = batch.ids[i]!;
      run = id >= DIGIT_0 && id <= DIGIT_9 ? run + 1 : 0;
      if (run === 1) ordinal++;
      const row = (Math.min(Math.max(ordinal, 1), Math.max(1, numbers)) - 1) * places + Math.min(run, places) - 1;
      out[i] = run && 1 + (bind ? row * 10 + id - DIGIT_0 : row);
    }
  }
  return out;
}

export function padBatch(seqs: readonly (readonly number[])[], maxLen: number): TokenBatch {
  const longest = Math.max(1, ...seqs.map((s) => s.length));
  const L = Math.ceil(Math.min(maxLen, longest) / 8) * 8;
  const B = seqs.length;
  const ids = new Int32Array(B * L);
  const lengths = seqs.map((s, b) => {
    const n = Math.min(s.length, L);
    for (let i = 0; i < n; i++) ids[b * L + i] = s[i]!;
    return n;
  });
  return { ids, lengths, B, L };
}

/** Tokens every step shares, which the local check skips: specials, whitespace and "=". */
const SHARED = new Set([PAD_ID, BOS_ID, EOS_ID, UNK_ID, ...[9, 10, 13, 32, 61].map((b) => b + BYTE_OFFSET)]);

/**
 * The local check's input (ArchConfig.check): per row, counts over [digit rows | token ids]. A digit counts at its
 * place row (batch.places, bound) and not as a token; other tokens count at their id unless SHARED.
 */
export function checkCounts(batch: TokenBatch, digitRows: number, vocab: number): Float32Array {
  const R = digitRows + vocab,
    out = new Float32Array(batch.B * R);
  for (let b = 0; b < batch.B; b++)
    for (let i = b * batch.L; i < b * batch.L + batch.lengths[b]!; i++) {
      const place = batch.places![i]!,
        id = batch.ids[i]!;
      if (place) out[b * R + place - 1]! += 1;
      else if (!SHARED.has(id)) out[b * R + digitRows + id]! += 1;
    }
  return out;
}

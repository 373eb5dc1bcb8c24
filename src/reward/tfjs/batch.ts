/** Token batches: padded ids and lengths, plus the inputs the features (features/*.ts) add. */

/**
 * Token ids padded to a common length L (a multiple of 8, so of any patch size, and so backends that compile
 * per shape see few shapes). Padding is PAD_ID, which keeps a partly filled last patch identical in any batch.
 */
export interface TokenBatch {
  ids: Int32Array;
  lengths: number[];
  B: number;
  L: number;
  /** Per token: the digit's place from the right (1 = units), 0 for non-digits; set by the digitSlots feature. */
  places?: Int32Array;
  /** Per row: the local check's input counts [B, checkRows]; set by the localCheck feature. */
  check?: Float32Array;
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

/** A one-line progress bar on stderr (redrawn in place on a terminal, a line per call elsewhere at most every 5 s). */
export function progressBar(label: string) {
  const tty = process.stderr.isTTY;
  let last = 0;
  return {
    update(done: number, total: number, extra = '') {
      const now = Date.now();
      if (!tty && now - last < 5000 && done < total) return;
      last = now;
      const w = 30,
        f = total ? Math.round((done / total) * w) : 0;
      const line = `${label} [${'#'.repeat(f)}${'.'.repeat(w - f)}] ${done}/${total} ${extra}`;
      process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
    },
    end() {
      if (tty) process.stderr.write('\n');
    },
  };
}

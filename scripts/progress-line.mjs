/**
 * One self-rewriting line of download progress on a terminal ("label: 37% of 105 MB"). It is
 * rewritten only when the whole percentage changes (with no known size, the whole megabyte), so
 * the thousands of progress events of a download cost about a hundred writes. Where the stream
 * is not a terminal it prints nothing: a log would fill with carriage returns.
 *
 * @param {{ isTTY?: boolean, write(text: string): unknown }} stream
 * @param {string} label
 */
export function progressLine(stream, label) {
  let shown = '';
  return {
    /** @param {number} transferred bytes so far @param {number | undefined} total bytes, if known */
    update(transferred, total) {
      if (!stream.isTTY) return;
      const text = total ? `${Math.floor((100 * transferred) / total)}% of ${Math.round(total / 1e6)} MB` : `${Math.floor(transferred / 1e6)} MB`;
      if (text === shown) return;
      shown = text;
      stream.write(`\r${label}: ${text}`);
    },
    /** Ends the line, if one was started. */
    end() {
      if (shown) stream.write('\n');
      shown = '';
    },
  };
}

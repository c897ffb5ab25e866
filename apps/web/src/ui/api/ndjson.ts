/**
 * Splits a stream of text chunks into NDJSON values: feed chunks with {@link NdjsonDecoder.push},
 * get back the complete lines' values. A line that is not JSON is reported, not thrown.
 */
export class NdjsonDecoder {
  #buffered = '';

  /** Adds a chunk and returns the values of the lines it completed. */
  push(chunk: string): { values: unknown[]; bad: string[] } {
    this.#buffered += chunk;
    const values: unknown[] = [];
    const bad: string[] = [];
    let nl = this.#buffered.indexOf('\n');
    while (nl >= 0) {
      const line = this.#buffered.slice(0, nl).trim();
      this.#buffered = this.#buffered.slice(nl + 1);
      if (line !== '') {
        try {
          values.push(JSON.parse(line));
        } catch {
          bad.push(line);
        }
      }
      nl = this.#buffered.indexOf('\n');
    }
    return { values, bad };
  }

  /** What is left after the last newline (an unfinished line). */
  get pending(): string {
    return this.#buffered;
  }
}

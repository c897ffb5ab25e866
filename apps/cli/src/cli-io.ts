/** Where a command reads and writes; the real process streams in `main.ts`, buffers in tests. */
export interface CliIO {
  /** Writes to standard output. */
  stdout(text: string): void;
  /** Writes to standard error. */
  stderr(text: string): void;
  /** Reads all of standard input. */
  readStdin(): Promise<string>;
  /** Sets the exit code of the process (the highest set wins). */
  setExitCode(code: number): void;
}

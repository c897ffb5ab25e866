import {
  type CheckEvent,
  type CheckReport,
  formatCategoryHeader,
  formatCheckResult,
  formatStatusLine,
} from '@skein/install';
import type { CliIO } from '../cli-io.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * Prints `skein check`'s table as the checks run: each category header, then each result; while a
 * check waits (`--wait`) a spinner line shows what it waits for, on a terminal only.
 */
export class CheckProgress {
  readonly #io: CliIO;
  readonly #tty: boolean;
  #first = true;
  #timer: NodeJS.Timeout | undefined;
  #frame = 0;
  #line = '';

  constructor(io: CliIO, tty: boolean) {
    this.#io = io;
    this.#tty = tty;
  }

  /** Handles one event of the run. */
  onEvent = (event: CheckEvent): void => {
    if (event.type === 'category') {
      this.#io.stdout(`${this.#first ? '' : '\n'}${formatCategoryHeader(event.category)}`);
      this.#first = false;
    } else if (event.type === 'waiting') {
      this.#line = `${event.check.description} -- ${event.message}`;
      if (this.#tty && this.#timer === undefined) {
        this.#timer = setInterval(() => this.#draw(), 100);
        this.#draw();
      }
    } else {
      this.#stopSpinner();
      this.#io.stdout(formatCheckResult(event.result));
    }
  };

  /** Prints the closing status line. */
  finish(report: CheckReport): void {
    this.#stopSpinner();
    this.#io.stdout(`\n${formatStatusLine(report.success)}`);
  }

  #draw(): void {
    this.#frame = (this.#frame + 1) % FRAMES.length;
    this.#io.stdout(`\r\x1b[2K${FRAMES[this.#frame]} ${this.#line}`);
  }

  #stopSpinner(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#io.stdout('\r\x1b[2K');
  }
}

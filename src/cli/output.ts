// This file is the only place that writes: results to stdout, everything for humans to stderr (spinner on a TTY only).
import type { Ora } from 'ora';
import type { CliContext } from './context.js';
import { importOra } from './esm-imports.cjs';
import { formatDuration, formatProgress, type ProgressView, progressPercent } from './format.js';
import { forTerminal, paint, type TerminalCaps, terminalCaps, withSaneWidth } from './terminal.js';

export interface OutputOptions {
  quiet?: boolean;
  json?: boolean;
  verbose?: boolean;
}

/** Plain (non-TTY) progress: one line at most every 10 % or 30 s. */
const PLAIN_STEP_PERCENT = 10;
const PLAIN_STEP_MS = 30_000;

/** Outputs with a running spinner, so an error report can stop them before printing. */
const spinning = new Set<Output>();

/** Stops every spinner (main.ts calls this before printing an error). */
export function stopAllSpinners(): void {
  for (const output of spinning) output.stopSpinner();
}

export class Output {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly caps: TerminalCaps;
  private spinner: Ora | undefined;
  private lastPlainPercent = -1;
  private lastPlainAt = 0;
  private lastPlainText = '';

  private constructor(
    private readonly ctx: CliContext,
    options: OutputOptions,
    caps: TerminalCaps,
    private readonly oraFactory: ((text: string) => Ora) | undefined,
  ) {
    this.json = Boolean(options.json);
    this.quiet = Boolean(options.quiet);
    this.verbose = Boolean(options.verbose);
    this.caps = caps;
  }

  /**
   * Loads ora only when a spinner can be shown, so scripts and `--help` stay fast. A terminal that reports no
   * usable width (a pseudo-terminal without a size) gets the plain lines a pipe gets.
   */
  static async create(ctx: CliContext, options: OutputOptions): Promise<Output> {
    const caps = terminalCaps(ctx.env, ctx.stderr);
    if (!caps.animate || options.quiet) return new Output(ctx, options, caps, undefined);
    const { default: ora } = await importOra();
    const stream = withSaneWidth(ctx.stderr);
    return new Output(ctx, options, caps, (text) =>
      ora({
        text,
        stream,
        discardStdin: false,
        // Decided above from the injected environment (ora would look at process.env.CI itself).
        isEnabled: true,
        color: caps.color ? 'cyan' : false,
        spinner: caps.unicode ? 'dots' : 'line',
      }),
    );
  }

  /** Human text as this terminal can show it (ASCII without a UTF-8 locale). */
  private human(text: string): string {
    return forTerminal(text, this.caps.unicode);
  }

  /** The result for scripts: one line on stdout. */
  result(line: string): void {
    this.ctx.stdout.write(`${line}\n`);
  }

  /** The result for scripts as one JSON object on one line of stdout (docs/output.md "JSON output"). */
  resultJson(value: unknown): void {
    this.ctx.stdout.write(`${JSON.stringify(value)}\n`);
  }

  /** A list for scripts: one JSON object per line (JSON Lines), nothing for an empty list. */
  resultJsonLines(values: readonly unknown[]): void {
    for (const value of values) this.resultJson(value);
  }

  info(message: string): void {
    if (this.quiet) return;
    this.line(message);
  }

  debug(message: string): void {
    if (this.verbose) this.line(message);
  }

  warn(message: string): void {
    if (this.quiet) return;
    this.line(`warning: ${message}`);
  }

  /** Errors are printed even with --quiet. */
  error(message: string): void {
    this.line(message);
  }

  startSpinner(text: string): void {
    if (!this.oraFactory) {
      this.info(text);
      return;
    }
    this.spinner?.stop();
    this.spinner = this.oraFactory(this.human(text)).start();
    spinning.add(this);
  }

  progress(label: string, view: ProgressView): void {
    if (this.quiet) return;
    const text = `${label} ${formatProgress(view)}`;
    if (this.oraFactory) {
      if (!this.spinner) this.startSpinner(text);
      else this.spinner.text = this.human(text);
      return;
    }
    const percent = progressPercent(view);
    const now = this.ctx.now();
    const stepped =
      Math.floor(percent / PLAIN_STEP_PERCENT) > Math.floor(this.lastPlainPercent / PLAIN_STEP_PERCENT);
    if (this.lastPlainPercent < 0 || stepped || now - this.lastPlainAt >= PLAIN_STEP_MS) {
      this.lastPlainPercent = percent;
      this.lastPlainAt = now;
      this.line(text);
    }
  }

  /** One line for a retry the engine is about to make. */
  retry(event: { attempt: number; delayMs: number; reason: string }): void {
    this.info(`Retry ${event.attempt} in ${formatDuration(event.delayMs / 1000)}: ${event.reason}`);
  }

  /** A status line that replaces the previous one on a TTY; printed plainly only when it changed. */
  progressText(text: string): void {
    if (this.quiet) return;
    if (this.oraFactory) {
      if (!this.spinner) this.startSpinner(text);
      else this.spinner.text = this.human(text);
      return;
    }
    if (text !== this.lastPlainText) {
      this.lastPlainText = text;
      this.line(text);
    }
  }

  /** Ends the spinner with a final line (success or failure), or prints the line plainly. */
  stopSpinner(finalLine?: string, ok = true): void {
    if (this.spinner) {
      if (finalLine === undefined) this.spinner.stop();
      else {
        const { unicode, color } = this.caps;
        const symbol = ok
          ? paint(unicode ? '✔' : '+', 'green', color)
          : paint(unicode ? '✖' : 'x', 'red', color);
        this.spinner.stopAndPersist({ symbol, text: this.human(finalLine) });
      }
      this.spinner = undefined;
      spinning.delete(this);
      return;
    }
    if (finalLine !== undefined) this.info(finalLine);
  }

  private line(message: string): void {
    const text = `${this.human(message)}\n`;
    if (this.spinner) {
      // Print above the spinner without leaving a broken frame behind.
      this.spinner.clear();
      this.ctx.stderr.write(text);
      this.spinner.render();
      return;
    }
    this.ctx.stderr.write(text);
  }
}

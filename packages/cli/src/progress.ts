/**
 * A one-line progress bar on stderr for long reads. Shown only on an interactive terminal and never in CI,
 * so logs stay clean; redraws at most 10 times a second.
 */
export class ProgressBar {
  private last = 0;
  private shown = false;
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    quiet: boolean,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.enabled = !quiet && out.isTTY === true && !process.env.CI;
  }

  update(done: number, total: number | undefined): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100 && (total === undefined || done < total)) return;
    this.last = now;
    const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
    let line = `${this.label} ${mb(done)}`;
    if (total) {
      const frac = Math.min(1, done / total);
      const width = 30;
      const fill = Math.round(frac * width);
      line = `${this.label} [${"#".repeat(fill)}${".".repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${mb(done)} / ${mb(total)}`;
    }
    this.out.write(`\r${line.slice(0, (this.out.columns ?? 100) - 1)}\x1b[K`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) this.out.write("\r\x1b[K");
    this.shown = false;
  }
}

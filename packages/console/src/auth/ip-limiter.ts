/**
 * Sign-in attempts per client address in a fixed window, in memory (per console process; the per-account
 * lockout in the store is what holds across processes). Bounded: at most `maxTracked` addresses are kept,
 * the oldest windows dropped first, so a flood of spoofed sources cannot grow it without limit.
 */
export class IpLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit = 20,
    private readonly windowMs = 60_000,
    private readonly maxTracked = 10_000,
  ) {}

  /** Counts an attempt; the seconds to wait when over the limit, else 0. */
  take(ip: string, now = Date.now()): number {
    let w = this.windows.get(ip);
    if (!w || now - w.start >= this.windowMs) {
      this.windows.delete(ip);
      if (this.windows.size >= this.maxTracked) {
        const oldest = this.windows.keys().next().value;
        if (oldest !== undefined) this.windows.delete(oldest);
      }
      w = { start: now, count: 0 };
      this.windows.set(ip, w);
    }
    w.count++;
    return w.count > this.limit ? Math.ceil((w.start + this.windowMs - now) / 1000) : 0;
  }
}

// Watching an in-process service during a hostile-input run: the highest partition stall its /metrics showed,
// and, from its log, how often a batch was retried and whether a consumer crashed or gave a partition up.
/**
 * Polls /metrics once a second (one scrape at a time) for the highest `oms_partition_stalled_seconds` over the
 * run. A scrape may fail while the machine is busy; the run fails only when most of them did.
 */
export class StallWatch {
  max = 0;
  samples = 0;
  scrapes = 0;
  failures = 0;
  lastError: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private pending: Promise<void> | null = null;

  constructor(private readonly url: string) {}

  start(): void {
    this.timer = setInterval(() => {
      this.pending ??= this.scrape().finally(() => (this.pending = null));
    }, 1_000);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.pending;
  }

  private async scrape(): Promise<void> {
    this.scrapes += 1;
    try {
      const response = await fetch(this.url, { signal: AbortSignal.timeout(5_000) });
      const text = await response.text();
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      for (const line of text.split('\n')) {
        const m = /^oms_partition_stalled_seconds\{[^}]*\}\s+(\S+)/.exec(line);
        if (!m) continue;
        this.samples += 1;
        this.max = Math.max(this.max, Number(m[1]));
      }
    } catch (error) {
      this.failures += 1;
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      this.lastError = `${(error as Error).message}${cause ? ` (${cause})` : ''}`;
    }
  }
}

/** The in-process service's warnings and errors: the highest handler retry count, and lines that must not occur. */
export class ServiceLog {
  readonly lines: string[] = [];
  readonly alarms: string[] = [];
  maxAttempt = 0;
  private readonly kinds = new Set<string>();
  private readonly first: string[] = [];

  add(line: string): void {
    let msg = line;
    try {
      msg = String((JSON.parse(line) as { msg?: unknown }).msg ?? line);
    } catch {
      // not JSON: keep the line as it is
    }
    const attempt = /batch handler failed \(attempt (\d+)\)/.exec(msg);
    if (attempt) this.maxAttempt = Math.max(this.maxAttempt, Number(attempt[1]));
    if (/consumer crashed|stopped handling/.test(msg) && this.alarms.length < 10)
      this.alarms.push(msg.slice(0, 300));
    this.lines.push(msg.slice(0, 400));
    if (this.lines.length > 2_000) this.lines.splice(0, 1_000);
    // The first of each kind of line, numbers aside: a failing run's cause is often far back in the log.
    const kind = msg.replace(/\d+/g, 'N').slice(0, 120);
    if (!this.kinds.has(kind) && this.kinds.size < 20) {
      this.kinds.add(kind);
      this.first.push(msg.slice(0, 400));
    }
  }

  /** The first line of each kind, then the last lines. */
  summary(last: number): string[] {
    return [...this.first, '…', ...this.lines.slice(-last)];
  }
}

// Groups the batches of several partitions into fewer handler calls (group commit), at most `concurrency` at once.
import type { InboundMessage } from './inbound-message';

interface Waiting {
  messages: InboundMessage[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * At most `concurrency` handler calls at once; batches that arrive meanwhile merge into the next call (up to
 * `limit` messages), and a merged call that fails is retried batch by batch. A partition's next batch may be
 * submitted only once its previous one has settled.
 */
export class BatchCoalescer {
  private readonly waiting: Waiting[] = [];
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly run: (messages: InboundMessage[]) => Promise<void>,
    private readonly limit: number,
    private readonly concurrency = 1,
  ) {}

  submit(messages: InboundMessage[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ messages, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      let count = 0;
      let take = 0;
      for (const job of this.waiting) {
        if (take > 0 && count + job.messages.length > this.limit) break;
        count += job.messages.length;
        take += 1;
      }
      const jobs = this.waiting.splice(0, take);
      this.running += 1;
      void this.runJobs(jobs).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  private async runJobs(jobs: Waiting[]): Promise<void> {
    const [only] = jobs;
    try {
      await this.run(only && jobs.length === 1 ? only.messages : jobs.flatMap((j) => j.messages));
      for (const job of jobs) job.resolve();
      return;
    } catch (error) {
      if (only && jobs.length === 1) {
        only.reject(error);
        return;
      }
    }
    for (const job of jobs) {
      try {
        await this.run(job.messages);
        job.resolve();
      } catch (error) {
        job.reject(error);
      }
    }
  }
}

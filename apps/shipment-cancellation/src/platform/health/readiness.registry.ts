import { Injectable } from '@nestjs/common';

/** Components report whether they can do their job; /health/ready reads them all. */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, () => boolean>();

  register(name: string, check: () => boolean): void {
    this.checks.set(name, check);
  }

  snapshot(): Record<string, boolean> {
    return Object.fromEntries([...this.checks].map(([name, check]) => [name, check()]));
  }
}

// What the fault run published, one JSON line per message as the broker acknowledged it. `attempts` > 1 means
// earlier sends failed and may have landed too (the broker was down): the checker also reads the topics.
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import type { RunTopics } from '../support/stack';
import type { StreamItem, StreamKind } from './fault-workload';

export interface InputEntry {
  seq: number;
  kind: StreamKind;
  topic: string;
  key: string | null;
  orderId?: string;
  eventId?: string;
  poison?: string;
  /** Poison only: the exact bytes, base64. */
  valueBase64?: string;
  attempts: number;
  at: string;
}

export class InputLog {
  private readonly out: WriteStream;
  private seq = 0;

  constructor(
    file: string,
    private readonly topics: RunTopics,
  ) {
    this.out = createWriteStream(file, { flags: 'w' });
  }

  record(items: StreamItem[], attempts: number): void {
    const at = new Date().toISOString();
    for (const item of items) {
      const entry: InputEntry = {
        seq: this.seq++,
        kind: item.kind,
        topic: this.topics[item.topic],
        key: item.key,
        ...(item.orderId ? { orderId: item.orderId } : {}),
        ...(item.eventId ? { eventId: item.eventId } : {}),
        ...(item.poison ? { poison: item.poison, valueBase64: item.value.toString('base64') } : {}),
        attempts,
        at,
      };
      this.out.write(`${JSON.stringify(entry)}\n`);
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(resolve));
  }
}

export function readInputLog(file: string): InputEntry[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as InputEntry);
}

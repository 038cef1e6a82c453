import type { InboundMessage } from './inbound-message';
import { BatchCoalescer } from './batch-coalescer';

function messages(partition: number, ...offsets: number[]): InboundMessage[] {
  return offsets.map((offset) => ({
    topic: 't',
    partition,
    offset: String(offset),
    key: null,
    value: null,
    headers: {},
    timestamp: '0',
  }));
}

const ids = (batch: InboundMessage[]) => batch.map((m) => `${m.partition}:${m.offset}`);

/** Lets the event loop come round once: a call starts on the turn after its batches were submitted. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A handler whose calls the test finishes by hand, one at a time. */
function gatedHandler() {
  const calls: string[][] = [];
  const gates: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  const run = (batch: InboundMessage[]) =>
    new Promise<void>((resolve, reject) => {
      calls.push(ids(batch));
      gates.push({ resolve, reject });
    });
  const settle = async (outcome: 'ok' | Error = 'ok') => {
    const gate = gates.shift();
    if (!gate) throw new Error('no call in progress');
    if (outcome === 'ok') gate.resolve();
    else gate.reject(outcome);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { calls, run, settle };
}

describe('BatchCoalescer', () => {
  it('runs a lone batch on the next turn, without waiting for more company', async () => {
    const handler = gatedHandler();
    const coalescer = new BatchCoalescer(handler.run, 10);
    const done = coalescer.submit(messages(0, 1, 2));
    expect(handler.calls).toEqual([]);
    await nextTurn();
    expect(handler.calls).toEqual([['0:1', '0:2']]);
    await handler.settle();
    await expect(done).resolves.toBeUndefined();
  });

  it('gathers the batches submitted in one turn (one fetch, several partitions) into one call', async () => {
    const handler = gatedHandler();
    const coalescer = new BatchCoalescer(handler.run, 10, 2);
    const all = [
      coalescer.submit(messages(0, 1)),
      coalescer.submit(messages(3, 4, 5)),
      coalescer.submit(messages(5, 2)),
    ];
    await nextTurn();
    expect(handler.calls).toEqual([['0:1', '3:4', '3:5', '5:2']]);
    await handler.settle();
    await expect(Promise.all(all)).resolves.toHaveLength(3);
  });

  it('merges the batches that arrive during a call into the next call, in arrival order', async () => {
    const handler = gatedHandler();
    const coalescer = new BatchCoalescer(handler.run, 10);
    const first = coalescer.submit(messages(0, 1));
    await nextTurn();
    const second = coalescer.submit(messages(1, 7, 8));
    const third = coalescer.submit(messages(2, 3));
    expect(handler.calls).toHaveLength(1);
    await handler.settle();
    await first;
    expect(handler.calls[1]).toEqual(['1:7', '1:8', '2:3']);
    await handler.settle();
    await expect(Promise.all([second, third])).resolves.toEqual([undefined, undefined]);
  });

  it('with two calls allowed, starts a second call at once and merges only behind both', async () => {
    const handler = gatedHandler();
    const coalescer = new BatchCoalescer(handler.run, 10, 2);
    const all = [coalescer.submit(messages(0, 1))];
    await nextTurn();
    all.push(coalescer.submit(messages(1, 1)));
    await nextTurn();
    all.push(coalescer.submit(messages(2, 1)), coalescer.submit(messages(3, 1)));
    await nextTurn();
    expect(handler.calls).toEqual([['0:1'], ['1:1']]);
    await handler.settle();
    expect(handler.calls[2]).toEqual(['2:1', '3:1']);
    expect(handler.calls).toHaveLength(3);
    await handler.settle();
    await handler.settle();
    await expect(Promise.all(all)).resolves.toHaveLength(4);
  });

  it('never merges past its limit (but a single batch over it still runs)', async () => {
    const handler = gatedHandler();
    const coalescer = new BatchCoalescer(handler.run, 3);
    const all = [coalescer.submit(messages(0, 1))];
    await nextTurn();
    all.push(
      coalescer.submit(messages(1, 1, 2)),
      coalescer.submit(messages(2, 1, 2)),
      coalescer.submit(messages(3, 1, 2, 3, 4)),
    );
    while (handler.calls.length < 4) await handler.settle();
    await handler.settle();
    await Promise.all(all);
    expect(handler.calls).toEqual([['0:1'], ['1:1', '1:2'], ['2:1', '2:2'], ['3:1', '3:2', '3:3', '3:4']]);
  });

  it('retries a failed merged call batch by batch, so each batch gets its own outcome', async () => {
    const handler = gatedHandler();
    const coalescer = new BatchCoalescer(handler.run, 10);
    const first = coalescer.submit(messages(0, 1));
    await nextTurn();
    const good = coalescer.submit(messages(1, 1));
    const bad = coalescer.submit(messages(2, 1));
    await handler.settle();
    await first;
    await handler.settle(new Error('merged call failed'));
    expect(handler.calls.slice(2)).toEqual([['1:1']]);
    await handler.settle();
    expect(handler.calls.slice(3)).toEqual([['2:1']]);
    const badOutcome = expect(bad).rejects.toThrow('this batch is the bad one');
    await handler.settle(new Error('this batch is the bad one'));
    await expect(good).resolves.toBeUndefined();
    await badOutcome;
  });

  it('rejects a lone failed batch without running it again', async () => {
    const handler = gatedHandler();
    const coalescer = new BatchCoalescer(handler.run, 10);
    const lone = expect(coalescer.submit(messages(0, 1))).rejects.toThrow('database down');
    await nextTurn();
    await handler.settle(new Error('database down'));
    await lone;
    expect(handler.calls).toHaveLength(1);
  });
});

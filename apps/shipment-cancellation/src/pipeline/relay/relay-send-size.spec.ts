import { RELAY_SEND_BYTES, fitToSend } from './outbox-sender';

const row = (kb: number) => ({ messageKey: 'order-1', payload: 'x'.repeat(kb * 1024), traceParent: null });

describe('fitToSend', () => {
  it('sends every row of an ordinary batch', () => {
    const rows = Array.from({ length: 500 }, () => row(1));
    expect(fitToSend(rows)).toHaveLength(500);
  });

  it('keeps a send under the broker limit: two large dead letters go one at a time, oldest first', () => {
    const [a, b] = [row(547), row(547)];
    expect(fitToSend([a, b])).toEqual([a]);
    expect(fitToSend([b])).toEqual([b]);
  });

  it('stops before the row that would overflow, never reordering', () => {
    const rows = [row(300), row(300), row(350), row(1)];
    const sent = fitToSend(rows);
    expect(sent).toEqual(rows.slice(0, 2));
    const bytes = sent.reduce((n, r) => n + Buffer.byteLength(r.payload), 0);
    expect(bytes).toBeLessThanOrEqual(RELAY_SEND_BYTES);
  });

  it('always sends at least one row', () => {
    expect(fitToSend([row(950)])).toHaveLength(1);
  });
});

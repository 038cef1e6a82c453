import { type TableActivity, upkeepFor } from './table-upkeep.service';

const table = (over: Partial<TableActivity>): TableActivity => ({
  table: 'shipment_cancellation',
  liveRows: 10_000,
  deadRows: 0,
  modifiedSinceAnalyze: 0,
  analyzed: true,
  ...over,
});

describe('upkeepFor', () => {
  it('analyzes a table that has no statistics once a few hundred rows changed', () => {
    expect(upkeepFor(table({ analyzed: false, liveRows: 400, modifiedSinceAnalyze: 400 }), true)).toEqual({
      analyze: false,
      vacuum: false,
    });
    expect(upkeepFor(table({ analyzed: false, liveRows: 600, modifiedSinceAnalyze: 600 }), true)).toEqual({
      analyze: true,
      vacuum: false,
    });
  });

  it('analyzes an analyzed table again only when it changed by more than its size', () => {
    expect(upkeepFor(table({ modifiedSinceAnalyze: 10_900 }), true).analyze).toBe(false);
    expect(upkeepFor(table({ modifiedSinceAnalyze: 11_001 }), true).analyze).toBe(true);
  });

  it('vacuums only when the server does not, and dead rows reached a fifth of the table', () => {
    const dead = table({ deadRows: 7_001 });
    expect(upkeepFor(dead, true)).toEqual({ analyze: false, vacuum: false });
    expect(upkeepFor(dead, false)).toEqual({ analyze: false, vacuum: true });
    expect(upkeepFor(table({ deadRows: 6_999 }), false).vacuum).toBe(false);
  });

  it('does not analyze separately what a vacuum (with ANALYZE) already covers', () => {
    expect(upkeepFor(table({ deadRows: 20_000, modifiedSinceAnalyze: 50_000 }), false)).toEqual({
      analyze: false,
      vacuum: true,
    });
  });
});

// Issue 19, no input can stop a partition: 150 good orders and 150 hostile inputs drawn by fast-check from a
// fixed seed (the three named cases among them), each hostile input published right before a good order's
// message on the same partition of the same input topic, against the real broker, Postgres and the service.
import { runHostile, type HostileReport } from './support/hostile-run';

const CATEGORIES = [
  'named',
  'nul_raw',
  'nul_escaped',
  'invalid_utf8',
  'truncated_json',
  'deep_nesting',
  'huge_value',
  'bad_amount',
  'bad_date',
  'wrong_type',
  'unknown_type',
  'bad_id',
  'null_value',
  'hostile_key',
  'huge_headers',
  'tolerated',
];

describe('hostile inputs against the real stack', () => {
  let report: HostileReport;

  beforeAll(async () => {
    report = await runHostile({ seed: 19, hostile: 150, good: 150, settleTimeoutMs: 75_000 });
    const { counts, durationS, setupS } = report;
    console.log(
      `hostile run: ${JSON.stringify(counts)}; ${durationS.toFixed(1)} s after ${setupS.toFixed(1)} s of setup`,
    );
    if (report.problems.length > 0)
      console.log(`problems:\n${report.problems.join('\n')}\nservice log:\n${report.serviceLog.join('\n')}`);
  }, 180_000);

  it('draws every category of hostile input', () => {
    expect(Object.keys(report.counts.hostileByCategory).sort()).toEqual([...CATEGORIES].sort());
    expect(report.counts.deadLetterExpected + report.counts.processedExpected).toBe(150);
  });

  it('dead-letters every hostile input exactly once with its original bytes, and processes the valid ones', () => {
    expect(report.problems).toEqual([]);
    expect(report.counts.deadLettered).toBe(report.counts.deadLetterExpected);
    expect(report.counts.processed).toBe(report.counts.processedExpected);
  });

  it('cancels every good order, those right after a hostile input on its partition included', () => {
    expect(report.counts.outcomesReached).toBe(report.counts.goodOrders);
  });

  it('dead-letters the three named cases and cancels the order published after each', () => {
    expect(
      report.named.map(({ name, deadLettered, cancelled }) => ({ name, deadLettered, cancelled })),
    ).toEqual([
      { name: 'a', deadLettered: true, cancelled: true },
      { name: 'b', deadLettered: true, cancelled: true },
      { name: 'c', deadLettered: true, cancelled: true },
    ]);
  });

  it('never stalls a partition for a minute, nor retries a batch more than five times', () => {
    expect(report.counts.stallSamples).toBeGreaterThan(0);
    expect(report.counts.maxStallSeconds).toBeLessThan(60);
    expect(report.counts.maxHandlerAttempt).toBeLessThanOrEqual(5);
  });
});

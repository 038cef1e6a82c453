// `npm run test:faults -- --fuzz N [--seed S]`: N hostile inputs and as many good orders through the hostile-input
// run of the e2e spec (test/hostile-input.e2e-spec.ts), on a fresh database of its own, plus a pair of ~400 KB
// dead letters sent together per 500 inputs; prints what was sent and what became of it, and exits non-zero on
// any failure.
import { freshDatabase, brokers, deleteTopics, infraUp } from '../support/stack';
import { runHostile } from '../support/hostile-run';

export interface FuzzOptions {
  count: number;
  seed: string;
  settleTimeoutS: number;
  keepTopics: boolean;
}

/** fast-check wants a 32-bit integer seed: a numeric seed is used as it is, any other is hashed. */
function numericSeed(seed: string): number {
  if (/^\d+$/.test(seed)) return Number(seed) | 0;
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h | 0;
}

export async function runFuzz(options: FuzzOptions): Promise<number> {
  process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';
  infraUp(true);
  const seed = numericSeed(options.seed);
  // The harness of the e2e tests reads where to run from these (test/global-setup.ts sets them there).
  process.env['TEST_DATABASE_URL'] = await freshDatabase('oms_cancellation_fuzz');
  process.env['TEST_KAFKA_BROKERS'] = brokers.join(',');
  process.env['TEST_RUN_ID'] = `fuzz-${seed}`;
  const started = Date.now();
  const report = await runHostile({
    seed,
    hostile: Math.max(3, options.count),
    good: Math.max(1, options.count),
    largePairs: Math.max(1, Math.round(options.count / 500)),
    settleTimeoutMs: options.settleTimeoutS * 1000,
    say: (line) => console.log(line),
  });
  const c = report.counts;
  const categories = Object.entries(c.hostileByCategory)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `    ${k.padEnd(16)} ${n}`)
    .join('\n');
  const kinds = Object.entries(c.deadLetterKinds)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  console.log(
    [
      `\nfuzz run seed ${seed}: ${c.deadLetterExpected + c.processedExpected} hostile inputs over ${report.partitions} partitions per input topic`,
      `  hostile inputs sent, by category:\n${categories}`,
      `  dead-lettered:        ${c.deadLettered} of ${c.deadLetterExpected} expected (${kinds}; ${c.truncatedRecords} records truncated)`,
      `  valid, processed:     ${c.processed} of ${c.processedExpected}`,
      `  good orders sent:     ${c.goodOrders} (${c.goodWithHostileHeaders} with hostile headers)`,
      `  outcomes reached:     ${c.outcomesReached}`,
      `  max stall:            ${c.maxStallSeconds} s (${c.stallSamples} samples, ${c.metricsScrapeFailures} of ${c.metricsScrapes} scrapes failed); most handler attempts: ${c.maxHandlerAttempt}`,
      `  time:                 ${report.durationS.toFixed(1)} s from the first publish, ${((Date.now() - started) / 1000).toFixed(1)} s in all`,
      report.problems.length === 0
        ? 'PASS'
        : `FAIL: ${report.problems.length} problems\n${report.problems.map((p) => `  - ${p}`).join('\n')}\n` +
          `service log (first line of each kind, then the last lines):\n${report.serviceLog.map((l) => `  ${l}`).join('\n')}`,
    ].join('\n'),
  );
  if (report.problems.length === 0 && !options.keepTopics)
    await deleteTopics(report.topics).catch((e: Error) =>
      console.log(`could not delete the run's topics: ${e.message}`),
    );
  return report.problems.length === 0 ? 0 : 1;
}

// Writes each Jest run's totals to $OMS_TEST_RESULTS/<name>.json so infra/test.sh can print one
// "N passed, N failed" line over every suite. Silent when the variable is not set.
const fs = require('node:fs');
const path = require('node:path');

class CountReporter {
  constructor(globalConfig, options) {
    this.name = (options && options.name) || 'jest';
  }

  onRunComplete(_contexts, results) {
    const dir = process.env.OMS_TEST_RESULTS;
    if (!dir) return;
    const file = path.join(dir, `${this.name}-${process.pid}.json`);
    // A suite that failed to run (syntax error, failing hook) has no failed test of its own: count it.
    const summary = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    fs.writeFileSync(file, JSON.stringify(summary));
  }
}

module.exports = CountReporter;

// Integration tests: a real Kafka broker, a real PostgreSQL and the carrier sandbox. Serial, because they
// share the broker and a database.
module.exports = {
  ...require('../../infra/jest/preset.cjs'),
  displayName: 'shipment-cancellation:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  maxWorkers: 1,
  testTimeout: 120000,
};

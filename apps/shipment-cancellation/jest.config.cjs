// Unit tests: fast, no network, no database.
module.exports = {
  ...require('../../infra/jest/preset.cjs'),
  displayName: 'shipment-cancellation',
  rootDir: __dirname,
  testMatch: [
    '<rootDir>/src/**/*.spec.ts',
    '<rootDir>/bench/**/*.spec.ts',
    '<rootDir>/test/faults/**/*.spec.ts',
  ],
};

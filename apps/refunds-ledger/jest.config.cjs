// Unit tests: the ledger's arithmetic and ordering, no network.
module.exports = {
  ...require('../../infra/jest/preset.cjs'),
  displayName: 'refunds-ledger',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};

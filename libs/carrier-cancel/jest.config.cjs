// Unit tests: fast, no network, no database.
module.exports = {
  ...require('../../infra/jest/preset.cjs'),
  displayName: 'carrier-cancel',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};

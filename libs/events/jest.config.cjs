// Unit tests: fast, no network, no database.
module.exports = {
  ...require('../../infra/jest/preset.cjs'),
  displayName: 'events',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
};

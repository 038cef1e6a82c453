// Workspace checks: docker-compose.yml against the local setup, and the lint boundaries.
module.exports = {
  ...require('./jest/preset.cjs'),
  displayName: 'infra',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  testTimeout: 60000,
};

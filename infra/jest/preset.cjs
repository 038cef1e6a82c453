// Shared Jest settings: SWC transpiles TypeScript (fast on two cores; `typecheck` runs tsc separately),
// keeps decorator metadata for Nest's dependency injection, and maps the @oms/* aliases to sources.
const path = require('node:path');

const root = path.resolve(__dirname, '../..');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)s$': [
      require.resolve('@swc/jest'),
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@oms/carrier-cancel$': `${root}/libs/carrier-cancel/src/index.ts`,
    '^@oms/carrier-cancel/testing$': `${root}/libs/carrier-cancel/src/testing.ts`,
    '^@oms/events$': `${root}/libs/events/src/index.ts`,
  },
  testTimeout: 15000,
  reporters: ['default', path.join(__dirname, 'count-reporter.cjs')],
};

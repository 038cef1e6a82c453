// Workspace lint: TypeScript rules, Prettier compatibility, and the dependency direction between projects.
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import rooms from './infra/eslint/layer-order.cjs';

// Frameworks and drivers the libraries must stay free of (see each lib's README).
const serviceFrameworks = [
  '@nestjs/*',
  'typeorm',
  'pg',
  'kafkajs',
  'express',
  'rxjs',
  'reflect-metadata',
  'prom-client',
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  prettier,
  {
    ignores: ['**/dist', '**/node_modules', '**/.nx', '**/.infra', '**/coverage'],
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          banTransitiveDependencies: true,
          checkDynamicDependenciesExceptions: [],
          allow: [],
          depConstraints: [
            // Apps may use libraries, never another app.
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            // Libraries are leaves: they import no app and no other library.
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:none'] },
            // Workspace checks (infra/) read files; they import no project.
            { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:none'] },
            { sourceTag: 'framework:none', bannedExternalImports: serviceFrameworks },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    // The service's rooms: imports point down (infra/eslint/layer-order.cjs, docs/architecture.md#rooms).
    files: ['apps/shipment-cancellation/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    plugins: { rooms },
    rules: { 'rooms/layer-order': 'error' },
  },
  {
    files: ['**/*.cjs', '**/*.js'],
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
];

import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-results/', 'playwright-report/', '.ci/', '.bench/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Rule 1 of the house: the simulation reads no wall clock and no unseeded randomness.
    files: ['src/sim/**/*.ts'],
    ignores: ['src/sim/**/*.test.ts', 'src/sim/**/__tests__/**', 'src/sim/**/*-cli.ts', 'src/sim/**/cli.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'src/sim uses virtual time only.' },
        { object: 'performance', property: 'now', message: 'src/sim uses virtual time only.' },
        { object: 'Math', property: 'random', message: 'use a seeded stream from the kernel.' },
        { object: 'crypto', property: 'getRandomValues', message: 'use a seeded stream from the kernel.' },
        ...['exp', 'expm1', 'log', 'log1p', 'log2', 'log10', 'pow', 'sin', 'cos', 'tan', 'atan2', 'cbrt', 'hypot'].map((property) => ({
          object: 'Math',
          property,
          message: 'engine-specific in the last bit: use src/sim/kernel/detmath so traces match across engines.',
        })),
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'schedule on the kernel instead.' },
        { name: 'setInterval', message: 'schedule on the kernel instead.' },
        { name: 'window', message: 'src/sim knows no screen.' },
        { name: 'document', message: 'src/sim knows no screen.' },
      ],
      'no-restricted-imports': [
        'error',
        { patterns: ['react', 'react-dom', 'react-dom/*', 'd3', 'd3-*', 'zustand', 'zustand/*', '**/ui/**'] },
      ],
    },
  },
);

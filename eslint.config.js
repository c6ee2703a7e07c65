// ESLint (flat config): the recommended rules of ESLint and typescript-eslint everywhere, Lit's
// and web components' rules for the browser code. Formatting is Prettier's (`npm run format`).
import js from '@eslint/js';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/', '.tmp/', 'coverage/', 'bench/.out/', 'test/consumers/', '**/node_modules/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      // `_`-prefixed names are deliberately unused (a parameter kept for its position).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
      'prefer-const': 'error',
    },
  },
  {
    // Chai's assertions are properties: `expect(x).to.be.true`.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
  {
    files: ['src/**/*.ts', 'demo/**/*.ts', 'pages/**/*.ts', 'console/**/*.ts', 'test/**/*.ts'],
    ...lit.configs['flat/recommended'],
  },
  {
    files: ['src/**/*.ts', 'demo/**/*.ts', 'pages/**/*.ts', 'console/**/*.ts'],
    ...wc.configs['flat/best-practice'],
  },
);

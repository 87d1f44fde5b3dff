// ESLint (flat config) with typescript-eslint's recommended rules, type-aware where it pays.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      '.dist-build-*/',
      '.dist-old-*/',
      'node_modules/',
      'coverage/',
      'reports/',
      '.stryker-tmp/',
      'jest.config.js',
      'test/global-setup.js',
      'stryker.config.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
    },
  },
  // One clinical vocabulary (src/facts/status.ts): a rule never compares a status nor scans the record itself.
  {
    files: ['src/rules/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "BinaryExpression[operator=/^[!=]==?$/] > MemberExpression.left[property.name='status']",
          message:
            'Compare no status in a rule: name the predicate in src/facts/status.ts (ordered, pending, onHold, ended, responded...).',
        },
        {
          selector: "CallExpression[callee.property.name='all'][callee.object.property.name='record']",
          message: 'No raw resource scan in a rule: read the facts (src/facts) instead.',
        },
      ],
    },
  },
  { files: ['test/**/*.ts', 'bench/**/*.ts'], rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' } },
);

// Mutation testing of the clinical logic (`npm run mutate`; not in CI: it takes long).
// Mutants in src/rules and src/facts, killed by the rule, clinical and unit suites, loaded as one
// test file (test/mutate-entry.ts): about 1 s of loading per mutant instead of 7.
// FHIR validation of suggested resources is skipped (test/fhirValidator.ts): it costs 1.3 s per
// mutant and no mutant of the rules changes what FHIR allows; `npm test` validates them.
process.env.TTP_SKIP_FHIR_VALIDATION = '1';
// The content contract's tests that read the rule sources would read instrumented code.
process.env.TTP_SKIP_SOURCE_TESTS = '1';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: ['src/rules/**/*.ts', 'src/facts/**/*.ts', '!src/**/types.ts', '!src/rules/index.ts'],
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    config: {
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['<rootDir>/test/mutate-entry.ts'],
      transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
      testTimeout: 60000,
    },
    enableFindRelatedTests: false,
  },
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 10000,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  thresholds: { high: 90, low: 85, break: null },
  ignoreStatic: true,
  tempDirName: '.stryker-tmp',
};

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 20000,
  // PostgreSQL and Chromium: probed once; the tests that need them are skipped (and say so) where they are missing.
  globalSetup: '<rootDir>/test/global-setup.js',
};

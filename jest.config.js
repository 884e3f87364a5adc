/** Two projects: server-side code under node, mini-program pages under jsdom (miniprogram-simulate needs a DOM). */
// Type errors are tsc's job (npm test runs it first); ts-jest only transpiles (tsconfig's isolatedModules).
const tsJest = ['ts-jest', { diagnostics: false }];
module.exports = {
  // Tests that start the local cloud spawn function instances: a slow or busy machine must not fail them.
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  projects: [
    {
      displayName: 'node',
      testEnvironment: 'node',
      roots: ['<rootDir>/test', '<rootDir>/src', '<rootDir>/emulator'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/miniprogram/'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      displayName: 'miniprogram',
      testEnvironment: 'jsdom',
      roots: ['<rootDir>/test/miniprogram', '<rootDir>/miniprogram'],
      testMatch: ['**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
  ],
};

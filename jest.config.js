// @ts-check
/** @typedef {import('jest').Config} Config */

/** @type {Config['transform']} */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }] };

// The generated Prisma client imports its siblings as './x.js'; the sources are .ts.
const moduleNameMapper = { '^(\\.{1,2}/.*)\\.js$': '$1' };

/** @type {Config} */
const config = {
  verbose: true,
  // Integration tests wait for real timers and real services; jest reads this option globally only.
  testTimeout: 120_000,
  // Once every test has finished and the services are stopped, exit even if the Temporal SDK's native
  // runtime still holds the process: a fresh-clone run at 7dd2526 passed all 163 tests and then sat
  // for minutes with only the runtime's tokio threads alive ("Jest did not exit"), which CI would
  // count as a hang. Results are unaffected: jest exits after reporting them.
  forceExit: true,
  // One test file at a time (the integration files share one set of services), in a worker process
  // that is replaced once it holds more than 1 GB after a file: in one long --runInBand process the
  // heap grew file after file until V8 aborted ("JavaScript heap out of memory", exit 134) after
  // 38 minutes of a fresh-clone CI run.
  maxWorkers: 1,
  workerIdleMemoryLimit: '1GB',
  projects: [
    { displayName: 'unit', testEnvironment: 'node', transform, moduleNameMapper, testMatch: ['<rootDir>/tests/unit/**/*.test.ts'] },
    // The workflow code on a throw-away Temporal dev server of its own (tests/support/workflow-env.ts), activities recorded: no global services.
    { displayName: 'workflow', testEnvironment: 'node', transform, moduleNameMapper, testMatch: ['<rootDir>/tests/workflow/**/*.test.ts'] },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/tests/integration/**/*.test.ts', '<rootDir>/tests/faults/**/*.test.ts', '<rootDir>/tests/browser/**/*.test.ts'],
      // One set of real services (Temporal dev server, PostgreSQL, Redis, SMTP catcher) for the whole run.
      globalSetup: '<rootDir>/tests/setup/global-setup.ts',
      globalTeardown: '<rootDir>/tests/setup/global-teardown.ts',
      slowTestThreshold: 30,
    },
  ],
};

module.exports = config;

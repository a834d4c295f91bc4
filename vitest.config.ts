import { defineConfig } from 'vitest/config';

// The suite runs on SQLite (everything) and again on a real PostgreSQL server (every test that stores
// collector data): `npx vitest run --project sqlite` or `--project pg` for one of them.
const COLLECTOR_TESTS = ['test/collector/**/*.test.ts', 'test/dashboard/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/scale/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The JSON report feeds RELIABILITY.md (npm run reliability).
    reporters: ['default', ['json', { outputFile: 'test-output/vitest.json' }]],
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.ts'], exclude: ['test/scale/**'] } },
      {
        extends: true,
        test: {
          name: 'pg',
          include: COLLECTOR_TESTS,
          env: { VIGIL_TEST_DB: 'pg' },
          globalSetup: ['test/helpers/pg-global.ts'],
        },
      },
    ],
  },
});

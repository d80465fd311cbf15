import { defineConfig } from 'vitest/config';

// A bound for a hung test, not a speed goal: CI may run on a busy machine (CLI starts through tsx).
const timeouts = { testTimeout: 60_000, hookTimeout: 60_000 };

export default defineConfig({
  test: {
    // Two test files at a time on CI's 2 cores: most integration files wait on real time (stacks at
    // a simulated speed, take-overs, browsers), not on the CPU; every wait in them is a condition
    // with a wide bound, never a sleep (docs/architecture.md, "Test projects").
    maxWorkers: 2,
    projects: [
      {
        // Pure tests (no Redis, no child stack, spies restored): one module graph for all files,
        // instead of a fresh import of src/ per file (CI: 115 → 43 CPU s for tests/unit).
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], isolate: false, ...timeouts },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts', 'tests/e2e/**/*.test.ts', 'simulator/**/*.test.ts'],
          ...timeouts,
          globalSetup: ['tests/setup/redis-global.ts', 'tests/setup/web-build.ts'],
        },
      },
    ],
  },
});

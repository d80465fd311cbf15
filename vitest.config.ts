import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'simulator/**/*.test.ts'],
    // A bound for a hung test, not a speed goal: CI may run on a busy machine (CLI starts through tsx).
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['tests/setup/redis-global.ts', 'tests/setup/web-build.ts'],
  },
});

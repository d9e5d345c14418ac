import { defineConfig } from 'vitest/config';

// Tests read TypeScript sources through the "@polytask/source" export condition: no build needed first.
export default defineConfig({
  resolve: { conditions: ['@polytask/source'] },
  ssr: { resolve: { conditions: ['@polytask/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

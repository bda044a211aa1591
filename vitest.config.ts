import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    // Integration tests run ffmpeg and worker processes; this machine class has 2 cores.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll waits 1 s by default: too short for a browser on a busy 2-core machine, where a
    // video's metadata or a re-render can take longer; a poll that passes still returns at once.
    expect: { poll: { timeout: 15_000 } },
    // CI lists every test, skipped ones with the reason in their names, then the plain closing line.
    reporters: [process.env.CI ? 'verbose' : 'default', './test/reporters/summary-line.ts'],
  },
});

import { defineConfig } from '@playwright/test';

// Debian's Chromium only: a test tool must never download its own browser here.
export default defineConfig({
  testDir: './specs',
  outputDir: './test-results',
  timeout: 60_000,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: 'http://127.0.0.1:4173',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
  // The built app, and the mock provider APIs (built by scripts/test).
  webServer: [
    { command: 'node serve-dist.mjs ../../dist 4173', url: 'http://127.0.0.1:4173/index.html', reuseExistingServer: !process.env.CI },
    { command: '../../target/release/tally-mock-api --port 8081', url: 'http://127.0.0.1:8081/health', reuseExistingServer: !process.env.CI },
  ],
});

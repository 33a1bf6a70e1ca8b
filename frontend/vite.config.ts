import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The app serves the SPA and the API on one origin; in dev, Vite proxies /api to a running jar.
const backend = process.env.SANDPOD_URL ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [svelte()],
  // Vitest renders components under jsdom: without the 'browser' condition it resolves Svelte's server
  // build, and mount() fails.
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  server: {
    proxy: { '/api': { target: backend, changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
    manifest: true,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
    // Component tests render whole pages in jsdom; on a busy two-core CI box 5 s (the default) is not always enough.
    testTimeout: 20000,
  },
});

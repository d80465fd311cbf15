// Vite builds the browser UI (its pages) into web/dist, which the ACD serves (src/app/acd-server.ts).
// JSX is compiled for Preact by Vite's own transformer: no Babel preset needed.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: resolve(here, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    rollupOptions: {
      input: {
        index: resolve(here, 'index.html'),
        arm: resolve(here, 'arm.html'),
        wallboard: resolve(here, 'wallboard.html'),
        indicators: resolve(here, 'indicators.html'),
        recordings: resolve(here, 'recordings.html'),
        'operator-reports': resolve(here, 'operator-reports.html'),
        'phone-check': resolve(here, 'phone-check.html'),
      },
    },
  },
});

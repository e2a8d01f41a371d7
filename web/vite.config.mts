import { createRequire } from 'node:module';
import path from 'node:path';
import { defineConfig } from 'vite';

// frappe-gantt exports only its script; its stylesheet sits next to the bundle.
const ganttCss = path.join(path.dirname(createRequire(import.meta.url).resolve('frappe-gantt')), 'frappe-gantt.css');

// Built once (scripts/bootstrap.mjs) into web/dist, which the API server serves.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  resolve: { alias: { 'frappe-gantt.css': ganttCss } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 900,
    rollupOptions: {
      // Timing hints about vite's own CSS plugin are noise in every `npm start`.
      checks: { pluginTimings: false },
      // React libraries mark modules "use client" for server components; meaningless in a browser bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  oxc: { jsx: { runtime: 'automatic' } },
});

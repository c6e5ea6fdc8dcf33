/// <reference types="vitest/config" />
// Builds the web client into dist/ (served by parlor at /, assets under
// /assets/ with hashed names); `npm run dev` proxies /api and /socket.io to a
// local parlor (PARLOR_URL, default http://127.0.0.1:8080).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const target = process.env.PARLOR_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  base: '/',
  build: { outDir: 'dist', assetsDir: 'assets', sourcemap: true, emptyOutDir: true },
  server: {
    proxy: {
      '/api': target,
      '/socket.io': { target, ws: true },
    },
  },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    environment: 'node',
  },
});

import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** The SPA lives in web/; `vite build` writes it where the server serves it from (dist/web). */
export default defineConfig({
  root: 'web',
  plugins: [react()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
  },
  server: {
    proxy: {
      // `npm run dev` talks to a Tally server started separately on its default port.
      '/ws': { target: 'http://127.0.0.1:9000', ws: true },
    },
  },
});

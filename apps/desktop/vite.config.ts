import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const backend = 'http://127.0.0.1:4000';

// The desktop is served from the same origin as the API in production (cookie auth, `/api/ws`),
// so in dev Vite proxies those paths to the server instead of the app talking cross-origin. The
// server takes state-changing requests from its own origin only (CSRF): the proxy says that one.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    proxy: {
      '/api': { target: backend, ws: true, changeOrigin: false, headers: { origin: backend } },
      '/healthz': { target: backend },
    },
  },
  preview: {
    proxy: {
      '/api': { target: backend, ws: true, changeOrigin: false, headers: { origin: backend } },
      '/healthz': { target: backend },
    },
  },
});

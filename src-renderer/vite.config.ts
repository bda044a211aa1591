// Builds the renderer into out/renderer. The base is relative ('./') so the same build loads from
// `redub serve` at '/', from a file:// URL and from the Electron app's custom protocol.
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The dev server injects an inline script (React Fast Refresh's preamble) that the production CSP
 * forbids, so only while serving the meta tag is dropped; the built index.html keeps it.
 */
function relaxContentSecurityPolicyInDevelopment(): Plugin {
  return {
    name: 'redub-dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>/s, ''),
  };
}

// `npx vite --config src-renderer/vite.config.ts` against a running `redub serve`: set
// REDUB_API_ORIGIN=http://127.0.0.1:<port> and open the dev page with ?token=<token>.
const apiOrigin = process.env.REDUB_API_ORIGIN;

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react(), relaxContentSecurityPolicyInDevelopment()],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: apiOrigin ? { proxy: { '/api': { target: apiOrigin, changeOrigin: false } } } : {},
});

import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Tauri serves ui/dist from its own origin; keep output self-contained (no inline scripts,
// no remote assets) so the strict CSP in src-tauri/tauri.conf.json holds.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    // Every libwebkit2gtk-4.1 (2.36 and later) runs ES2022: class fields and private `#` fields
    // stay native instead of becoming WeakMap look-ups (the runes stores are classes), and the
    // start-up bundle is ~5 kB smaller.
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});

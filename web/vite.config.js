// Vite build of the citystar web UI. `npm run build` writes dist/, which `citystar serve --static dist`
// serves; `npm run dev` proxies /api to a server on :8080 for development.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2500,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
})

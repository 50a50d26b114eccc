import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

// The server serves web/dist itself; in `vite dev` we proxy /api to a running `datang serve`.
export default defineConfig({
  root,
  base: "/",
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    // Pages are lazy routes; the budget check (scripts/web-size.mjs) reads this manifest.
    manifest: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    port: 5173,
    proxy: { "/api": { target: process.env.DATANG_API ?? "http://localhost:3100", changeOrigin: false } },
  },
});

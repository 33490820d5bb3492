/// <reference types="vitest/config" />
// Build config: the canvas is built ahead of time into dist/ (committed), served by the
// Python server at / with assets under /assets. Output names are content-hashed and the
// build is deterministic, so a stale committed build shows up in `git status`.
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

export default defineConfig({
  plugins: [react()],
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: {
      "/api": "http://127.0.0.1:8188",
      "/ws": { target: "ws://127.0.0.1:8188", ws: true },
      "/object_info": "http://127.0.0.1:8188",
      "/prompt": "http://127.0.0.1:8188",
      "/queue": "http://127.0.0.1:8188",
      "/history": "http://127.0.0.1:8188",
      "/view": "http://127.0.0.1:8188",
      "/upload": "http://127.0.0.1:8188",
      "/interrupt": "http://127.0.0.1:8188",
    },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});

import { defineConfig } from "vite";

// The UI is served by the console from dist/ (same origin as the API: no CORS, strict CSP). JSX is compiled by
// Vite's own transform; no dev-server features are needed for the build.
export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1024 },
  oxc: { jsx: { runtime: "automatic" } },
});

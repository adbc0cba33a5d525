// Bundles the CLI and the engine's own code into one file (dependencies stay in node_modules). The engine
// is ~150 small modules; resolving and compiling them one by one cost more start-up time than a whole
// rescan of a cached image, so the shipped command is this single file.
import { build } from "esbuild";

await build({
  entryPoints: [new URL("./src/main.ts", import.meta.url).pathname],
  outfile: new URL("./dist/rampart.mjs", import.meta.url).pathname,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  alias: { "@rampart/engine": new URL("../engine/src/index.ts", import.meta.url).pathname },
  sourcemap: "linked",
  logLevel: "warning",
});

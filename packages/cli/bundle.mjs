// Bundles the CLI and the engine's own code into one file (dependencies stay in node_modules). The engine
// is ~150 small modules; resolving and compiling them one by one cost more start-up time than a whole
// rescan of a cached image, so the shipped command is this single file. Beside it: the secret and malware
// scanners' workers (a thread needs its own entry file), the default secret rules and the default malware
// rule pack (data, read at run time).
import { statSync } from "node:fs";
import { copyFile, cp, mkdir, rm } from "node:fs/promises";
import { build } from "esbuild";

const here = (p) => new URL(p, import.meta.url).pathname;
const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  alias: { "@rampart/engine": here("../engine/src/index.ts"), "@rampart/console": here("../console/src/index.ts") },
  sourcemap: "linked",
  logLevel: "warning",
};

await build({ ...common, entryPoints: [here("./src/main.ts")], outfile: here("./dist/rampart.mjs") });
await build({
  ...common,
  entryPoints: [here("../engine/src/secrets/worker.ts")],
  outfile: here("./dist/secrets-worker.mjs"),
});
await build({
  ...common,
  entryPoints: [here("../engine/src/malware/worker.ts")],
  outfile: here("./dist/malware-worker.mjs"),
});
const rules = here("../engine/src/secrets/rules/default.yaml");
await copyFile(rules, here("./dist/default.yaml"));
// The engine compiled by tsc (dist/) reads its rules from beside its own module, as the sources do.
await mkdir(here("../engine/dist/secrets/rules"), { recursive: true });
await copyFile(rules, here("../engine/dist/secrets/rules/default.yaml"));
// The default malware rules: every .yar file of the pack, beside the bundle and beside tsc's output.
const yarFilter = (src) => statSync(src).isDirectory() || src.endsWith(".yar");
for (const dest of [here("./dist/malware-rules"), here("../engine/dist/malware/rules")]) {
  await rm(dest, { recursive: true, force: true });
  await cp(here("../engine/src/malware/rules"), dest, { recursive: true, filter: yarFilter });
}

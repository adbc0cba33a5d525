// Bundles the CLI and the engine's own code into one file (dependencies stay in node_modules). The engine
// is ~150 small modules; resolving and compiling them one by one cost more start-up time than a whole
// rescan of a cached image, so the shipped command is this single file. Beside it: the secret and malware
// scanners' workers (a thread needs its own entry file), the default secret rules and the default malware
// rule pack and the built-in posture controls (data, read at run time).
import { existsSync, statSync } from "node:fs";
import { copyFile, cp, mkdir, rm } from "node:fs/promises";
import { build } from "esbuild";

const here = (p) => new URL(p, import.meta.url).pathname;
const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  alias: {
    "@rampart/engine": here("../engine/src/index.ts"),
    "@rampart/console/protocol": here("../console/src/protocol.ts"),
    "@rampart/console": here("../console/src/index.ts"),
    "@rampart/sensor": here("../sensor/src/index.ts"),
  },
  sourcemap: "linked",
  logLevel: "warning",
};

// `rampart` is a launcher: `rampart sensor` loads the sensor's bundle alone (the long-running sensor stays
// small), every other command the whole CLI's.
const split = {
  name: "launcher-split",
  setup(b) {
    b.onResolve({ filter: /^\.\/(main|sensor-main)\.js$/ }, (a) => ({
      path: a.path === "./main.js" ? "./cli.mjs" : "./sensor.mjs",
      external: true,
    }));
  },
};
await build({
  ...common,
  entryPoints: [here("./src/launcher.ts")],
  outfile: here("./dist/rampart.mjs"),
  plugins: [split],
});
await build({ ...common, entryPoints: [here("./src/main.ts")], outfile: here("./dist/cli.mjs") });
await build({ ...common, entryPoints: [here("./src/sensor-main.ts")], outfile: here("./dist/sensor.mjs") });
await build({
  ...common,
  entryPoints: [here("../sensor/src/scan/worker.ts")],
  outfile: here("./dist/sensor-scan-worker.mjs"),
});
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
// The built-in posture controls (YAML), beside the bundle and beside tsc's output.
const yamlFilter = (src) => statSync(src).isDirectory() || src.endsWith(".yaml");
for (const dest of [here("./dist/posture-controls"), here("../engine/dist/posture/controls")]) {
  await rm(dest, { recursive: true, force: true });
  await cp(here("../engine/src/posture/controls"), dest, { recursive: true, filter: yamlFilter });
}
// The web UI (packages/web, built by Vite) beside the bundle: the console serves dist/web.
await rm(here("./dist/web"), { recursive: true, force: true });
if (existsSync(here("../web/dist/index.html"))) await cp(here("../web/dist"), here("./dist/web"), { recursive: true });

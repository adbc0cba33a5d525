// npm writes a lock entry for an optional platform package only when it can fetch that package's manifest.
// Where the registry serves only Linux builds (Biome's CLI, the YARA-X binding), the entries for other platforms go missing and
// `npm ci` then refuses the lock as out of sync. This restores them (as optional, platform-bound entries
// npm skips on other platforms). Run after `npm install` changes package-lock.json.
import { readFileSync, writeFileSync } from "node:fs";

const LOCK = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(LOCK, "utf8"));
// Packages whose platform builds are optional dependencies, with how each build's name spells its platform.
const FAMILIES = [
  {
    parent: "node_modules/@biomejs/biome",
    pattern: /^@biomejs\/cli-([a-z0-9]+)-([a-z0-9]+)(?:-(musl))?$/,
    extra: { dev: true, license: "MIT OR Apache-2.0", engines: { node: ">=14.21.3" } },
  },
  {
    parent: "node_modules/@litko/yara-x",
    pattern: /^@litko\/yara-x-([a-z0-9]+)-([a-z0-9]+)(?:-(musl|gnu))?$/,
    extra: { license: "MIT", engines: { node: ">= 20" } },
  },
];
let added = 0;
for (const { parent, pattern, extra } of FAMILIES) {
  for (const [name, version] of Object.entries(lock.packages[parent]?.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key]) continue;
    const [, os, cpu, libc] = pattern.exec(name) ?? [];
    if (!os || !cpu) continue;
    const libcs = libc === "musl" ? ["musl"] : libc === "gnu" ? ["glibc"] : undefined;
    lock.packages[key] = { version, cpu: [cpu], ...(libcs ? { libc: libcs } : {}), optional: true, os: [os], ...extra };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)),
);
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} optional platform entries restored`);

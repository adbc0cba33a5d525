import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { apkDbCataloger } from "./cataloger.js";
import { parseApkInstalled } from "./installed.js";

const DB = readFileSync(join(import.meta.dirname, "testdata", "installed"));
const PATH = "/lib/apk/db/installed";

function collectingContext() {
  const warnings: string[] = [];
  return { warnings, ctx: { warn: (m: string) => warnings.push(m) } };
}

describe("parseApkInstalled", () => {
  it("reads every package of an Alpine 3.19 installed database", async () => {
    const { warnings, ctx } = collectingContext();
    const packages = await apkDbCataloger.parse({ path: PATH, content: DB, mode: 0o644 }, ctx);
    expect(warnings).toEqual([]);
    expect(packages.map((p) => `${p.name} ${p.version} ${p.source?.name}`)).toEqual([
      "musl 1.2.4_git20230717-r4 musl",
      "busybox 1.36.1-r15 busybox",
      "alpine-baselayout-data 3.4.3-r2 alpine-baselayout",
      "alpine-keys 2.4-r1 alpine-keys",
      "ca-certificates-bundle 20230506-r0 ca-certificates",
      "libcrypto3 3.1.4-r5 openssl",
      "libssl3 3.1.4-r5 openssl",
      "ssl_client 1.36.1-r15 busybox",
      "zlib 1.3.1-r0 zlib",
      "libc-utils 0.7.2-r5 libc-dev",
    ]);
  });

  it("maps origin to the source package and keeps arch, license and maintainer", () => {
    const packages = parseApkInstalled(DB.toString("utf8"), PATH, { warn: () => {} });
    const libcrypto = packages.find((p) => p.name === "libcrypto3");
    expect(libcrypto).toEqual({
      type: "apk",
      name: "libcrypto3",
      version: "3.1.4-r5",
      arch: "x86_64",
      source: { name: "openssl", version: "3.1.4-r5" },
      licenses: ["Apache-2.0"],
      metadata: { maintainer: "Ariadne Conill <ariadne@dereferenced.org>", installedSize: 4616192 },
      location: { path: PATH },
    });
    expect(packages.find((p) => p.name === "ca-certificates-bundle")?.licenses).toEqual(["MPL-2.0 AND MIT"]);
  });

  it("reads a database without the trailing blank line, with CRLF, and without origin", () => {
    const text = "P:foo\r\nV:1.0-r0\r\nA:aarch64\r\n\r\nP:bar\nV:2.0-r1";
    const packages = parseApkInstalled(text, PATH, { warn: () => {} });
    expect(packages.map((p) => [p.name, p.version, p.arch, p.source?.name])).toEqual([
      ["foo", "1.0-r0", "aarch64", "foo"],
      ["bar", "2.0-r1", undefined, "bar"],
    ]);
  });

  it("warns about entries it cannot use and keeps the rest", () => {
    const { warnings, ctx } = collectingContext();
    const text = "P:ok\nV:1\n\nP:noversion\n\ngarbage line\nP:also-ok\nV:2\n";
    const packages = parseApkInstalled(text, PATH, ctx);
    expect(packages.map((p) => p.name)).toEqual(["ok", "also-ok"]);
    expect(warnings).toHaveLength(2);
  });

  it("selects only apk's own database", () => {
    const accept = (p: string) => apkDbCataloger.selector.accept?.(p) ?? true;
    expect(accept(PATH)).toBe(true);
    expect(accept("/usr/lib/node_modules/x/installed")).toBe(false);
  });
});

describe("apk file ownership", () => {
  it("reports each package's installed files (F: directory + R: file) to the scan", () => {
    const owned = new Map<string, string[]>();
    parseApkInstalled(DB.toString("utf8"), PATH, {
      warn: () => {},
      own: (owner, paths) => owned.set(owner, [...(owned.get(owner) ?? []), ...paths]),
    });
    expect(owned.get("musl")).toContain("/lib/ld-musl-x86_64.so.1");
    expect(owned.get("busybox")).toContain("/bin/busybox");
    for (const paths of owned.values()) for (const p of paths) expect(p).toMatch(/^\/[^/]/);
  });
});

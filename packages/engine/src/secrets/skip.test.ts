import { describe, expect, it } from "vitest";
import { SecretEngine } from "./engine.js";
import { FileScan } from "./scan-file.js";
import { DEFAULT_MAX_FILE_BYTES, PathFilter } from "./skip.js";
import { testRules } from "./test-support.js";

const GH = "ghp_4kTz9QwErTy1UiOpAsDfGhJkLzXcVbNm0123";

describe("files not scanned", () => {
  const filter = new PathFilter({});

  it("by default: vendored test fixtures, docs, Git objects and go.sum", () => {
    for (const p of [
      "/app/node_modules/jsonwebtoken/test/keys/priv.pem",
      "/app/node_modules/@aws-sdk/client-s3/tests/creds.json",
      "/src/pkg/testdata/key.pem",
      "/src/lib/__tests__/auth.test.js",
      "/src/test/fixtures/tokens.txt",
      "/app/README.md",
      "/app/docs/setup.html",
      "/usr/share/doc/openssl/example.key",
      "/usr/share/man/man1/ssh.1",
      "/repo/.git/objects/ab/cdef0123",
      "/src/go.sum",
    ]) {
      expect([p, filter.skipReason(p, 100)]).toEqual([p, "excluded"]);
    }
  });

  it("but not the files credentials live in", () => {
    for (const p of [
      "/app/.env",
      "/root/.aws/credentials",
      "/root/.ssh/id_rsa",
      "/repo/.git/config",
      "/app/node_modules/some-lib/index.js",
      "/app/package-lock.json",
      "/app/test.js",
    ]) {
      expect([p, filter.skipReason(p, 100)]).toEqual([p, undefined]);
    }
  });

  it("by binary extension and by size, with a configurable limit and exclude list", () => {
    expect(filter.skipReason("/app/logo.PNG", 10)).toBe("binary-extension");
    expect(filter.skipReason("/app/lib/app.jar", 10)).toBe("binary-extension");
    expect(filter.skipReason("/app/data.json", DEFAULT_MAX_FILE_BYTES + 1)).toBe("size");
    const custom = new PathFilter({ maxFileBytes: 100, excludes: ["/srv/**"] });
    expect(custom.skipReason("/app/a.txt", 101)).toBe("size");
    expect(custom.skipReason("/srv/a.txt", 1)).toBe("excluded");
    expect(custom.skipReason("/app/README.md", 1)).toBeUndefined();
  });

  it("by content: a NUL byte in the first 8 KB", () => {
    const scan = new FileScan({ rules: testRules() });
    const text = Buffer.from(`token = ${GH}\n`);
    expect(scan.scan("/app/a.cfg", text).findings).toHaveLength(1);
    const binary = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]), text]);
    expect(scan.scan("/app/a.cfg", binary)).toEqual({ findings: [], warnings: [], skipped: "binary", bytes: 0 });
    const lateNul = Buffer.concat([text, Buffer.alloc(9000, 0x20), Buffer.from([0])]);
    expect(scan.scan("/app/a.cfg", lateNul).findings).toHaveLength(1);
  });
});

describe("lock files", () => {
  const engine = new SecretEngine(testRules());
  const found = (path: string, text: string) => engine.scanText(path, text).map((f) => `${f.line}:${f.ruleId}`);
  const hash = "sha512-Zq8Lw2PwV9xtBaaKq+SpKf8v1T5aq0pXl3KLdqOHgvZKQ2Kp7JX1Nn5pXqXlVw2JgkRpnA==";

  it("are scanned, but hash and tarball fields are not reported", () => {
    const npm = [
      `      "resolved": "https://registry.npmjs.org/a/-/a-1.0.0.tgz",`,
      `      "integrity": "${hash}",`,
    ].join("\n");
    expect(found("/app/notes.json", npm)).toEqual(["2:sha512-blob"]);
    expect(found("/app/package-lock.json", npm)).toEqual([]);
    expect(found("/app/pnpm-lock.yaml", `    resolution: {integrity: ${hash}}`)).toEqual([]);
    expect(found("/app/yarn.lock", `  integrity ${hash}`)).toEqual([]);
  });

  it("still report credentials in a URL's userinfo: a private registry password is a real leak", () => {
    const lock = `      "resolved": "https://ci:Zq8Lw2PwV9xtBa@npm.internal.example/a/-/a-1.0.0.tgz",`;
    expect(found("/app/package-lock.json", lock)).toEqual(["1:url-password"]);
  });
});

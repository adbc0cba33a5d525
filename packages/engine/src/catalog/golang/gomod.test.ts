import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCataloger } from "../test-support.js";
import { goModDependencies, parseGoMod } from "./gomod.js";
import { goModuleFileCataloger } from "./mod-file-cataloger.js";

const testdata = join(import.meta.dirname, "testdata");

function catalog(path: string) {
  const { packages: found, warnings } = runCataloger(
    goModuleFileCataloger,
    `/src/${path}`,
    readFileSync(join(testdata, path)),
  );
  return { found, warnings };
}

describe("go-module-file-cataloger", () => {
  it("reads the Go toolchain's own cmd/go.mod: two require blocks, indirect markers", () => {
    const { found, warnings } = catalog("gomod/cmd-go.mod");
    expect(warnings).toEqual([]);
    expect(found.map((p) => [p.name, p.version, p.metadata?.indirect])).toEqual([
      ["github.com/google/pprof", "v0.0.0-20220729232143-a41b82acbcb1", false],
      ["golang.org/x/arch", "v0.0.0-20220412001346-fc48f9fe4c15", false],
      ["golang.org/x/mod", "v0.6.0-dev.0.20220419223038-86c51ed26bb4", false],
      ["golang.org/x/sync", "v0.0.0-20220513210516-0976fa681c29", false],
      ["golang.org/x/sys", "v0.0.0-20220614162138-6c1b26c55098", false],
      ["golang.org/x/term", "v0.0.0-20220411215600-e5f449aeb171", false],
      ["golang.org/x/tools", "v0.1.11-0.20220516163903-1e55371df567", false],
      ["github.com/ianlancetaylor/demangle", "v0.0.0-20220319035150-800ac71e25c2", true],
      ["golang.org/x/crypto", "v0.0.0-20220516162934-403b01795ae8", true],
    ]);
    for (const p of found) {
      expect(p.type).toBe("golang");
      expect(p.namespace).toBeUndefined();
      expect(p.location).toEqual({ path: "/src/gomod/cmd-go.mod" });
      expect(p.metadata?.mainModule).toBe("cmd");
    }
  });

  it("applies replace and exclude directives the way the go command does", () => {
    const { found, warnings } = catalog("gomod/replace-exclude.go.mod");
    expect(warnings).toEqual([]);
    const got = Object.fromEntries(found.map((p) => [p.name, [p.version, p.metadata?.indirect, p.metadata?.replaces]]));
    expect(got).toEqual({
      "github.com/sirupsen/logrus": ["v1.9.0", false, undefined],
      "github.com/gorilla/mux": ["v1.8.0", false, undefined],
      "github.com/spf13/cobra": ["v1.7.0", false, undefined],
      "golang.org/x/crypto": ["v0.17.0", true, "golang.org/x/crypto@v0.14.0"],
      "golang.org/x/sys": ["v0.13.0", true, undefined],
      "golang.org/x/text": ["v0.13.0", false, undefined],
      "github.com/new/thing": ["v1.2.0", false, "github.com/old/thing@v1.0.0"],
    });
    // Dropped: k8s.io/client-go (replaced by a directory), github.com/banned/lib (excluded version),
    // github.com/not/required (a replace alone does not add a module).
  });

  it("reads the fixture program's go.mod, whose vendored build is in testdata/bin", () => {
    const { found } = catalog("src/go.mod");
    expect(found.map((p) => `${p.name}@${p.version}`)).toEqual([
      "example.com/greeting@v1.2.3",
      "example.com/newname@v0.2.0",
    ]);
  });

  it("reports bad lines and keeps the rest", () => {
    const mod = parseGoMod('module x\nrequire (\n  a.b/c v1.0.0\n  broken\n  "unterminated v1\n)\nrequire d.e/f\n');
    expect(goModDependencies(mod)).toEqual([{ path: "a.b/c", version: "v1.0.0", indirect: false }]);
    expect(mod.problems).toEqual([
      "line 4: usage: require module/path v1.2.3",
      "line 5: unterminated quoted string",
      "line 7: usage: require module/path v1.2.3",
    ]);
    expect(parseGoMod("require (\n a.b/c v1.0.0\n").problems).toEqual(["unterminated require block"]);
  });

  it("does not throw on binary garbage", () => {
    const warnings: string[] = [];
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    expect(() =>
      goModuleFileCataloger.parse(
        { path: "/go.mod", content: garbage, mode: 0o644 },
        { warn: (m) => warnings.push(m) },
      ),
    ).not.toThrow();
  });
});

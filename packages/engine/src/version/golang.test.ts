import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { go } from "./golang.js";
import {
  expectAgreement,
  expectSpec,
  feedVersions,
  type Pair,
  pairsFor,
  requireFile,
  requireTool,
  runGo,
  specPairs,
} from "./test-support.js";

// golang.org/x/mod/semver's documented behaviour and module-version shapes (pseudo-versions, +incompatible).
const SPEC = `
  v1 = v1.0.0
  v1.2 = v1.2.0
  1.2.3 = v1.2.3
  v1.2.3+incompatible = v1.2.3
  v2.0.0+incompatible > v1.9.9
  v1.0.0-alpha < v1.0.0-alpha.1
  v1.0.0-alpha.1 < v1.0.0-alpha.beta
  v1.0.0-alpha.beta < v1.0.0-beta
  v1.0.0-beta < v1.0.0-beta.2
  v1.0.0-beta.2 < v1.0.0-beta.11
  v1.0.0-beta.11 < v1.0.0-rc.1
  v1.0.0-rc.1 < v1.0.0
  v0.0.0-20191109021931-daa7c04131f5 < v0.0.0-20200101000000-000000000000
  v0.0.0-20191109021931-daa7c04131f5 < v0.1.0
  v1.2.4-0.20191109021931-daa7c04131f5 > v1.2.3
  v1.2.4-0.20191109021931-daa7c04131f5 < v1.2.4
  v1.2.4-pre.0.20191109021931-daa7c04131f5 > v1.2.4-pre
  v1.99999999999999999999.0 > v1.99999999999999999998.0
`;

/** golang.org/x/mod/semver as vendored in the Go toolchain, copied into a temp module at test time. */
function goSemverReference(pairs: Pair[]): string[] {
  const goroot = execFileSync(requireTool("go", "Go version tests"), ["env", "GOROOT"], { encoding: "utf8" }).trim();
  const src = requireFile(
    join(goroot, "src/cmd/vendor/golang.org/x/mod/semver/semver.go"),
    "Go version tests (x/mod/semver in GOROOT)",
  );
  const main = `package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"rampartref/semver"
)

func v(s string) string {
	if strings.HasPrefix(s, "v") {
		return s
	}
	return "v" + s
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		p := strings.SplitN(in.Text(), "\\t", 2)
		a, b := v(p[0]), v(p[1])
		if !semver.IsValid(a) || !semver.IsValid(b) {
			fmt.Fprintln(out, "invalid")
			continue
		}
		fmt.Fprintln(out, semver.Compare(a, b))
	}
}
`;
  return runGo({ "main.go": main, "semver/semver.go": readFileSync(src, "utf8") }, pairs);
}

describe("Go module versions", () => {
  it("follows x/mod/semver's rules", () => {
    expectSpec(go, SPEC);
  });

  it("validates like semver.IsValid (with the v added when missing)", () => {
    for (const v of ["", "v", "v1.2.3.4", "v01.2.3", "v1.2-pre", "v1.2.3-01", "v1.2.3-", "V1.2.3", "1.2.3 "]) {
      expect(go.valid(v), v).toBe(false);
    }
    for (const v of [
      "v1",
      "1",
      "v1.2",
      "1.2.3",
      "v1.2.3-0.2020-x+incompatible",
      "v0.0.0-20191109021931-daa7c04131f5",
    ]) {
      expect(go.valid(v), v).toBe(true);
    }
  });

  it("agrees with golang.org/x/mod/semver on the Go OSV feed", () => {
    const byPackage = feedVersions("Go", ["Go", "PyPI", "Maven", "npm", "crates.io", "RubyGems"]);
    const { pairs, versions, invalid } = pairsFor(go, byPackage, { samePackage: 5000, random: 5000 });
    console.log(
      `go: ${versions.length} distinct valid versions, ${invalid.length} refused: ${invalid.slice(0, 10).join(" ")}`,
    );
    expect(versions.length).toBeGreaterThan(800);
    const all = [...pairs, ...specPairs(SPEC).pairs, ...invalid.map((v): Pair => [v, "v1.0.0"])];
    const answers = goSemverReference(all);
    // What we refuse, semver.IsValid refuses too (and nothing else).
    expect(answers.slice(pairs.length + specPairs(SPEC).pairs.length).every((a) => a === "invalid")).toBe(true);
    const judged = all.slice(0, pairs.length + specPairs(SPEC).pairs.length);
    expect(answers.slice(0, judged.length).filter((a) => a === "invalid")).toEqual([]);
    expectAgreement("x/mod/semver", go, judged, answers.slice(0, judged.length).map(Number));
  });
});

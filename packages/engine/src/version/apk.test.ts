import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { apk } from "./apk.js";
import {
  expectAgreement,
  expectSpec,
  feedVersions,
  type Pair,
  pairsFor,
  requireFile,
  runGo,
  specPairs,
} from "./test-support.js";

// apk-tools' test/version.data (a selection; "1.0 < 1.0bc" there is about invalid input).
const VERSION_DATA = `
  2.34 > 0.1.0_alpha
  0.1.0_alpha = 0.1.0_alpha
  0.1.0_alpha < 0.1.3_alpha
  0.1.0_alpha2 > 0.1.0_alpha
  0.1.0_alpha < 2.2.39-r1
  1.0.4-r3 < 1.0.4-r4
  1.1 > 1.1_alpha1
  1.2.1 > 1.2
  1.3_alpha < 1.3_alpha2
  0.8_beta4 < 4.8-r1
  3.10.18-r1 > 2.3.0b-r1
  2.3.0b-r1 < 2.3.0b-r2
  0.12.3 > 0.12
  0.12 < 0.13_beta1
  0.13_beta5 > 0.9.12
  0.0.16 < 0.6
  1.2.12.1 < 1.2.13
  0.2.0-r1 < 3.1_p16
  3.1_p16 < 3.1_p17
  3.1_p17 > 1.06-r6
  1.06-r6 < 006
  006 > 1.0.0
  1.2.2-r1 > 1.2.2
  2.59 < 20050718-r1
  3.9.8-r5 > 2.01.01_alpha10
  0.94 < 1.0
  1.0 > 0.99.3.20040818
  1.39 > 1.00_beta2
  7.15.1-r1 > 1.02
  1.02 < 1.03-r1
  4.2.52_p2-r1 < 4.2.52_p4-r2
  4.2.52_p4-r2 > 1.02.07
  1.02.07 < 1.02.10-r1
  2.18.3-r10 > 1.05-r18
  1.05-r18 < 1.05-r19
  2.8 < 2.20.1
  20050405 > 1.8
  2.11-r1 > 2.11
  10-r1 > 4
  20060720 > 3.0.20060720
  0.10.0-r1 > 0.10.0
  0.10.0 < 0.10.1_rc1
  1.7 < 1.7b
  1.8.5 < 1.8.5_p2
  2.9.11_pre20051101-r2 < 2.9.11_pre20051101-r3
  2.9.11_pre20051101-r3 > 2.9.11_pre20051101
  0.9.28.1 > 0.9.28
  0.9.28.1 < 087-r1
  104-r11 > 104-r9
  2.12r-r4 < 2.12r-r5
  7.0.17 < 7.0.174
  22.7.3-r1 > 22.7
  2.1_pre20 < 2.1_pre26
  02.08.01b < 4.77
  1.3-r0 < 1.3.1-r0
  1.3_pre1-r1 < 1.3.2
  1.0_p10-r0 > 1.0_p9-r0
  0.1.0_alpha_pre2 < 0.1.0_alpha
  1.0.0_pre20191002222144-r0 < 1.0.0_pre20210530193627-r0
  1.0_cvs < 1.0_svn
  1.0_svn < 1.0_git
  1.0_git < 1.0_hg
  1.0_hg < 1.0_p
  1.0_rc1 < 1.0
  1.0_rc1 > 1.0_pre1
  1.0_git20230101~1234abcd > 1.0
  1.0_rc1~1234abcd < 1.0
  1.0~1234abcd > 1.0
  1.0~1234abcd-r1 > 1.0~1234abcd
  1.0~ff > 1.0-r1
  1.0.01 < 1.0.1
  1.0.010 < 1.0.09
  1.0 < 1.00
`;

const GO_APK_VERSION = "/usr/share/gocode/src/github.com/knqyf263/go-apk-version/version.go";

/**
 * Trivy's apk comparer (github.com/knqyf263/go-apk-version, a Go port of apk-tools' version.c, from Debian's
 * golang-github-knqyf263-go-apk-version-dev), copied into a temp module at test time.
 */
function apkReference(pairs: Pair[]): number[] {
  const src = readFileSync(requireFile(GO_APK_VERSION, "apk version tests (go-apk-version)"), "utf8");
  const main = `package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	version "rampartref/apkversion"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		p := strings.SplitN(in.Text(), "\\t", 2)
		fmt.Fprintln(out, version.Version(p[0]).Compare(version.Version(p[1])))
	}
}
`;
  return runGo({ "main.go": main, "apkversion/version.go": src }, pairs).map(Number);
}

/**
 * go-apk-version ports the apk-tools 2.x tokenizer. Current apk-tools (what Alpine runs) differs from it in
 * three places the port therefore cannot judge: a non-initial number with a leading zero compares as a string
 * ("1.0.010" < "1.0.09"), a ".0" directly followed by a pre-release suffix is a pre-release ("1.0_rc1" < "1.0";
 * 2.x's zero-run token made it newer), and "~hash" commit suffixes exist.
 */
const portCanJudge = (v: string) => !/\.0[0-9_]/.test(v) && !v.includes("~");

describe("apk versions", () => {
  it("follows apk-tools' version.data", () => {
    expectSpec(apk, VERSION_DATA);
  });

  it("validates like apk_version_validate()", () => {
    for (const v of ["", "1.0bc", "1.0-r", "1.0-1", "1.0_foo", "a1.0", "1.0_alpha-r1-r2", "1.0~", "1..0", "1.0 "]) {
      expect(apk.valid(v), v).toBe(false);
    }
    for (const v of ["1", "1.0", "1.0a", "1.0_alpha1_p2", "1.0_rc1-r3", "1.0~abc123-r0", "006"]) {
      expect(apk.valid(v), v).toBe(true);
    }
  });

  it("agrees with go-apk-version on the Alpine OSV feed", () => {
    const byPackage = feedVersions("Alpine", ["Alpine"]);
    const { pairs, versions, invalid } = pairsFor(apk, byPackage, { samePackage: 8000, random: 8000 });
    console.log(
      `apk: ${versions.length} distinct valid versions, ${invalid.length} refused: ${invalid.slice(0, 10).join(" ")}`,
    );
    expect(versions.length).toBeGreaterThan(5000);
    const judged = [...pairs, ...specPairs(VERSION_DATA).pairs].filter(([a, b]) => portCanJudge(a) && portCanJudge(b));
    expectAgreement("go-apk-version", apk, judged, apkReference(judged));
  });
});

import { existsSync } from "node:fs";
import { describe, it } from "vitest";
import { maven } from "./maven.js";
import {
  expectAgreement,
  expectSpec,
  feedVersions,
  type Pair,
  pairsFor,
  requireTool,
  runReference,
  SETUP_HINT,
  specPairs,
  withTempDir,
  writeFile,
} from "./test-support.js";

// ComparableVersion's documented rules (and the cases from its unit tests).
const SPEC = `
  1 = 1.0
  1 = 1.0.0
  1.0 = 1-0
  1-alpha < 1-beta
  1-beta < 1-milestone
  1-milestone < 1-rc
  1-rc = 1-cr
  1-rc < 1-snapshot
  1-snapshot < 1
  1 = 1-ga
  1 = 1-final
  1 = 1.release
  1 < 1-sp
  1-sp < 1-abc
  1-abc < 1-xyz
  1-xyz < 1-1
  1a1 = 1-alpha-1
  1b2 = 1-beta-2
  1m3 = 1-milestone-3
  1.0-alpha1 < 1.0
  1.0-SNAPSHOT < 1.0
  1.0-SNAPSHOT > 1.0-rc1
  1.0.RELEASE = 1.0
  1.0.Final = 1.0
  4.1.56.Final > 4.1.56.CR1
  2.12.1 < 2.12.1.1
  2.12.1 < 2.12.10
  1.0.0.v20100517 > 1.0.0
  9.4.8.v20171121 < 9.4.8.v20180619
  42.2.6.jre6 < 42.2.6.jre7
  25.1-android < 25.1-jre
  1.2.58.sec10 > 1.2.58
  1-1.foo-bar-1-baz-0.1 < 1-1.foo-bar-1-baz-0.2
  1.0-RC1 = 1.0-rc-1
  2.0.0 > 2.0.0-M1
  1.0.0.0.0.0 = 1
  1.00000000000000000001 > 1.00000000000000000000
  1.2147483648 > 1.2147483647
`;

const TRICKY: Pair[] = [
  ["1.0..1", "1.0.0.1"],
  ["1-", "1"],
  ["1.0-.1", "1.0-0.1"],
  ["1.0-alpha-0", "1.0-alpha"],
  ["1-0.alpha", "1"],
  ["1.0.0-a", "1.0.0-alpha"],
  ["1.0.0a", "1.0.0-alpha"],
  ["1.0.0-1a", "1.0.0-1-alpha"],
  ["10000000000", "9999999999"],
  ["1.0.x", "1.0.X"],
  ["1_0", "1.0"],
];

const JARS = ["/usr/share/maven/lib/maven-artifact-3.x.jar", "/usr/share/java/maven3-artifact.jar"];

/** org.apache.maven.artifact.versioning.ComparableVersion from Debian's maven, one JVM for all pairs. */
function comparableVersionReference(pairs: Pair[]): number[] {
  const java = requireTool("java", "Maven version tests");
  const jar = JARS.find((j) => existsSync(j));
  if (!jar) throw new Error(`Maven version tests: maven-artifact jar not found (${JARS.join(", ")}) — ${SETUP_HINT}`);
  const source = `
import java.io.*;
import org.apache.maven.artifact.versioning.ComparableVersion;

public class Ref {
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
    PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, "UTF-8")));
    String line;
    while ((line = in.readLine()) != null) {
      String[] p = line.split("\\t", 2);
      out.println(Integer.signum(new ComparableVersion(p[0]).compareTo(new ComparableVersion(p[1]))));
    }
    out.flush();
  }
}
`;
  return withTempDir((dir) => {
    const file = writeFile(dir, "Ref.java", source);
    return runReference(java, ["-cp", jar, file], pairs).map(Number);
  });
}

describe("Maven versions", () => {
  it("follows ComparableVersion's qualifier and padding rules", () => {
    expectSpec(maven, SPEC);
  });

  it("agrees with ComparableVersion on the Maven OSV feed", () => {
    const byPackage = feedVersions("Maven", ["Maven", "Go", "PyPI", "npm", "RubyGems"]);
    const { pairs, versions, invalid } = pairsFor(maven, byPackage, { samePackage: 8000, random: 8000 });
    console.log(
      `maven: ${versions.length} distinct valid versions, ${invalid.length} refused: ${invalid.slice(0, 10).join(" ")}`,
    );
    const all = [...pairs, ...specPairs(SPEC).pairs, ...TRICKY];
    expectAgreement("ComparableVersion", maven, all, comparableVersionReference(all));
  });
});

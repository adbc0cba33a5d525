import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { testdata as labFile } from "../../../../../test/fixtures/testdata.js";
import type { PackageInput } from "../../package/package.js";
import { runCataloger } from "../test-support.js";
import { javaArchiveCataloger } from "./archive-cataloger.js";
import { parseArchiveName } from "./archive-name.js";
import { parseManifest, parseProperties } from "./manifest.js";
import { unzipSelected } from "./safe-unzip.js";

const testdata = join(import.meta.dirname, "testdata");

function catalog(path: string, content = readFileSync(path)) {
  const { packages: found, warnings } = runCataloger(javaArchiveCataloger, path, content);
  return { found, warnings };
}

/** group:artifact@version [member chain] */
const gav = (p: PackageInput) =>
  `${p.namespace ?? ""}:${p.name}@${p.version}${p.location.member ? ` ${p.location.member.join(" > ")}` : ""}`;

describe("java-archive-cataloger on the lab jars", () => {
  const lib = "layers/java/app/java/lib";
  for (const [file, expected] of [
    ["commons-text-1.9.jar", "org.apache.commons:commons-text@1.9"],
    ["jackson-databind-2.12.1.jar", "com.fasterxml.jackson.core:jackson-databind@2.12.1"],
    ["log4j-api-2.17.1.jar", "org.apache.logging.log4j:log4j-api@2.17.1"],
    ["log4j-core-2.17.1.jar", "org.apache.logging.log4j:log4j-core@2.17.1"],
    ["log4j-core-2.14.1-FAKE.jar", "org.apache.logging.log4j:log4j-core@2.14.1"],
    ["snakeyaml-1.28.jar", "org.yaml:snakeyaml@1.28"],
  ]) {
    it(`reads ${file} from its pom.properties`, () => {
      const path = labFile(`${lib}/${file}`);
      const { found, warnings } = catalog(path);
      expect(warnings).toEqual([]);
      expect(found.map(gav)).toEqual([expected]);
      expect(found[0]).toMatchObject({ type: "maven", location: { path }, metadata: { evidence: "pom.properties" } });
      // The committed copies of the small ones give the same answer.
      const copy = join(testdata, file as string);
      if (existsSync(copy)) expect(catalog(copy).found.map(gav)).toEqual([expected]);
    });
  }

  it("opens the Spring Boot fat jar and the jars stored in BOOT-INF/lib", () => {
    const path = labFile("layers/java/app/java/app.jar");
    const { found, warnings } = catalog(path);
    expect(warnings).toEqual([]);
    expect(found.map(gav)).toEqual([
      "com.example:test-app@1.0.0",
      "org.apache.commons:commons-text@1.9 BOOT-INF/lib/commons-text-1.9.jar",
      "com.fasterxml.jackson.core:jackson-databind@2.12.1 BOOT-INF/lib/jackson-databind-2.12.1.jar",
      "org.yaml:snakeyaml@1.28 BOOT-INF/lib/snakeyaml-1.28.jar",
    ]);
    expect(found[1]?.location).toEqual({ path, member: ["BOOT-INF/lib/commons-text-1.9.jar"] });
  });
});

describe("java-archive-cataloger evidence", () => {
  const gen = (name: string) => catalog(join(testdata, "generated", name));

  it("emits every pom.properties of a shaded jar, each GAV once", () => {
    const { found, warnings } = gen("shaded-2.1.0.jar");
    expect(warnings).toEqual([]);
    expect(found.map(gav)).toEqual([
      "com.example:shaded@2.1.0",
      "com.google.guava:guava@31.1-jre",
      "org.slf4j:slf4j-api@1.7.36",
    ]);
  });

  it("falls back to the manifest: file name for the artifact, group guessed from the bundle name", () => {
    expect(gen("org.eclipse.osgi-3.18.0.jar").found).toEqual([
      expect.objectContaining({
        namespace: "org.eclipse",
        name: "org.eclipse.osgi",
        version: "3.18.0",
        metadata: { evidence: "MANIFEST.MF" },
      }),
    ]);
    // No version in the file name: the main section's title and version (not a per-entry section's).
    expect(gen("plain.jar").found.map(gav)).toEqual(["org.example.plain:plain-lib@4.5.6-beta"]);
  });

  it("falls back to the file name", () => {
    const { found } = gen("legacy-util-0.9.2.jar");
    expect(found).toEqual([
      expect.objectContaining({ name: "legacy-util", version: "0.9.2", metadata: { evidence: "file name" } }),
    ]);
    expect(found[0]?.namespace).toBeUndefined();
  });
});

describe("java-archive-cataloger on hostile archives", () => {
  const gen = (name: string) => catalog(join(testdata, "generated", name));

  it("refuses a nested entry with a zip-bomb compression ratio, before inflating it", () => {
    const { found, warnings } = gen("bomb-ratio.jar");
    expect(found.map(gav)).toEqual(["com.example:outer@1.0.0"]);
    expect(warnings).toEqual([
      expect.stringMatching(/bomb-ratio\.jar: lib\/zeros\.jar: compression ratio \d+:1 looks like a zip bomb/),
    ]);
  });

  it("refuses an entry declaring a huge size", () => {
    const { found, warnings } = gen("bomb-declared.jar");
    expect(found.map(gav)).toEqual(["com.example:outer@1.0.0"]);
    expect(warnings).toEqual([expect.stringContaining("lib/huge.jar: declares 3000000000 bytes, over the limit")]);
  });

  it("refuses an entry whose declared size is smaller than its compressed data", () => {
    const { found, warnings } = gen("lying-size.jar");
    expect(found.map(gav)).toEqual(["com.example:outer@1.0.0"]);
    expect(warnings).toEqual([expect.stringContaining("declares fewer bytes than its compressed data holds")]);
  });

  it("opens nested archives four levels deep and no deeper", () => {
    const { found, warnings } = gen("deep.jar");
    expect(found.map((p) => `${p.name}@${p.version} depth ${p.location.member?.length ?? 0}`)).toEqual([
      "level0@0.0 depth 0",
      "level1@1.0 depth 1",
      "level2@2.0 depth 2",
      "level3@3.0 depth 3",
      "level4@4.0 depth 4",
    ]);
    expect(found[4]?.location.member).toEqual(["lib/level1.jar", "lib/level2.jar", "lib/level3.jar", "lib/level4.jar"]);
    expect(warnings).toEqual([
      expect.stringMatching(
        /deep\.jar!\/lib\/level1\.jar!\/.*level4\.jar: archives nested more than 4 deep are not opened \(1 skipped\)/,
      ),
    ]);
  });

  it("warns on a truncated jar and on something that is not a zip", () => {
    const whole = readFileSync(join(testdata, "commons-text-1.9.jar"));
    const truncated = catalog("/app/truncated.jar", whole.subarray(0, whole.length >> 1));
    expect(truncated.found).toEqual([]);
    expect(truncated.warnings).toEqual([expect.stringContaining("/app/truncated.jar: not a readable zip archive")]);
    expect(catalog("/x.jar", Buffer.from("plain text")).warnings).toHaveLength(1);
    expect(catalog("/empty.jar", Buffer.alloc(0)).warnings).toHaveLength(1);
  });

  it("salvages the readable entries when one entry's data is damaged", () => {
    const { found, warnings } = gen("damaged-entry.jar");
    expect(warnings).toEqual([expect.stringContaining("pom.properties: cannot be extracted")]);
    expect(found).toEqual([expect.objectContaining({ name: "damaged-entry", version: "1.0.0" })]);
  });

  it("stops extracting when the archive's budget is spent", () => {
    const zip = zipSync({ "a.jar": new Uint8Array(600), "b.jar": new Uint8Array(600) }, { level: 0 });
    const warnings: string[] = [];
    const got = unzipSelected(
      zip,
      () => ({ maxBytes: 1000 }),
      { remaining: 1000 },
      (m) => warnings.push(m),
    );
    expect(Object.keys(got)).toEqual(["a.jar"]);
    expect(warnings).toEqual(["b.jar: the archive's extraction budget is spent; skipped"]);
  });
});

describe("manifest, properties and file names", () => {
  it("joins continuation lines and stops at the first section", () => {
    const m = parseManifest("Manifest-Version: 1.0\r\nClass-Path: a.jar\r\n  b.jar\r\n\r\nName: x\r\nFoo: bar\r\n");
    expect([...m]).toEqual([
      ["Manifest-Version", "1.0"],
      ["Class-Path", "a.jar b.jar"],
    ]);
  });

  it("reads properties with comments, both separators and escapes", () => {
    const p = parseProperties("#c\n! c\ngroupId=org.x\nartifactId : y\nversion\\:odd=1\n  version=2.0 \n");
    expect([...p]).toEqual([
      ["groupId", "org.x"],
      ["artifactId", "y"],
      ["version:odd", "1"],
      ["version", "2.0"],
    ]);
  });

  it("splits Maven-style file names", () => {
    expect(parseArchiveName("/a/log4j-core-2.14.1.jar")).toEqual({ name: "log4j-core", version: "2.14.1" });
    expect(parseArchiveName("commons-text-1.9-SNAPSHOT.war")).toEqual({
      name: "commons-text",
      version: "1.9-SNAPSHOT",
    });
    expect(parseArchiveName("app.jar")).toEqual({ name: "app" });
  });
});

describe("groupFromRepositoryPath", () => {
  it("reads the group from a Maven repository layout, and only there", async () => {
    const { groupFromRepositoryPath } = await import("./archive-cataloger.js");
    expect(
      groupFromRepositoryPath(
        "/root/.m2/repository/org/pcollections/pcollections/4.0.2/pcollections-4.0.2.jar",
        "pcollections",
        "4.0.2",
      ),
    ).toBe("org.pcollections");
    expect(
      groupFromRepositoryPath(
        "/usr/share/maven-repo/aopalliance/aopalliance/debian/aopalliance-debian.jar",
        "aopalliance",
        "1.0",
      ),
    ).toBe("aopalliance");
    expect(groupFromRepositoryPath("/usr/share/java/aopalliance-1.0.jar", "aopalliance", "1.0")).toBeUndefined();
    expect(
      groupFromRepositoryPath("/root/.m2/repository/org/x/other/1.0/other-1.0.jar", "mismatch", "1.0"),
    ).toBeUndefined();
  });
});

import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Finding } from "../match/finding.js";
import { allFindings, scanReport } from "../report/test-support.js";
import { imagePurl } from "../sbom/subject.js";
import { applySuppressions } from "./apply.js";
import { loadIgnoreFile } from "./ignore-file.js";
import type { VexStatement } from "./types.js";
import { loadVex } from "./vex-document.js";

const data = (name: string) => fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));
const NOW = new Date("2026-08-19T09:30:00Z");
const ids = (fs: Finding[]) => fs.map((f) => f.id).sort();
const byId = (r: ReturnType<typeof applySuppressions>) => new Map(r.suppressed.map((s) => [s.finding.id, s]));

describe("applying OpenVEX", () => {
  const file = data("openvex/vuln-app.openvex.json");
  const vex = loadVex(file);

  it("takes out not_affected and fixed, keeps under_investigation, and names the statement that matched nothing", () => {
    const r = applySuppressions(allFindings(), { vex }, NOW);
    expect(ids(r.suppressed.map((s) => s.finding))).toEqual(["CVE-2020-1747", "CVE-2021-23337", "CVE-2023-0286"]);
    expect(ids(r.kept)).toEqual(["CVE-2011-3374", "CVE-2020-11023", "CVE-2021-44228", "CVE-2023-39325"]);
    const lodash = byId(r).get("CVE-2021-23337");
    expect(lodash).toMatchObject({
      by: "vex",
      file,
      reason: "not_affected (vulnerable_code_not_in_execute_path): The app never calls _.template with user input.",
    });
    expect(r.warnings).toEqual([
      `VEX statement statements[5] for CVE-2022-42889 (pkg:maven/org.apache.commons/commons-text@1.9) in ${file} matched no finding`,
    ]);
  });

  it("matches a finding by an alias (GHSA name), a PEP 503 name, and a Debian source package with a point release", () => {
    const r = byId(applySuppressions(allFindings(), { vex }, NOW));
    expect(r.get("CVE-2020-1747")?.reason).toBe(
      "not_affected (vulnerable_code_not_present): FullLoader is removed from the vendored build.",
    );
    // pkg:deb/debian/openssl@1.1.1n-0+deb11u3?distro=debian-11.11 covers libssl1.1 built from that source.
    expect(r.get("CVE-2023-0286")?.reason).toBe("fixed");
  });

  it("lets the newest statement about a finding decide, whatever the order in the file", () => {
    const reordered = vex.map(
      (s): VexStatement => (s.status === "affected" ? { ...s, timestamp: "2026-08-09T00:00:00Z" } : s),
    );
    const r = applySuppressions(allFindings(), { vex: reordered }, NOW);
    expect(ids(r.kept)).toContain("CVE-2023-0286");
    // Equal timestamps: the later statement wins.
    const tied = vex.map(
      (s): VexStatement => (s.vulnerability === "CVE-2023-0286" ? { ...s, timestamp: "2026-08-04T00:00:00Z" } : s),
    );
    expect(ids(applySuppressions(allFindings(), { vex: tied }, NOW).kept)).toContain("CVE-2023-0286");
  });

  it("with the scanned image's purl, applies subcomponents of that image only, and says why another image's do not", () => {
    const subject = imagePurl(scanReport().source) as string;
    expect(subject).toMatch(/^pkg:oci\/vuln-app@sha256:4c2f/);
    const same = applySuppressions(allFindings(), { vex }, NOW, { subject });
    expect(ids(same.suppressed.map((s) => s.finding))).toContain("CVE-2021-23337");
    const other = applySuppressions(allFindings(), { vex }, NOW, {
      subject: "pkg:oci/other-app@sha256:0a1b2c3d?repository_url=docker.io/lab/other-app",
    });
    expect(ids(other.kept)).toContain("CVE-2021-23337");
    expect(other.warnings).toContain(
      `VEX statement statements[0] for CVE-2021-23337 (pkg:npm/lodash@4.17.15) in ${file} matched no finding: its product is not the scanned subject pkg:oci/other-app@sha256:0a1b2c3d?repository_url=docker.io/lab/other-app`,
    );
  });

  it("applies a statement about the image itself to every package in it", () => {
    const subject = imagePurl(scanReport().source) as string;
    const statement: VexStatement = {
      file: "image.openvex.json",
      format: "openvex",
      index: 0,
      vulnerability: "CVE-2011-3374",
      aliases: [],
      products: [{ id: subject, purl: subject, subcomponents: [] }],
      status: "not_affected",
      suppresses: true,
      justification: "vulnerable_code_not_in_execute_path",
    };
    expect(
      ids(applySuppressions(allFindings(), { vex: [statement] }, NOW, { subject }).suppressed.map((s) => s.finding)),
    ).toEqual(["CVE-2011-3374"]);
    // Without knowing the subject, it cannot be checked: it matches nothing, and says so.
    expect(applySuppressions(allFindings(), { vex: [statement] }, NOW).warnings).toHaveLength(1);
  });
});

describe("applying OpenVEX v0.0.1 and CycloneDX VEX", () => {
  it("matches Go versions without their v and BOM-Link purls; warns of products that are no purl", () => {
    const file = data("openvex/v001.openvex.json");
    const r = applySuppressions(allFindings(), { vex: loadVex(file) }, NOW);
    expect(ids(r.suppressed.map((s) => s.finding))).toEqual(["CVE-2011-3374", "CVE-2023-39325"]);
    expect(byId(r).get("CVE-2011-3374")?.reason).toBe(
      "not_affected (vulnerable_code_cannot_be_controlled_by_adversary)",
    );
    expect(r.warnings).toEqual([
      `VEX statement statements[2] for CVE-2020-11023 (urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#jquery-3.4.0) in ${file} matched no finding: it names no package URL, and VEX products are matched by package URL`,
    ]);
  });

  it("takes out false_positive and resolved, keeps exploitable", () => {
    const file = data("cyclonedx/vuln-app.vex.cdx.json");
    const r = applySuppressions(allFindings(), { vex: loadVex(file) }, NOW);
    expect(ids(r.suppressed.map((s) => s.finding))).toEqual(["CVE-2020-11023", "CVE-2023-39325"]);
    expect(byId(r).get("CVE-2020-11023")).toMatchObject({
      by: "vex",
      file,
      reason: "false_positive: jquery.min.js is only served by the admin UI, which this image does not run.",
    });
    expect(ids(r.kept)).toContain("CVE-2021-44228");
    expect(r.warnings).toEqual([]);
  });
});

describe("applying ignore rules", () => {
  it("matches by id or alias, purl, name and path globs (nested archive members too); warns of unused and expired rules", () => {
    const file = data("ignore/rampart-ignore.yaml");
    const r = applySuppressions(allFindings(), { ignores: loadIgnoreFile(file) }, NOW);
    expect(ids(r.suppressed.map((s) => s.finding))).toEqual(["CVE-2011-3374", "CVE-2021-23337", "CVE-2021-44228"]);
    expect(byId(r).get("CVE-2011-3374")).toEqual({
      finding: expect.objectContaining({ id: "CVE-2011-3374" }),
      by: "ignore-file",
      reason: "apt-key is not used at run time",
      file,
    });
    expect(r.warnings).toEqual([
      `ignore rule CVE-2020-1747 (${file}:17) expired on 2026-06-30 and no longer applies`,
      `ignore rule CVE-2023-39325 (${file}:13) matched no finding`,
    ]);
    expect(ids(r.kept)).toContain("CVE-2020-1747");
  });

  it("applies a rule through the whole of its expiry day (UTC), and not after", () => {
    const rule = { id: "CVE-2011-3374", expires: "2026-08-19", file: "i.yaml", line: 2 };
    expect(
      applySuppressions(allFindings(), { ignores: [rule] }, new Date("2026-08-19T23:59:00Z")).suppressed,
    ).toHaveLength(1);
    const after = applySuppressions(allFindings(), { ignores: [rule] }, new Date("2026-08-20T00:00:01Z"));
    expect(after.suppressed).toHaveLength(0);
    expect(after.warnings).toEqual([
      "ignore rule CVE-2011-3374 (i.yaml:2) expired on 2026-08-19 and no longer applies",
    ]);
  });

  it("reads Trivy's plain .trivyignore the same way", () => {
    const file = data("ignore/.trivyignore");
    const r = applySuppressions(allFindings(), { ignores: loadIgnoreFile(file) }, NOW);
    expect(ids(r.suppressed.map((s) => s.finding))).toEqual(["CVE-2011-3374", "CVE-2020-11023", "CVE-2023-39325"]);
    expect(r.suppressed.every((s) => s.reason === "listed in the ignore file")).toBe(true);
    expect(r.warnings).toEqual([`ignore rule CVE-2019-10744 (${file}:7) expired on 2020-01-01 and no longer applies`]);
  });

  it("does not let a package filter pass a package it does not name", () => {
    const rule = { id: "CVE-2021-23337", packages: ["pkg:npm/lodash-es", "underscore"], file: "i.yaml", line: 2 };
    const r = applySuppressions(allFindings(), { ignores: [rule] }, NOW);
    expect(r.suppressed).toEqual([]);
    expect(r.warnings).toEqual(["ignore rule CVE-2021-23337 (i.yaml:2) matched no finding"]);
  });
});

describe("VEX and ignore rules together", () => {
  it("VEX decides first; an ignore rule still takes out what VEX kept; a rule VEX pre-empted is not 'unused'", () => {
    const vex = loadVex(data("openvex/vuln-app.openvex.json"));
    const ignores = [
      { id: "CVE-2021-44228", reason: "accepted until the rebuild", file: "i.yaml", line: 2 },
      { id: "CVE-2021-23337", reason: "also accepted", file: "i.yaml", line: 4 },
    ];
    const r = applySuppressions(allFindings(), { vex, ignores }, NOW);
    const s = byId(r);
    expect(s.get("CVE-2021-44228")).toMatchObject({ by: "ignore-file", reason: "accepted until the rebuild" });
    expect(s.get("CVE-2021-23337")?.by).toBe("vex");
    expect(r.warnings.filter((w) => w.startsWith("ignore rule"))).toEqual([]);
    expect(r.kept.length + r.suppressed.length).toBe(allFindings().length);
  });

  it("keeps everything and says nothing without rules", () => {
    const r = applySuppressions(allFindings(), {}, NOW);
    expect(r).toEqual({ kept: allFindings(), suppressed: [], warnings: [] });
  });
});

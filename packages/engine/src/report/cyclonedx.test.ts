import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import { describe, expect, it } from "vitest";
import type { Finding } from "../match/finding.js";
import { fixture as inventoryFixture } from "../sbom/test-support.js";
import { renderScanCycloneDx, toScanCycloneDx } from "./cyclonedx.js";
import type { ScanReport } from "./scan-report.js";
import {
  allMalware,
  allSecrets,
  aptKey,
  EICAR_SHA256,
  log4shell,
  malwareOnlyReport,
  malwareScanReport,
  plantedSecrets,
  reportWithSuppressed,
  scanReport,
  secretOnlyReport,
  secretScanReport,
} from "./test-support.js";

const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);

type Property = { name: string; value: string };
type Vulnerability = {
  "bom-ref": string;
  id: string;
  source: { name: string; url: string };
  references?: Array<{ id: string; source: { name: string } }>;
  ratings: Array<{ source: { name: string }; score?: number; severity: string; method: string; vector?: string }>;
  description?: string;
  recommendation?: string;
  advisories?: Array<{ url: string }>;
  published?: string;
  updated?: string;
  affects: Array<{ ref: string; versions: Array<{ version: string; status: string }> }>;
  analysis?: { state?: string; justification?: string; detail: string };
  properties: Property[];
};
type Bom = {
  specVersion: string;
  metadata: { properties?: Property[] };
  components: Array<{ "bom-ref": string; purl?: string; name: string; group?: string }>;
  vulnerabilities: Vulnerability[];
};

const bomOf = (r: ScanReport, inventory?: Parameters<typeof toScanCycloneDx>[1]) =>
  toScanCycloneDx(r, inventory) as unknown as Bom;
const vuln = (b: Bom, id: string) => b.vulnerabilities.find((v) => v.id === id) as Vulnerability;
const prop = (v: Vulnerability, name: string) => v.properties.filter((p) => p.name === name).map((p) => p.value);

describe("CycloneDX 1.6 scan report", () => {
  it("validates against the official 1.6 schema, with suppressed findings, an inventory, and no findings", async () => {
    expect(await validator.validate(renderScanCycloneDx(reportWithSuppressed()))).toBeNull();
    expect(await validator.validate(renderScanCycloneDx(scanReport(), { inventory: inventoryFixture() }))).toBeNull();
    expect(await validator.validate(renderScanCycloneDx(scanReport([])))).toBeNull();
  });

  it("has a live validator that rejects a broken vulnerability", async () => {
    const bom = bomOf(scanReport());
    (bom.vulnerabilities[0] as unknown as Record<string, unknown>).ratings = [{ method: "EPSS", score: 0.9 }];
    expect(await validator.validate(JSON.stringify(bom))).not.toBeNull();
  });

  it("lists the affected packages as components and points each vulnerability at them", () => {
    const bom = bomOf(scanReport());
    const log4j = bom.components.find((c) => c.purl === log4shell().package.purl);
    expect(log4j).toMatchObject({ name: "log4j-core", group: "org.apache.logging.log4j" });
    const v = vuln(bom, "CVE-2021-44228");
    expect(v.affects).toEqual([
      {
        ref: log4j?.["bom-ref"],
        versions: [
          { version: "2.14.1", status: "affected" },
          { version: "2.3.1", status: "unaffected" },
          { version: "2.12.2", status: "unaffected" },
          { version: "2.15.0", status: "unaffected" },
        ],
      },
    ]);
    expect(vuln(bom, "CVE-2011-3374").affects[0]?.versions).toEqual([{ version: "2.2.4", status: "affected" }]);
    expect(bom.vulnerabilities).toHaveLength(scanReport().findings.length);
  });

  it("with the inventory, lists every package and points at the inventory's bom-refs", () => {
    const inventory = inventoryFixture();
    const bom = bomOf(scanReport(), { inventory });
    const refs = new Set(bom.components.map((c) => c["bom-ref"]));
    for (const p of inventory.packages) expect(bom.components.some((c) => c.purl === p.purl)).toBe(true);
    for (const v of bom.vulnerabilities) for (const a of v.affects) expect(refs.has(a.ref)).toBe(true);
  });

  it("rates CVSS by version and falls back to 'other' for a distro's own severity", () => {
    const bom = bomOf(scanReport());
    expect(vuln(bom, "CVE-2021-44228").ratings).toEqual([
      {
        source: { name: "GHSA-jfh8-c2jp-5v3q" },
        score: 10,
        severity: "critical",
        method: "CVSSv31",
        vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
      },
    ]);
    expect(vuln(bom, "CVE-2020-1747").ratings.map((r) => r.method)).toEqual(["CVSSv31", "CVSSv4"]);
    const apt = vuln(bom, "CVE-2011-3374").ratings;
    expect(apt.at(-1)).toEqual({
      source: { name: "debian urgency" },
      severity: "info",
      method: "other",
      justification: "vendor severity: unimportant",
    });
  });

  it("puts EPSS, KEV and the risk in rampart: properties (CycloneDX has no EPSS method)", () => {
    const v = vuln(bomOf(scanReport()), "CVE-2021-44228");
    expect(prop(v, "rampart:epss:score")).toEqual(["0.99999"]);
    expect(prop(v, "rampart:epss:percentile")).toEqual(["1"]);
    expect(prop(v, "rampart:kev:dateAdded")).toEqual(["2021-12-10"]);
    expect(prop(v, "rampart:kev:ransomware")).toEqual(["true"]);
    expect(prop(v, "rampart:risk:score")).toEqual(["98.6"]);
    expect(v.ratings.some((r) => /epss/i.test(r.method))).toBe(false);
    expect(prop(vuln(bomOf(scanReport()), "CVE-2020-1747"), "rampart:kev:dateAdded")).toEqual([]);
  });

  it("carries the advisory's text, aliases, links, dates and the fix", () => {
    const v = vuln(bomOf(scanReport()), "CVE-2021-44228");
    expect(v.source).toEqual({ name: "NVD", url: "https://nvd.nist.gov/vuln/detail/CVE-2021-44228" });
    expect(v.references).toEqual([
      {
        id: "GHSA-jfh8-c2jp-5v3q",
        source: { name: "GitHub Advisory Database", url: "https://github.com/advisories/GHSA-jfh8-c2jp-5v3q" },
      },
    ]);
    expect(v.description).toContain("ldap JNDI parser");
    expect(v.recommendation).toBe("Upgrade org.apache.logging.log4j:log4j-core to 2.3.1, 2.12.2, 2.15.0");
    expect(v.advisories?.map((a) => a.url)).toContain("https://nvd.nist.gov/vuln/detail/CVE-2021-44228");
    expect(v.published).toBe("2021-12-10T00:40:56Z");
    expect(v.updated).toBe("2024-07-25T20:23:05.854188Z");
  });

  it("gives suppressed findings an analysis: the VEX state and justification, or only a detail for an ignore rule", () => {
    const bom = bomOf(reportWithSuppressed());
    expect(vuln(bom, "CVE-2021-23337").analysis).toEqual({
      state: "not_affected",
      justification: "code_not_reachable",
      detail:
        "VEX vex/app.openvex.json: not_affected (vulnerable_code_not_in_execute_path): the app never calls _.template with user input",
    });
    expect(vuln(bom, "CVE-2011-3374").analysis).toEqual({
      detail: "Accepted in ignore file .rampartignore.yaml: apt-key is not used at run time",
    });
    expect(prop(vuln(bom, "CVE-2011-3374"), "rampart:suppressed:by")).toEqual(["ignore-file"]);
    expect(vuln(bom, "CVE-2021-44228").analysis).toBeUndefined();
  });

  it("keeps a suppressed package apart from a kept one of the same vulnerability", () => {
    const kept = aptKey();
    const other: Finding = {
      ...aptKey(),
      package: {
        ...aptKey().package,
        name: "apt-utils",
        purl: "pkg:deb/debian/apt-utils@2.2.4?arch=amd64&distro=debian-11",
      },
    };
    const r = scanReport([kept]);
    r.suppressed = [{ finding: other, by: "vex", reason: "fixed", file: "v.json" }];
    const entries = bomOf(r).vulnerabilities.filter((v) => v.id === "CVE-2011-3374");
    expect(entries.map((v) => v.analysis?.state)).toEqual([undefined, "resolved"]);
    expect(new Set(entries.map((v) => v["bom-ref"])).size).toBe(2);
  });
});

describe("CycloneDX 1.6 scan report with secrets", () => {
  const meta = (b: Bom) => Object.fromEntries((b.metadata.properties ?? []).map((p) => [p.name, p.value]));

  it("stays valid against the official 1.6 schema with secrets, alone or with vulnerabilities", async () => {
    expect(await validator.validate(renderScanCycloneDx(secretScanReport()))).toBeNull();
    expect(await validator.validate(renderScanCycloneDx(secretOnlyReport()))).toBeNull();
    expect(await validator.validate(renderScanCycloneDx(secretOnlyReport([])))).toBeNull();
  });

  it("counts the secrets, by severity, in the metadata and says which scanners ran", () => {
    expect(meta(bomOf(secretScanReport()))).toEqual({
      "rampart:scanners": "vuln,secret",
      "rampart:secrets": "9",
      "rampart:secrets:critical": "5",
      "rampart:secrets:high": "2",
      "rampart:secrets:medium": "1",
      "rampart:secrets:low": "1",
    });
    expect(meta(bomOf(secretOnlyReport([])))["rampart:secrets"]).toBe("0");
    expect(meta(bomOf(scanReport()))).toEqual({ "rampart:scanners": "vuln" });
  });

  it("keeps the secrets themselves out: no finding, path, preview, snippet or fingerprint", () => {
    const text = renderScanCycloneDx(secretScanReport());
    for (const { secret, finding } of plantedSecrets()) {
      for (const part of [secret, finding.path, finding.preview, finding.fingerprint, finding.ruleId]) {
        expect(text).not.toContain(part);
      }
      if (finding.snippet) expect(text).not.toContain(finding.snippet);
    }
    expect(bomOf(secretScanReport()).vulnerabilities).toHaveLength(scanReport().findings.length);
    expect(allSecrets()).toHaveLength(9);
  });

  it("has no vulnerabilities list when the vulnerability scanner did not run", () => {
    expect(bomOf(secretOnlyReport())).not.toHaveProperty("vulnerabilities");
    expect(bomOf(scanReport([]))).toHaveProperty("vulnerabilities", []);
  });
});

describe("CycloneDX 1.6 scan report with malware", () => {
  const meta = (b: Bom) => Object.fromEntries((b.metadata.properties ?? []).map((p) => [p.name, p.value]));

  it("stays valid against the official 1.6 schema with malware, alone or with vulnerabilities", async () => {
    expect(await validator.validate(renderScanCycloneDx(malwareScanReport()))).toBeNull();
    expect(await validator.validate(renderScanCycloneDx(malwareOnlyReport()))).toBeNull();
    expect(await validator.validate(renderScanCycloneDx(malwareOnlyReport([])))).toBeNull();
  });

  it("counts the malware, by severity, in the metadata, when the malware scanner ran", () => {
    expect(meta(bomOf(malwareScanReport()))).toEqual({
      "rampart:scanners": "vuln,malware",
      "rampart:malware": "4",
      "rampart:malware:critical": "1",
      "rampart:malware:high": "1",
      "rampart:malware:medium": "2",
      "rampart:malware:low": "0",
    });
    expect(meta(bomOf(malwareOnlyReport([])))["rampart:malware"]).toBe("0");
    expect(meta(bomOf(secretScanReport()))).not.toHaveProperty("rampart:malware");
    const all: ScanReport = { ...secretScanReport(), scanners: ["vuln", "secret", "malware"], malware: allMalware() };
    expect(Object.keys(meta(bomOf(all)))).toEqual([
      "rampart:scanners",
      "rampart:secrets",
      "rampart:secrets:critical",
      "rampart:secrets:high",
      "rampart:secrets:medium",
      "rampart:secrets:low",
      "rampart:malware",
      "rampart:malware:critical",
      "rampart:malware:high",
      "rampart:malware:medium",
      "rampart:malware:low",
    ]);
  });

  it("keeps the findings out of the components and vulnerabilities: no path, rule or hash", () => {
    const text = renderScanCycloneDx(malwareScanReport());
    for (const m of allMalware()) {
      for (const part of [m.path, m.ruleId, m.sha256]) expect(text).not.toContain(part);
    }
    expect(text).not.toContain(EICAR_SHA256);
    expect(bomOf(malwareScanReport()).vulnerabilities).toHaveLength(scanReport().findings.length);
    expect(bomOf(malwareScanReport()).components).toEqual(bomOf(scanReport()).components);
    expect(bomOf(malwareOnlyReport())).not.toHaveProperty("vulnerabilities");
  });
});

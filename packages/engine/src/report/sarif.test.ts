import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv04Module from "ajv-draft-04";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import type { Finding } from "../match/finding.js";
import type { SecretFinding } from "../secrets/types.js";
import { renderSarif, toSarif } from "./sarif.js";
import type { ScanReport } from "./scan-report.js";
import {
  allFindings,
  allSecrets,
  LAYERS,
  log4shell,
  plantedSecrets,
  reportWithSuppressed,
  scanReport,
  secretOnlyReport,
  secretScanReport,
} from "./test-support.js";

// The SARIF 2.1.0 JSON Schema (draft-04) as Microsoft's SARIF SDK ships it (@microsoft/jest-sarif); only the
// schema file is used. Its `language` pattern is not valid as a Unicode regular expression, hence
// unicodeRegExp: false; strict mode is off because the schema uses draft-04 keywords Ajv's strict mode flags.
type AjvLike = {
  compile: (s: unknown) => ((d: unknown) => boolean) & { errors?: unknown[] | null };
};
const Ajv04 = ((Ajv04Module as unknown as { default?: unknown }).default ?? Ajv04Module) as unknown as new (
  o: object,
) => AjvLike;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: AjvLike,
) => AjvLike;
const schemaPath = createRequire(import.meta.url).resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
const sarifSchema = JSON.parse(readFileSync(schemaPath, "utf8"));
const validateSarif = addFormats(new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false })).compile(
  sarifSchema,
);

type Result = {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Array<{
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId: string };
      region?: { startLine: number; startColumn: number };
    };
    message?: { text: string };
    properties?: { layer?: string; member?: string };
  }>;
  partialFingerprints: Record<string, string>;
  suppressions?: Array<{ kind: string; status: string; justification: string }>;
  properties: Record<string, unknown>;
};
type Rule = {
  id: string;
  name?: string;
  fullDescription: { text: string };
  shortDescription: { text: string };
  help: { text: string; markdown: string };
  defaultConfiguration: { level: string };
  properties: { "security-severity"?: string; tags: string[] };
};
type Log = {
  version: string;
  runs: Array<{
    tool: { driver: { name: string; version: string; rules: Rule[] } };
    results: Result[];
    properties: Record<string, unknown>;
    originalUriBaseIds: Record<string, { uri: string }>;
    invocations: Array<{ toolExecutionNotifications?: Array<{ message: { text: string } }> }>;
  }>;
};

const sarif = (r: ScanReport) => toSarif(r) as unknown as Log;
const run = (r: ScanReport) => sarif(r).runs[0] as Log["runs"][number];
const resultFor = (r: ScanReport, id: string) => run(r).results.find((x) => x.ruleId === id) as Result;
const ruleFor = (r: ScanReport, id: string) => run(r).tool.driver.rules.find((x) => x.id === id) as Rule;

describe("SARIF 2.1.0", () => {
  it("validates against the SARIF 2.1.0 schema, for images, directories, warnings and no findings", () => {
    const reports: ScanReport[] = [
      reportWithSuppressed(),
      { ...scanReport(), source: { kind: "directory", name: "/srv/my app" }, warnings: ["osv:npm is 9 days old"] },
      scanReport([]),
    ];
    for (const r of reports) {
      const ok = validateSarif(JSON.parse(renderSarif(r)));
      expect(validateSarif.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it("has a live validator that rejects a broken log", () => {
    const log = sarif(scanReport()) as unknown as { runs: Array<{ results: Array<Record<string, unknown>> }> };
    (log.runs[0]?.results[0] as Record<string, unknown>).level = "fatal";
    expect(validateSarif(log)).toBe(false);
  });

  it("has one rule per vulnerability id and one result per finding, each pointing at its rule", () => {
    const twoPackages = scanReport([
      log4shell(),
      {
        ...log4shell(),
        package: {
          ...log4shell().package,
          name: "log4j-core",
          purl: "pkg:maven/org.apache.logging.log4j/log4j-core@2.13.0",
          version: "2.13.0",
          locations: [{ path: "/opt/tool/lib/log4j-core-2.13.0.jar", layer: LAYERS.java }],
        },
      },
      ...allFindings().slice(1),
    ]);
    const r = run(twoPackages);
    expect(r.tool.driver.rules.map((x) => x.id)).toEqual([...new Set(twoPackages.findings.map((f) => f.id))]);
    expect(r.results).toHaveLength(twoPackages.findings.length);
    for (const res of r.results) expect(r.tool.driver.rules[res.ruleIndex]?.id).toBe(res.ruleId);
    expect(ruleFor(twoPackages, "CVE-2021-44228").help.text).toContain("log4j-core 2.13.0, fixed version: 2.3.1");
  });

  it("gives GitHub a CVSS security-severity, and a score in the severity's band without a vector", () => {
    const r = scanReport();
    expect(ruleFor(r, "CVE-2021-44228").properties["security-severity"]).toBe("10.0");
    expect(ruleFor(r, "CVE-2020-11023").properties["security-severity"]).toBe("6.9");
    const noVector: Finding = { ...log4shell(), id: "GHSA-xxxx-yyyy-zzzz", cvss: [], severity: "high" };
    expect(ruleFor(scanReport([noVector]), noVector.id).properties["security-severity"]).toBe("8.0");
    const unknown: Finding = { ...noVector, severity: "unknown" };
    expect(ruleFor(scanReport([unknown]), noVector.id).properties["security-severity"]).toBeUndefined();
    expect(ruleFor(r, "CVE-2021-44228").properties.tags).toEqual(["vulnerability", "security", "CRITICAL"]);
  });

  it("sets the level from the severity", () => {
    const r = scanReport();
    expect(resultFor(r, "CVE-2021-44228").level).toBe("error");
    expect(resultFor(r, "CVE-2023-39325").level).toBe("error");
    expect(resultFor(r, "CVE-2020-11023").level).toBe("warning");
    expect(resultFor(r, "CVE-2011-3374").level).toBe("note");
    expect(ruleFor(r, "CVE-2020-11023").defaultConfiguration.level).toBe("warning");
  });

  it("says package, installed and fixed version in the message and the rule's help", () => {
    const r = scanReport();
    const text = resultFor(r, "CVE-2021-44228").message.text;
    expect(text).toContain("Package: org.apache.logging.log4j:log4j-core");
    expect(text).toContain("Installed Version: 2.14.1");
    expect(text).toContain("Fixed Version: 2.3.1, 2.12.2, 2.15.0");
    expect(resultFor(r, "CVE-2011-3374").message.text).toContain("Fixed Version: (not fixed)");
    expect(ruleFor(r, "CVE-2021-44228").help.markdown).toContain(
      "| CRITICAL | org.apache.logging.log4j:log4j-core | 2.14.1 | 2.3.1, 2.12.2, 2.15.0 |",
    );
    expect(ruleFor(r, "CVE-2021-44228").shortDescription.text).toBe("Remote code injection in Log4j");
  });

  it("locates a finding at the files inside the image, with layer and archive member in properties", () => {
    const res = resultFor(scanReport(), "CVE-2021-44228");
    expect(res.locations).toEqual([
      {
        physicalLocation: { artifactLocation: { uri: "app/java/app.jar", uriBaseId: "ROOTPATH" } },
        message: { text: "/app/java/app.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar" },
        properties: { layer: LAYERS.java, member: "BOOT-INF/lib/log4j-core-2.14.1.jar" },
      },
      {
        physicalLocation: {
          artifactLocation: { uri: "app/java/lib/log4j-core-2.14.1-FAKE.jar", uriBaseId: "ROOTPATH" },
        },
        message: { text: "/app/java/lib/log4j-core-2.14.1-FAKE.jar" },
        properties: { layer: LAYERS.java },
      },
    ]);
    expect(run(scanReport()).originalUriBaseIds.ROOTPATH?.uri).toBe("file:///");
  });

  it("roots directory scans at the directory and percent-encodes paths", () => {
    const f = log4shell();
    f.package.locations = [{ path: "/lib/my lib#2/log4j-core.jar" }];
    const dir: ScanReport = { ...scanReport([f]), source: { kind: "directory", name: "/srv/my app" } };
    expect(run(dir).originalUriBaseIds.ROOTPATH?.uri).toBe("file:///srv/my%20app/");
    expect(resultFor(dir, f.id).locations[0]?.physicalLocation.artifactLocation.uri).toBe(
      "lib/my%20lib%232/log4j-core.jar",
    );
  });

  it("fingerprints a finding stably, apart from other packages, and across versions of the same package", () => {
    const fp = (f: Finding) => resultFor(scanReport([f]), f.id).partialFingerprints["rampartFindingHash/v1"];
    expect(fp(log4shell())).toMatch(/^[0-9a-f]{32}$/);
    expect(fp(log4shell())).toBe(fp(log4shell()));
    const upgraded = log4shell();
    upgraded.package = {
      ...upgraded.package,
      version: "2.14.2",
      purl: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.2",
    };
    expect(fp(upgraded)).toBe(fp(log4shell()));
    const other = log4shell();
    other.package = { ...other.package, purl: "pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1" };
    expect(fp(other)).not.toBe(fp(log4shell()));
  });

  it("lists suppressed findings as results with an accepted external suppression", () => {
    const r = reportWithSuppressed();
    const lodash = resultFor(r, "CVE-2021-23337");
    expect(lodash.suppressions).toEqual([
      {
        kind: "external",
        status: "accepted",
        justification:
          "VEX vex/app.openvex.json: not_affected (vulnerable_code_not_in_execute_path): the app never calls _.template with user input",
      },
    ]);
    expect(resultFor(r, "CVE-2011-3374").suppressions?.[0]?.justification).toBe(
      "ignore file .rampartignore.yaml: apt-key is not used at run time",
    );
    expect(resultFor(r, "CVE-2021-44228").suppressions).toBeUndefined();
    expect(run(r).results).toHaveLength(r.findings.length + r.suppressed.length);
  });

  it("reports the scan's warnings as tool notifications", () => {
    const r = run({ ...scanReport(), warnings: ["VEX statement statements[5] matched no finding"] });
    expect(r.invocations[0]?.toolExecutionNotifications?.map((n) => n.message.text)).toEqual([
      "VEX statement statements[5] matched no finding",
    ]);
  });
});

describe("SARIF 2.1.0 with secrets", () => {
  const report = secretScanReport();
  const secretResults = (r: ScanReport) => {
    const ids = new Set((r.secrets ?? []).map((x) => x.ruleId));
    return run(r).results.filter((x) => ids.has(x.ruleId));
  };

  it("validates against the SARIF 2.1.0 schema: with vulnerabilities, alone, in a directory, and none found", () => {
    const dir: ScanReport = {
      ...secretOnlyReport(plantedSecrets("directory").map((p) => p.finding)),
      source: { kind: "directory", name: "/srv/my app" },
    };
    for (const r of [report, secretOnlyReport(), dir, secretOnlyReport([])]) {
      const ok = validateSarif(JSON.parse(renderSarif(r)));
      expect(validateSarif.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it("adds one rule per secret rule id after the vulnerability rules, and one result per secret", () => {
    const twice = secretOnlyReport([...allSecrets(), { ...(allSecrets()[1] as SecretFinding), path: "/app/.env.bak" }]);
    const r = run(twice);
    expect(r.tool.driver.rules.map((x) => x.id)).toEqual([...new Set(allSecrets().map((x) => x.ruleId))]);
    expect(r.results).toHaveLength(allSecrets().length + 1);
    for (const res of r.results) expect(r.tool.driver.rules[res.ruleIndex]?.id).toBe(res.ruleId);
    const both = run(report);
    const vulnRules = new Set(allFindings().map((f) => f.id)).size;
    expect(both.tool.driver.rules).toHaveLength(vulnRules + new Set(allSecrets().map((x) => x.ruleId)).size);
    expect(both.tool.driver.rules[vulnRules]?.id).toBe(allSecrets()[0]?.ruleId);
    expect(both.results).toHaveLength(allFindings().length + allSecrets().length);
    for (const res of both.results) expect(both.tool.driver.rules[res.ruleIndex]?.id).toBe(res.ruleId);
  });

  it("describes a secret rule by its title, tags it security and secret, and scores it by severity band", () => {
    const rule = ruleFor(report, "github-pat-classic");
    expect(rule.name).toBe("GithubPatClassic");
    expect(rule.shortDescription.text).toBe("GitHub personal access token (classic)");
    expect(rule.properties.tags).toEqual(["security", "secret"]);
    expect(rule.defaultConfiguration.level).toBe("error");
    const score = (id: string) => ruleFor(report, id).properties["security-severity"];
    expect(score("github-pat-classic")).toBe("9.5");
    expect(score("aws-access-key-id")).toBe("8.0");
    expect(score("jwt")).toBe("5.5");
    expect(score("stripe-test-secret-key")).toBe("3.0");
    expect(ruleFor(report, "jwt").defaultConfiguration.level).toBe("warning");
    expect(ruleFor(report, "stripe-test-secret-key").defaultConfiguration.level).toBe("note");
  });

  it("locates a secret at its file, line and column inside the image, the layer in properties", () => {
    const jwt = allSecrets().find((x) => x.ruleId === "jwt") as SecretFinding;
    const res = resultFor(report, "jwt");
    expect(res.level).toBe("warning");
    expect(res.message.text).toBe(`JSON Web Token (${jwt.preview})`);
    expect(res.locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: "app/config/config.yaml", uriBaseId: "ROOTPATH" },
          region: { startLine: 5, startColumn: 22 },
        },
        message: { text: "/app/config/config.yaml:5" },
        properties: { layer: LAYERS.secrets },
      },
    ]);
    expect(res.properties).toMatchObject({ fingerprint: jwt.fingerprint, snippet: jwt.snippet, preview: jwt.preview });
    expect(resultFor(report, "rsa-private-key").locations[0]?.physicalLocation.region).toEqual({
      startLine: 2,
      startColumn: 1,
    });
  });

  it("roots a directory's secrets at the directory, percent-encoded, without a layer", () => {
    const [first] = plantedSecrets("directory").map((p) => p.finding);
    const f = { ...(first as SecretFinding), path: "/config/my env#1/.env" };
    const dir: ScanReport = { ...secretOnlyReport([f]), source: { kind: "directory", name: "/srv/my app" } };
    const loc = resultFor(dir, f.ruleId).locations[0];
    expect(run(dir).originalUriBaseIds.ROOTPATH?.uri).toBe("file:///srv/my%20app/");
    expect(loc?.physicalLocation.artifactLocation.uri).toBe("config/my%20env%231/.env");
    expect(loc?.properties).toBeUndefined();
  });

  it("fingerprints a secret by its salted fingerprint and file: stable when the line or layer moves", () => {
    const [first] = allSecrets();
    const base = first as SecretFinding;
    const fp = (x: SecretFinding) => resultFor(secretOnlyReport([x]), x.ruleId).partialFingerprints;
    expect(Object.keys(fp(base))).toEqual(["rampartSecretHash/v1"]);
    expect(fp(base)["rampartSecretHash/v1"]).toMatch(/^[0-9a-f]{32}$/);
    expect(fp({ ...base, line: 40, column: 3, layer: LAYERS.node })).toEqual(fp(base));
    expect(fp({ ...base, path: "/app/config/.env.bak" })).not.toEqual(fp(base));
    const otherSecret = `sha256:${"0".repeat(64)}`;
    expect(fp({ ...base, fingerprint: otherSecret })).not.toEqual(fp(base));
    expect(secretResults(report).map((x) => x.partialFingerprints["rampartSecretHash/v1"])).toHaveLength(
      allSecrets().length,
    );
  });

  it("names the scanners that ran, and the DB only when the vulnerability scanner did", () => {
    expect(run(report).properties.scanners).toEqual(["vuln", "secret"]);
    expect(run(report).properties.dbBuiltAt).toBe(report.db?.builtAt);
    expect(run(secretOnlyReport()).properties.dbBuiltAt).toBeUndefined();
    expect(run(secretOnlyReport()).results).toHaveLength(allSecrets().length);
  });
});

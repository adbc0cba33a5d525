import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv04Module from "ajv-draft-04";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import type { MalwareFinding } from "../malware/types.js";
import type { Finding } from "../match/finding.js";
import type { SecretFinding } from "../secrets/types.js";
import { malwareRuleId, renderSarif, toSarif } from "./sarif.js";
import type { ScanReport } from "./scan-report.js";
import {
  allFindings,
  allMalware,
  allSecrets,
  EICAR_SHA256,
  eicarFile,
  eicarInZip,
  LAYERS,
  log4shell,
  malwareOnlyReport,
  malwareScanReport,
  minerConfig,
  phpWebShell,
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
      artifactLocation: { uri: string; uriBaseId: string; index?: number };
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
  helpUri?: string;
  help: { text: string; markdown: string };
  defaultConfiguration: { level: string };
  properties: { "security-severity"?: string; tags: string[] };
};
type Log = {
  version: string;
  runs: Array<{
    tool: { driver: { name: string; version: string; rules: Rule[] } };
    results: Result[];
    artifacts?: Array<{
      location: { uri: string; uriBaseId: string };
      length?: number;
      hashes: Record<string, string>;
    }>;
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

describe("SARIF 2.1.0 with malware", () => {
  const report = malwareScanReport();
  const malwareResults = (r: ScanReport) => run(r).results.filter((x) => x.ruleId.startsWith("malware/"));
  const resultAt = (r: ScanReport, path: string) =>
    malwareResults(r).find((x) => x.locations[0]?.message?.text === path) as Result;

  it("validates against the SARIF 2.1.0 schema: with vulnerabilities and secrets, alone, in a directory, none found", () => {
    const dir: ScanReport = {
      ...malwareOnlyReport(allMalware().map(({ layer, ...m }) => m)),
      source: { kind: "directory", name: "/srv/my app" },
    };
    const everything: ScanReport = {
      ...secretScanReport(),
      scanners: ["vuln", "secret", "malware"],
      malware: allMalware(),
    };
    for (const r of [report, malwareOnlyReport(), dir, malwareOnlyReport([]), everything]) {
      const ok = validateSarif(JSON.parse(renderSarif(r)));
      expect(validateSarif.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it("names a malware rule malware/<pack>/<rule id>, apart from advisory and secret rule ids", () => {
    expect(malwareRuleId(eicarFile())).toBe("malware/default/EICAR_Test_File");
    expect(malwareRuleId({ pack: "./rules/custom.yar", ruleId: "Acme_Dropper" })).toBe(
      "malware/rules/custom.yar/Acme_Dropper",
    );
    expect(malwareRuleId({ pack: "C:\\rules\\acme.yar", ruleId: "X" })).toBe("malware/C:/rules/acme.yar/X");
    expect(malwareRuleId({ pack: "/etc/rampart/rules", ruleId: "X" })).toBe("malware/etc/rampart/rules/X");
    const everything: ScanReport = {
      ...secretScanReport(),
      scanners: ["vuln", "secret", "malware"],
      malware: allMalware(),
    };
    const ids = run(everything).tool.driver.rules.map((x) => x.id);
    expect(new Set(ids).size).toBe(ids.length);
    const vulnRules = new Set(allFindings().map((f) => f.id)).size;
    const secretRules = new Set(allSecrets().map((x) => x.ruleId)).size;
    expect(ids.slice(vulnRules + secretRules)).toEqual([
      "malware/default/WebShell_PHP_Request_Exec",
      "malware/default/Miner_Config_Stratum_Pool",
      "malware/default/EICAR_Test_File",
    ]);
  });

  it("adds one rule per (pack, rule) after the other rules, and one result per finding pointing at it", () => {
    const custom: MalwareFinding = { ...eicarFile(), pack: "rules/custom.yar", path: "/srv/eicar.txt" };
    const r = run(malwareOnlyReport([...allMalware(), custom]));
    expect(r.tool.driver.rules.map((x) => x.id)).toEqual([
      "malware/default/WebShell_PHP_Request_Exec",
      "malware/default/Miner_Config_Stratum_Pool",
      "malware/default/EICAR_Test_File",
      "malware/rules/custom.yar/EICAR_Test_File",
    ]);
    expect(r.results).toHaveLength(allMalware().length + 1);
    for (const res of r.results) expect(r.tool.driver.rules[res.ruleIndex]?.id).toBe(res.ruleId);
    const both = run(report);
    const vulnRules = new Set(allFindings().map((f) => f.id)).size;
    expect(both.tool.driver.rules).toHaveLength(vulnRules + 3);
    expect(both.results).toHaveLength(allFindings().length + allMalware().length);
    for (const res of both.results) expect(both.tool.driver.rules[res.ruleIndex]?.id).toBe(res.ruleId);
  });

  it("describes a rule by its meta: description, help with class, pack, author and reference, tags", () => {
    const rule = ruleFor(report, "malware/default/WebShell_PHP_Request_Exec");
    expect(rule.name).toBe("WebShell_PHP_Request_Exec");
    expect(rule.shortDescription.text).toBe("PHP web shell: request input passed to code or command execution");
    expect(rule.fullDescription.text).toBe(
      "PHP web shell: request input passed to code or command execution (YARA rule WebShell_PHP_Request_Exec, default pack)",
    );
    expect(rule.helpUri).toBe("https://attack.mitre.org/techniques/T1505/003/");
    for (const line of [
      "Severity: CRITICAL",
      "Class: webshell",
      "Rule pack: default",
      "Author: Rampart",
      "Reference: https://attack.mitre.org/techniques/T1505/003/",
    ]) {
      expect(rule.help.text).toContain(line);
      expect(rule.help.markdown).toContain(`- ${line}`);
    }
    expect(rule.properties.tags).toEqual(["security", "malware", "webshell", "php"]);
    expect(ruleFor(report, "malware/default/EICAR_Test_File").properties.tags).toEqual([
      "security",
      "malware",
      "test-file",
      "test_file",
    ]);
  });

  it("maps severity to level and security-severity as for secrets", () => {
    const low: MalwareFinding = { ...eicarFile(), ruleId: "Low_Rule", severity: "low" };
    const r = malwareOnlyReport([...allMalware(), low]);
    const check = (id: string, level: string, score: string) => {
      expect(ruleFor(r, id).defaultConfiguration.level).toBe(level);
      expect(ruleFor(r, id).properties["security-severity"]).toBe(score);
      expect(resultFor(r, id).level).toBe(level);
    };
    check("malware/default/WebShell_PHP_Request_Exec", "error", "9.5");
    check("malware/default/Miner_Config_Stratum_Pool", "error", "8.0");
    check("malware/default/EICAR_Test_File", "warning", "5.5");
    check("malware/default/Low_Rule", "note", "3.0");
  });

  it("takes a rule's level from its most severe finding", () => {
    const raised: MalwareFinding = { ...eicarFile(), path: "/srv/eicar.com", severity: "high" };
    const r = malwareOnlyReport([eicarFile(), raised]);
    expect(ruleFor(r, "malware/default/EICAR_Test_File").defaultConfiguration.level).toBe("error");
    expect(ruleFor(r, "malware/default/EICAR_Test_File").properties["security-severity"]).toBe("8.0");
  });

  it("locates a finding at its file with the layer, and lists the file with its SHA-256 among the artifacts", () => {
    const res = resultAt(report, "/var/www/html/shell.php");
    const shell = phpWebShell();
    expect(res.message.text).toBe(
      "PHP web shell: request input passed to code or command execution: /var/www/html/shell.php (rule WebShell_PHP_Request_Exec)",
    );
    expect(res.locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: "var/www/html/shell.php", uriBaseId: "ROOTPATH", index: expect.any(Number) },
        },
        message: { text: "/var/www/html/shell.php" },
        properties: { layer: LAYERS.malware },
      },
    ]);
    const artifact = run(report).artifacts?.[res.locations[0]?.physicalLocation.artifactLocation.index as number];
    expect(artifact).toEqual({
      location: { uri: "var/www/html/shell.php", uriBaseId: "ROOTPATH" },
      length: 65,
      hashes: { "sha-256": shell.sha256 },
    });
    expect(res.properties).toEqual({
      severity: "critical",
      pack: "default",
      sha256: shell.sha256,
      size: 65,
      class: "webshell",
      layer: LAYERS.malware,
      hits: shell.hits,
    });
  });

  it("locates a match inside an archive at the archive, the member and both hashes in properties", () => {
    const zipped = eicarInZip();
    const res = resultAt(report, "/app/uploads/eicar.zip!eicar.com");
    expect(res.locations[0]?.physicalLocation.artifactLocation).toMatchObject({
      uri: "app/uploads/eicar.zip",
      uriBaseId: "ROOTPATH",
    });
    expect(res.locations[0]?.properties).toEqual({ layer: LAYERS.malware, member: "eicar.com" });
    expect(res.properties).toMatchObject({
      sha256: EICAR_SHA256,
      archive: "/app/uploads/eicar.zip",
      archiveSha256: zipped.archive?.archiveSha256,
      member: "eicar.com",
    });
    const artifact = run(report).artifacts?.[res.locations[0]?.physicalLocation.artifactLocation.index as number];
    expect(artifact).toEqual({
      location: { uri: "app/uploads/eicar.zip", uriBaseId: "ROOTPATH" },
      hashes: { "sha-256": zipped.archive?.archiveSha256 },
    });
  });

  it("lists each flagged file once among the artifacts, and has none without malware", () => {
    const second: MalwareFinding = { ...phpWebShell(), ruleId: "WebShell_PHP_Known_Kits" };
    const r = run(malwareOnlyReport([...allMalware(), second]));
    expect(r.artifacts?.map((a) => a.location.uri)).toEqual([
      "var/www/html/shell.php",
      "tmp/.cache/config.json",
      "app/uploads/eicar.com",
      "app/uploads/eicar.zip",
    ]);
    const shellResults = r.results.filter((x) => x.locations[0]?.message?.text === "/var/www/html/shell.php");
    expect(shellResults.map((x) => x.locations[0]?.physicalLocation.artifactLocation.index)).toEqual([0, 0]);
    // Two members of one archive: one artifact, the archive. One path in two layers with other content: two.
    const zipped = eicarInZip();
    const member2: MalwareFinding = {
      ...zipped,
      path: "/app/uploads/eicar.zip!docs/eicar.txt",
      archive: { ...(zipped.archive as NonNullable<MalwareFinding["archive"]>), member: "docs/eicar.txt" },
    };
    const replaced: MalwareFinding = { ...eicarFile(), layer: LAYERS.node, sha256: "ab".repeat(32) };
    const layered = run(malwareOnlyReport([zipped, member2, eicarFile(), replaced]));
    expect(layered.artifacts?.map((a) => [a.location.uri, a.hashes["sha-256"]])).toEqual([
      ["app/uploads/eicar.zip", zipped.archive?.archiveSha256],
      ["app/uploads/eicar.com", EICAR_SHA256],
      ["app/uploads/eicar.com", "ab".repeat(32)],
    ]);
    expect(layered.results.map((x) => x.locations[0]?.physicalLocation.artifactLocation.index)).toEqual([0, 0, 1, 2]);
    expect(run(scanReport())).not.toHaveProperty("artifacts");
    expect(run(malwareOnlyReport([]))).not.toHaveProperty("artifacts");
  });

  it("roots a directory's malware at the directory, percent-encoded, without a layer", () => {
    const { layer, ...m } = { ...minerConfig(), path: "/srv/my app/#miner.json" };
    const dir: ScanReport = { ...malwareOnlyReport([m]), source: { kind: "directory", name: "/data" } };
    const loc = malwareResults(dir)[0]?.locations[0];
    expect(run(dir).originalUriBaseIds.ROOTPATH?.uri).toBe("file:///data/");
    expect(loc?.physicalLocation.artifactLocation.uri).toBe("srv/my%20app/%23miner.json");
    expect(loc?.properties).toBeUndefined();
    expect(malwareResults(dir)[0]?.properties).not.toHaveProperty("layer");
  });

  it("fingerprints a finding by rule and path: stable across layers and content, apart by path, rule or pack", () => {
    const base = eicarFile();
    const fp = (m: MalwareFinding) => malwareResults(malwareOnlyReport([m]))[0]?.partialFingerprints;
    expect(Object.keys(fp(base) ?? {})).toEqual(["rampartMalwareHash/v1"]);
    expect(fp(base)?.["rampartMalwareHash/v1"]).toMatch(/^[0-9a-f]{32}$/);
    expect(fp({ ...base, layer: LAYERS.node, sha256: "0".repeat(64), size: 70 })).toEqual(fp(base));
    expect(fp({ ...base, path: "/app/uploads/eicar2.com" })).not.toEqual(fp(base));
    expect(fp({ ...base, ruleId: "Other_Rule" })).not.toEqual(fp(base));
    expect(fp({ ...base, pack: "rules/custom.yar" })).not.toEqual(fp(base));
    expect(fp(eicarInZip())).not.toEqual(fp(base));
  });

  it("falls back to the rule id when the rule has no description, and never writes the matched bytes", () => {
    const { description, reference, ...bare } = eicarFile();
    const r = malwareOnlyReport([bare]);
    expect(ruleFor(r, "malware/default/EICAR_Test_File").shortDescription.text).toBe(
      "Matched the malware rule EICAR_Test_File",
    );
    expect(ruleFor(r, "malware/default/EICAR_Test_File").helpUri).toBeUndefined();
    expect(ruleFor(r, "malware/default/EICAR_Test_File").help.text).not.toContain("Reference:");
    const ok = validateSarif(JSON.parse(renderSarif(r)));
    expect(ok).toBe(true);
    const text = renderSarif(report);
    // The start of the EICAR string (assembled here so this file does not hold it).
    expect(text).not.toContain(["X5O!P%@AP", "[4\\PZX54"].join(""));
  });

  it("names the scanners that ran, and the DB only when the vulnerability scanner did", () => {
    expect(run(report).properties.scanners).toEqual(["vuln", "malware"]);
    expect(run(malwareOnlyReport()).properties.dbBuiltAt).toBeUndefined();
    expect(run(malwareOnlyReport()).results).toHaveLength(allMalware().length);
    expect(sarif(report).runs[0]?.tool.driver.name).toBe("Rampart");
  });
});

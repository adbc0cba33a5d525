import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import type { Finding } from "../match/finding.js";
import { renderScanJson, SCAN_REPORT_SCHEMA_VERSION } from "./json.js";
import type { ScanReport } from "./scan-report.js";
import {
  allSecrets,
  log4shell,
  reportWithSuppressed,
  scanReport,
  secretOnlyReport,
  secretScanReport,
} from "./test-support.js";

// ajv-formats is CommonJS with a default export; under NodeNext the callable is either the module or .default.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv,
) => Ajv;
const schema = JSON.parse(readFileSync(new URL("./schema/scan-report.schema.json", import.meta.url), "utf8"));
const validate = addFormats(new Ajv({ allErrors: true, strict: true })).compile(schema);

/** log4j with every optional field a finding can carry, SSVC included. */
function fullFinding(): Finding {
  const f = log4shell();
  f.vendorSeverity = "critical";
  f.risk.ssvc = {
    tree: "CISA BOD 26-04 1.0.0",
    outcome: "3D-F",
    dueDate: "2026-08-22",
    inputs: {
      inKev: { value: true, basis: "measured", detail: "CISA KEV 2021-12-10" },
      publiclyExposed: { value: true, basis: "inferred", detail: "CVSS AV:N" },
      automatable: { value: true, basis: "inferred" },
      technicalImpact: { value: "total", basis: "inferred", detail: "CVSS C:H/I:H/A:H" },
    },
  };
  return f;
}

describe("scan report JSON", () => {
  it("is the report itself, schemaVersion first", () => {
    const report = reportWithSuppressed();
    const doc = JSON.parse(renderScanJson(report));
    expect(Object.keys(doc)[0]).toBe("schemaVersion");
    expect(doc.schemaVersion).toBe(SCAN_REPORT_SCHEMA_VERSION);
    const { schemaVersion, ...rest } = doc;
    expect(rest).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it("is the report itself with secrets too, and says which scanners ran", () => {
    const report = secretScanReport();
    const { schemaVersion, ...rest } = JSON.parse(renderScanJson(report));
    expect(rest).toEqual(JSON.parse(JSON.stringify(report)));
    expect(rest.scanners).toEqual(["vuln", "secret"]);
    expect(rest.secrets).toHaveLength(allSecrets().length);
    expect(JSON.parse(renderScanJson(scanReport())).scanners).toEqual(["vuln"]);
  });

  it("has secrets only when the secret scanner ran, and an empty list when it found nothing", () => {
    expect(JSON.parse(renderScanJson(scanReport()))).not.toHaveProperty("secrets");
    expect(JSON.parse(renderScanJson({ ...secretScanReport(), secrets: undefined })).secrets).toEqual([]);
    const only = JSON.parse(renderScanJson(secretOnlyReport()));
    expect(only.scanners).toEqual(["secret"]);
    expect(only.findings).toEqual([]);
  });

  it("orders a secret's keys as documented: rule, where, then preview and fingerprint", () => {
    const doc = JSON.parse(renderScanJson(secretScanReport()));
    expect(Object.keys(doc.secrets[0])).toEqual([
      "ruleId",
      "title",
      "severity",
      "path",
      "layer",
      "line",
      "column",
      "preview",
      "fingerprint",
      "entropy",
      "snippet",
    ]);
  });

  it("validates against our JSON Schema, with and without optional fields", () => {
    const bare = allSecrets().map(({ entropy, snippet, layer, ...required }) => required);
    for (const report of [
      scanReport([fullFinding()]),
      reportWithSuppressed(),
      scanReport([]),
      secretScanReport(),
      secretOnlyReport(),
      secretOnlyReport([]),
      secretOnlyReport(bare),
    ]) {
      const ok = validate(JSON.parse(renderScanJson(report)));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
    const dir: ScanReport = { ...scanReport(), source: { kind: "directory", name: "/srv/app" }, distro: undefined };
    expect(validate(JSON.parse(renderScanJson(dir)))).toBe(true);
  });

  it("has a schema that rejects what the report cannot hold", () => {
    const doc = JSON.parse(renderScanJson(scanReport()));
    const broken = structuredClone(doc);
    broken.findings[0].severity = "severe";
    expect(validate(broken)).toBe(false);
    const extra = structuredClone(doc);
    extra.findings[0].package.sha = "x";
    expect(validate(extra)).toBe(false);
    const missing = structuredClone(doc);
    delete missing.findings[0].risk;
    expect(validate(missing)).toBe(false);
  });

  it("has a schema that rejects a secret shown whole, a bad fingerprint or an unknown scanner", () => {
    const doc = JSON.parse(renderScanJson(secretScanReport()));
    expect(validate(doc)).toBe(true);
    const broken = (change: (d: typeof doc) => void) => {
      const d = structuredClone(doc);
      change(d);
      return validate(d);
    };
    expect(broken((d) => (d.secrets[0].preview = "ghp_0123456789abcdefghijklmnopqrstuvwxyz"))).toBe(false);
    expect(broken((d) => (d.secrets[0].fingerprint = "0123abcd"))).toBe(false);
    expect(broken((d) => (d.secrets[0].severity = "negligible"))).toBe(false);
    expect(broken((d) => (d.secrets[0].line = 0))).toBe(false);
    expect(broken((d) => (d.secrets[0].secret = "x"))).toBe(false);
    expect(broken((d) => delete d.secrets[0].fingerprint)).toBe(false);
    expect(broken((d) => (d.secrets[0].snippet = "x".repeat(201)))).toBe(false);
    expect(broken((d) => (d.scanners = ["vuln", "malware"]))).toBe(false);
    expect(broken((d) => (d.scanners = []))).toBe(false);
  });

  it("gives byte-equal output for equal reports, whatever their key order", () => {
    const report: ScanReport = { ...reportWithSuppressed(), scanners: ["vuln", "secret"], secrets: allSecrets() };
    const shuffle = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(shuffle);
      if (typeof v !== "object" || v === null) return v;
      return Object.fromEntries(
        Object.entries(v)
          .reverse()
          .map(([k, x]) => [k, shuffle(x)]),
      );
    };
    expect(renderScanJson(shuffle(report) as ScanReport)).toBe(renderScanJson(report));
  });

  it("orders a finding's keys as documented: id first, risk last", () => {
    const doc = JSON.parse(renderScanJson(scanReport([fullFinding()])));
    const keys = Object.keys(doc.findings[0]);
    expect(keys[0]).toBe("id");
    expect(keys.at(-1)).toBe("risk");
    expect(Object.keys(doc.findings[0].risk)).toEqual(["score", "why", "factors", "ssvc"]);
    expect(Object.keys(doc)).toEqual([
      "schemaVersion",
      "tool",
      "createdAt",
      "scanners",
      "source",
      "distro",
      "packageCount",
      "db",
      "findings",
      "suppressed",
      "warnings",
    ]);
    expect(Object.keys(JSON.parse(renderScanJson(secretScanReport())))).toEqual([
      "schemaVersion",
      "tool",
      "createdAt",
      "scanners",
      "source",
      "distro",
      "packageCount",
      "db",
      "findings",
      "secrets",
      "suppressed",
      "warnings",
    ]);
  });
});

import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import type { Finding } from "../match/finding.js";
import { renderScanJson, SCAN_REPORT_SCHEMA_VERSION } from "./json.js";
import type { ScanReport } from "./scan-report.js";
import {
  allMalware,
  allSecrets,
  EICAR_SHA256,
  eicarInZip,
  log4shell,
  malwareOnlyReport,
  malwareScanReport,
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
    expect(broken((d) => (d.scanners = ["vuln", "misconfig"]))).toBe(false);
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

describe("scan report JSON with malware", () => {
  it("is the report itself with malware too, and says which scanners ran", () => {
    const report = malwareScanReport();
    const { schemaVersion, ...rest } = JSON.parse(renderScanJson(report));
    expect(rest).toEqual(JSON.parse(JSON.stringify(report)));
    expect(rest.scanners).toEqual(["vuln", "malware"]);
    expect(rest.malware).toHaveLength(allMalware().length);
    expect(rest.malware.map((m: { path: string }) => m.path)).toEqual(allMalware().map((m) => m.path));
  });

  it("has malware only when the malware scanner ran, and an empty list when it found nothing", () => {
    expect(JSON.parse(renderScanJson(scanReport()))).not.toHaveProperty("malware");
    expect(JSON.parse(renderScanJson(secretScanReport()))).not.toHaveProperty("malware");
    expect(JSON.parse(renderScanJson({ ...malwareScanReport(), malware: undefined })).malware).toEqual([]);
    const only = JSON.parse(renderScanJson(malwareOnlyReport()));
    expect(only.scanners).toEqual(["malware"]);
    expect(only.findings).toEqual([]);
    expect(only).not.toHaveProperty("secrets");
  });

  it("puts malware after secrets and orders a finding's keys: rule, where, what, then meta and hits", () => {
    const all: ScanReport = {
      ...secretScanReport(),
      scanners: ["vuln", "secret", "malware"],
      malware: allMalware(),
    };
    const doc = JSON.parse(renderScanJson(all));
    expect(Object.keys(doc).slice(-4)).toEqual(["secrets", "malware", "suppressed", "warnings"]);
    const zipped = doc.malware.find((m: { archive?: unknown }) => m.archive);
    expect(Object.keys(zipped)).toEqual([
      "ruleId",
      "pack",
      "severity",
      "class",
      "description",
      "author",
      "reference",
      "tags",
      "path",
      "layer",
      "archive",
      "sha256",
      "size",
      "meta",
      "hits",
    ]);
    expect(Object.keys(zipped.archive)).toEqual(["archive", "archiveSha256", "member"]);
    expect(Object.keys(zipped.hits[0])).toEqual(["identifier", "offset", "length"]);
    expect(Object.keys(zipped.meta)).toEqual(["author", "class", "description", "reference", "severity"]);
    expect(zipped).toMatchObject({ path: "/app/uploads/eicar.zip!eicar.com", sha256: EICAR_SHA256 });
  });

  it("gives byte-equal output for equal malware findings, whatever their key order", () => {
    const m = eicarInZip();
    const reversed = Object.fromEntries(Object.entries(m).reverse()) as typeof m;
    reversed.meta = Object.fromEntries(Object.entries(m.meta).reverse());
    reversed.archive = Object.fromEntries(Object.entries(m.archive ?? {}).reverse()) as typeof m.archive;
    expect(renderScanJson(malwareOnlyReport([reversed]))).toBe(renderScanJson(malwareOnlyReport([m])));
  });

  it("validates against our JSON Schema, with and without optional fields", () => {
    const bare = allMalware().map(({ description, class: _class, author, reference, layer, archive, ...required }) => ({
      ...required,
      tags: [],
      meta: {},
      hits: [],
    }));
    const meta = { ...eicarInZip(), meta: { ...eicarInZip().meta, score: 80, private: false } };
    const everything: ScanReport = {
      ...secretScanReport(),
      scanners: ["vuln", "secret", "malware"],
      malware: allMalware(),
    };
    for (const report of [
      malwareScanReport(),
      malwareOnlyReport(),
      malwareOnlyReport([]),
      malwareOnlyReport(bare),
      malwareOnlyReport([meta]),
      everything,
    ]) {
      const ok = validate(JSON.parse(renderScanJson(report)));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it("has a schema that rejects a bad hash, an unknown severity, a missing rule or the matched bytes", () => {
    const doc = JSON.parse(renderScanJson(malwareOnlyReport()));
    expect(validate(doc)).toBe(true);
    const zipped = doc.malware.findIndex((m: { archive?: unknown }) => m.archive);
    const broken = (change: (d: typeof doc) => void) => {
      const d = structuredClone(doc);
      change(d);
      return validate(d);
    };
    expect(broken((d) => (d.malware[0].sha256 = `sha256:${EICAR_SHA256}`))).toBe(false);
    expect(broken((d) => (d.malware[0].sha256 = EICAR_SHA256.toUpperCase()))).toBe(false);
    expect(broken((d) => (d.malware[zipped].archive.archiveSha256 = "abc"))).toBe(false);
    expect(broken((d) => delete d.malware[zipped].archive.member)).toBe(false);
    expect(broken((d) => (d.malware[0].severity = "negligible"))).toBe(false);
    expect(broken((d) => delete d.malware[0].ruleId)).toBe(false);
    expect(broken((d) => delete d.malware[0].sha256)).toBe(false);
    expect(broken((d) => (d.malware[0].hits[0].data = "3c3f"))).toBe(false);
    expect(broken((d) => (d.malware[0].hits[0].offset = -1))).toBe(false);
    expect(broken((d) => (d.malware[0].meta.nested = { a: 1 }))).toBe(false);
    expect(broken((d) => (d.malware[0].size = 1.5))).toBe(false);
    expect(broken((d) => (d.malware[0].content = "x"))).toBe(false);
  });
});

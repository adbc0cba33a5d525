import { mkdtemp, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rampart } from "./fixtures/cli.js";
import { testdata } from "./fixtures/testdata.js";
import { FEEDS, vulnDbDir } from "./fixtures/vulndb.js";

interface JsonFinding {
  id: string;
  aliases: string[];
  severity: string;
  fixState: string;
  package: { name: string; version: string; type: string; purl: string };
  risk: { score: number; why: string };
}

let dir: string;
let env: NodeJS.ProcessEnv;
let image: string;
let baseline: { findings: JsonFinding[]; suppressed: unknown[]; warnings: string[] };

const scan = (args: string[]) => rampart(["scan", image, "--cache-dir", join(dir, "cache"), ...args], env);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rampart-scan-"));
  env = { RAMPART_DB_DIR: vulnDbDir() };
  image = testdata("images/vuln-app-1.0.docker.tar");
  const r = await scan(["-f", "json"]);
  expect(r.code, r.stderr).toBe(0);
  baseline = JSON.parse(r.stdout);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("rampart scan", () => {
  it("ranks by risk: Log4Shell (KEV, ransomware, EPSS 1.0) first, scores never rising down the list", () => {
    const f = baseline.findings;
    expect(f.length).toBeGreaterThan(100);
    expect(f[0]).toMatchObject({ id: "CVE-2021-44228", package: { name: "log4j-core", version: "2.14.1" } });
    expect(f[0]?.risk.why).toMatch(/^KEV since 2021-12-10 \(ransomware\) · EPSS 1\.00/);
    for (let i = 1; i < f.length; i++) expect(f[i]?.risk.score).toBeLessThanOrEqual(f[i - 1]?.risk.score as number);
    // Aliases are folded: the GHSA of Log4Shell is not a second finding.
    expect(
      f.filter(
        (x) =>
          x.package.name === "log4j-core" &&
          x.package.version === "2.14.1" &&
          x.aliases.includes("GHSA-jfh8-c2jp-5v3q"),
      ),
    ).toHaveLength(1);
    expect(f.some((x) => x.id === "GHSA-jfh8-c2jp-5v3q")).toBe(false);
    // Unfixed issues are reported as such, not dropped.
    expect(f.some((x) => x.fixState === "not-fixed")).toBe(true);
  });

  it("leaves Debian's own python3-yaml (PyYAML 5.3.1, patched by Debian) to Debian's advisories", () => {
    const pyyaml = baseline.findings.filter((x) => x.package.type === "pypi" && x.package.name === "PyYAML");
    expect(new Set(pyyaml.map((x) => x.package.version))).toEqual(new Set(["5.1"]));
  });

  it("prints a table with the columns a Trivy or Grype user expects", async () => {
    const r = await scan(["-q"]);
    expect(r.code).toBe(0);
    const header = r.stdout.split("\n").find((l) => l.startsWith("PACKAGE"));
    expect(header?.split(/\s{2,}/)).toEqual([
      "PACKAGE",
      "INSTALLED",
      "FIXED",
      "ID",
      "SEVERITY",
      "EPSS",
      "KEV",
      "RISK",
      "WHY",
    ]);
    expect(r.stdout).toMatch(/log4j-core\s+2\.14\.1\s+2\.15\.0\s+CVE-2021-44228\s+CRITICAL/);
  });

  it("writes SARIF, CycloneDX and JUnit with one entry per finding", async () => {
    const n = baseline.findings.length;
    const sarif = JSON.parse((await scan(["-f", "sarif"])).stdout);
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].results).toHaveLength(n);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toMatch(/log4j-core/);
    const cdx = JSON.parse((await scan(["-f", "cyclonedx"])).stdout);
    expect(cdx.specVersion).toBe("1.6");
    const affects = cdx.vulnerabilities.reduce((s: number, v: { affects: unknown[] }) => s + v.affects.length, 0);
    expect(affects).toBe(n);
    const out = join(dir, "junit.xml");
    expect((await scan(["-f", "junit", "-o", out])).code).toBe(0);
    const xml = new XMLParser({ ignoreAttributes: false }).parse(await readFile(out, "utf8"));
    expect(Number(xml.testsuites.testsuite["@_failures"])).toBe(n);
  });

  it("filters by severity and fix availability", async () => {
    const crit = JSON.parse((await scan(["-f", "json", "--severity", "critical,HIGH"])).stdout)
      .findings as JsonFinding[];
    expect(new Set(crit.map((f) => f.severity))).toEqual(new Set(["critical", "high"]));
    expect(crit.length).toBe(
      baseline.findings.filter((f) => f.severity === "critical" || f.severity === "high").length,
    );
    const fixed = JSON.parse((await scan(["-f", "json", "--ignore-unfixed"])).stdout).findings as JsonFinding[];
    expect(fixed.every((f) => f.fixState === "fixed")).toBe(true);
    expect(fixed.length).toBe(baseline.findings.filter((f) => f.fixState === "fixed").length);
  });

  it("exits 3 when findings cross --fail-on / --fail-on-count, 0 below, and 2 on a bad value", async () => {
    const criticals = baseline.findings.filter((f) => f.severity === "critical").length;
    expect((await scan(["-q", "--fail-on", "critical"])).code).toBe(3);
    expect((await scan(["-q", "--fail-on", "critical", "--fail-on-count", String(criticals)])).code).toBe(3);
    expect((await scan(["-q", "--fail-on", "critical", "--fail-on-count", String(criticals + 1)])).code).toBe(0);
    expect((await scan(["-q", "--fail-on-count", String(baseline.findings.length + 1)])).code).toBe(0);
    const bad = await scan(["--fail-on", "severe"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--fail-on: unknown severity severe/);
  });

  it("applies an ignore file with expiry and reason, and warns about rules that match nothing or expired", async () => {
    const file = join(dir, "ignore.yaml");
    await writeFile(
      file,
      [
        "vulnerabilities:",
        "  - id: CVE-2021-44228",
        "    reason: log4j-core 2.14.1 is a planted test jar",
        "    expires: 2099-01-01",
        "  - id: CVE-2022-42889",
        "    reason: expired acceptance",
        "    expires: 2020-01-01",
        "  - id: CVE-1999-0001",
        "    reason: not in this image",
        "",
      ].join("\n"),
    );
    const r = await scan(["-f", "json", "--ignore-file", file]);
    const rep = JSON.parse(r.stdout);
    expect(rep.findings.some((f: JsonFinding) => f.id === "CVE-2021-44228")).toBe(false);
    expect(rep.findings.some((f: JsonFinding) => f.id === "CVE-2022-42889")).toBe(true);
    expect(rep.suppressed.map((s: { finding: JsonFinding; by: string }) => `${s.by} ${s.finding.id}`)).toEqual([
      "ignore-file CVE-2021-44228",
    ]);
    expect(r.stderr).toMatch(/CVE-2022-42889.*expired on 2020-01-01/);
    expect(r.stderr).toMatch(/CVE-1999-0001.*matched no finding|CVE-1999-0001.*matched nothing/);
  });

  it("applies OpenVEX not_affected statements and warns about a statement that matches nothing", async () => {
    const vex = join(dir, "app.openvex.json");
    await writeFile(
      vex,
      JSON.stringify({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": "https://example.com/vex/1",
        author: "platform team",
        timestamp: "2026-11-01T00:00:00Z",
        version: 1,
        statements: [
          {
            vulnerability: { name: "CVE-2022-42889" },
            products: [{ "@id": "pkg:maven/org.apache.commons/commons-text@1.9" }],
            status: "not_affected",
            justification: "vulnerable_code_not_in_execute_path",
          },
          {
            vulnerability: { name: "CVE-2000-0001" },
            products: [{ "@id": "pkg:npm/left-pad@1.0.0" }],
            status: "not_affected",
            justification: "component_not_present",
          },
        ],
      }),
    );
    const r = await scan(["-f", "json", "--vex", vex]);
    const rep = JSON.parse(r.stdout);
    expect(rep.findings.some((f: JsonFinding) => f.id === "CVE-2022-42889")).toBe(false);
    expect(rep.suppressed.map((s: { finding: JsonFinding; by: string }) => `${s.by} ${s.finding.id}`)).toEqual([
      "vex CVE-2022-42889",
    ]);
    expect(r.stderr).toMatch(/CVE-2000-0001.*app\.openvex\.json/);
  });

  it("scans an SBOM file to the same findings as the image it describes", async () => {
    const bom = join(dir, "vuln-app.cdx.json");
    expect((await rampart(["sbom", image, "-f", "cyclonedx", "-o", bom, "--cache-dir", join(dir, "cache")])).code).toBe(
      0,
    );
    const r = await rampart(["scan", bom, "-f", "json"], env);
    expect(r.code, r.stderr).toBe(0);
    const key = (f: JsonFinding) => `${f.package.purl} ${f.id}`;
    expect(new Set(JSON.parse(r.stdout).findings.map(key))).toEqual(new Set(baseline.findings.map(key)));
  });

  it("an SBOM with garbage purls: warnings, the good packages still matched, no crash", async () => {
    const bom = join(dir, "garbage.cdx.json");
    await writeFile(
      bom,
      JSON.stringify({
        bomFormat: "CycloneDX",
        specVersion: "1.6",
        version: 1,
        components: [
          { type: "library", name: "lodash", version: "4.17.15", purl: "pkg:npm/lodash@4.17.15" },
          { type: "library", name: "x", version: "1", purl: "pkg:::not a purl" },
          { type: "library", name: "y", version: "\u0000", purl: "pkg:npm/%zz@\u0000" },
        ],
      }),
    );
    const r = await rampart(["scan", bom, "-f", "json"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: .*purl/i);
    const ids = JSON.parse(r.stdout).findings.map((f: JsonFinding) => `${f.package.name} ${f.id}`);
    expect(ids).toContain("lodash CVE-2021-23337");
    // A purl that is not even a string breaks the format: refused whole, with where.
    const wrong = join(dir, "wrong.cdx.json");
    await writeFile(
      wrong,
      JSON.stringify({
        bomFormat: "CycloneDX",
        specVersion: "1.6",
        components: [{ type: "library", name: "z", purl: 42 }],
      }),
    );
    const w = await rampart(["scan", wrong, "-f", "json"], env);
    expect(w.code).toBe(1);
    expect(w.stderr).toMatch(/components\[0\]\.purl must be a string/);
    expect(w.stdout).toBe("");
  });

  it("without a DB: a clear error and exit 1", async () => {
    const r = await rampart(["scan", image], { RAMPART_DB_DIR: join(dir, "no-db") });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no vulnerability DB at .*run `rampart db update`/);
  });
});

describe("rampart scan --scanners secret", () => {
  // The planted secrets of the test image's secrets layer (test/setup/layers.sh): fake, but whole values.
  const WHOLE = ["Sup3rS3cretPassw0rd", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"];

  it("finds the planted secrets, with file, line and layer, masked in every format", async () => {
    const outputs: Record<string, string> = {};
    for (const f of ["table", "json", "sarif", "cyclonedx", "junit"]) {
      const r = await scan(["-f", f, "--scanners", "vuln,secret", "-q"]);
      expect(r.code, r.stderr).toBe(0);
      outputs[f] = r.stdout + r.stderr;
    }
    for (const [f, text] of Object.entries(outputs))
      for (const w of WHOLE) expect(text.includes(w), `${f} leaks ${w}`).toBe(false);
    const rep = JSON.parse(outputs.json as string);
    expect(rep.scanners).toEqual(["vuln", "secret"]);
    const hits = rep.secrets.map(
      (s: { ruleId: string; path: string; line: number }) => `${s.ruleId} ${s.path}:${s.line}`,
    );
    expect(hits).toEqual(
      expect.arrayContaining([
        "postgres-url-password /app/config/.env:1",
        "stripe-live-secret-key /app/config/.env:3",
        "rsa-private-key /root/.ssh/id_rsa:2",
      ]),
    );
    expect(rep.findings.length).toBe(baseline.findings.length);
    const sarif = JSON.parse(outputs.sarif as string);
    const stripe = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === "stripe-live-secret-key");
    expect(stripe.locations[0].physicalLocation).toMatchObject({
      artifactLocation: { uri: "app/config/.env" },
      region: { startLine: 3 },
    });
  });

  it("counts secrets in --fail-on, needs files (not an SBOM), and needs no vulnerability DB", async () => {
    expect((await scan(["-q", "--scanners", "secret", "--fail-on", "critical"])).code).toBe(3);
    const noDb = await rampart(["scan", image, "--scanners", "secret", "-f", "json", "-q"], {
      RAMPART_DB_DIR: join(dir, "none"),
    });
    expect(noDb.code, noDb.stderr).toBe(0);
    expect(JSON.parse(noDb.stdout).db).toBeUndefined();
    const bom = join(dir, "for-secrets.cdx.json");
    await writeFile(bom, JSON.stringify({ bomFormat: "CycloneDX", specVersion: "1.6", components: [] }));
    const r = await rampart(["scan", bom, "--scanners", "secret"], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is an SBOM: .*no files to scan for secrets/);
  });
});

describe("rampart db", () => {
  it("status prints each feed's freshness, counts and the schema version", async () => {
    const r = await rampart(["db", "status"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Schema version 1/);
    expect(r.stdout).toMatch(/osv:Debian\s+14083\s+2025-02-12/);
    expect(r.stdout).toMatch(/epss\s+360142\s+2026-08-16/);
    const json = JSON.parse((await rampart(["db", "status", "-f", "json", "--verify"], env)).stdout);
    expect(json.problems).toEqual([]);
    expect(json.feeds.find((f: { name: string }) => f.name === "kev").records).toBe(1404);
  });

  it("update from a mirror, export, import elsewhere; a truncated archive is refused and the DB kept", async () => {
    const a = join(dir, "db-a");
    const up = await rampart(["db", "update", "--from", FEEDS, "--ecosystem", "npm", "--db-dir", a]);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toMatch(/osv:npm: full, 345 records/);
    const archive = join(dir, "db.tar.gz");
    expect((await rampart(["db", "export", archive, "--db-dir", a])).code).toBe(0);
    const b = join(dir, "db-b");
    expect((await rampart(["db", "import", archive, "--db-dir", b])).code).toBe(0);
    const statusB = await rampart(["db", "status", "--db-dir", b]);
    expect(statusB.stdout).toMatch(/osv:npm\s+345/);
    await truncate(archive, Math.floor((await stat(archive)).size / 3));
    const bad = await rampart(["db", "import", archive, "--db-dir", b]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/not a readable DB archive/);
    expect((await rampart(["db", "status", "--db-dir", b])).stdout).toBe(statusB.stdout);
  });

  it("update with no network fails fast with a clear message", async () => {
    // A port nothing listens on: take a free one from the kernel and close it again.
    const port = await new Promise<number>((ok) => {
      const srv = createServer().listen(0, "127.0.0.1", () => {
        const p = (srv.address() as AddressInfo).port;
        srv.close(() => ok(p));
      });
    });
    const started = Date.now();
    const r = await rampart(["db", "update", "--from", `http://127.0.0.1:${port}/`, "--db-dir", join(dir, "db-c")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}/.*ECONNREFUSED.*--from DIR`));
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

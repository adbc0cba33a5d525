import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rampart } from "./fixtures/cli.js";
import { testdata } from "./fixtures/testdata.js";

/** `rampart scan … --scanners posture` as users run it: the built bundle, real root filesystems and manifests. */

const POSTURE = resolve(import.meta.dirname, "../packages/engine/src/posture");
const MANIFESTS_BAD = join(POSTURE, "collectors/kubernetes/testdata/bad");
const MANIFESTS_GOOD = join(POSTURE, "collectors/kubernetes/testdata/good");
// ajv-formats is CommonJS with a default export: the function is .default under NodeNext.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  a: Ajv,
) => Ajv;
const schema = JSON.parse(
  readFileSync(resolve(import.meta.dirname, "../packages/engine/src/report/schema/scan-report.schema.json"), "utf8"),
);

interface SarifRule {
  id: string;
  properties: { status: string; frameworks: Record<string, string[]>; platform: string };
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }>;
}
interface JsonControl {
  id: string;
  status: string;
  platform: string;
  severity: string;
  violations: Array<{ subject: string; evidence: string[] }>;
  frameworks: Record<string, string[]>;
}
interface JsonReport {
  scanners: string[];
  posture: {
    platforms: string[];
    summary: Record<string, number>;
    controls: JsonControl[];
    frameworks: Array<{ id: string; score?: number; requirements: Array<{ id: string; status: string }> }>;
  };
}

let dir: string;
let rootfs: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rampart-posture-cli-"));
  rootfs = testdata("rootfs-bookworm");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const scan = (target: string, args: string[]) => rampart(["scan", target, "--scanners", "posture", ...args]);

describe("rampart scan --scanners posture", () => {
  it("checks a Debian root filesystem: every Linux control evaluated, valid JSON, failures with evidence", async () => {
    const r = await scan(rootfs, ["-f", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as JsonReport;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    expect(ajv.validate(schema, report), JSON.stringify(ajv.errors?.slice(0, 3))).toBe(true);
    expect(report.scanners).toEqual(["posture"]);
    expect(report.posture.platforms).toContain("linux");
    const linux = report.posture.controls.filter((c) => c.platform === "linux");
    expect(linux.length).toBeGreaterThanOrEqual(80);
    expect(report.posture.summary.error).toBe(0);
    // A debootstrapped root has no password policy, no audit daemon and no firewall: real failures.
    const failed = linux.filter((c) => c.status === "fail");
    expect(failed.length).toBeGreaterThan(10);
    for (const c of failed) expect(c.violations.length, c.id).toBeGreaterThan(0);
    // Kubernetes and Docker controls have nothing to read in a root filesystem.
    for (const c of report.posture.controls.filter((x) => x.platform === "kubernetes"))
      expect(c.status, c.id).toBe("not-applicable");
    const cis = report.posture.frameworks.find((f) => f.id === "cis");
    expect(cis?.score).toBeGreaterThan(0);
    expect(cis?.score).toBeLessThan(100);
  });

  it("SARIF lists every control evaluated as a rule with its frameworks, and a result per failure", async () => {
    const [sarif, json] = await Promise.all([scan(rootfs, ["-f", "sarif"]), scan(rootfs, ["-f", "json"])]);
    expect(sarif.code, sarif.stderr).toBe(0);
    const run = JSON.parse(sarif.stdout).runs[0];
    const rules = run.tool.driver.rules as SarifRule[];
    const controls = (JSON.parse(json.stdout) as JsonReport).posture.controls;
    expect(rules.map((x) => x.id).sort()).toEqual(controls.map((c) => `posture/${c.id}`).sort());
    for (const rule of rules) {
      const c = controls.find((x) => `posture/${x.id}` === rule.id) as JsonControl;
      expect(rule.properties.status).toBe(c.status);
      expect(Object.keys(rule.properties.frameworks).sort()).toEqual(Object.keys(c.frameworks).sort());
    }
    expect(rules.some((x) => Object.keys(x.properties.frameworks).includes("pci"))).toBe(true);
    const results = run.results as SarifResult[];
    const violations = controls.reduce((n, c) => n + c.violations.length, 0);
    expect(results).toHaveLength(violations);
    for (const res of results) expect(rules[res.ruleIndex]?.id).toBe(res.ruleId);
  });

  it("--framework keeps only the controls mapped to it and reports its score; JUnit has a case per control", async () => {
    const r = await scan(rootfs, ["-f", "json", "--framework", "pci"]);
    expect(r.code, r.stderr).toBe(0);
    const p = (JSON.parse(r.stdout) as JsonReport).posture;
    expect(p.frameworks.map((f) => f.id)).toEqual(["pci"]);
    for (const c of p.controls) expect(Object.keys(c.frameworks), c.id).toContain("pci");
    const junit = await scan(rootfs, ["-f", "junit", "--framework", "pci"]);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(junit.stdout);
    const cases = [doc.testsuites.testsuite.testcase].flat();
    expect(cases.length).toBe(p.controls.length);
    expect(Number(doc.testsuites["@_failures"])).toBe(p.controls.filter((c) => c.status === "fail").length);
  });

  it("Kubernetes manifests: the bad app fails pod security controls at file and line; the good one does not", async () => {
    const bad = await scan(MANIFESTS_BAD, ["-f", "sarif"]);
    expect(bad.code, bad.stderr).toBe(0);
    const run = JSON.parse(bad.stdout).runs[0];
    const results = run.results as SarifResult[];
    const failedRules = new Set(results.map((x) => x.ruleId));
    expect(
      failedRules.has("posture/k8s-privileged-container") || [...failedRules].some((id) => id.includes("privileged")),
    ).toBe(true);
    const located = results.filter((x) => x.locations[0]?.physicalLocation.region?.startLine);
    expect(located.length).toBeGreaterThan(0);
    const good = await scan(MANIFESTS_GOOD, ["-f", "json"]);
    expect(good.code, good.stderr).toBe(0);
    const goodControls = (JSON.parse(good.stdout) as JsonReport).posture.controls.filter(
      (c) => c.platform === "kubernetes",
    );
    expect(goodControls.filter((c) => c.status === "fail").map((c) => c.id)).toEqual([]);
    expect(goodControls.filter((c) => c.status === "pass").length).toBeGreaterThan(20);
  });

  it("--fail-on high exits 3 when a high control fails; the table shows the failures and the scores", async () => {
    const r = await scan(MANIFESTS_BAD, ["--fail-on", "high"]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain("Posture");
    expect(r.stdout).toMatch(/Controls: \d+ \(pass: \d+, fail: [1-9]/);
    expect(r.stdout).toMatch(/PCI DSS v4\.0: [\d.]+%/);
  });

  it("CycloneDX carries only the posture counts and scores (a failed control is not a component's vulnerability)", async () => {
    const [bom, json] = await Promise.all([
      scan(MANIFESTS_BAD, ["-f", "cyclonedx"]),
      scan(MANIFESTS_BAD, ["-f", "json"]),
    ]);
    expect(bom.code, bom.stderr).toBe(0);
    const props = Object.fromEntries(
      (JSON.parse(bom.stdout).metadata.properties as Array<{ name: string; value: string }>).map((p) => [
        p.name,
        p.value,
      ]),
    );
    const p = (JSON.parse(json.stdout) as JsonReport).posture;
    expect(props["rampart:posture:fail"]).toBe(String(p.summary.fail));
    expect(props["rampart:posture:pci:score"]).toBe(String(p.frameworks.find((f) => f.id === "pci")?.score));
    expect(JSON.parse(bom.stdout).vulnerabilities).toBeUndefined();
  });

  it("your own controls in the same format: added, overriding, disabling; --disable-control", async () => {
    const mine = join(dir, "mine.yaml");
    await writeFile(
      mine,
      `version: 1
controls:
  - id: org-no-debug-sshd
    title: Our rule - the sshd banner file exists
    platform: linux
    severity: medium
    rationale: Company policy.
    remediation: Create /etc/issue.net.
    input: files
    check: "false"
    evidence: '"always fails: a test control"'
    frameworks: { soc2: ["CC6.1"] }
`,
    );
    const r = await scan(rootfs, ["-f", "json", "--posture-controls", mine]);
    expect(r.code, r.stderr).toBe(0);
    const controls = (JSON.parse(r.stdout) as JsonReport).posture.controls;
    const own = controls.find((c) => c.id === "org-no-debug-sshd");
    expect(own?.status).toBe("fail");
    const someId = controls.find((c) => c.platform === "linux" && c.id !== "org-no-debug-sshd")?.id as string;
    const off = await scan(rootfs, ["-f", "json", "--disable-control", someId]);
    expect((JSON.parse(off.stdout) as JsonReport).posture.controls.map((c) => c.id)).not.toContain(someId);
  });

  it("a broken control file is a clear error naming file, line and control, exit 1 and nothing written", async () => {
    const broken = join(dir, "broken.yaml");
    await writeFile(
      broken,
      "version: 1\ncontrols:\n  - id: broken-one\n    title: t\n    platform: linux\n    severity: high\n    rationale: r\n    remediation: r\n    input: files\n    check: 'files.x =='\n",
    );
    const out = join(dir, "never.json");
    const r = await scan(rootfs, ["-f", "json", "-o", out, "--posture-controls", broken]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("broken.yaml:3");
    expect(r.stderr).toContain("broken-one");
    await expect(stat(out)).rejects.toThrow();
    const unknown = await scan(rootfs, ["--framework", "iso27001"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown framework");
    const needsPosture = await rampart(["scan", rootfs, "--framework", "pci"]);
    expect(needsPosture.code).toBe(2);
  });

  it("a cluster (k8s://) is read for posture only, through a kubeconfig", async () => {
    const vuln = await rampart(["scan", "k8s://lab", "--scanners", "vuln,posture"]);
    expect(vuln.code).toBe(2);
    expect(vuln.stderr).toContain("only --scanners posture");
    const missing = await scan("k8s://lab", ["--kubeconfig", join(dir, "no-such-kubeconfig")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("cannot read the kubeconfig");
  });

  it("an SBOM has no configuration: posture on it is refused", async () => {
    const sbom = join(dir, "empty.cdx.json");
    await writeFile(sbom, JSON.stringify({ bomFormat: "CycloneDX", specVersion: "1.6", version: 1, components: [] }));
    const r = await scan(sbom, []);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("SBOM");
    expect(await readFile(sbom, "utf8")).toContain("CycloneDX");
  });
});

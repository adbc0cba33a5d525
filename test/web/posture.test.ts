// Compliance posture in a real browser against the built console. Two targets are scanned with the posture
// scanner the ways users do it: the vuln-app image archive uploaded with scanners vuln+posture (its config and
// build history against the Dockerfile controls), and a host reported by a simulated sensor whose posture
// document is what `rampart scan <rootfs> --scanners posture` gives for the debootstrapped Debian root (the
// Linux controls). The expected figures come from the CLI's own documents, never from the UI's code: the
// estate's framework scores and the targets on the Posture page, a scan's framework view and controls
// (filtered by status, severity, platform; a failing control expanded to its remediation and evidence), the
// dashboard's counts and score, posture findings on the Findings page, the new-scan form, and a read-only
// user. Screenshots go to test-results/screenshots.
import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { screenshot } from "../fixtures/browser.js";
import { rampart } from "../fixtures/cli.js";
import { scanDone } from "../fixtures/console-process.js";
import { testdata } from "../fixtures/testdata.js";
import { startWebHarness, type WebHarness } from "../fixtures/web-harness.js";

const WAIT = { timeout: 15_000 };
const IMAGE = "lab/vuln-app:1.0";
const HOST = "web-1";

interface Control {
  id: string;
  title: string;
  platform: string;
  severity: string;
  status: "pass" | "fail" | "not-applicable" | "error";
  remediation: string;
  violations: { subject: string; evidence: string[]; location?: { path: string; line?: number } }[];
  frameworks: Record<string, string[]>;
}
interface Framework {
  id: string;
  passed: number;
  failed: number;
  notApplicable: number;
  score?: number;
  requirements: { id: string; status: string; controls: string[] }[];
}
interface PostureDoc {
  summary: Record<string, number>;
  controls: Control[];
  frameworks: Framework[];
}

/** The posture document the CLI writes for a target (what a sensor on that host would upload). */
async function cliPosture(target: string): Promise<PostureDoc> {
  const r = await rampart(["scan", target, "--scanners", "posture", "--format", "json"]);
  if (r.code !== 0) throw new Error(`rampart scan ${target}: ${r.code} ${r.stderr}`);
  const doc = JSON.parse(r.stdout).posture as PostureDoc & { warnings?: string[] };
  if (!doc) throw new Error(`rampart scan ${target}: no posture document`);
  return doc;
}

const scoreText = (score: number | undefined) => (score === undefined ? "—" : `${score} %`);
const fw = (d: PostureDoc, id: string) => d.frameworks.find((f) => f.id === id) as Framework;

describe("the posture pages", () => {
  let h: WebHarness;
  let page: Page;
  let imageScan: string;
  let hostScan: string;
  let image: PostureDoc;
  let host: PostureDoc;

  const nav = (name: string) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name });
  const api = async (path: string) => {
    const r = await h.admin.call("GET", path);
    expect(r.status).toBe(200);
    return r.body;
  };

  beforeAll(async () => {
    h = await startWebHarness();
    page = await h.signedIn();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("says how to run a posture scan while there is none", async () => {
    await page.getByTestId("posture-empty").waitFor(WAIT);
    expect(await page.getByTestId("posture-empty").textContent()).toContain("rampart scan host --scanners posture");
    await nav("Posture").click();
    await page.getByRole("heading", { name: "Posture", level: 1 }).waitFor();
    const empty = page.getByTestId("posture-empty");
    await empty.waitFor(WAIT);
    expect(await empty.textContent()).toContain("Scan a host with the posture scanner");
    expect(await empty.getByRole("link", { name: "Scans" }).getAttribute("href")).toBe("/scans");
    await screenshot(page, "posture-empty");
  });

  it("seeds an image scan and a host scan with the posture scanner", async () => {
    // The console's own evaluation of the image and what the CLI gives for the same archive must agree.
    [image, host] = await Promise.all([
      cliPosture(testdata("images", "vuln-app-1.0.docker.tar")),
      cliPosture(testdata("rootfs-bookworm")),
    ]);
    imageScan = (await h.scanImage(IMAGE, ["vuln", "posture"])).id;
    const [sim] = await h.sensors([HOST]);
    hostScan = randomUUID();
    const target = { kind: "host", ref: HOST };
    const { warnings: _, ...content } = host as PostureDoc & { warnings?: string[] };
    expect((await sim?.upload(randomUUID(), { scanId: hostScan, kind: "posture", content, target }))?.status).toBe(200);
    expect((await sim?.upload(randomUUID(), { scanId: hostScan, kind: "done", content: {}, target }))?.status).toBe(
      200,
    );
    expect((await scanDone(h.admin, hostScan)).state).toBe("complete");
    const stored = (await api(`/scans/${imageScan}/posture`)) as PostureDoc;
    expect(stored.summary).toEqual(image.summary);
    // Something to show: both targets fail some controls and pass others.
    expect(image.summary.fail).toBeGreaterThan(0);
    expect(host.summary.fail).toBeGreaterThan(image.summary.fail as number);
    expect(host.summary.pass).toBeGreaterThan(0);
  }, 300_000);

  it("shows the estate's framework scores and each target with its controls and score", async () => {
    // The page was left showing the empty state: load it again, as a user coming back would.
    await page.goto(`${h.console.url}/posture`);
    await page.getByRole("heading", { name: "Posture", level: 1 }).waitFor();
    await page.getByRole("heading", { name: /Estate score by framework/ }).waitFor(WAIT);
    // Each framework summed over both targets, as the CLI's two documents add up.
    for (const id of ["cis", "pci", "nist"]) {
      const passed = fw(image, id).passed + fw(host, id).passed;
      const failed = fw(image, id).failed + fw(host, id).failed;
      const score = passed + failed > 0 ? Math.round((passed / (passed + failed)) * 1000) / 10 : undefined;
      const card = page.getByTestId(`framework-${id}`);
      expect(await card.getByTestId(`framework-${id}-score`).textContent()).toBe(scoreText(score));
      expect(await card.textContent()).toContain(`${passed} passed · ${failed} failed`);
    }
    expect(await page.getByTestId("framework-cis").getAttribute("aria-pressed")).toBe("true");

    const rows = page.locator("table.posture-targets tbody tr");
    expect(await rows.count()).toBe(2);
    for (const [scan, ref, doc] of [
      [imageScan, IMAGE, image],
      [hostScan, HOST, host],
    ] as const) {
      const row = page.getByTestId(`posture-target-${scan}`);
      expect(await row.getByRole("link").textContent()).toBe(ref);
      expect(await row.getByTestId("pass").textContent()).toBe(String(doc.summary.pass ?? 0));
      expect(await row.getByTestId("fail").textContent()).toBe(String(doc.summary.fail ?? 0));
      expect(await row.getByTestId("not-applicable").textContent()).toBe(String(doc.summary["not-applicable"] ?? 0));
      expect(await row.getByTestId("score").textContent()).toBe(scoreText(fw(doc, "cis").score));
    }
    await screenshot(page, "posture");

    // Another framework: its card is pressed, and the table's score column follows it (kept in the URL).
    await page.getByTestId("framework-pci").click();
    await page.getByRole("columnheader", { name: "PCI DSS score" }).waitFor(WAIT);
    expect(page.url()).toContain("framework=pci");
    expect(await page.getByTestId(`posture-target-${hostScan}`).getByTestId("score").textContent()).toBe(
      scoreText(fw(host, "pci").score),
    );
  });

  it("shows a host scan's frameworks and failing controls, filters them, and expands one to its evidence", async () => {
    await page.getByTestId(`posture-target-${hostScan}`).getByRole("link", { name: HOST }).click();
    await page.getByRole("heading", { name: `Posture of ${HOST}` }).waitFor(WAIT);
    const rows = page.locator("table.posture-controls tbody tr");
    // Failing controls by default.
    await expect.poll(() => rows.count(), WAIT).toBe(host.summary.fail);
    expect(await page.getByTestId("summary-fail").textContent()).toContain(String(host.summary.fail));

    // The CIS view: the score and the failing requirements, each with its controls.
    const cis = fw(host, "cis");
    expect(await page.getByTestId("framework-score").textContent()).toContain(scoreText(cis.score));
    const failedReq = cis.requirements.find((r) => r.status === "fail");
    expect(failedReq).toBeDefined();
    const req = page.getByTestId(`requirement-${failedReq?.id}`);
    expect(await req.textContent()).toContain("fail");
    const applied = cis.requirements.filter((r) => r.status !== "not-applicable").length;
    expect(await page.locator("table.posture-requirements tbody tr").count()).toBe(applied);
    await page.getByLabel("Show requirements that did not apply").check();
    await expect
      .poll(() => page.locator("table.posture-requirements tbody tr").count(), WAIT)
      .toBe(cis.requirements.length);
    await page.getByLabel("Show requirements that did not apply").uncheck();

    // Another framework from the selector.
    await page.getByLabel("Framework", { exact: true }).selectOption("nist");
    await expect
      .poll(() => page.getByTestId("framework-score").textContent(), WAIT)
      .toContain(scoreText(fw(host, "nist").score));

    // Status, severity and platform filters.
    await page.getByLabel("Status", { exact: true }).selectOption("pass");
    await expect.poll(() => rows.count(), WAIT).toBe(host.summary.pass);
    await page.getByLabel("Status", { exact: true }).selectOption("all");
    await expect.poll(() => rows.count(), WAIT).toBe(host.controls.length);
    await page.getByLabel("Status", { exact: true }).selectOption("fail");
    await page.getByLabel("Severity", { exact: true }).selectOption("high");
    const highFails = host.controls.filter((c) => c.status === "fail" && c.severity === "high").length;
    expect(highFails).toBeGreaterThan(0);
    await expect.poll(() => rows.count(), WAIT).toBe(highFails);
    await page.getByLabel("Severity", { exact: true }).selectOption("");
    await page.getByLabel("Platform", { exact: true }).selectOption("linux");
    await expect.poll(() => rows.count(), WAIT).toBe(host.summary.fail);
    // The view is in the URL (the framework chosen above, the platform): a reload keeps it.
    await expect.poll(() => page.url(), WAIT).toMatch(/framework=nist&platform=linux$/);
    await page.reload();
    await expect.poll(() => rows.count(), WAIT).toBe(host.summary.fail);
    expect(await page.getByLabel("Platform", { exact: true }).inputValue()).toBe("linux");
    expect(await page.getByLabel("Framework", { exact: true }).inputValue()).toBe("nist");

    // A failing control with a file as its evidence: expanded, its remediation, subject, evidence, path.
    const control = host.controls.find((c) => c.status === "fail" && c.violations.some((v) => v.location));
    expect(control).toBeDefined();
    const c = control as Control;
    const v = c.violations.find((x) => x.location) as Control["violations"][number];
    const toggle = page.getByTestId(`control-${c.id}`).getByRole("button", { name: c.title, exact: true });
    expect(await toggle.getAttribute("aria-expanded")).toBe("false");
    await toggle.click();
    expect(await toggle.getAttribute("aria-expanded")).toBe("true");
    const facts = page.getByTestId(`control-facts-${c.id}`);
    await facts.waitFor(WAIT);
    expect(await facts.getByTestId("remediation").textContent()).toBe(c.remediation);
    const violation = facts.getByTestId("violation").first();
    expect(await violation.textContent()).toContain(v.subject);
    for (const e of v.evidence) expect(await violation.textContent()).toContain(e);
    expect(await violation.getByTestId("location").textContent()).toBe(
      `${v.location?.path}${v.location?.line !== undefined ? `:${v.location.line}` : ""}`,
    );
    for (const ids of Object.values(c.frameworks)) if (ids[0]) expect(await facts.textContent()).toContain(ids[0]);
    await screenshot(page, "posture-scan");

    // A failing requirement lists its failing controls; the passing ones are folded behind their count.
    await page.getByLabel("Framework", { exact: true }).selectOption("cis");
    const failingOfReq = host.controls.filter((x) => failedReq?.controls.includes(x.id) && x.status === "fail");
    for (const x of failingOfReq) await req.getByRole("button", { name: x.title, exact: true }).waitFor(WAIT);

    // From a requirement to its control: shown whatever the filters, and opened.
    const passedReq = cis.requirements.find((r) => r.status === "pass");
    const passing = host.controls.find(
      (x) => x.id === passedReq?.controls.find((id) => host.controls.find((y) => y.id === id && y.status === "pass")),
    );
    expect(passing).toBeDefined();
    const passedRow = page.getByTestId(`requirement-${passedReq?.id}`);
    await passedRow.locator("summary").click();
    await passedRow.getByRole("button", { name: passing?.title, exact: true }).click();
    await page.getByTestId(`control-facts-${passing?.id}`).waitFor(WAIT);
    expect(await page.getByLabel("Status", { exact: true }).inputValue()).toBe("all");
  });

  it("leads from an image scan's page to its posture, with the Dockerfile controls' evidence", async () => {
    await page.goto(`${h.console.url}/scans/${imageScan}`);
    const card = page.getByTestId("scan-posture");
    await card.waitFor(WAIT);
    expect(await card.textContent()).toContain(`${image.summary.fail} controls failed`);
    await card.getByRole("link", { name: /Posture details/ }).click();
    await page.getByRole("heading", { name: `Posture of ${IMAGE}` }).waitFor(WAIT);
    const rows = page.locator("table.posture-controls tbody tr");
    await expect.poll(() => rows.count(), WAIT).toBe(image.summary.fail);
    const failing = image.controls.filter((c) => c.status === "fail");
    expect(new Set(failing.map((c) => c.platform))).toEqual(new Set(["dockerfile"]));
    const c = failing[0] as Control;
    await page.getByTestId(`control-${c.id}`).getByRole("button", { name: c.title }).click();
    const facts = page.getByTestId(`control-facts-${c.id}`);
    await facts.waitFor(WAIT);
    expect(await facts.getByTestId("remediation").textContent()).toBe(c.remediation);
    for (const e of c.violations[0]?.evidence ?? []) expect(await facts.textContent()).toContain(e);
    await screenshot(page, "posture-image-scan");
  });

  it("shows failed controls by severity and the estate's CIS score on the dashboard", async () => {
    await nav("Dashboard").click();
    const counts = await api("/findings/counts?kind=posture");
    // Every failing control of both targets is one open posture finding.
    expect(counts.total).toBe((image.summary.fail ?? 0) + (host.summary.fail ?? 0));
    const card = page.getByTestId("count-posture");
    await expect.poll(() => card.locator(".big").textContent(), WAIT).toBe(String(counts.total));
    for (const s of ["critical", "high", "medium", "low"])
      expect(await card.locator(`.sev-${s} strong`).textContent()).toBe(String(counts.bySeverity[s] ?? 0));
    const passed = fw(image, "cis").passed + fw(host, "cis").passed;
    const failed = fw(image, "cis").failed + fw(host, "cis").failed;
    const score = page.getByTestId("posture-score");
    expect(await score.locator(".big").textContent()).toBe(
      scoreText(Math.round((passed / (passed + failed)) * 1000) / 10),
    );
    expect(await page.getByTestId("posture-empty").count()).toBe(0);
    await screenshot(page, "dashboard-posture");
    await score.getByRole("link", { name: "All frameworks and targets" }).click();
    await page.getByRole("heading", { name: "Posture", level: 1 }).waitFor(WAIT);
  });

  it("shows the host's latest posture on its topology page, linked to the scan's controls", async () => {
    const scan = (await api(`/scans/${hostScan}`)) as { target: { nodeId: string } };
    await page.goto(`${h.console.url}/topology/${encodeURIComponent(scan.target.nodeId)}`);
    const card = page.locator("section", { has: page.getByRole("heading", { name: "Compliance posture" }) });
    await card.getByRole("link", { name: HOST }).waitFor(WAIT);
    const cells = await card.locator("tbody tr").first().locator("td").allTextContents();
    expect(cells.slice(2, 5)).toEqual(
      [host.summary.pass, host.summary.fail, host.summary["not-applicable"]].map(String),
    );
    expect(cells[5]).toBe(scoreText(fw(host, "cis").score));
    await card.getByRole("link", { name: HOST }).click();
    await page.waitForURL(`**/scans/${hostScan}/posture**`, WAIT);
  });

  it("lists posture findings by control title and failing subjects, and opens one", async () => {
    await nav("Findings").click();
    await page.getByRole("button", { name: "Posture" }).click();
    await expect.poll(() => page.url(), WAIT).toContain("kind=posture");
    const rows = page.locator("table.findings-table tbody tr");
    await page.getByRole("columnheader", { name: "Failing subjects" }).waitFor(WAIT);
    expect(await page.locator("table.findings-table thead th").allTextContents()).toEqual([
      "Risk",
      "Severity",
      "Control",
      "Failing subjects",
      "Where",
    ]);
    const listed = (await api("/findings?kind=posture&limit=50")).findings as {
      id: string;
      detail: Control;
    }[];
    const first = listed[0] as { id: string; detail: Control };
    expect(await rows.first().getByRole("link").textContent()).toBe(first.detail.title);
    expect(await rows.first().getByTestId("subjects").textContent()).toContain(first.detail.violations[0]?.subject);
    await screenshot(page, "findings-posture");
    await rows.first().getByRole("link").click();
    await page.getByRole("heading", { name: first.detail.title, level: 1 }).waitFor(WAIT);
    expect(await page.getByTestId("remediation").textContent()).toBe(first.detail.remediation);
  });

  it("offers the posture scanner when starting a scan", async () => {
    await nav("Scans").click();
    const box = page.getByLabel("Posture (compliance)");
    await box.waitFor(WAIT);
    expect(await box.isChecked()).toBe(false);
    await box.check();
    expect(await page.getByTestId("posture-hint").textContent()).toContain("Dockerfile controls");
    await page.getByLabel("Scan on a node").check();
    expect(await page.getByLabel("Posture (compliance)").isChecked()).toBe(true);
    expect(await page.getByTestId("posture-hint").textContent()).toContain("Linux settings");
    await page.getByLabel("Upload an SBOM").check();
    expect(await page.getByLabel("Posture (compliance)").count()).toBe(0);
  });

  it("shows a read-only user the posture but no control to start a scan", async () => {
    const email = await h.user("read-only");
    const ro = await h.signedIn(email);
    await ro.getByTestId("count-posture").waitFor(WAIT);
    await ro.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Posture" }).click();
    await ro.getByTestId(`posture-target-${hostScan}`).waitFor(WAIT);
    await ro.getByTestId(`posture-target-${hostScan}`).getByRole("link", { name: HOST }).click();
    await ro.getByRole("heading", { name: `Posture of ${HOST}` }).waitFor(WAIT);
    await ro.locator("table.posture-controls tbody tr").first().waitFor(WAIT);
    for (const name of ["Upload and scan", "Scan node", "Cancel scan"])
      expect(await ro.getByRole("button", { name }).count()).toBe(0);
    await ro.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Scans" }).click();
    await ro.getByRole("heading", { name: "History" }).waitFor(WAIT);
    expect(await ro.getByLabel("Posture (compliance)").count()).toBe(0);
    expect(await ro.getByRole("heading", { name: "New scan" }).count()).toBe(0);
    await screenshot(ro, "posture-read-only");
    await ro.context().close();
  });
});

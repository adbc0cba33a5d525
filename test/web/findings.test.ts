// The findings pages in a real browser against a console that scanned the vuln-app image: the list ranked by
// risk with its counts and paging, filters kept in the URL (KEV, package), the grouped view, Log4Shell's
// detail (CVSS vector, EPSS, KEV, fix), accepting it (it leaves the open list and shows under "accepted"),
// and a read-only user who sees the decision but no control to change it. Screenshots go to
// test-results/screenshots.
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { screenshot } from "../fixtures/browser.js";
import { scanDone } from "../fixtures/console-process.js";
import { testdata } from "../fixtures/testdata.js";
import { startWebHarness, type WebHarness } from "../fixtures/web-harness.js";

const LOG4SHELL = "CVE-2021-44228";
const WAIT = { timeout: 15_000 };

interface ApiFinding {
  id: string;
  risk: number;
  kev: boolean;
  package: { name: string; version: string } | null;
  state: { status: string; reason: string; expiresAt: string | null } | null;
  detail: {
    cvss: { vector: string }[];
    epss: { score: number; percentile: number };
    kev: { dateAdded: string; dueDate?: string };
    fixedVersions: string[];
    references: string[];
    preview?: string;
  };
}

describe("the findings pages", () => {
  let h: WebHarness;
  let page: Page;
  let log4shell: ApiFinding;

  const api = async (path: string) => {
    const r = await h.admin.call("GET", path);
    expect(r.status).toBe(200);
    return r.body;
  };
  const rows = () => page.locator("table.findings-table tbody tr");
  const risks = async () => (await page.getByTestId("risk").allTextContents()).map(Number);

  beforeAll(async () => {
    h = await startWebHarness();
    // The scan h.scanImage() starts, with the scanners as the API takes a list (the parameter repeated).
    const archive = readFileSync(testdata("images", "vuln-app-1.0.docker.tar"));
    const started = await h.admin.upload(
      "/scans/image-archive?name=vuln-app%3A1.0&scanners=vuln&scanners=secret&scanners=malware",
      archive,
    );
    expect(started.status).toBe(202);
    expect((await scanDone(h.admin, started.body.id)).state).toBe("complete");
    const found = await api(`/findings?cve=${LOG4SHELL}`);
    expect(found.findings).toHaveLength(1);
    log4shell = found.findings[0];
    page = await h.signedIn();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("lists vulnerabilities riskiest first, with the counts of the same filters, and pages by cursor", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Findings" }).click();
    await page.getByRole("heading", { name: "Findings", level: 1 }).waitFor();
    await rows().first().waitFor(WAIT);
    const first = await risks();
    expect(first).toHaveLength(50);
    expect(first[0]).toBeGreaterThanOrEqual(first[1] as number);
    expect(first).toEqual([...first].sort((a, b) => b - a));
    // The top of the list is the API's riskiest vulnerability.
    const top = (await api("/findings?kind=vuln&limit=1")).findings[0];
    expect(first[0]).toBeCloseTo(top.risk, 1);
    const counts = await api("/findings/counts?kind=vuln");
    await expect
      .poll(() => page.getByTestId("counts").textContent(), WAIT)
      .toContain(`${counts.total} findings · ${counts.bySeverity.critical} critical`);
    await screenshot(page, "findings-list");

    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => rows().count(), WAIT).toBe(100);
    const both = await risks();
    expect(both).toEqual([...both].sort((a, b) => b - a));
  });

  it("filters on KEV, kept in the URL across a reload", async () => {
    // A click, then the state: the checkbox mirrors the URL, which a busy page may apply a moment later
    // (Playwright's check() insists on the new state within the click itself).
    await page.getByLabel("KEV only").click();
    await expect.poll(() => page.getByLabel("KEV only").isChecked(), WAIT).toBe(true);
    await expect.poll(() => new URL(page.url()).searchParams.get("kev")).toBe("true");
    const kev = (await api("/findings?kind=vuln&kev=true")).findings as ApiFinding[];
    expect(kev.length).toBeGreaterThan(0);
    await expect.poll(() => rows().count(), WAIT).toBe(kev.length);
    // Every row carries the KEV badge, and Log4Shell is among them.
    expect(await page.locator("table.findings-table tbody tr .badge.kev").count()).toBe(kev.length);
    await page.getByRole("link", { name: LOG4SHELL }).waitFor(WAIT);
    await page.reload();
    await page.getByRole("link", { name: LOG4SHELL }).waitFor(WAIT);
    expect(await page.getByLabel("KEV only").isChecked()).toBe(true);
    expect(await rows().count()).toBe(kev.length);
  });

  it("filters by package", async () => {
    await page.getByRole("button", { name: "Clear filters" }).first().click();
    await page.getByRole("searchbox", { name: "Package" }).fill("log4j-core");
    await page.getByRole("searchbox", { name: "Package" }).press("Enter");
    await expect.poll(() => new URL(page.url()).searchParams.get("package")).toBe("log4j-core");
    const expected = (await api("/findings?kind=vuln&package=log4j-core")).findings as ApiFinding[];
    expect(expected.length).toBeGreaterThan(1);
    await expect.poll(() => rows().count(), WAIT).toBe(expected.length);
    for (const text of await rows().locator("td:nth-child(4) code").allTextContents())
      expect(text).toMatch(/^log4j-core@/);
  });

  it("filters by several severities at once", async () => {
    await page.getByRole("button", { name: "Clear filters" }).first().click();
    await page.getByLabel("critical", { exact: true }).click();
    await expect.poll(() => page.getByLabel("critical", { exact: true }).isChecked(), WAIT).toBe(true);
    await page.getByLabel("medium", { exact: true }).click();
    await expect.poll(() => page.getByLabel("medium", { exact: true }).isChecked(), WAIT).toBe(true);
    await expect.poll(() => new URL(page.url()).searchParams.getAll("severity")).toEqual(["critical", "medium"]);
    const counts = await api("/findings/counts?kind=vuln&severity=critical&severity=medium");
    await expect.poll(() => page.getByTestId("counts").textContent(), WAIT).toContain(`${counts.total} findings`);
    await expect
      .poll(async () => new Set(await rows().locator("td:nth-child(2) .badge:first-child").allTextContents()), WAIT)
      .toEqual(new Set(["critical", "medium"]));
  });

  it("groups by CVE, and a group leads to its findings", async () => {
    await page.getByRole("button", { name: "Clear filters" }).first().click();
    await page.getByLabel("Group by").selectOption("cve");
    await page.getByRole("heading", { name: "Vulnerabilities by CVE" }).waitFor(WAIT);
    const groups = (await api("/findings/groups?kind=vuln&by=cve&limit=50")).groups as { key: string }[];
    await expect.poll(() => rows().count(), WAIT).toBe(groups.length);
    expect(await rows().first().locator("td").first().textContent()).toBe(groups[0]?.key);
    await screenshot(page, "findings-groups");
    await page.getByRole("link", { name: LOG4SHELL, exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get("cve")).toBe(LOG4SHELL);
    await expect.poll(() => rows().count(), WAIT).toBe(1);
  });

  it("shows Log4Shell whole: CVSS vector, EPSS, KEV, fix, references; light and dark", async () => {
    await page.getByRole("link", { name: LOG4SHELL }).click();
    await page.getByRole("heading", { name: new RegExp(`^${LOG4SHELL}`), level: 1 }).waitFor(WAIT);
    const d = log4shell.detail;
    expect(await page.getByTestId("cvss-vector").allTextContents()).toEqual(d.cvss.map((c) => c.vector));
    const epss = await page.getByTestId("epss").textContent();
    expect(epss).toContain("percentile");
    expect(epss).toContain(`${Math.round(d.epss.score * 100)}`);
    const kev = await page.getByTestId("kev").textContent();
    expect(kev).toContain(d.kev.dateAdded);
    if (d.kev.dueDate) expect(kev).toContain(d.kev.dueDate);
    expect(await page.getByTestId("fix").textContent()).toContain(d.fixedVersions[0]);
    const ref = page.getByRole("link", { name: d.references[0] as string, exact: true });
    expect(await ref.getAttribute("rel")).toBe("noreferrer noopener");
    expect(await ref.getAttribute("target")).toBe("_blank");
    await screenshot(page, "finding-detail");
    await page.getByRole("button", { name: "Switch to the dark theme" }).click();
    expect(await page.evaluate<string>("document.documentElement.dataset.theme")).toBe("dark");
    await screenshot(page, "finding-detail-dark");
    await page.getByRole("button", { name: "Switch to the light theme" }).click();
  });

  it("accepts Log4Shell with a reason and an expiry: it leaves the open list and shows under accepted", async () => {
    const until = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    // No reason, no decision.
    await page.getByRole("button", { name: "Accept risk" }).click();
    expect((await api(`/findings/${log4shell.id}`)).state).toBeNull();
    await page.getByLabel("Reason").fill("behind the WAF until the upgrade");
    await page.getByLabel("Expires on (optional)").fill(until);
    await page.getByRole("button", { name: "Accept risk" }).click();
    await page.getByTestId("decision").getByText("behind the WAF until the upgrade").waitFor(WAIT);
    expect(await page.getByTestId("decision").textContent()).toContain(`until ${until}`);
    await page.getByRole("button", { name: "Reopen" }).waitFor(WAIT);
    await screenshot(page, "finding-detail-accepted");
    const state = (await api(`/findings/${log4shell.id}`)).state;
    expect(state).toMatchObject({ status: "accepted", reason: "behind the WAF until the upgrade" });
    // The end of the chosen day, in the browser's time zone.
    expect(Math.abs(Date.parse(state.expiresAt) - Date.parse(`${until}T23:59:59.999Z`))).toBeLessThanOrEqual(
      14 * 3_600_000,
    );

    await page.goto(`${h.console.url}/findings?kev=true`);
    const kevOpen = (await api("/findings?kind=vuln&kev=true")).findings.length;
    await expect.poll(() => rows().count(), WAIT).toBe(kevOpen);
    expect(await page.getByRole("link", { name: LOG4SHELL }).count()).toBe(0);
    await page.getByLabel("Status").selectOption("accepted");
    await expect.poll(() => new URL(page.url()).searchParams.get("status")).toBe("accepted");
    await page.getByRole("link", { name: LOG4SHELL }).waitFor(WAIT);
  });

  it("shows a read-only user the decision but no control to change it", async () => {
    const email = await h.user("read-only");
    const ro = await h.signedIn(email);
    try {
      await ro.goto(`${h.console.url}/findings/${log4shell.id}`);
      await ro.getByRole("heading", { name: new RegExp(`^${LOG4SHELL}`), level: 1 }).waitFor(WAIT);
      await ro.getByTestId("decision").getByText("behind the WAF until the upgrade").waitFor(WAIT);
      await ro.getByTestId("cvss-vector").first().waitFor(WAIT);
      for (const name of ["Accept risk", "False positive", "Reopen"])
        expect(await ro.getByRole("button", { name }).count()).toBe(0);
      expect(await ro.getByLabel("Reason").count()).toBe(0);
      await screenshot(ro, "finding-detail-read-only");
    } finally {
      await ro.context().close();
    }
  });

  it("reopens Log4Shell: it is open again", async () => {
    await page.goto(`${h.console.url}/findings/${log4shell.id}`);
    await page.getByRole("button", { name: "Reopen" }).click();
    await page.getByText("Open: nobody has decided on this finding.").waitFor(WAIT);
    expect((await api(`/findings/${log4shell.id}`)).state).toBeNull();
  });

  it("shows secrets only as the API masks them", async () => {
    await page.goto(`${h.console.url}/findings?kind=secret`);
    const secrets = (await api("/findings?kind=secret")).findings as ApiFinding[];
    expect(secrets.length).toBeGreaterThan(0);
    await expect.poll(() => rows().count(), WAIT).toBe(secrets.length);
    const shown = await rows().locator("td:nth-child(4) code").allTextContents();
    expect(shown).toEqual(secrets.map((s) => s.detail.preview));
    for (const p of shown) expect(p).toContain("*");
    await screenshot(page, "findings-secrets");
  });
});

// The Scans and Settings pages in a real browser against the built console: an image archive uploaded from
// the page and followed live to "complete", the scan's page (summary, findings, a diff with a rescan), API keys
// shown once, an invitation link, the sensor install command, system status, the audit log; and what a
// read-only user is (not) offered. Screenshots of each page go to test-results/screenshots.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { screenshot } from "../fixtures/browser.js";
import { testdata } from "../fixtures/testdata.js";
import { startWebHarness, type WebHarness } from "../fixtures/web-harness.js";

const SCAN_MS = 240_000;
const NAME = "lab/vuln-app:1.0";

describe("scans and settings pages", () => {
  let h: WebHarness;
  let page: Page;
  let scanId: string;

  beforeAll(async () => {
    h = await startWebHarness();
    page = await h.signedIn();
  });
  afterAll(async () => {
    await h?.close();
  });

  const nav = (name: string) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name });
  const settingsTab = (p: Page, name: string) =>
    p.getByRole("navigation", { name: "Settings" }).getByRole("link", { name });

  it("uploads an image archive and follows the scan live until it is complete, then stops polling", async () => {
    await nav("Scans").click();
    await page.getByRole("heading", { name: "Scans", exact: true }).waitFor();
    await page.getByText("No scans yet").waitFor();
    await screenshot(page, "scans-empty");
    // Without sensors, scanning on a node says what to do first.
    await page.getByLabel("Scan on a node").check();
    await page.getByText("No nodes yet: install a sensor first").waitFor();
    expect(await page.getByRole("button", { name: "Scan node" }).isDisabled()).toBe(true);
    await page.getByLabel("Upload an image archive").check();

    await page
      .getByLabel("Image archive", { exact: true })
      .setInputFiles(testdata("images", "vuln-app-1.0.docker.tar"));
    await page.getByLabel("Name (optional)").fill(NAME);
    await page.getByRole("button", { name: "Upload and scan" }).click();
    const started = page.getByRole("status").filter({ hasText: `Scan of ${NAME} started` });
    await started.waitFor({ timeout: 60_000 });

    const row = page.locator("tbody tr").filter({ has: page.getByRole("link", { name: NAME }) });
    await row.waitFor();
    expect(await row.locator(".scan-state").textContent()).toMatch(/^(queued|running|complete)$/);
    await screenshot(page, "scans-running");
    await row.locator(".scan-state", { hasText: "complete" }).waitFor({ timeout: SCAN_MS });
    // The page updated in place: the message from the upload is still there (no reload happened).
    expect(await started.isVisible()).toBe(true);
    expect(Number(await row.locator("td.num").textContent())).toBeGreaterThan(0);
    await screenshot(page, "scans-complete");

    // Nothing queued or running any more: no more requests for scans.
    let asked = 0;
    const count = (r: { url(): string }) => {
      if (r.url().includes("/api/v1/scans")) asked++;
    };
    page.on("request", count);
    await page.waitForTimeout(5_000);
    page.off("request", count);
    expect(asked).toBe(0);

    const href = await row.getByRole("link", { name: NAME }).getAttribute("href");
    scanId = (href ?? "").replace("/scans/", "");
    expect(scanId).toMatch(/^[A-Za-z0-9_.:-]+$/);
  }, 300_000);

  it("shows the scan's page: state, summary by severity, packages and its findings linked to their pages", async () => {
    await page.getByRole("link", { name: NAME }).first().click();
    await page.getByRole("heading", { name: `Scan of ${NAME}` }).waitFor();
    expect(await page.getByTestId("scan-state").textContent()).toContain("complete");
    const total = Number(await page.getByTestId("summary").locator(".big").textContent());
    expect(total).toBeGreaterThan(0);
    const bySeverity = await Promise.all(
      ["critical", "high", "medium", "low"].map(async (s) =>
        Number(await page.getByTestId(`summary-${s}`).locator("strong").textContent()),
      ),
    );
    expect(bySeverity.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(bySeverity[0]).toBeGreaterThan(0); // Log4Shell among them
    expect(Number(await page.getByTestId("package-count").textContent())).toBeGreaterThan(50);
    const findings = page.getByRole("region", { name: "Findings of this scan, riskiest first" });
    await findings.locator("tbody tr").first().waitFor();
    expect(await findings.locator("tbody tr").count()).toBeGreaterThan(0);
    expect(await findings.getByRole("link").first().getAttribute("href")).toMatch(/^\/findings\/.+/);
    await findings
      .getByRole("link", { name: /CVE-2021-44228/ })
      .first()
      .waitFor();
    // More than a page of findings: the next page is appended.
    expect(await findings.locator("tbody tr").count()).toBe(50);
    await findings.getByRole("button", { name: "More findings" }).click();
    await expect.poll(() => findings.locator("tbody tr").count()).toBe(100);
    // A finished scan offers no cancel; with no other scan of the target, the comparison says what to do.
    expect(await page.getByRole("button", { name: "Cancel scan" }).count()).toBe(0);
    await page.getByText(`No other complete scan of ${NAME} yet`).waitFor();
    await screenshot(page, "scan-detail");
  });

  it("compares with another complete scan of the same target: nothing new, nothing fixed, all unchanged", async () => {
    // The same archive again, from the page: the same target, so the two scans can be compared.
    await nav("Scans").click();
    await page
      .getByLabel("Image archive", { exact: true })
      .setInputFiles(testdata("images", "vuln-app-1.0.docker.tar"));
    await page.getByLabel("Name (optional)").fill(NAME);
    await page.getByRole("button", { name: "Upload and scan" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Scan of ${NAME} started` })
      .waitFor({ timeout: 60_000 });
    const rows = page.locator("tbody tr").filter({ has: page.getByRole("link", { name: NAME }) });
    await expect.poll(() => rows.count()).toBe(2);
    await rows.first().locator(".scan-state", { hasText: "complete" }).waitFor({ timeout: SCAN_MS });
    await page.getByRole("link", { name: "follow it" }).click();

    await page.getByRole("heading", { name: `Scan of ${NAME}` }).waitFor();
    await page.getByLabel("Compare with…").waitFor();
    await page.getByRole("button", { name: "Compare" }).click();
    await page.getByRole("heading", { name: "New (0)" }).waitFor();
    await page.getByRole("heading", { name: "Fixed (0)" }).waitFor();
    const unchanged = await page.locator("summary", { hasText: "Unchanged" }).textContent();
    const total = Number(await page.getByTestId("summary").locator(".big").textContent());
    expect(total).toBeGreaterThan(0);
    expect(unchanged).toBe(`Unchanged (${total})`);
    await screenshot(page, "scan-diff");
  }, 300_000);

  it("creates an API key shown once; after leaving and coming back only its prefix is shown", async () => {
    await nav("Settings").click();
    await settingsTab(page, "API keys").click();
    await page.getByRole("heading", { name: "API keys", exact: true }).waitFor();
    await page.getByLabel("Key name").fill("ci pipeline");
    await page.getByLabel("Scope").selectOption("api");
    await page.getByRole("button", { name: "Create key" }).click();
    const once = page.getByRole("region", { name: "API key “ci pipeline” (api)" });
    await once.waitFor();
    const key = (await once.getByTestId("once-value").textContent()) ?? "";
    expect(key).toMatch(/^rpk_[0-9A-Za-z]{43}$/);
    await once.getByText("will never show it again").waitFor();
    await once.getByRole("button", { name: "Copy" }).waitFor();
    const row = page.locator("tbody tr").filter({ hasText: "ci pipeline" });
    await row.waitFor();
    const prefix = ((await row.locator("code").textContent()) ?? "").replace("…", "");
    expect(prefix.length).toBeGreaterThan(4);
    expect(key.startsWith(prefix)).toBe(true);
    await screenshot(page, "settings-api-keys-created");

    await nav("Scans").click();
    await page.getByRole("heading", { name: "Scans", exact: true }).waitFor();
    await nav("Settings").click();
    await settingsTab(page, "API keys").click();
    await page.locator("tbody tr").filter({ hasText: "ci pipeline" }).waitFor();
    expect(await page.locator("body").textContent()).not.toContain(key);
    expect(await page.locator("body").textContent()).toContain(`${prefix}…`);
    expect(await page.getByRole("region", { name: /API key “/ }).count()).toBe(0);

    // Revoking takes a confirmation.
    await page.getByRole("button", { name: "Revoke ci pipeline" }).click();
    await page.getByRole("button", { name: "Confirm: revoke ci pipeline" }).click();
    await page.locator("tbody tr").filter({ hasText: "ci pipeline" }).getByText("revoked").waitFor();
    await screenshot(page, "settings-api-keys");
  });

  it("invites a user: the link is shown once, and the invitation is listed as pending", async () => {
    await settingsTab(page, "Users").click();
    await page.getByRole("heading", { level: 1, name: "Users" }).waitFor();
    await page
      .getByRole("cell", { name: /admin@/ })
      .first()
      .waitFor();
    // Admins do not disable or demote themselves here (another admin does).
    expect(await page.getByRole("button", { name: "Disable admin@example.test" }).count()).toBe(0);
    expect(await page.getByRole("combobox", { name: "Role of admin@example.test" }).count()).toBe(0);
    await page.getByLabel("Email").fill("new.colleague@example.test");
    await page.getByLabel("Role", { exact: true }).selectOption("standard");
    await page.getByRole("button", { name: "Create invitation link" }).click();
    const once = page.getByRole("region", { name: /Invitation link for new\.colleague@example\.test/ });
    await once.waitFor();
    const url = (await once.getByTestId("once-value").textContent()) ?? "";
    expect(url).toMatch(/\/accept\?token=.+/);
    await once.getByRole("button", { name: "Copy" }).waitFor();
    const invitation = page.locator("tbody tr").filter({ hasText: "new.colleague@example.test" });
    await invitation.getByText("pending").waitFor();
    await invitation.getByRole("button", { name: "Revoke invitation for new.colleague@example.test" }).waitFor();
    await screenshot(page, "settings-users");
  });

  it("gives the sensor install command with this console's URL and a new sensor key, and where the fingerprint is", async () => {
    await settingsTab(page, "Sensors").click();
    await page.getByRole("heading", { name: "Sensors", exact: true }).waitFor();
    await page.getByText("The browser cannot read the certificate's fingerprint").waitFor();
    expect(await page.getByTestId("install-command").textContent()).toContain("RAMPART_API_KEY=rpk_…");
    await page.getByRole("button", { name: "Create a sensor key" }).click();
    await page.getByText("A new sensor key").waitFor();
    const command = (await page.getByTestId("install-command").textContent()) ?? "";
    expect(command).toMatch(
      new RegExp(`^RAMPART_API_KEY=rpk_[0-9A-Za-z]{43} rampart sensor --console ${h.console.url} `),
    );
    await page.getByText("daemonset/rampart-sensor").waitFor();
    await page.getByText("systemctl daemon-reload && systemctl enable --now rampart-sensor").waitFor();
    await screenshot(page, "settings-sensors");
  });

  it("shows system status with each feed, and the audit log of what was just done", async () => {
    await settingsTab(page, "System status").click();
    await page.getByRole("heading", { name: "System status", exact: true }).waitFor();
    const feeds = page.getByRole("table", { name: "Feeds" });
    await feeds.getByRole("cell", { name: "osv:Debian" }).waitFor();
    expect(await feeds.locator("tbody tr").count()).toBeGreaterThan(1);
    expect(await page.getByTestId("version").textContent()).toMatch(/^\d+\.\d+/);
    // Admins may refresh the DB (not pressed here: the refresh would fetch the public feeds).
    await page.getByRole("button", { name: "Refresh vulnerability DB now" }).waitFor();
    await screenshot(page, "settings-system");

    await settingsTab(page, "Audit log").click();
    await page.getByRole("heading", { name: "Audit log", exact: true }).waitFor();
    const log = page.locator("tbody");
    await log.getByRole("cell", { name: "api-key.create", exact: true }).first().waitFor();
    await log.getByRole("cell", { name: "invitation.create", exact: true }).waitFor();
    await log.getByRole("cell", { name: "scan.create", exact: true }).first().waitFor();
    await page.getByLabel("Action").fill("invitation.create");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect.poll(() => log.locator("tr").count()).toBe(1);
    await screenshot(page, "settings-audit");
  });

  it("shows a read-only user the scans but no control they cannot use", async () => {
    const email = await h.user("read-only");
    const ro = await h.signedIn(email);
    try {
      await ro.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Scans" }).click();
      await ro.getByRole("heading", { name: "Scans", exact: true }).waitFor();
      await ro.getByRole("link", { name: NAME }).first().waitFor();
      expect(await ro.getByRole("heading", { name: "New scan" }).count()).toBe(0);
      expect(await ro.getByRole("button", { name: "Upload and scan" }).count()).toBe(0);
      expect(await ro.locator("input[type=file]").count()).toBe(0);
      await screenshot(ro, "scans-read-only");

      await ro.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
      await ro.getByRole("heading", { name: "Settings", exact: true }).waitFor();
      const tabs = await ro.getByRole("navigation", { name: "Settings" }).getByRole("link").allTextContents();
      expect(tabs).toEqual(["API keys", "Sensors", "System status"]);
      await screenshot(ro, "settings-read-only");

      await settingsTab(ro, "API keys").click();
      await ro.getByText("Read-only users cannot hold API keys").waitFor();
      expect(await ro.getByRole("button", { name: "Create key" }).count()).toBe(0);
      expect(await ro.getByLabel("Key name").count()).toBe(0);
      await screenshot(ro, "settings-api-keys-read-only");

      await settingsTab(ro, "Sensors").click();
      await ro.getByText("ask a standard user or an admin for a sensor key").waitFor();
      expect(await ro.getByRole("button", { name: "Create a sensor key" }).count()).toBe(0);

      await settingsTab(ro, "System status").click();
      await ro.getByRole("table", { name: "Feeds" }).getByRole("cell", { name: "osv:Debian" }).waitFor();
      expect(await ro.getByRole("button", { name: "Refresh vulnerability DB now" }).count()).toBe(0);
      await ro.getByRole("button", { name: "Switch to the dark theme" }).click();
      await screenshot(ro, "settings-system-dark");

      // Admin pages reached by their address say so, and show nothing of the admin's.
      await ro.goto(`${h.console.url}/settings/users`);
      await ro.getByText("Only admins manage users").waitFor();
      expect(await ro.getByRole("button", { name: "Create invitation link" }).count()).toBe(0);
    } finally {
      await ro.context().close();
    }
  });

  it("asks a node's sensor to scan from the page, and cancels the scan while it waits", async () => {
    await h.sensors(["web-1"]);
    await nav("Scans").click();
    await page.getByLabel("Scan on a node").check();
    await page.getByLabel("Node", { exact: true }).selectOption({ label: "web-1 (online)" });
    await page.getByLabel("Target", { exact: true }).selectOption("container");
    await page.getByLabel("Container name or id").fill("shop-api");
    await page.getByRole("button", { name: "Scan node" }).click();
    await page.getByRole("status").filter({ hasText: "Scan of shop-api started" }).waitFor();
    const row = page.locator("tbody tr").filter({ has: page.getByRole("link", { name: "shop-api" }) });
    expect(await row.locator(".scan-state").textContent()).toMatch(/^(queued|running)$/);
    await page.getByText("updating live").waitFor();
    await row.getByRole("link", { name: "shop-api" }).click();
    await page.getByRole("heading", { name: "Scan of shop-api" }).waitFor();
    await screenshot(page, "scan-node-waiting");
    await page.getByRole("button", { name: "Cancel scan" }).click();
    await page.getByTestId("scan-state").getByText("cancelled").waitFor();
    expect(await page.getByRole("button", { name: "Cancel scan" }).count()).toBe(0);
    await nav("Scans").click();
    await row.locator(".scan-state", { hasText: "cancelled" }).waitFor();
    expect(await page.getByText("updating live").count()).toBe(0);
  });
});

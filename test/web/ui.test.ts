// The web UI in a real browser (Debian's Chromium) against the built console: first-admin registration,
// the dashboard, sign-out and sign-in, a reload keeping the session (refresh cookie), the dark theme, and a
// read-only user. Screenshots of each page go to test-results/screenshots.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newPage, screenshot } from "../fixtures/browser.js";
import { ConsoleClient, type ConsoleProcess, startConsole } from "../fixtures/console-process.js";
import { ADMIN } from "../fixtures/sensor-harness.js";
import { vulnDbDir } from "../fixtures/vulndb.js";

describe("the web UI", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "rampart-web-"));
  let proc: ConsoleProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [proc, browser] = await Promise.all([startConsole({ dataDir, dbDir: vulnDbDir() }), launchBrowser()]);
    page = await newPage(browser);
  });
  afterAll(async () => {
    await browser?.close();
    await proc?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("registers the first admin and shows the dashboard, with what to do next", async () => {
    const response = await page.goto(proc.url);
    // The UI is served with a strict content security policy.
    expect(response?.headers()["content-security-policy"]).toContain("default-src 'self'");
    await page.getByRole("heading", { name: "Create the admin account" }).waitFor();
    await screenshot(page, "register");
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Create admin account" }).click();
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    await expect.poll(() => page.getByTestId("count-vuln").textContent()).toMatch(/Vulnerabilities0/);
    await page.getByText("No sensors yet").waitFor();
    expect(await page.locator("pre").first().textContent()).toContain(`rampart sensor --console ${proc.url}`);
    await page.getByText("No findings yet").waitFor();
    // The feeds of the console's DB, with their age.
    await page.getByText("osv:Debian").waitFor();
    await screenshot(page, "dashboard-empty");
  });

  it("keeps the session across a reload (the refresh cookie, unreadable by scripts), and signs out", async () => {
    await page.reload();
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    const cookies = await page.context().cookies();
    const refresh = cookies.find((c) => c.name === "rampart_refresh");
    expect(refresh).toMatchObject({ httpOnly: true, sameSite: "Strict", secure: true, path: "/api/v1/auth" });
    expect(await page.evaluate<string>("document.cookie")).not.toContain("rampart_refresh");
    await page.getByRole("button", { name: /^Account:/ }).click();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to Rampart" }).waitFor();
    await screenshot(page, "sign-in");
    await page.reload();
    await page.getByRole("heading", { name: "Sign in to Rampart" }).waitFor();
  });

  it("signs in again, refuses a wrong password with a message, and switches to the dark theme", async () => {
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill("not the password at all");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").getByText("wrong email or password").waitFor();
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    await page.getByRole("button", { name: "Switch to the dark theme" }).click();
    expect(await page.evaluate<string>("document.documentElement.dataset.theme")).toBe("dark");
    await screenshot(page, "dashboard-dark");
    // The theme is kept; and from a fresh page the first Tab reaches the skip link.
    await page.reload();
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    expect(await page.evaluate<string>("document.documentElement.dataset.theme")).toBe("dark");
    await page.keyboard.press("Tab");
    expect(await page.evaluate<string>("document.activeElement?.textContent")).toBe("Skip to content");
  });

  it("answers unknown API paths with JSON, not the UI, and serves the UI's own routes on reload", async () => {
    const api = new ConsoleClient(proc.url, dataDir);
    try {
      const r = await api.call("GET", "/no-such-route");
      expect(r.status).toBe(404);
      expect(r.body.code).toBe("not_found");
    } finally {
      api.close();
    }
    const deep = await page.goto(`${proc.url}/some/ui/route`);
    expect(deep?.status()).toBe(200);
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    const traversal = await page.goto(`${proc.url}/assets/..%2f..%2fconsole.db`);
    expect(traversal?.status()).not.toBe(200);
  });
});

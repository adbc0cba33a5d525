// The account pages and the shell in a real browser against the built console: a read-only user changes their
// password from the user menu (the rule shown up front, the console's and the form's refusals shown, this
// browser stays signed in, another browser's session is signed out, the old password stops working); a
// forgotten password through an admin's one-time reset link; the dark theme's colours; the main navigation
// and the user menu by keyboard alone. Screenshots go to test-results/screenshots.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newPage, screenshot } from "../fixtures/browser.js";
import { scanDone } from "../fixtures/console-process.js";
import { PASSWORD, startWebHarness, type WebHarness } from "../fixtures/web-harness.js";

const WAIT = { timeout: 15_000 };
const NEW_PASSWORD = "a new passphrase of five words";
const RESET_PASSWORD = "reset by the admin's link";
/** A real SBOM (Trivy's CycloneDX of the vuln-app image): findings without scanning a whole image. */
const SBOM = resolve(import.meta.dirname, "../../packages/engine/src/sbom/testdata/trivy-vuln-app.cdx.json");

/** The page's relative luminance (WCAG) of a computed CSS colour "rgb(r, g, b)". */
function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((c) => {
    const v = Number(c) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

describe("the account pages and the shell", () => {
  let h: WebHarness;

  const signIn = async (page: Page, email: string, password: string) => {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
  };
  const userMenu = (page: Page) => page.getByRole("button", { name: /^Account:/ });
  const audit = async (action: string) => {
    const r = await h.admin.call("GET", `/audit?action=${action}`);
    expect(r.status).toBe(200);
    return r.body.entries as { actor: string; target: string | null }[];
  };

  beforeAll(async () => {
    h = await startWebHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("lets a read-only user change their password from the user menu and stay signed in; other sessions end", async () => {
    const email = await h.user("read-only");
    const page = await h.signedIn(email);
    const other = await h.signedIn(email);
    try {
      await userMenu(page).click();
      expect(await userMenu(page).getAttribute("aria-expanded")).toBe("true");
      await page.getByRole("link", { name: "Change password" }).click();
      await page.getByRole("heading", { name: "Change password", level: 1 }).waitFor();
      // Going to the page closed the menu.
      expect(await page.getByRole("link", { name: "Change password" }).count()).toBe(0);
      // The console's rule, before anything is typed.
      await page.getByText("12 to 256 characters").waitFor();
      const current = page.getByLabel("Current password");
      const fresh = page.getByLabel("New password", { exact: true });
      const again = page.getByLabel("Confirm new password");

      // Too short: said while typing, and refused before anything is sent.
      await current.fill(PASSWORD);
      await fresh.fill("too short");
      await page.getByText("9 characters: 3 more needed.").waitFor();
      await again.fill("too short");
      await page.getByRole("button", { name: "Change password" }).click();
      await page.getByRole("alert").getByText("at least 12 characters").waitFor();
      // Typed differently twice.
      await fresh.fill(NEW_PASSWORD);
      await again.fill(`${NEW_PASSWORD}!`);
      await page.getByText("The two new passwords differ.").waitFor();
      await page.getByRole("button", { name: "Change password" }).click();
      await page.getByRole("alert").getByText("type the same one twice").waitFor();
      // The console's own refusal: the current password is wrong.
      await again.fill(NEW_PASSWORD);
      await current.fill("not my password at all");
      await page.getByRole("button", { name: "Change password" }).click();
      await page.getByRole("alert").getByText("the current password is wrong").waitFor(WAIT);
      await screenshot(page, "change-password-refused");

      await current.fill(PASSWORD);
      await page.getByRole("button", { name: "Change password" }).click();
      const done = page.getByRole("status", { name: "Password changed" });
      await done.getByText("Your password is changed.").waitFor(WAIT);
      // A read-only user holds no API keys: no advice about them.
      expect(await done.getByRole("link", { name: /API keys/ }).count()).toBe(0);
      expect(await current.inputValue()).toBe("");
      await screenshot(page, "change-password-done");
      expect((await audit("user.password-change")).length).toBe(1);

      // This browser is still signed in, across a reload too (its new refresh cookie).
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Findings" }).click();
      await page.getByRole("heading", { name: "Findings", level: 1 }).waitFor(WAIT);
      await page.reload();
      await page.getByRole("heading", { name: "Findings", level: 1 }).waitFor(WAIT);
      // The other browser's session was revoked: it is sent to sign in.
      await other.reload();
      await other.getByRole("heading", { name: "Sign in to Rampart" }).waitFor(WAIT);

      // Signed out, the old password no longer works and the new one does.
      await userMenu(page).click();
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByRole("heading", { name: "Sign in to Rampart" }).waitFor(WAIT);
      await signIn(page, email, PASSWORD);
      await page.getByRole("alert").getByText("wrong email or password").waitFor(WAIT);
      await signIn(page, email, NEW_PASSWORD);
      // Back where the session ended.
      await page.getByRole("heading", { name: "Findings", level: 1 }).waitFor(WAIT);
      expect(await userMenu(page).textContent()).toContain(email);
    } finally {
      await page.context().close();
      await other.context().close();
    }
  });

  it("tells what to do about a forgotten password, and an admin's one-time reset link sets a new one", async () => {
    const email = await h.user("standard");
    const visitor = await newPage(h.browser);
    const admin = await h.signedIn();
    try {
      await visitor.goto(h.console.url);
      await visitor.getByRole("link", { name: "Forgot your password?" }).click();
      await visitor.getByRole("heading", { name: "Forgot your password?" }).waitFor();
      await visitor.getByText("This console sends no email").waitFor();
      await visitor.getByText("Settings → Users").waitFor();
      await screenshot(visitor, "forgot-password");

      // The admin makes the link on the users page; it is shown once.
      await admin.goto(`${h.console.url}/settings/users`);
      await admin.getByRole("button", { name: `Password reset link for ${email}` }).click();
      const once = admin.getByRole("region", { name: `Password reset link for ${email}` });
      const link = new URL((await once.getByTestId("once-value").textContent(WAIT)) ?? "");
      expect(link.pathname).toBe("/accept");
      await admin.locator("tbody tr").filter({ hasText: email }).getByText("pending").waitFor(WAIT);

      await visitor.goto(`${h.console.url}${link.pathname}${link.search}`);
      await visitor.getByRole("heading", { name: "Choose your password" }).waitFor();
      await visitor.getByText("12 to 256 characters").waitFor();
      await visitor.getByLabel("New password", { exact: true }).fill(RESET_PASSWORD);
      await visitor.getByLabel("Confirm new password").fill(RESET_PASSWORD);
      await screenshot(visitor, "reset-password");
      await visitor.getByRole("button", { name: "Set password and sign in" }).click();
      await visitor.getByRole("heading", { name: "Dashboard" }).waitFor(WAIT);
      expect((await audit("user.password-reset")).map((e) => e.target)).toContain(email);

      // The link worked once.
      const used = await newPage(h.browser);
      try {
        await used.goto(`${h.console.url}${link.pathname}${link.search}`);
        await used.getByLabel("New password", { exact: true }).fill(`${RESET_PASSWORD} again`);
        await used.getByLabel("Confirm new password").fill(`${RESET_PASSWORD} again`);
        await used.getByRole("button", { name: "Set password and sign in" }).click();
        await used.getByRole("alert").getByText("this link is not valid").waitFor(WAIT);
      } finally {
        await used.context().close();
      }
      // And the password it set is the one that signs in.
      await userMenu(visitor).click();
      await visitor.getByRole("button", { name: "Sign out" }).click();
      await signIn(visitor, email, RESET_PASSWORD);
      await visitor.getByRole("heading", { name: "Dashboard" }).waitFor(WAIT);
    } finally {
      await visitor.context().close();
      await admin.context().close();
    }
  });

  it("shows a read-only user no control that would fail: the dashboard, a scan, a finding, the account", async () => {
    const started = await h.admin.upload("/scans/sbom?name=lab%2Fread-only-check", readFileSync(SBOM));
    expect(started.status).toBe(202);
    expect((await scanDone(h.admin, started.body.id)).state).toBe("complete");
    const top = await h.admin.call("GET", `/findings?scan=${started.body.id}&limit=1`);
    expect(top.body.findings.length).toBe(1);
    const email = await h.user("read-only");
    const ro = await h.signedIn(email);
    const buttons = () => ro.locator("main").getByRole("button").allTextContents();
    try {
      // The dashboard shows the riskiest findings, with their badges, and nothing to press.
      const rows = ro.getByRole("region", { name: "Top 10 by risk" }).locator("tbody tr");
      await rows.first().waitFor(WAIT);
      expect(await rows.first().locator(".badge").first().textContent()).toBe(top.body.findings[0].severity);
      expect(await buttons()).toEqual([]);

      // A complete scan: its summary and findings, and no cancel.
      await ro.goto(`${h.console.url}/scans/${started.body.id}`);
      await ro.getByTestId("scan-state").getByText("complete").waitFor(WAIT);
      await ro.getByRole("heading", { name: "Findings of this scan, riskiest first" }).waitFor();
      await ro.locator("tbody tr").first().waitFor(WAIT);
      expect(await ro.getByRole("button", { name: "Cancel scan" }).count()).toBe(0);
      // Reading more is all there is to do here.
      for (const b of await buttons()) expect(["More findings", "Compare"]).toContain(b);
      await screenshot(ro, "scan-detail-read-only");

      // A finding: no decision to take.
      await ro.goto(`${h.console.url}/findings/${top.body.findings[0].id}`);
      await ro.getByRole("heading", { name: "Decision" }).waitFor(WAIT);
      expect(await buttons()).toEqual([]);

      // Their own password is theirs to change (the console lets every role): the form is there.
      await userMenu(ro).click();
      await ro.getByRole("link", { name: "Change password" }).click();
      await ro.getByRole("button", { name: "Change password" }).waitFor();
      expect(await buttons()).toEqual(["Change password"]);
    } finally {
      await ro.context().close();
    }
  });

  it("switches to the dark theme: the page's colours change to a dark background with light text", async () => {
    const page = await h.signedIn();
    try {
      const colours = () =>
        page.evaluate<{ theme: string; background: string; text: string }>(`({
          theme: document.documentElement.dataset.theme,
          background: getComputedStyle(document.body).backgroundColor,
          text: getComputedStyle(document.body).color,
        })`);
      const light = await colours();
      expect(light.theme).toBe("light");
      expect(luminance(light.background)).toBeGreaterThan(0.8);
      await page.getByRole("button", { name: "Switch to the dark theme" }).click();
      const dark = await colours();
      expect(dark.theme).toBe("dark");
      expect(dark.background).not.toBe(light.background);
      expect(luminance(dark.background)).toBeLessThan(0.05);
      expect(luminance(dark.text)).toBeGreaterThan(0.7);
      // The cards and the user menu follow the theme too.
      await userMenu(page).click();
      const menu = page.locator("#user-menu-items");
      await menu.waitFor();
      const panel = await page.evaluate<string>(
        `getComputedStyle(document.getElementById("user-menu-items")).backgroundColor`,
      );
      expect(luminance(panel)).toBeLessThan(0.05);
      await screenshot(page, "dashboard-dark-user-menu");
      await page.keyboard.press("Escape");
      await menu.waitFor({ state: "detached" });
      // Escape gives the focus back to the menu's button.
      expect(await page.evaluate<string>(`document.activeElement?.getAttribute("aria-expanded")`)).toBe("false");
      await page.goto(`${h.console.url}/account/password`);
      await page.getByRole("heading", { name: "Change password", level: 1 }).waitFor();
      expect((await colours()).theme).toBe("dark");
      await screenshot(page, "change-password-dark");
    } finally {
      await page.context().close();
    }
  });

  it("reaches every page of the main navigation and the user menu by keyboard alone, with a visible focus", async () => {
    const page = await h.signedIn();
    try {
      const focused = () =>
        page.evaluate<{ text: string; outline: string }>(`({
          text: document.activeElement?.textContent?.trim() ?? "",
          outline: document.activeElement ? getComputedStyle(document.activeElement).outlineStyle : "",
        })`);
      /** Tabs (or Shift+Tabs, back) at most 20 times until the focused element's text is `text`. */
      const tabTo = async (text: string | RegExp, key = "Tab") => {
        for (let i = 0; i < 20; i++) {
          await page.keyboard.press(key);
          const f = await focused();
          if (typeof text === "string" ? f.text === text : text.test(f.text)) return f;
        }
        throw new Error(`Tab never reached ${text}`);
      };
      await page.reload();
      await page.getByRole("heading", { name: "Dashboard" }).waitFor();
      const nav = await page.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents();
      expect(nav).toEqual(["Dashboard", "Topology", "Findings", "Posture", "Scans", "Settings"]);
      // Forward through the links from the top of the page, then back to the first one.
      for (const label of [...nav.slice(1), "Dashboard"]) {
        const f = await tabTo(label, label === "Dashboard" ? "Shift+Tab" : "Tab");
        expect(f.outline).toBe("solid");
        await page.keyboard.press("Enter");
        await page.getByRole("heading", { name: label, level: 1 }).waitFor(WAIT);
        expect(new URL(page.url()).pathname).toBe(label === "Dashboard" ? "/" : `/${label.toLowerCase()}`);
      }
      // The user menu: open it with Enter, Tab into it, follow its link.
      await tabTo(/^Account:/);
      await page.keyboard.press("Enter");
      await tabTo("Change password");
      await page.keyboard.press("Enter");
      await page.getByRole("heading", { name: "Change password", level: 1 }).waitFor(WAIT);
      await screenshot(page, "keyboard-change-password");
    } finally {
      await page.context().close();
    }
  });
});

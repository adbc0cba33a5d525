// The topology pages in a real browser against the built console, fed by simulated sensors: the hosts table,
// the WebGL graph, a host's page, and the "Scan this host" button for those who may use it.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { screenshot } from "../fixtures/browser.js";
import type { SimulatedSensor } from "../fixtures/sensor-sim.js";
import { startWebHarness, type WebHarness } from "../fixtures/web-harness.js";

const WAIT = { timeout: 15_000 };

/**
 * In-page code (a string: the tests are type-checked without the DOM library): how many pixels of a PNG, given
 * in base64, have the colour of the graph's hosts (the --topo-host variable of the current theme).
 */
const HOST_PIXELS = `async (data) => {
  const img = new Image();
  img.src = "data:image/png;base64," + data;
  await img.decode();
  const c = document.createElement("canvas");
  c.width = img.width;
  c.height = img.height;
  const ctx = c.getContext("2d");
  ctx.drawImage(img, 0, 0);
  const px = ctx.getImageData(0, 0, c.width, c.height).data;
  const probe = document.createElement("span");
  probe.style.color = "var(--topo-host)";
  document.body.append(probe);
  const [r, g, b] = getComputedStyle(probe).color.match(/\\d+/g).map(Number);
  probe.remove();
  let hits = 0;
  for (let i = 0; i < px.length; i += 4)
    if (Math.abs(px[i] - r) < 8 && Math.abs(px[i + 1] - g) < 8 && Math.abs(px[i + 2] - b) < 8) hits++;
  return hits;
}`;

describe("the topology pages", () => {
  let h: WebHarness;
  let page: Page;
  let sims: SimulatedSensor[];

  beforeAll(async () => {
    h = await startWebHarness();
    page = await h.signedIn();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it("tells what to run when no sensor has registered yet", async () => {
    await page.getByRole("link", { name: "Topology" }).click();
    await page.getByRole("heading", { name: "No sensors yet — run this command" }).waitFor(WAIT);
    expect(await page.getByTestId("topology-empty").locator("pre").textContent()).toContain(
      `rampart sensor --console ${h.console.url}`,
    );
  });

  it("lists both hosts online in the table, with what they hold", async () => {
    sims = await h.sensors(["web-1", "db-1"]);
    await page.reload();
    await page.getByRole("heading", { name: "Topology", level: 1 }).waitFor(WAIT);
    for (const host of ["web-1", "db-1"]) {
      const row = page.getByTestId(`node-row-${host}`);
      await row.waitFor(WAIT);
      expect(await row.getByRole("link", { name: host }).count()).toBe(1);
      expect(await row.locator(".badge").textContent()).toBe("online");
      expect(await row.textContent()).toContain("env=test");
    }
    // By hostname: db-1 before web-1.
    const names = await page.locator("tbody tr td:first-child a").allTextContents();
    expect(names).toEqual(["db-1", "web-1"]);
    await screenshot(page, "topology-table");
  });

  it("draws the graph with WebGL: a non-empty canvas and the hosts' graph in it", async () => {
    await page.getByRole("button", { name: "Graph" }).click();
    const graph = page.getByTestId("topology-graph");
    await graph.waitFor(WAIT);
    await expect.poll(() => graph.getAttribute("data-render-ms"), WAIT).not.toBeNull();
    // Hosts level: the two hosts only.
    expect(await graph.getAttribute("data-node-count")).toBe("2");
    // sigma's WebGL canvases are there and something was drawn on the nodes layer.
    expect(await graph.locator("canvas.sigma-nodes").count()).toBe(1);
    // What the user sees: a screenshot of the graph has pixels of the host colour (WebGL buffers are not
    // readable after compositing, so the check is on the screenshot, decoded by the page's own canvas).
    const png = (await graph.screenshot()).toString("base64");
    const drawn = await page.evaluate<number>(`(${HOST_PIXELS})(${JSON.stringify(png)})`);
    expect(drawn).toBeGreaterThan(0);
    // Processes level: init is not connected, nginx listens: host + nginx on each host.
    await page.getByLabel("Level", { exact: true }).selectOption("processes");
    await expect.poll(() => graph.getAttribute("data-node-count"), WAIT).toBe("4");
    await expect.poll(() => graph.getAttribute("data-render-ms"), WAIT).not.toBeNull();
    await screenshot(page, "topology-graph");
  });

  it("opens web-1 from the table: its host details, processes and sockets; the admin scans it", async () => {
    await page.getByRole("button", { name: "Table" }).click();
    await page.getByTestId("node-row-web-1").getByRole("link", { name: "web-1" }).click();
    await page.getByRole("heading", { name: "web-1", level: 1 }).waitFor(WAIT);
    expect(page.url()).toContain(`/topology/${sims[0]?.nodeId}`);
    const hostCard = page.locator("section", { has: page.getByRole("heading", { name: "Host", exact: true }) });
    await hostCard.getByText("Debian GNU/Linux 12 (bookworm)").waitFor(WAIT);
    await hostCard.getByText("6.1.0-test").waitFor(WAIT);
    await hostCard.getByText("eth0: 10.9.0.1").waitFor(WAIT);
    // The listening socket with its process, and the processes of the report.
    const listening = page.locator("section", { has: page.getByRole("heading", { name: /^Listening sockets/ }) });
    await listening.getByRole("cell", { name: "nginx (200)" }).waitFor(WAIT);
    await page.getByRole("heading", { name: "Processes (2)" }).waitFor(WAIT);
    await page.getByRole("cell", { name: "nginx: master process" }).first().waitFor(WAIT);
    await page.getByRole("cell", { name: "/sbin/init" }).waitFor(WAIT);
    await page.getByRole("heading", { name: "Connections (0)" }).waitFor(WAIT);
    await page.getByTestId("host-findings").getByText("open findings").waitFor(WAIT);
    expect(await page.getByTestId("host-findings").locator("strong").textContent()).toBe("0");
    // The neighbourhood graph: web-1 and its nginx.
    await expect.poll(() => page.getByTestId("topology-graph").getAttribute("data-node-count"), WAIT).toBe("2");
    await page.getByText("Not scanned yet.").waitFor(WAIT);

    await page.getByRole("button", { name: "Scan this host" }).click();
    const link = page.getByRole("status").getByRole("link", { name: "open the scan" });
    await link.waitFor(WAIT);
    const href = (await link.getAttribute("href")) ?? "";
    expect(href).toMatch(/^\/scans\/[0-9a-f-]{36}$/);
    // Queued until a sensor takes it (the simulated one does not answer), or already handed to it.
    expect(await page.getByRole("status").textContent()).toMatch(/^Scan (queued|running): open the scan$/);
    // The scan is the console's, for this node, and listed among the host's latest scans.
    const scan = await h.admin.call("GET", href);
    expect(scan.status).toBe(200);
    expect(scan.body.target.kind).toBe("host");
    expect(scan.body.target.nodeId).toBe(sims[0]?.nodeId);
    expect(scan.body.scanners).toEqual(["vuln", "secret", "malware"]);
    await page
      .getByRole("table")
      .filter({ hasText: "Latest scans" })
      .getByRole("cell", { name: /^(queued|running)$/ })
      .waitFor(WAIT);
    await screenshot(page, "topology-host");
  });

  it("shows a read-only user the host but no scan button", async () => {
    const email = await h.user("read-only");
    const ro = await h.signedIn(email);
    try {
      await ro.goto(`${h.console.url}/topology/${sims[1]?.nodeId}`);
      await ro.getByRole("heading", { name: "db-1", level: 1 }).waitFor(WAIT);
      await ro.getByRole("heading", { name: "Scans and findings" }).waitFor(WAIT);
      await ro.getByTestId("host-findings").waitFor(WAIT);
      expect(await ro.getByRole("button", { name: "Scan this host" }).count()).toBe(0);
      await ro.getByText("Not scanned yet.").waitFor(WAIT);
    } finally {
      await ro.context().close();
    }
  });

  it("shows an unknown node as an error with the way back", async () => {
    await page.goto(`${h.console.url}/topology/00000000-0000-4000-8000-000000000000`);
    await page.getByText("not found", { exact: false }).waitFor(WAIT);
    await page.getByRole("link", { name: "Back to the topology" }).waitFor(WAIT);
  });
});

// The topology graph in the browser at estate scale: 50,000 nodes and 100,000 edges drawn by the web UI's own
// GraphView (sigma.js over WebGL) in the test Chromium. The graph is the one GET /topology/graph?level=processes
// returns for the generated estate of bench/ui-topology-estate.ts (1,000 hosts), resolved and folded by the
// console's own code; the component is bundled with Vite into a small static page fed with it, so the browser
// alone is measured (bench/ui-topology-server-bench.ts measures the endpoint). Measures the time to the first
// drawn frame and the frame times while zooming (wheel) and panning (drag).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";
import { build } from "vite";
import { buildGraph, type NodeTopology } from "../packages/console/src/topology/graph.js";
import { foldGraph } from "../packages/console/src/topology/graph-view.js";
import { launchBrowser } from "../test/fixtures/browser.js";
import { ROOT } from "./lib.js";
import { generateEstate } from "./ui-topology-estate.js";

const HOSTS = Number(process.env.BENCH_HOSTS ?? 1000);
const EDGES = Number(process.env.BENCH_EDGES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/** The estate resolved and folded by the console's own code, at the processes level: what the API returns. */
function generate() {
  const topologies: NodeTopology[] = generateEstate(HOSTS, EDGES).map((h) => ({
    nodeId: h.hostname,
    hostname: h.hostname,
    status: "online",
    lastSeenAt: h.report.at,
    host: h.report.host,
    processes: h.report.processes,
    listening: h.report.listening,
    connections: h.report.connections,
    containers: h.report.containers,
    pods: [],
    services: [],
    ingresses: [],
  }));
  return foldGraph(buildGraph(topologies, { processes: "connected" }), { level: "processes" });
}

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
};

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
};
const round = (x: number) => Math.round(x * 10) / 10;

async function main() {
  const out = mkdtempSync(join(tmpdir(), "rampart-ui-bench-"));
  const log = (m: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${m}`);
  log("resolving the estate");
  const graph = generate();
  log(`graph: ${graph.nodes.length} nodes, ${graph.edges.length} edges`);
  const json = JSON.stringify(graph);
  await build({
    root: resolve(ROOT, "bench/ui-topology"),
    base: "/",
    logLevel: "warn",
    configFile: false,
    build: { outDir: out, emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 4096 },
    oxc: { jsx: { runtime: "automatic" } },
  });
  writeFileSync(join(out, "graph.json"), json);
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] === "/" ? "/index.html" : (req.url ?? "/").split("?")[0];
    try {
      const body = readFileSync(join(out, (path as string).replace(/\.\.+/g, "")));
      res.writeHead(200, { "content-type": TYPES[extname(path as string)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const t0 = Date.now();
    await page.goto(url);
    const graphEl = page.getByTestId("topology-graph");
    // In-page code as strings: the bench is type-checked without the DOM library, and tsx would wrap named
    // functions with a helper the page does not have.
    await page.waitForFunction('document.querySelector("[data-render-ms]") !== null', undefined, {
      timeout: 300_000,
    });
    const wallMs = Date.now() - t0;
    log(`first frame after ${wallMs} ms`);
    const nodeCount = Number(await graphEl.getAttribute("data-node-count"));
    const edgeCount = Number(await graphEl.getAttribute("data-edge-count"));
    const renderMs = Number(await graphEl.getAttribute("data-render-ms"));
    const buildMs = Number(await graphEl.getAttribute("data-build-ms"));
    const loadMs = Number(await page.evaluate<string>("document.body.dataset.loadMs"));
    const renderer = await page.evaluate<string>(`(() => {
      const gl = document.createElement("canvas").getContext("webgl2");
      const info = gl && gl.getExtension("WEBGL_debug_renderer_info");
      return info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : "unknown";
    })()`);
    const heapMb =
      (await page.evaluate<number>("performance.memory ? performance.memory.usedJSHeapSize : 0")) / 2 ** 20;

    // Frame times while the user zooms and pans: requestAnimationFrame deltas over the interaction.
    const box = await graphEl.boundingBox();
    if (!box) throw new Error("no graph on the page");
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.evaluate(`(() => {
      window.__frames = [];
      window.__run = true;
      let last = performance.now();
      const tick = (now) => {
        window.__frames.push(now - last);
        last = now;
        if (window.__run) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    })()`);
    const take = () => page.evaluate<number[]>("window.__frames.splice(0).slice(1)");
    const stats = (frames: number[]) => ({
      frames: frames.length,
      medianMs: round(pct(frames, 50)),
      p95Ms: round(pct(frames, 95)),
      maxMs: round(Math.max(...frames)),
      over50Ms: frames.filter((f) => f > 50).length,
    });
    const runs: { zoom: number[]; pan: number[] }[] = [];
    for (let run = 0; run < RUNS; run++) {
      log(`run ${run + 1}`);
      await page.mouse.move(cx, cy);
      await take();
      for (let i = 0; i < 10; i++) {
        await page.mouse.wheel(0, i < 5 ? -240 : 240);
        await page.waitForTimeout(60);
      }
      await page.waitForTimeout(400);
      const zoom = await take();
      for (let i = 0; i < 4; i++) {
        await page.mouse.move(cx, cy);
        await page.mouse.down();
        for (let s = 1; s <= 15; s++) await page.mouse.move(cx + s * 12 * (i % 2 ? -1 : 1), cy + s * 6);
        await page.mouse.up();
        await page.waitForTimeout(100);
      }
      await page.waitForTimeout(400);
      runs.push({ zoom, pan: await take() });
    }
    await page.evaluate("window.__run = false");
    const frames = runs.flatMap((r) => [...r.zoom, ...r.pan]);
    const median = (xs: number[]) => round(pct(xs, 50));
    const result = {
      date: new Date().toISOString().slice(0, 10),
      browser: `Chromium ${browser.version()} headless, 1280×800`,
      webglRenderer: renderer,
      graph: { nodes: nodeCount, edges: edgeCount, jsonMb: round(json.length / 2 ** 20) },
      firstRender: {
        fetchAndParseMs: round(loadMs),
        layoutAndBuildGraphMs: round(buildMs),
        layoutBuildAndFirstFrameMs: round(renderMs),
        pageLoadToFirstFrameMs: wallMs,
      },
      jsHeapMb: round(heapMb),
      // requestAnimationFrame deltas over each run of 10 wheel steps (zoom) then 4 drags (pan), each followed by
      // 0.4 s of rest (the frame that brings edges and labels back counts); p95 per run and their median.
      panZoom: {
        runs: RUNS,
        all: stats(frames),
        p95MsPerRun: runs.map((r) => round(pct([...r.zoom, ...r.pan], 95))),
        medianP95Ms: median(runs.map((r) => pct([...r.zoom, ...r.pan], 95))),
        zoom: stats(runs.flatMap((r) => r.zoom)),
        pan: stats(runs.flatMap((r) => r.pan)),
        fps: round(1000 / pct(frames, 50)),
      },
    };
    writeFileSync(resolve(ROOT, "bench/results/ui-topology.json"), `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await browser.close();
    server.close();
    rmSync(out, { recursive: true, force: true });
  }
}

await main();

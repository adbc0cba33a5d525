// The topology graph in the browser at estate scale: 50,000 nodes and 100,000 edges drawn by the web UI's own
// GraphView (sigma.js over WebGL) in the test Chromium. Seeding 50,000 sensors through the console is not
// practical (and its graph endpoint reads the whole estate per request), so the component is bundled with
// Vite into a small static page fed with a generated graph of the shape GET /topology/graph returns. Measures
// the time to the first drawn frame and the frame times while zooming (wheel) and panning (drag).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";
import { build } from "vite";
import { launchBrowser } from "../test/fixtures/browser.js";
import { mulberry32 } from "../test/fixtures/prng.js";
import { ROOT } from "./lib.js";

const HOSTS = Number(process.env.BENCH_HOSTS ?? 1000);
const CONTAINERS = 5;
const PROCESSES = 44; // per host: 1 host + 5 containers + 44 processes = 50 nodes
const EDGES = Number(process.env.BENCH_EDGES ?? 100_000);

interface Node {
  id: string;
  kind: "host" | "container" | "process";
  label: string;
  parent: string | null;
  nodeId: string;
  attributes: Record<string, string | number | null>;
}

function generate() {
  const rnd = mulberry32(8);
  const nodes: Node[] = [];
  const procs: string[] = [];
  for (let h = 0; h < HOSTS; h++) {
    const nodeId = `n${h}`;
    const host = `host:${nodeId}`;
    nodes.push({ id: host, kind: "host", label: `host-${h}`, parent: null, nodeId, attributes: { status: "online" } });
    const containers = Array.from({ length: CONTAINERS }, (_, c) => `container:${nodeId}:c${c}`);
    for (const [c, id] of containers.entries())
      nodes.push({ id, kind: "container", label: `app-${c}`, parent: host, nodeId, attributes: {} });
    for (let p = 0; p < PROCESSES; p++) {
      const id = `process:${nodeId}:${100 + p}`;
      // A third of the processes on the host itself, the rest in its containers.
      const parent = p % 3 === 0 ? host : (containers[p % CONTAINERS] as string);
      nodes.push({ id, kind: "process", label: `proc-${p}`, parent, nodeId, attributes: { pid: 100 + p } });
      procs.push(id);
    }
  }
  const seen = new Set<string>();
  const edges: { from: string; to: string; kind: "connection"; proto: "tcp"; port: number; count: number }[] = [];
  while (edges.length < EDGES) {
    const from = procs[Math.floor(rnd() * procs.length)] as string;
    const to = procs[Math.floor(rnd() * procs.length)] as string;
    const key = `${from}|${to}`;
    if (from === to || seen.has(key)) continue;
    seen.add(key);
    edges.push({ from, to, kind: "connection", proto: "tcp", port: 1000 + Math.floor(rnd() * 9000), count: 1 });
  }
  return { nodes, edges, unresolved: 0 };
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
  const graph = generate();
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
    await page.mouse.move(cx, cy);
    for (let i = 0; i < 10; i++) {
      await page.mouse.wheel(0, i < 5 ? -240 : 240);
      await page.waitForTimeout(60);
    }
    for (let i = 0; i < 4; i++) {
      await page.mouse.move(cx, cy);
      await page.mouse.down();
      for (let s = 1; s <= 15; s++) await page.mouse.move(cx + s * 12 * (i % 2 ? -1 : 1), cy + s * 6);
      await page.mouse.up();
      await page.waitForTimeout(100);
    }
    const frames = await page.evaluate<number[]>("(window.__run = false, window.__frames.slice(1))");
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
      panZoom: {
        frames: frames.length,
        medianMs: round(pct(frames, 50)),
        p95Ms: round(pct(frames, 95)),
        maxMs: round(Math.max(...frames)),
        over50Ms: frames.filter((f) => f > 50).length,
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

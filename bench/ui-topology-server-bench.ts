// The console's GET /topology/graph at estate scale, without HTTP: 1,000 hosts (50,000 graph nodes, 100,000
// connections, bench/ui-topology-estate.ts) reported through the sensor service into a SQLite store (or
// PostgreSQL with BENCH_ENGINE=postgres), then each view of the graph built from the store in its own child
// process, so its peak RSS is its own: the time to answer and the RSS it took. Results go to
// bench/results/ui-topology-server.json.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { openStore, type StoreConfig } from "../packages/console/src/store/open.js";
import { testStore } from "../packages/console/src/store/test-support.js";
import { loadGraph } from "../packages/console/src/topology/graph.js";
import { loadGraphView, type ViewOptions } from "../packages/console/src/topology/graph-view.js";
import type { Report } from "../packages/console/src/topology/report.js";
import { SensorService } from "../packages/console/src/topology/service.js";
import { sensorKey } from "../packages/console/src/topology/test-support.js";
import { ROOT } from "./lib.js";
import { generateEstate } from "./ui-topology-estate.js";

const HOSTS = Number(process.env.BENCH_HOSTS ?? 1000);
const EDGES = Number(process.env.BENCH_EDGES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

type Variant = { name: string; legacy?: { processes: "connected" | "none" }; view?: ViewOptions };

async function measure(config: StoreConfig, v: Variant) {
  const store = await openStore(config);
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  let nodes: number;
  let edges: number;
  let bytes: number;
  let truncated = false;
  let repeatMs: number | null = null;
  if (v.legacy) {
    const g = await loadGraph(store, v.legacy);
    bytes = JSON.stringify(g).length;
    ({ length: nodes } = g.nodes);
    ({ length: edges } = g.edges);
  } else {
    const select =
      v.view?.select?.[0] === "first"
        ? [(await store.db.selectFrom("nodes").select("id").orderBy("hostname").executeTakeFirstOrThrow()).id]
        : v.view?.select;
    const view = { ...(v.view as ViewOptions), ...(select ? { select, expand: select } : {}) };
    const g = await loadGraphView(store, view);
    bytes = JSON.stringify(g).length;
    // Asked again with nothing changed: the resolved graph is reused, only folded again.
    const again = performance.now();
    await loadGraphView(store, view);
    repeatMs = Math.round(performance.now() - again);
    ({ length: nodes } = g.nodes);
    ({ length: edges } = g.edges);
    truncated = g.truncated;
  }
  const ms = performance.now() - t0 - (repeatMs ?? 0);
  await store.close();
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(
    JSON.stringify({
      ms: Math.round(ms),
      repeatMs,
      nodes,
      edges,
      truncated,
      jsonMb: +(bytes / 2 ** 20).toFixed(2),
      rssBaseMb: Math.round(rss0 / 2 ** 20),
      rssPeakMb: Math.round(peak / 2 ** 20),
    }),
  );
}

const VARIANTS: Variant[] = [
  // The whole estate resolved and not folded (what the endpoint returned before views): for comparison.
  { name: "unfolded: every process (loadGraph)", legacy: { processes: "connected" } },
  { name: "unfolded: containers and hosts (loadGraph)", legacy: { processes: "none" } },
  { name: "level=hosts", view: { level: "hosts", processes: "connected" } },
  { name: "level=hosts&select=<one host>", view: { level: "hosts", processes: "connected", select: ["first"] } },
  { name: "level=containers", view: { level: "containers", processes: "connected" } },
  { name: "level=processes (50,000 nodes)", view: { level: "processes", processes: "connected" } },
];

async function main() {
  if (process.argv[2] === "measure") {
    await measure(JSON.parse(process.argv[3] as string), JSON.parse(process.argv[4] as string));
    return;
  }
  const engine = process.env.BENCH_ENGINE === "postgres" ? "postgres" : "sqlite";
  const t = await testStore(engine);
  try {
    const store = await openStore(t.config);
    const sensors = new SensorService(store);
    const key = await sensorKey(store);
    const seedStart = performance.now();
    for (const h of generateEstate(HOSTS, EDGES)) {
      const { node } = await sensors.register(key, {
        machineId: h.machineId,
        hostname: h.hostname,
        agentVersion: "bench",
      });
      await sensors.report(node.id, { seq: 1, ...h.report } as Report);
    }
    const seedSeconds = (performance.now() - seedStart) / 1000;
    await store.close();
    console.log(`seeded ${HOSTS} hosts in ${seedSeconds.toFixed(1)} s`);
    const results = [];
    for (const v of VARIANTS) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) {
        const out = execFileSync(
          process.execPath,
          [
            "--import",
            "tsx",
            "bench/ui-topology-server-bench.ts",
            "measure",
            JSON.stringify(t.config),
            JSON.stringify(v),
          ],
          { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 20 },
        );
        runs.push(JSON.parse(out.trim().split("\n").pop() as string));
      }
      const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
      const rss = runs.map((r) => r.rssPeakMb).sort((a, b) => a - b);
      const r = {
        variant: v.name,
        ...runs[0],
        ms: ms[Math.floor(ms.length / 2)],
        msRuns: runs.map((x) => x.ms),
        rssPeakMb: rss[Math.floor(rss.length / 2)],
      };
      console.log(JSON.stringify(r));
      results.push(r);
    }
    const out = {
      date: new Date().toISOString().slice(0, 10),
      engine,
      hosts: HOSTS,
      connections: EDGES,
      seedSeconds: +seedSeconds.toFixed(1),
      note: "each variant in its own node process, median of the runs; rssPeakMb is the process's peak RSS (the runtime and store included)",
      results,
    };
    writeFileSync(
      resolve(ROOT, `bench/results/ui-topology-server${engine === "postgres" ? "-postgres" : ""}.json`),
      `${JSON.stringify(out, null, 2)}\n`,
    );
  } finally {
    await t.drop();
  }
}

await main();

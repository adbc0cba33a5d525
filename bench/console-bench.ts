/**
 * Console sensor-report ingestion and memory, on SQLite and on PostgreSQL. Starts the built `rampart console`
 * (HTTPS, as shipped), registers N simulated sensors (default 1,000), gives each a full topology report, then
 * C concurrent connections send delta reports as fast as the console answers, for a fixed time. Baseline in
 * the same run: the same connections calling GET /api/v1/health (the console's cheapest route: TLS, routing,
 * one store query). Reports reports/s (goal ≥ 2,000), the ratio to the baseline, and the console's RSS with
 * every node loaded and its peak (goal ≤ 300 MB). PostgreSQL: the test setup's server on 127.0.0.1:55433
 * (test/setup/postgres.sh start). Writes bench/results/console.json.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testStore } from "../packages/console/src/store/test-support.js";
import { ConsoleClient, startConsole } from "../test/fixtures/console-process.js";
import { SimulatedSensor } from "../test/fixtures/sensor-sim.js";
import { buildTestDb } from "../test/fixtures/vulndb.js";
import { CLI, need, procCpuSeconds, procRssMb, writeResults } from "./lib.js";

const NODES = Number(process.env.BENCH_NODES ?? 1000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
need(CLI);

/**
 * CPU seconds used so far by every PostgreSQL server process on this machine (the bench's server is the only
 * one the test setup runs): with the console's and the client's, what one report costs in all.
 */
const postgresCpuSeconds = () => {
  let total = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (stat.includes("(postgres)")) total += procCpuSeconds(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return total;
};

/** Runs `op` from `CONNECTIONS` workers for `SECONDS`; returns completed calls per second (non-2xx count as errors). */
async function rate(
  op: (worker: number, i: number) => Promise<number>,
): Promise<{ perSecond: number; errors: number; statuses: Record<number, number> }> {
  const end = Date.now() + SECONDS * 1000;
  let done = 0;
  let errors = 0;
  const statuses: Record<number, number> = {};
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, w) => {
      for (let i = 0; Date.now() < end; i++) {
        const status = await op(w, i);
        if (status >= 200 && status < 300) done++;
        else {
          errors++;
          statuses[status] = (statuses[status] ?? 0) + 1;
        }
      }
    }),
  );
  return { perSecond: done / SECONDS, errors, statuses };
}

async function run(engine: "sqlite" | "postgres") {
  const dataDir = mkdtempSync(join(tmpdir(), "rampart-console-bench-"));
  const pg = engine === "postgres" ? await testStore("postgres") : undefined;
  const proc = await startConsole({
    dataDir,
    dbDir: await buildTestDb(),
    ...(process.env.BENCH_NODE_ARGS ? { nodeArgs: process.env.BENCH_NODE_ARGS.split(" ") } : {}),
    ...(pg?.config.engine === "postgres" ? { database: pg.config.url } : {}),
  });
  const pid = proc.child.pid as number;
  const client = new ConsoleClient(proc.url, dataDir, CONNECTIONS);
  try {
    const idle = procRssMb(pid, "VmRSS");
    client.token = (
      await client.call("POST", "/auth/register", {
        email: "bench@example.test",
        password: "correct horse battery staple",
      })
    ).body.accessToken;
    const key = (await client.call("POST", "/api-keys", { name: "bench", scope: "sensor" })).body.key as string;
    const sensors = Array.from(
      { length: NODES },
      (_, i) => new SimulatedSensor(client, `node-${i}`, undefined, `10.${(i >> 8) & 255}.${i & 255}.1`),
    );
    const loadStart = Date.now();
    for (let i = 0; i < sensors.length; i += CONNECTIONS)
      await Promise.all(
        sensors.slice(i, i + CONNECTIONS).map(async (s) => {
          if ((await s.register(key)).status !== 200 || (await s.full()).status !== 200)
            throw new Error(`${s.hostname}: registration or full report refused`);
        }),
      );
    const loadSeconds = (Date.now() - loadStart) / 1000;
    const loaded = procRssMb(pid, "VmRSS");
    const health = await rate(() => client.call("GET", "/health", undefined, "").then((r) => r.status));
    // Each worker owns a slice of the nodes, so each node's reports stay in sequence.
    const consoleCpu0 = procCpuSeconds(pid);
    const clientCpu0 = process.cpuUsage();
    const pgCpu0 = engine === "postgres" ? postgresCpuSeconds() : 0;
    const owned = Array.from({ length: CONNECTIONS }, (_, w) => sensors.filter((_, k) => k % CONNECTIONS === w));
    const reports = await rate(async (w, i) => {
      const mine = owned[w] as SimulatedSensor[];
      const s = mine[i % mine.length] as SimulatedSensor;
      const r = await s.delta();
      if (r.status !== 200) s.seq--;
      return r.status;
    });
    const consoleCpu = procCpuSeconds(pid) - consoleCpu0;
    const clientCpu = process.cpuUsage(clientCpu0);
    const pgCpu = engine === "postgres" ? postgresCpuSeconds() - pgCpu0 : 0;
    const reportCount = reports.perSecond * SECONDS;
    const result = {
      engine,
      nodes: NODES,
      connections: CONNECTIONS,
      registerAndFullReportSeconds: Number(loadSeconds.toFixed(1)),
      fullReportsPerSecond: Math.round(NODES / loadSeconds),
      healthPerSecond: Math.round(health.perSecond),
      reportsPerSecond: Math.round(reports.perSecond),
      reportErrors: reports.errors,
      reportErrorStatuses: reports.statuses,
      ratioToHealth: Number((reports.perSecond / health.perSecond).toFixed(2)),
      // What one report costs the console, and what the console alone could take with every core to itself.
      consoleCpuMsPerReport: Number(((consoleCpu * 1000) / reportCount).toFixed(3)),
      clientCpuMsPerReport: Number(((clientCpu.user + clientCpu.system) / 1000 / reportCount).toFixed(3)),
      consoleCapacityPerCore: Math.round(reportCount / consoleCpu),
      postgresCpuMsPerReport: Number(((pgCpu * 1000) / reportCount).toFixed(3)),
      rssIdleMb: Math.round(idle),
      rssWithNodesMb: Math.round(loaded),
      rssAfterMb: Math.round(procRssMb(pid, "VmRSS")),
      rssPeakMb: Math.round(procRssMb(pid, "VmHWM")),
    };
    console.log(
      `${engine}: ${result.reportsPerSecond} reports/s (goal ≥ 2,000; ${result.ratioToHealth}× the ${result.healthPerSecond}/s of GET /health), ` +
        `console CPU ${result.consoleCpuMsPerReport} ms/report (${result.consoleCapacityPerCore}/s per core), client ${result.clientCpuMsPerReport} ms/report, ` +
        (engine === "postgres" ? `PostgreSQL server ${result.postgresCpuMsPerReport} ms/report, ` : "") +
        `${result.reportErrors} refused ${JSON.stringify(result.reportErrorStatuses)}; ${NODES} nodes registered with full reports in ${result.registerAndFullReportSeconds} s; ` +
        `RSS idle ${result.rssIdleMb} MB, with ${NODES} nodes ${result.rssWithNodesMb} MB, peak ${result.rssPeakMb} MB (goal ≤ 300)`,
    );
    return result;
  } finally {
    client.close();
    await proc.stop();
    await pg?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results = [];
for (const engine of (process.env.BENCH_ENGINES ?? "sqlite,postgres").split(",") as ("sqlite" | "postgres")[])
  results.push(await run(engine));
writeResults("console", { results });

/**
 * The sensor's memory and CPU on this host. Starts the built console (HTTPS, loopback) with an admin and a
 * sensor API key, then runs the built `rampart sensor` against it in two phases: reporting every 30 s (the
 * default) and idle (--report-seconds 3600: heartbeats and the long-poll for actions only). Each phase runs a
 * warm-up, then samples the sensor's RSS every second and its CPU over the window. Baseline in the same run,
 * over the same window: a node process doing nothing, started with the sensor. Reports RSS (goal ≤ 60 MB), CPU
 * in % of one core (goal ≤ 1% idle), the ratios to the baseline, and one discovery pass's CPU: (reporting CPU −
 * idle CPU) / report cycles. Writes bench/results/sensor.json.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type Harness, startHarness } from "../test/fixtures/sensor-harness.js";
import { CLI, need, procCpuSeconds, procPssMb, procRssMb, writeResults } from "./lib.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 120);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
const REPORT_SECONDS = 30;
const IDLE_REPORT_SECONDS = 3600;
const GOAL = { rssMb: 60, idleCpuPercent: 1 };
need(CLI);

interface Proc {
  child: ChildProcess;
  pid: number;
  log(): string;
  /** SIGTERM, then SIGKILL if it has not exited 5 s later; resolves once it is gone. */
  stop(): Promise<void>;
}

const running = new Set<Proc>();

/** Starts node with `args`; an inherited NODE_OPTIONS is dropped, so neither process loads more than asked. */
function launch(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn("node", args, {
    env: { ...process.env, NODE_OPTIONS: "", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  child.stderr?.on("data", (d: Buffer) => {
    err = (err + d.toString()).slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  if (!child.pid) throw new Error(`could not start node ${args.join(" ")}`);
  const proc: Proc = {
    child,
    pid: child.pid,
    log: () => err,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(killer);
      }
      running.delete(proc);
    },
  };
  running.add(proc);
  return proc;
}

const alive = (p: Proc, what: string) => {
  if (p.child.exitCode !== null || p.child.signalCode !== null)
    throw new Error(`${what} exited (${p.child.exitCode ?? p.child.signalCode}):\n${p.log()}`);
};

interface Usage {
  rssMaxMb: number;
  rssMeanMb: number;
  /** Peak RSS since the process started (VmHWM), which catches what 1 s samples miss. */
  rssPeakMb: number;
  rssAnonMb: number;
  rssFileMb: number;
  pssMb: number;
  cpuMs: number;
  cpuPercentOfCore: number;
}

/** Samples each process's RSS every second for `seconds`, and its CPU over the whole window. */
async function watch(procs: { proc: Proc; what: string }[], seconds: number): Promise<Usage[]> {
  const start = performance.now();
  const cpu0 = procs.map(({ proc }) => procCpuSeconds(proc.pid));
  const rss = procs.map(() => [] as number[]);
  for (let s = 0; s < seconds; s++) {
    await sleep(1000);
    procs.forEach(({ proc, what }, i) => {
      alive(proc, what);
      rss[i]?.push(procRssMb(proc.pid));
    });
  }
  const wallSeconds = (performance.now() - start) / 1000;
  return procs.map(({ proc }, i) => {
    const samples = rss[i] as number[];
    const cpuSeconds = procCpuSeconds(proc.pid) - (cpu0[i] as number);
    return {
      rssMaxMb: round(Math.max(...samples)),
      rssMeanMb: round(samples.reduce((a, b) => a + b, 0) / samples.length),
      rssPeakMb: round(procRssMb(proc.pid, "VmHWM")),
      rssAnonMb: round(procRssMb(proc.pid, "RssAnon")),
      rssFileMb: round(procRssMb(proc.pid, "RssFile")),
      pssMb: round(procPssMb(proc.pid)),
      cpuMs: Math.round(cpuSeconds * 1000),
      cpuPercentOfCore: Number(((cpuSeconds / wallSeconds) * 100).toFixed(3)),
    };
  });
}

const round = (x: number) => Number(x.toFixed(1));
const processCount = () => readdirSync("/proc").filter((d) => /^\d+$/.test(d)).length;

/** The console's last report seq for this host's node (0 before the first report). */
async function lastSeq(h: Harness): Promise<number> {
  const r = await h.admin.call("GET", "/topology/nodes");
  if (r.status !== 200) throw new Error(`GET /topology/nodes: ${r.status}`);
  return Math.max(0, ...r.body.nodes.map((n: { lastSeq: number }) => n.lastSeq));
}

/** One phase: the sensor at `reportSeconds` and the baseline, started together, watched over the same window. */
async function phase(h: Harness, name: string, reportSeconds: number) {
  const before = await lastSeq(h);
  const baseline = launch(["-e", "setInterval(() => {}, 1e9)"]);
  const sensor = launch(
    [
      ...(process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(" ") : []),
      CLI,
      "sensor",
      "--console",
      h.console.url,
      "--fingerprint",
      h.fingerprint256,
      // The same state in both phases: the idle sensor is the reporting one restarted with another setting.
      "--data",
      join(h.dir, "sensor"),
      "--no-cloud-metadata",
      "--report-seconds",
      String(reportSeconds),
    ],
    // The key in the environment, out of ps.
    { RAMPART_API_KEY: h.sensorKey },
  );
  try {
    await sleep(WARMUP_SECONDS * 1000);
    alive(sensor, "the sensor");
    const seq0 = await lastSeq(h);
    if (seq0 === before)
      throw new Error(`the sensor sent no report in the ${WARMUP_SECONDS} s warm-up:\n${sensor.log()}`);
    const loadBefore = loadavg()[0] as number;
    const [s, b] = (await watch(
      [
        { proc: sensor, what: "the sensor" },
        { proc: baseline, what: "the baseline" },
      ],
      SECONDS,
    )) as [Usage, Usage];
    return {
      phase: name,
      reportSeconds,
      seconds: SECONDS,
      reportsReceived: (await lastSeq(h)) - seq0,
      sensor: s,
      baseline: b,
      rssRatioToBaseline: Number((s.rssMeanMb / b.rssMeanMb).toFixed(2)),
      rssOverBaselineMb: round(s.rssMeanMb - b.rssMeanMb),
      hostProcesses: processCount(),
      loadAverage1m: [loadBefore, loadavg()[0] as number].map((l) => Number(l.toFixed(2))),
    };
  } finally {
    await Promise.all([sensor.stop(), baseline.stop()]);
  }
}

type Phase = Awaited<ReturnType<typeof phase>>;

function line(p: Phase, cpuGoal: boolean): string {
  const s = p.sensor;
  return (
    `${p.phase}: RSS max ${s.rssMaxMb} MB, mean ${s.rssMeanMb} MB, peak ${s.rssPeakMb} MB (goal ≤ ${GOAL.rssMb}; ` +
    `${p.rssRatioToBaseline}× the idle node's ${p.baseline.rssMeanMb} MB, +${p.rssOverBaselineMb} MB), ` +
    `CPU ${s.cpuPercentOfCore}% of a core${cpuGoal ? ` (goal ≤ ${GOAL.idleCpuPercent}%)` : ""} ` +
    `against the idle node's ${p.baseline.cpuPercentOfCore}%; ${p.reportsReceived} reports received in ${p.seconds} s, ` +
    `${p.hostProcesses} processes on the host, load ${p.loadAverage1m.join(" → ")}`
  );
}

let harness: Harness | undefined;
let cleaned: Promise<void> | undefined;
const cleanup = () =>
  (cleaned ??= (async () => {
    await Promise.allSettled([...running].map((p) => p.stop()));
    await harness?.close();
  })());

// Bounded: both phases, the console's start and the stops, with room to spare; then everything is stopped.
const limitMs = (2 * (WARMUP_SECONDS + SECONDS) + 180) * 1000;
const watchdog = setTimeout(() => {
  process.stderr.write(`sensor bench: still running after ${limitMs / 1000} s, stopping\n`);
  void cleanup().finally(() => process.exit(1));
}, limitMs);
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => void cleanup().finally(() => process.exit(130)));

try {
  harness = await startHarness();
  const reporting = await phase(harness, `reporting every ${REPORT_SECONDS} s`, REPORT_SECONDS);
  console.log(line(reporting, false));
  const idle = await phase(harness, `idle (--report-seconds ${IDLE_REPORT_SECONDS})`, IDLE_REPORT_SECONDS);
  console.log(line(idle, true));
  const cycles = SECONDS / REPORT_SECONDS;
  const passCpuMs = Math.round((reporting.sensor.cpuMs - idle.sensor.cpuMs) / cycles);
  console.log(
    `discovery pass: ${passCpuMs} ms of CPU per report cycle ((${reporting.sensor.cpuMs} − ${idle.sensor.cpuMs} ms) / ${round(cycles)} cycles)`,
  );
  writeResults("sensor", {
    goal: GOAL,
    warmupSeconds: WARMUP_SECONDS,
    phases: [reporting, idle],
    discoveryPass: { cycles, cpuMs: passCpuMs },
  });
} finally {
  clearTimeout(watchdog);
  await cleanup();
}

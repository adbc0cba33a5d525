/**
 * A full posture scan of this host: every built-in linux control (Rampart's engine, in a process of its own),
 * timed in the same run against OpenSCAP (`oscap xccdf eval --profile standard`, the SCAP Security Guide's
 * Debian 12 datastream unpacked by test/setup/oscap.sh) and lynis (`lynis audit system --quick`), each run
 * BENCH_RUNS times (default 3, at most 10) after one warm-up run of Rampart and oscap (page cache). Reports each tool's
 * median wall time, its CPU time (user + system, children included) and peak RSS (GNU time: the largest
 * single process of the run), and Rampart's ratios to both. The tools do not check the same things (oscap's
 * standard profile has 44 rules, lynis runs ~250 tests, Rampart its linux controls): the counts are reported
 * beside the times. Writes bench/results/posture.json.
 *
 * `node --conditions source --import tsx bench/posture-bench.ts --rampart-child` is the Rampart side: it loads
 * the engine, evaluates the controls against the host and prints a JSON summary (with its own evaluation time,
 * module loading excluded).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseXccdfResults } from "../test/fixtures/openscap.js";
import { median, ROOT, TD, writeResults } from "./lib.js";

const RUNS = Math.min(10, Math.max(1, Number(process.env.BENCH_RUNS ?? 3)));

/** The scan itself, in this process: what `rampart scan host --scanners posture` evaluates for linux. */
async function rampartChild(): Promise<void> {
  const { allCollectors, evaluatePosture, FileView, loadBuiltinControls } = await import(
    "../packages/engine/src/index.js"
  );
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const controls = loadBuiltinControls().filter((c) => c.platform === "linux");
  const report = await evaluatePosture(
    controls,
    { name: "host", files: FileView.forHost(), live: { procRoot: "/proc" } },
    allCollectors,
  );
  const cpu = process.cpuUsage(cpu0);
  const counts: Record<string, number> = {};
  for (const r of report.results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  process.stdout.write(
    `${JSON.stringify({
      controls: controls.length,
      counts,
      evaluationSeconds: Number(process.hrtime.bigint() - t0) / 1e9,
      evaluationCpuSeconds: (cpu.user + cpu.system) / 1e6,
      warnings: report.warnings.length,
    })}\n`,
  );
}

interface Measured {
  seconds: number;
  cpuSeconds: number;
  maxRssMb: number;
  stdout: string;
}

/** One run under GNU time (its figures go to a file of their own, apart from the tool's stderr). */
function measure(cmd: string, args: string[], okStatus: readonly number[] = [0]): Measured {
  const dir = mkdtempSync(join(tmpdir(), "rampart-bench-posture-"));
  try {
    const timeFile = join(dir, "time");
    const r = spawnSync("/usr/bin/time", ["-o", timeFile, "-f", "%e %U %S %M", cmd, ...args], {
      encoding: "utf8",
      maxBuffer: 1 << 28,
      cwd: ROOT,
    });
    if (r.status === null || !okStatus.includes(r.status))
      throw new Error(`${cmd} ${args.join(" ")} exited ${r.status ?? r.signal}: ${r.stderr.slice(-2000)}`);
    const last = readFileSync(timeFile, "utf8").trim().split("\n").pop() ?? "";
    const [e, u, s, kb] = last.split(" ").map(Number);
    return { seconds: e ?? Number.NaN, cpuSeconds: (u ?? 0) + (s ?? 0), maxRssMb: (kb ?? 0) / 1024, stdout: r.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Summary {
  runs: number;
  seconds: number;
  cpuSeconds: number;
  maxRssMb: number;
  allSeconds: number[];
}
const summarize = (rs: Measured[]): Summary => ({
  runs: rs.length,
  seconds: median(rs.map((r) => r.seconds)),
  cpuSeconds: median(rs.map((r) => r.cpuSeconds)),
  maxRssMb: Math.max(...rs.map((r) => r.maxRssMb)),
  allSeconds: rs.map((r) => r.seconds),
});

async function main(): Promise<void> {
  const ds = join(TD, "ssg", "ssg-debian12-ds.xml");
  if (!existsSync(ds)) throw new Error(`${ds} is missing: run npm run test:setup`);
  for (const tool of ["oscap", "lynis"])
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0)
      throw new Error(`${tool} is not installed: run npm run test:setup`);
  const work = mkdtempSync(join(tmpdir(), "rampart-bench-posture-work-"));

  const rampart = () =>
    measure(process.execPath, [
      "--conditions",
      "source",
      "--import",
      "tsx",
      join(ROOT, "bench", "posture-bench.ts"),
      "--rampart-child",
    ]);
  const oscap = () =>
    measure(
      "oscap",
      [
        "xccdf",
        "eval",
        "--profile",
        "xccdf_org.ssgproject.content_profile_standard",
        "--results",
        join(work, "oscap-results.xml"),
        ds,
      ],
      [0, 2], // 2: a rule failed
    );
  // Lynis's log and report go to the work directory, not /var/log.
  const lynis = () =>
    measure("lynis", [
      "audit",
      "system",
      "--quick",
      "--no-colors",
      "--logfile",
      join(work, "lynis.log"),
      "--report-file",
      join(work, "lynis-report.dat"),
    ]);

  try {
    rampart();
    oscap();
    const runs = { rampart: [] as Measured[], oscap: [] as Measured[], lynis: [] as Measured[] };
    // Interleaved, so a change in the machine's load weighs on every tool alike.
    for (let i = 0; i < RUNS; i++) {
      runs.rampart.push(rampart());
      runs.oscap.push(oscap());
      runs.lynis.push(lynis());
      console.error(`posture bench: run ${i + 1}/${RUNS} done`);
    }
    const ours = JSON.parse(runs.rampart.at(-1)?.stdout ?? "{}") as {
      controls: number;
      counts: Record<string, number>;
      evaluationSeconds: number;
      evaluationCpuSeconds: number;
    };
    // Rule results from the last run's XCCDF results (its console output separates fields with "\r\t").
    const oscapCounts: Record<string, number> = {};
    for (const r of parseXccdfResults(readFileSync(join(work, "oscap-results.xml"), "utf8")).values())
      if (r !== "notselected") oscapCounts[r] = (oscapCounts[r] ?? 0) + 1;
    const report = readFileSync(join(work, "lynis-report.dat"), "utf8");
    const lynisTests = Number(/^lynis_tests_done=(\d+)/m.exec(report)?.[1] ?? Number.NaN);

    const r = summarize(runs.rampart);
    const o = summarize(runs.oscap);
    const l = summarize(runs.lynis);
    const oscapVersion = spawnSync("oscap", ["--version"], { encoding: "utf8" }).stdout.split("\n")[0]?.trim();
    const lynisVersion = spawnSync("lynis", ["--version"], { encoding: "utf8" }).stdout.trim();
    const results = {
      machine: { cpus: availableParallelism(), node: process.version, oscap: oscapVersion, lynis: lynisVersion },
      rampart: {
        ...r,
        controls: ours.controls,
        counts: ours.counts,
        evaluationSeconds: ours.evaluationSeconds,
        evaluationCpuSeconds: ours.evaluationCpuSeconds,
      },
      oscap: {
        ...o,
        profile: "standard (ssg-debian12-ds.xml)",
        rules: Object.values(oscapCounts).reduce((a, b) => a + b, 0),
        counts: oscapCounts,
      },
      lynis: { ...l, mode: "audit system --quick", tests: lynisTests },
      ratio: {
        rampartToOscap: {
          seconds: r.seconds / o.seconds,
          cpuSeconds: r.cpuSeconds / o.cpuSeconds,
          maxRss: r.maxRssMb / o.maxRssMb,
        },
        rampartToLynis: {
          seconds: r.seconds / l.seconds,
          cpuSeconds: r.cpuSeconds / l.cpuSeconds,
          maxRss: r.maxRssMb / l.maxRssMb,
        },
      },
    };
    writeResults("posture", results);
    const f = (n: number, d = 2) => n.toFixed(d);
    const row = (name: string, s: Summary, what: string) =>
      console.log(
        `${name.padEnd(8)} wall ${f(s.seconds)} s  cpu ${f(s.cpuSeconds)} s  peak RSS ${f(s.maxRssMb, 0)} MB  (${what})`,
      );
    console.log(`posture: full host scan, ${RUNS} runs each (median), ${results.machine.cpus} cores`);
    row("rampart", r, `${ours.controls} linux controls; evaluation alone ${f(ours.evaluationSeconds)} s`);
    row("oscap", o, `${results.oscap.rules} rules of the standard profile, ${oscapVersion}`);
    row("lynis", l, `${lynisTests} tests, lynis ${lynisVersion}`);
    console.log(
      `ratio rampart/oscap: wall ${f(results.ratio.rampartToOscap.seconds)}×, cpu ${f(results.ratio.rampartToOscap.cpuSeconds)}×; rampart/lynis: wall ${f(results.ratio.rampartToLynis.seconds)}×, cpu ${f(results.ratio.rampartToLynis.cpuSeconds)}×`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv.includes("--rampart-child")) {
  await rampartChild();
} else {
  await main();
}

import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { commandLine, parseStat, processDiscoverer, readProcesses, realUid } from "./processes.js";
import { liveContext, reportErrors, testdata } from "./test-support.js";

const fixture = (name: string) => readFileSync(testdata(name), "utf8");

describe("/proc/PID files", () => {
  it("reads stat after the last parenthesis, whatever the command's name", () => {
    // A real stat line of a process that named itself "we) (ird c".
    expect(parseStat(fixture("proc/stat-weird-comm.txt"))).toEqual({
      pid: 30374,
      comm: "we) (ird c",
      state: "S",
      ppid: 30361,
      flags: 4194304,
    });
    const kthreadd = parseStat(fixture("proc/stat-kthreadd.txt"));
    expect(kthreadd).toMatchObject({ pid: 2, comm: "kthreadd", ppid: 0 });
    expect((kthreadd?.flags ?? 0) & 0x200000).not.toBe(0);
    expect(parseStat("12 (truncated")).toBeUndefined();
    expect(parseStat("")).toBeUndefined();
  });

  it("takes the real uid from status and joins cmdline's arguments", () => {
    expect(realUid(fixture("proc/status-python.txt"))).toBe(0);
    expect(realUid("Name:\tx\nUid:\t1000\t0\t0\t0\n")).toBe(1000);
    expect(realUid("Name:\tx\n")).toBeUndefined();
    expect(commandLine(readFileSync(testdata("proc/cmdline-python.bin")))).toBe(
      "/root/.pyenv/versions/3.11.7/bin/python3 -c import time; time.sleep(3) arg with space  x",
    );
    expect(commandLine(Buffer.alloc(0))).toBe("");
  });
});

describe("readProcesses on a fixture /proc", () => {
  const root = mkdtempSync(join(tmpdir(), "rt-procroot-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const proc = join(root, "proc");
  // A process in a podman container, a kernel thread, and a process that vanished (its directory is empty).
  const p = join(proc, "30374");
  mkdirSync(join(p, "ns"), { recursive: true });
  copyFileSync(testdata("proc/stat-weird-comm.txt"), join(p, "stat"));
  copyFileSync(testdata("proc/status-python.txt"), join(p, "status"));
  copyFileSync(testdata("proc/cmdline-python.bin"), join(p, "cmdline"));
  copyFileSync(testdata("cgroup-podman-cgroupfs.txt"), join(p, "cgroup"));
  symlinkSync("/root/.pyenv/versions/3.11.7/bin/python3.11", join(p, "exe"));
  symlinkSync("net:[4026532328]", join(p, "ns", "net"));
  mkdirSync(join(proc, "2"));
  copyFileSync(testdata("proc/stat-kthreadd.txt"), join(proc, "2", "stat"));
  mkdirSync(join(proc, "999"));
  mkdirSync(join(proc, "sys"));

  it("gives each process's fields, container and network namespace", async () => {
    const warnings: string[] = [];
    const ctx = { procRoot: proc, hostRoot: testdata("hostroot"), warn: (m: string) => warnings.push(m) };
    expect(await readProcesses(ctx)).toEqual([
      { pid: 2, ppid: 0, comm: "kthreadd", command: "[kthreadd]", uid: 0, user: "root", exe: "", kernelThread: true },
      {
        pid: 30374,
        ppid: 30361,
        comm: "we) (ird c",
        command: "/root/.pyenv/versions/3.11.7/bin/python3 -c import time; time.sleep(3) arg with space  x",
        uid: 0,
        user: "root",
        exe: "/root/.pyenv/versions/3.11.7/bin/python3.11",
        containerId: "90665b83ece27c92127d8bad76171f728247f83b57b39cc3babd319b09e2411f",
        netns: "net:[4026532328]",
        kernelThread: false,
      },
    ]);
    expect(warnings).toEqual([]);
  });

  it("shows the uid when the host's passwd does not name it, and keeps to the limit", async () => {
    const warnings: string[] = [];
    const ctx = { procRoot: proc, hostRoot: join(root, "no-such-root"), warn: (m: string) => warnings.push(m) };
    const [first] = await readProcesses(ctx, 1);
    expect(first).toMatchObject({ pid: 2, user: "0" });
    expect(warnings).toEqual(["3 processes: only the first 1 are reported"]);
  });

  it("warns, not throws, when there is no /proc", async () => {
    const warnings: string[] = [];
    const ctx = { procRoot: join(root, "nothing"), hostRoot: "/", warn: (m: string) => warnings.push(m) };
    expect(await readProcesses(ctx)).toEqual([]);
    expect(warnings).toHaveLength(1);
  });
});

describe("readProcesses on this machine", () => {
  it("finds this test's own process as the kernel describes it", async () => {
    const ctx = liveContext();
    const all = await readProcesses(ctx);
    const me = all.find((p) => p.pid === process.pid);
    expect(me).toMatchObject({
      ppid: process.ppid,
      exe: realpathSync(process.execPath),
      netns: readlinkSync("/proc/self/ns/net"),
      kernelThread: false,
      uid: process.getuid?.(),
    });
    expect(me?.command.startsWith(process.argv0) || me?.command.startsWith(process.execPath)).toBe(true);
    // Kernel threads: bracketed, no executable.
    const kthreadd = all.find((p) => p.comm === "kthreadd");
    if (kthreadd) expect(kthreadd).toMatchObject({ kernelThread: true, command: "[kthreadd]", exe: "" });
    expect(new Set(all.map((p) => p.pid)).size).toBe(all.length);
  });

  it("gives items the console accepts", async () => {
    const ctx = liveContext();
    const found = await processDiscoverer().discover(ctx);
    expect(found.processes?.length).toBeGreaterThan(1);
    expect(reportErrors({ host: hostStub, ...found })).toEqual([]);
  });
});

const hostStub = { hostname: "h", os: "", kernel: "", machineId: "m", interfaces: [] };

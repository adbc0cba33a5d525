import { copyFileSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { itemKey } from "@rampart/console/protocol";
import { afterAll, describe, expect, it } from "vitest";
import type { ProcessRecord } from "./processes.js";
import { readSockets } from "./sockets.js";
import { reportErrors, testdata } from "./test-support.js";

const ID = "90665b83ece27c92127d8bad76171f728247f83b57b39cc3babd319b09e2411f";
const OTHER = "0e6f1e7a0c3b5d7e9f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d";

const record = (pid: number, netns: string | undefined, containerId?: string): ProcessRecord => ({
  pid,
  ppid: 1,
  comm: "p",
  command: "p",
  uid: 0,
  user: "root",
  exe: "/p",
  ...(containerId ? { containerId } : {}),
  ...(netns ? { netns } : {}),
  kernelThread: false,
});

describe("readSockets on a fixture /proc", () => {
  // Socket tables copied from this machine seen through three processes. 100 holds the sockets of the
  // process of net-ports.txt (see net-table.test.ts); 200, whose ns/net link could not be read, is in the same
  // namespace, which its net/tcp entry tells (a hard link here: the same inode), and 100 and 200 run in one
  // container. 300 (also unreadable, in another container) has its own namespace, copied from a process
  // listening on 0.0.0.0:8080 and connected to itself, the connection not yet accepted.
  const root = mkdtempSync(join(tmpdir(), "rt-sockets-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const [, A, B, C, D] = readFileSync(testdata("net-ports.txt"), "utf8").trim().split(" ").map(Number) as number[];
  for (const pid of [100, 200, 300]) mkdirSync(join(root, `${pid}/net`), { recursive: true });
  for (const pid of [100, 200, 300]) mkdirSync(join(root, `${pid}/fd`));
  for (const t of ["tcp", "tcp6", "udp", "udp6"]) {
    copyFileSync(testdata(`net-${t}.txt`), join(root, `100/net/${t}`));
    linkSync(join(root, `100/net/${t}`), join(root, `200/net/${t}`));
  }
  copyFileSync(testdata("net-tcp-other-netns.txt"), join(root, "300/net/tcp"));
  // The descriptors: 100 holds sockets 905008…905019 and another file; 200 shares one; 300 holds its two.
  for (let inode = 905008, fd = 3; inode <= 905019; inode++, fd++)
    symlinkSync(`socket:[${inode}]`, join(root, `100/fd/${fd}`));
  symlinkSync("/dev/null", join(root, "100/fd/0"));
  symlinkSync("socket:[905012]", join(root, "200/fd/7"));
  symlinkSync("socket:[923656]", join(root, "300/fd/3"));
  symlinkSync("socket:[923657]", join(root, "300/fd/4"));

  it("attributes sockets to their process and its container, once per namespace", async () => {
    const warnings: string[] = [];
    const ctx = { procRoot: root, hostRoot: "/", warn: (m: string) => warnings.push(m) };
    const found = await readSockets(ctx, [
      record(100, "net:[4026531833]", ID),
      record(200, undefined, ID),
      record(300, undefined, OTHER),
    ]);
    const mine = { pid: 100, containerId: ID };
    expect(found.listening).toEqual(
      expect.arrayContaining([
        { proto: "tcp", address: "127.0.0.1", port: A, ...mine },
        { proto: "tcp", address: "::1", port: B, ...mine },
        { proto: "tcp", address: "::", port: C, ...mine },
        { proto: "udp", address: "127.0.0.1", port: D, ...mine },
        { proto: "udp", address: "::1", port: expect.any(Number), ...mine },
        { proto: "tcp", address: "0.0.0.0", port: 8080, pid: 300, containerId: OTHER },
      ]),
    );
    // A socket none of the processes holds: no pid, the container all of its namespace's processes run in.
    expect(found.listening).toContainEqual({ proto: "tcp", address: "0.0.0.0", port: 2024, containerId: ID });
    // Both ends of the IPv4 connection to A, held by 100, and the dual-stack one with IPv4 addresses.
    expect(found.connections.filter((c) => c.pid === 100 && (c.local.port === A || c.remote.port === A))).toHaveLength(
      2,
    );
    expect(found.connections).toContainEqual(
      expect.objectContaining({ local: { address: "127.0.0.1", port: C }, pid: 100 }),
    );
    // 200 shares a socket with 100: the lower pid holds it.
    expect(found.connections.filter((c) => c.pid === 200)).toEqual([]);
    // The other namespace: the client's end with its pid, the server's end still in the accept queue without.
    const other = found.connections.filter((c) => c.containerId === OTHER);
    expect(other).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ local: { address: "127.0.0.1", port: 60662 }, pid: 300 }),
        {
          proto: "tcp",
          local: { address: "127.0.0.1", port: 8080 },
          remote: { address: "127.0.0.1", port: 60662 },
          containerId: OTHER,
        },
      ]),
    );
    expect(other).toHaveLength(2);
    // 100's namespace was read once (200 is in it): every key once.
    for (const [section, items] of [
      ["listening", found.listening],
      ["connections", found.connections],
    ] as const) {
      const keys = items.map((i) => itemKey(section, i as never));
      expect(new Set(keys).size).toBe(keys.length);
    }
    expect(found.listening.filter((l) => l.port === A)).toHaveLength(1);
    expect(warnings).toEqual([]);
    expect(reportErrors({ host: hostStub, ...found })).toEqual([]);
  });

  it("is what the console refuses when it is not right (the check can fail)", () => {
    expect(
      reportErrors({ host: hostStub, listening: [{ proto: "sctp" as "tcp", address: "x y", port: 1 }] }),
    ).not.toEqual([]);
  });
});

const hostStub = { hostname: "h", os: "", kernel: "", machineId: "m", interfaces: [] };

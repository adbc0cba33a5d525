import { emptySnapshot } from "@rampart/console/protocol";
import { describe, expect, it } from "vitest";
import { diffSnapshots } from "./delta.js";

const host = { hostname: "h", os: "Debian", kernel: "6", machineId: "m", interfaces: [] };

describe("deltas between two topology snapshots", () => {
  it("upserts new and changed items, removes vanished ones by key, and says nothing when nothing changed", () => {
    const a = { ...emptySnapshot(), host };
    a.processes = [
      { pid: 1, ppid: 0, command: "init", user: "root", exe: "/sbin/init" },
      { pid: 2, ppid: 1, command: "old", user: "root", exe: "/bin/old" },
    ];
    a.listening = [{ proto: "tcp", address: "*", port: 22, pid: 1 }];
    const b = structuredClone(a);
    expect(diffSnapshots(a, b)).toBeUndefined();
    b.processes = [
      { pid: 1, ppid: 0, command: "init --changed", user: "root", exe: "/sbin/init" },
      { pid: 3, ppid: 1, command: "new", user: "root", exe: "/bin/new" },
    ];
    b.listening = [];
    expect(diffSnapshots(a, b)).toEqual({
      processes: {
        upsert: [
          { pid: 1, ppid: 0, command: "init --changed", user: "root", exe: "/sbin/init" },
          { pid: 3, ppid: 1, command: "new", user: "root", exe: "/bin/new" },
        ],
        remove: ["2"],
      },
      listening: { remove: ["tcp * 22 1"] },
    });
  });

  it("sends the host only when it changed", () => {
    const a = { ...emptySnapshot(), host };
    const b = { ...emptySnapshot(), host: { ...host, kernel: "7" } };
    expect(diffSnapshots(a, b)).toEqual({ host: b.host });
  });
});

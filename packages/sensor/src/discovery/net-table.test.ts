import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseSocketTable, socketRole } from "./net-table.js";
import { testdata } from "./test-support.js";

const table = (name: string) => readFileSync(testdata(name), "utf8");
// The fixture tables were copied from a process (pid, then its ports, in net-ports.txt) listening on
// 127.0.0.1:A (tcp), [::1]:B (tcp6), [::]:C (dual-stack tcp6) and 127.0.0.1:D (udp), connected to each of
// its TCP listeners (to C through an IPv4-mapped address), with a UDP socket connected to D and one bound
// to [::1].
const [, A, B, C, D] = table("net-ports.txt").trim().split(" ").map(Number) as [number, number, number, number, number];

describe("/proc/net socket tables", () => {
  it("decodes IPv4 sockets", () => {
    const tcp = parseSocketTable(table("net-tcp.txt"), "tcp", false);
    expect(tcp).toContainEqual({
      proto: "tcp",
      localAddress: "127.0.0.1",
      localPort: A,
      remoteAddress: "0.0.0.0",
      remotePort: 0,
      state: 0x0a,
      inode: 905008,
    });
    const client = tcp.find((e) => e.remotePort === A && e.state === 1);
    expect(client).toMatchObject({ localAddress: "127.0.0.1", remoteAddress: "127.0.0.1", inode: 905015 });
    const server = tcp.find((e) => e.localPort === A && e.remotePort === client?.localPort);
    expect(server).toMatchObject({ state: 1, inode: 905016 });
    // Every line of the table is an entry (the header is not).
    expect(tcp).toHaveLength(table("net-tcp.txt").trim().split("\n").length - 1);
  });

  it("decodes IPv6 sockets, IPv4-mapped peers as IPv4", () => {
    const tcp6 = parseSocketTable(table("net-tcp6.txt"), "tcp", true);
    const listeners = tcp6.filter((e) => e.state === 0x0a).map((e) => [e.localAddress, e.localPort]);
    expect(listeners).toEqual([
      ["::1", B],
      ["::", C],
    ]);
    const mapped = tcp6.filter((e) => e.localPort === C || e.remotePort === C).filter((e) => e.state === 1);
    expect(mapped.map((e) => [e.localAddress, e.remoteAddress])).toEqual([
      ["127.0.0.1", "127.0.0.1"],
      ["127.0.0.1", "127.0.0.1"],
    ]);
    expect(tcp6.filter((e) => e.localAddress === "::1" && e.state === 1)).toHaveLength(2);
  });

  it("tells listening from connected sockets", () => {
    const roles = (name: string, proto: "tcp" | "udp", v6: boolean) =>
      parseSocketTable(table(name), proto, v6).map((e) => [e.localAddress, e.localPort, socketRole(e)]);
    expect(roles("net-udp.txt", "udp", false)).toEqual([
      ["127.0.0.1", D, "listening"],
      ["127.0.0.1", expect.any(Number), "connection"],
    ]);
    expect(roles("net-udp6.txt", "udp", true)).toEqual([["::1", expect.any(Number), "listening"]]);
    const tcp = roles("net-tcp.txt", "tcp", false);
    expect(tcp.filter(([, , r]) => r === "listening").map(([a, p]) => `${a}:${p}`)).toContain(`127.0.0.1:${A}`);
    // Other TCP states are not reported.
    const timeWait = { ...parseSocketTable(table("net-tcp.txt"), "tcp", false)[0], state: 0x06 };
    expect(socketRole(timeWait as never)).toBeUndefined();
  });

  it("skips lines that do not parse", () => {
    const text = `${table("net-tcp.txt").split("\n")[0]}\n   0: 0100007F:ZZZZ 00000000:0000 0A 0 0 0 0 0 1\n   1: garbage\n`;
    expect(parseSocketTable(text, "tcp", false)).toEqual([]);
  });
});

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { hostInterfaces, type Interface, ownAddresses, parseInterfaces, UNKNOWN_INTERFACE } from "./interfaces.js";
import { testdata } from "./test-support.js";

interface IpAddr {
  ifname: string;
  addr_info: { family: string; local: string; prefixlen: number; noprefixroute?: boolean }[];
}

/**
 * What `ip -j addr` (netlink, the truth) says: every address and its interface. An IPv4 address without a
 * prefix route (a /32) is one /proc cannot place: `placed` leaves those out, `all` has every address.
 */
function truth(ip: IpAddr[]): { placed: Map<string, string>; all: Set<string> } {
  const placed = new Map<string, string>();
  const all = new Set<string>();
  for (const i of ip)
    for (const a of i.addr_info) {
      all.add(a.local);
      const placeable =
        a.family === "inet6" || a.local.startsWith("127.") || (a.prefixlen < 32 && a.noprefixroute !== true);
      if (placeable) placed.set(a.local, i.ifname);
    }
  return { placed, all };
}
const byAddress = (ifs: Interface[]) => new Map(ifs.flatMap((i) => i.addresses.map((a) => [a, i.name] as const)));

/** Every address found, and each placeable one under its interface. */
function expectAgrees(ifs: Interface[], ip: IpAddr[]) {
  const { placed, all } = truth(ip);
  const found = byAddress(ifs);
  expect(new Set(found.keys())).toEqual(all);
  for (const [address, name] of placed) expect(found.get(address), address).toBe(name);
}

const fromFixture = (dir: string) =>
  parseInterfaces({
    fibTrie: readFileSync(testdata(`${dir}/fib_trie`), "utf8"),
    route: readFileSync(testdata(`${dir}/route`), "utf8"),
    ifInet6: readFileSync(testdata(`${dir}/if_inet6`), "utf8"),
    dev: readFileSync(testdata(`${dir}/dev`), "utf8"),
  });
const ipFixture = (dir: string) => JSON.parse(readFileSync(testdata(`${dir}/ip-addr.json`), "utf8")) as IpAddr[];

describe("interfaces from /proc/net", () => {
  it("reads a namespace with several subnets, a /32 and a default route (real files, ip -j addr as truth)", () => {
    const ifs = fromFixture("netns-ifaces");
    expectAgrees(ifs, ipFixture("netns-ifaces"));
    expect(ifs.find((i) => i.name === "v0")?.addresses).toEqual(
      expect.arrayContaining(["10.231.251.1", "10.231.251.7", "fe80::5002:f5ff:fe76:6ae8"]),
    );
    // The /32 (on v1) is never given to the default route's interface (v0); here it lies inside v2's /16,
    // and /proc cannot tell it apart from an address of that subnet.
    expect(byAddress(ifs).get("10.231.250.5")).toBe("v2");
    // With the operating system's word for it, it is placed exactly.
    const known = new Map([["10.231.250.5", "v1"]]);
    const files = (f: string) => readFileSync(testdata(`netns-ifaces/${f}`), "utf8");
    const exact = parseInterfaces(
      { fibTrie: files("fib_trie"), route: files("route"), ifInet6: files("if_inet6") },
      known,
    );
    expect(byAddress(exact).get("10.231.250.5")).toBe("v1");
  });

  it("keeps an address without any connected route under the unknown interface", () => {
    const files = (f: string) => readFileSync(testdata(`netns-ifaces/${f}`), "utf8");
    // The same namespace without v2's /16 route: 10.231.250.5 has no connected route at all.
    const route = files("route")
      .split("\n")
      .filter((l) => !l.startsWith("v2\t"))
      .join("\n");
    const ifs = parseInterfaces({ fibTrie: files("fib_trie"), route, ifInet6: files("if_inet6") });
    expect(ifs.find((i) => i.name === UNKNOWN_INTERFACE)?.addresses).toEqual(
      expect.arrayContaining(["10.231.250.5", "10.231.252.9"]),
    );
    expect(ifs.at(-1)?.name).toBe(UNKNOWN_INTERFACE);
  });

  it("reads this machine's files as copied", () => {
    expectAgrees(fromFixture("host-ifaces"), ipFixture("host-ifaces"));
  });

  it("reads this machine's host namespace live", async () => {
    const ip = JSON.parse(execFileSync("ip", ["-j", "addr"], { encoding: "utf8" })) as IpAddr[];
    const files = (f: string) => readFileSync(`/proc/1/net/${f}`, "utf8");
    expectAgrees(
      parseInterfaces({ fibTrie: files("fib_trie"), route: files("route"), ifInet6: files("if_inet6") }),
      ip,
    );
    // The test shares the host's namespace: the operating system's names are used, and agree with netlink.
    const own = ownAddresses();
    expect(own.get("127.0.0.1")).toBe("lo");
    const host = await hostInterfaces("/proc", (m) => expect.fail(m));
    expectAgrees(host, ip);
    for (const [address, name] of own) expect(byAddress(host).get(address)).toBe(name);
    expect(host.find((i) => i.name === "lo")?.addresses).toContain("127.0.0.1");
  });

  it("warns when the host's files cannot be read", async () => {
    const warnings: string[] = [];
    expect(await hostInterfaces("/nonexistent-rt-proc", (m) => warnings.push(m))).toEqual([]);
    expect(warnings).toHaveLength(1);
  });
});

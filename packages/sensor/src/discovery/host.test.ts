import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, release, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hostDiscoverer, parseHostname, parseOsRelease, readHost } from "./host.js";
import { liveContext, reportErrors, testdata } from "./test-support.js";

describe("the host, on this machine", () => {
  it("names the host, its system, kernel, machine and addresses", async () => {
    const ctx = liveContext();
    // No cloud metadata: a test must never ask the real metadata address (cloud.test.ts covers it).
    const { host } = await hostDiscoverer({ cloudMetadata: false }).discover(ctx);
    expect(host?.hostname).toBeTruthy();
    const etcHostname = (() => {
      try {
        return parseHostname(readFileSync("/etc/hostname", "utf8"));
      } catch {
        return undefined;
      }
    })();
    expect(host?.hostname).toBe(etcHostname ?? hostname());
    expect(host?.kernel).toBe(release());
    // The shell's own reading of os-release.
    const pretty = execFileSync("sh", ["-c", '. /etc/os-release && printf %s "$PRETTY_NAME"'], { encoding: "utf8" });
    expect(host?.os).toBe(pretty);
    expect(host?.machineId).toBe(readFileSync("/etc/machine-id", "utf8").trim());
    expect(host?.interfaces.some((i) => i.addresses.includes("127.0.0.1"))).toBe(true);
    expect(host?.cloud).toBeUndefined();
    expect(ctx.warnings).toEqual([]);
    expect(reportErrors({ host })).toEqual([]);
  });
});

describe("the host, from a fixture root", () => {
  const dir = mkdtempSync(join(tmpdir(), "rt-host-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // A /proc with the kernel's release and the network files of a namespace (copied from this machine).
  const proc = join(dir, "proc");
  mkdirSync(join(proc, "sys/kernel"), { recursive: true });
  copyFileSync(testdata("proc/osrelease.txt"), join(proc, "sys/kernel/osrelease"));
  mkdirSync(join(proc, "1"));
  cpSync(testdata("netns-ifaces"), join(proc, "1/net"), { recursive: true });
  const context = (hostRoot: string) => {
    const warnings: string[] = [];
    return { procRoot: proc, hostRoot, warn: (m: string) => warnings.push(m), warnings };
  };

  it("reads hostname, os-release (from usr/lib) and machine-id under the root", async () => {
    const ctx = context(testdata("hostroot"));
    const host = await readHost(ctx, { cloudMetadata: false });
    expect(host).toMatchObject({
      hostname: "rt-fixture-host",
      os: parseOsRelease(readFileSync(testdata("hostroot/usr/lib/os-release"), "utf8")).PRETTY_NAME,
      kernel: readFileSync(testdata("proc/osrelease.txt"), "utf8").trim(),
      machineId: readFileSync(testdata("hostroot/etc/machine-id"), "utf8").trim(),
    });
    expect(host.os).toMatch(/^Debian GNU\/Linux/);
    expect(host.interfaces.find((i) => i.name === "v0")?.addresses).toContain("10.231.251.1");
    expect(ctx.warnings).toEqual([]);
    expect(reportErrors({ host })).toEqual([]);
  });

  it("falls back to D-Bus's machine id, then to one derived from the host name", async () => {
    const root = join(dir, "root");
    mkdirSync(join(root, "etc"), { recursive: true });
    mkdirSync(join(root, "var/lib/dbus"), { recursive: true });
    writeFileSync(join(root, "etc/hostname"), "node-7\n");
    writeFileSync(join(root, "etc/machine-id"), "uninitialized\n");
    writeFileSync(join(root, "var/lib/dbus/machine-id"), "0123456789abcdef0123456789abcdef\n");
    expect((await readHost(context(root), { cloudMetadata: false })).machineId).toBe(
      "0123456789abcdef0123456789abcdef",
    );

    rmSync(join(root, "var/lib/dbus/machine-id"));
    const ctx = context(root);
    const first = await readHost(ctx, { cloudMetadata: false });
    expect(first.machineId).toMatch(/^hostname-[0-9a-f]{32}$/);
    expect((await readHost(context(root), { cloudMetadata: false })).machineId).toBe(first.machineId);
    writeFileSync(join(root, "etc/hostname"), "node-8\n");
    expect((await readHost(context(root), { cloudMetadata: false })).machineId).not.toBe(first.machineId);
    expect(ctx.warnings).toEqual([
      "no os-release on the host",
      "no machine-id on the host: using one derived from the host name",
    ]);
    expect(first.os).toBe("");
  });
});

describe("host files", () => {
  it("parses os-release's quoting", () => {
    expect(
      parseOsRelease(
        `NAME="Fedora Linux"\nPRETTY_NAME='Fedora Linux 39 (Workstation)'\nID=fedora\n# x\nV="a \\"b\\""\n`,
      ),
    ).toEqual({ NAME: "Fedora Linux", PRETTY_NAME: "Fedora Linux 39 (Workstation)", ID: "fedora", V: 'a "b"' });
  });

  it("takes the first hostname line that is not a comment", () => {
    expect(parseHostname("# comment\n\n  web-1  \nignored\n")).toBe("web-1");
    expect(parseHostname("# only\n")).toBeUndefined();
  });
});

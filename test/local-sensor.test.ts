// `rampart console --local-sensor`, as the README's first command runs it: the console starts its own sensor
// once the first admin exists, and this machine appears as an online node with its processes.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConsoleClient, type ConsoleProcess, startConsole } from "./fixtures/console-process.js";
import { ADMIN, waitFor } from "./fixtures/sensor-harness.js";
import { vulnDbDir } from "./fixtures/vulndb.js";

describe("the console with a local sensor", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "rampart-local-sensor-"));
  let proc: ConsoleProcess | undefined;
  let client: ConsoleClient | undefined;
  afterAll(async () => {
    client?.close();
    await proc?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("reports this machine once the admin has registered, with a key of theirs kept 0600; a restart reuses it", async () => {
    proc = await startConsole({ dataDir, dbDir: vulnDbDir(), args: ["--local-sensor"] });
    client = new ConsoleClient(proc.url, dataDir);
    // No admin yet: no key, no node.
    await new Promise((r) => setTimeout(r, 1500));
    expect(proc.log()).toContain("local sensor: waits for the first admin to register");
    const reg = await client.call("POST", "/auth/register", ADMIN);
    expect(reg.status).toBe(201);
    client.token = reg.body.accessToken;
    const node = await waitFor(
      "the local sensor's node",
      async () => {
        const r = await client?.call("GET", "/topology/nodes");
        const n = r?.body.nodes?.[0];
        return n?.status === "online" && n.counts.processes > 0 ? n : undefined;
      },
      60_000,
    );
    const snapshot = (await client.call("GET", `/topology/nodes/${node.id}`)).body.snapshot;
    expect(snapshot.processes.some((p: { pid: number }) => p.pid === proc?.child.pid)).toBe(true);
    const keyFile = join(dataDir, "local-sensor", "api-key");
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const keys = (await client.call("GET", "/api-keys")).body.keys;
    expect(keys).toEqual([expect.objectContaining({ name: "local sensor", scope: "sensor" })]);

    // A restart: the same key, the same node.
    await proc.stop();
    proc = await startConsole({ dataDir, dbDir: vulnDbDir(), args: ["--local-sensor"], port: proc.port });
    await waitFor(
      "the node reported again after the restart",
      async () => {
        const r = await client?.call("GET", `/topology/nodes/${node.id}`);
        return r?.body.node.lastSeq > node.lastSeq ? true : undefined;
      },
      60_000,
    );
    expect((await client.call("GET", "/api-keys")).body.keys).toHaveLength(1);
    expect((await client.call("GET", "/topology/nodes")).body.nodes).toHaveLength(1);

    // kill -9 of the console: its sensor does not outlive it.
    const sensorPid = Number(
      execFileSync("pgrep", ["-P", String(proc.child.pid), "-f", "sensor"], { encoding: "utf8" })
        .trim()
        .split("\n")[0],
    );
    expect(sensorPid).toBeGreaterThan(0);
    await proc.kill9();
    await waitFor(
      "the orphaned sensor to stop",
      async () => (existsSync(`/proc/${sensorPid}`) ? undefined : true),
      20_000,
    );
  }, 180_000);
});

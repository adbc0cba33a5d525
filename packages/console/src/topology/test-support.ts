// Sample reports and helpers for the topology tests (excluded from the build).
import { randomUUID } from "node:crypto";
import type { Store } from "../store/open.js";
import type { FullReport, HostInfo } from "./report.js";

/** A user and an API key for a sensor to register with (the nodes table does not reference them). */
export async function sensorKey(store: Store, role: "admin" | "standard" = "standard") {
  const userId = randomUUID();
  const keyId = randomUUID();
  const now = new Date().toISOString();
  await store.db
    .insertInto("users")
    .values({
      id: userId,
      email: `${userId}@example.test`,
      password_hash: "x",
      role,
      created_at: now,
      tokens_valid_after: now,
    })
    .execute();
  await store.db
    .insertInto("api_keys")
    .values({
      id: keyId,
      user_id: userId,
      name: "sensor",
      prefix: "rpk_x",
      key_hash: randomUUID(),
      created_at: now,
      last_used_at: null,
      revoked_at: null,
      scope: "sensor",
      expires_at: null,
    })
    .execute();
  return { userId, keyId };
}

export const host = (hostname: string, addresses: string[], machineId = `m-${hostname}`): HostInfo => ({
  hostname,
  os: "Debian GNU/Linux 12 (bookworm)",
  kernel: "6.1.0-18-amd64",
  machineId,
  interfaces: [
    { name: "lo", addresses: ["127.0.0.1", "::1"] },
    { name: "eth0", addresses },
  ],
});

/** A web host: nginx listening on :80 in a container, a shell on the host, one image. */
export function webReport(seq: number, hostname = "web-1", address = "10.0.0.1"): FullReport {
  return {
    seq,
    kind: "full",
    at: new Date().toISOString(),
    host: host(hostname, [address]),
    processes: [
      { pid: 1, ppid: 0, command: "/sbin/init", user: "root", exe: "/usr/lib/systemd/systemd" },
      { pid: 200, ppid: 1, command: "bash -l", user: "alice", exe: "/usr/bin/bash" },
      {
        pid: 300,
        ppid: 1,
        command: "nginx: master process",
        user: "root",
        exe: "/usr/sbin/nginx",
        containerId: "c0ffee",
      },
    ],
    listening: [{ proto: "tcp", address: "0.0.0.0", port: 80, pid: 300 }],
    connections: [],
    containers: [
      { id: "c0ffee", name: "web", image: "nginx:1.25", imageId: "sha256:aa", state: "running", pids: [300] },
    ],
    images: [{ id: "sha256:aa", names: ["nginx:1.25"], size: 1000 }],
  };
}

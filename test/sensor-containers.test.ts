// The sensor with real containers (podman, its Docker-compatible API): the host, the containers, their images
// and processes, and a connection between two containers, as the console's topology API shows them; then a
// scan of a running container's filesystem through the sensor, which must find what a scan of its image finds.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScan, type Sensor } from "../packages/sensor/src/index.js";
import { scanDone } from "./fixtures/console-process.js";
import { type Podman, runWebAndClient, startPodman } from "./fixtures/podman.js";
import { type Harness, SCAN_WORKER, startHarness, waitFor } from "./fixtures/sensor-harness.js";
import { testdata } from "./fixtures/testdata.js";

const BOOKWORM = testdata("images", "debian-bookworm.docker.tar");
const VULN_APP = testdata("images", "vuln-app-1.0.docker.tar");
const APP_IMAGE = "rampart-test/vuln-app:1.0";

interface Item {
  pid: number;
  containerId?: string;
  remote: { address: string; port: number };
}

describe("the sensor with podman containers", () => {
  let h: Harness;
  let podman: Podman;
  let sensor: Sensor;
  let server: string;
  let client: string;
  let serverIp: string;

  beforeAll(async () => {
    for (const tar of [BOOKWORM, VULN_APP])
      if (!existsSync(tar)) throw new Error(`${tar} is missing: run npm run test:setup`);
    [h, podman] = await Promise.all([startHarness(), startPodman()]);
    ({ server, client, serverIp } = await runWebAndClient(podman, testdata("images"), "e2e"));
    sensor = h.sensor({ engineSockets: [{ engine: "podman", socket: podman.socket }] });
    sensor.start();
  });
  afterAll(async () => {
    await h?.close();
    await podman?.stop();
  });

  it("reports the containers, their images and processes, and the connection between them", async () => {
    const n = await waitFor(
      "both containers and their connection in the console",
      async () => {
        const id = sensor.nodeId;
        const r = id ? await h.admin.call("GET", `/topology/nodes/${id}`) : undefined;
        const s = r?.status === 200 ? r.body.snapshot : undefined;
        const ids = new Set((s?.containers ?? []).map((c: { id: string }) => c.id));
        const connected = s?.connections.some(
          (c: Item) => c.containerId === client && c.remote.address === serverIp && c.remote.port === 8000,
        );
        return ids.has(server) && ids.has(client) && connected ? r?.body : undefined;
      },
      60_000,
    );
    const s = n.snapshot;
    const web = s.containers.find((c: { id: string }) => c.id === server);
    expect(web).toMatchObject({ name: "e2e-web", state: "running", addresses: expect.arrayContaining([serverIp]) });
    expect(web.image).toContain("vuln-app");
    const inspected = await podman.inspect(server);
    expect(web.pids).toContain(inspected.State.Pid);
    expect(s.images.map((i: { names: string[] }) => i.names.join(" ")).join(" ")).toMatch(/vuln-app:1\.0/);
    // The processes inside each container are attributed to it (from their cgroups).
    const inWeb = s.processes.filter((p: Item) => p.containerId === server);
    expect(inWeb.map((p: { command: string }) => p.command).join("\n")).toMatch(/http\.server 8000/);
    expect(s.processes.some((p: Item) => p.containerId === client)).toBe(true);
    // The server listens in its own network namespace, attributed to its container.
    expect(s.listening).toContainEqual(expect.objectContaining({ port: 8000, containerId: server }));

    // The graph: an edge from a process of the client container to the server's process.
    const graph = (await h.admin.call("GET", `/topology/graph?nodeId=${sensor.nodeId}&processes=connected`)).body;
    const parentOf = new Map(graph.nodes.map((g: { id: string; parent: string }) => [g.id, g.parent]));
    const edge = graph.edges.find(
      (e: { from: string; to: string }) =>
        parentOf.get(e.from) === `container:${sensor.nodeId}:${client}` &&
        parentOf.get(e.to) === `container:${sensor.nodeId}:${server}`,
    );
    expect(edge).toMatchObject({ kind: "connection", port: 8000 });
  });

  it("scans a running container's filesystem and finds the same packages as a scan of its image", async () => {
    const pid = (await podman.inspect(server)).State.Pid;
    const scratch = join(h.dir, "scratch");
    const [fromContainer, fromImage] = await Promise.all([
      runScan(SCAN_WORKER, { kind: "container", root: `/proc/${pid}/root`, name: "e2e-web" }, ["vuln"], { scratch }),
      runScan(SCAN_WORKER, { kind: "image", engine: "podman", socket: podman.socket, name: APP_IMAGE }, ["vuln"], {
        scratch,
      }),
    ]);
    const purls = (o: typeof fromImage) =>
      ((o.sbom?.components ?? []) as { purl?: string }[])
        .map((c) => c.purl)
        .filter(Boolean)
        .sort();
    expect(fromImage.packages).toBeGreaterThan(200);
    expect(purls(fromContainer)).toEqual(purls(fromImage));

    // The same through the console: it asks the sensor, the sensor scans and uploads, the console matches —
    // the running container and its image, which must give the same findings.
    const scanOf = async (target: { kind: string; ref: string }) => {
      const asked = await h.admin.call("POST", "/scans/node", {
        nodeId: sensor.nodeId,
        target,
        scanners: ["vuln", "secret"],
      });
      expect(asked.status).toBe(202);
      const done = await scanDone(h.admin, asked.body.id);
      expect(done.state, done.error).toBe("complete");
      const findings: { cve: string | null; package: { name: string; version: string }; kev: boolean; kind: string }[] =
        [];
      for (let next = ""; ; ) {
        const r = await h.admin.call("GET", `/findings?scan=${asked.body.id}&limit=500${next}`);
        expect(r.status).toBe(200);
        findings.push(...r.body.findings);
        if (!r.body.next) break;
        next = `&cursor=${encodeURIComponent(r.body.next)}`;
      }
      return { done, findings };
    };
    const [container, image] = await Promise.all([
      scanOf({ kind: "container", ref: "e2e-web" }),
      scanOf({ kind: "image", ref: APP_IMAGE }),
    ]);
    expect(container.done.packageCount).toBe(image.done.packageCount);
    const keys = (f: typeof image.findings) =>
      f
        .filter((x) => x.kind === "vuln")
        .map((x) => `${x.cve} ${x.package?.name}@${x.package?.version}`)
        .sort();
    expect(keys(container.findings).length).toBeGreaterThan(50);
    expect(keys(container.findings)).toEqual(keys(image.findings));
    expect(container.findings.find((f) => f.cve === "CVE-2021-44228")).toMatchObject({ kev: true });
  });

  it("checks the host's posture through the sensor: Linux controls on the live host, Docker controls on each running container", async () => {
    const asked = await h.admin.call("POST", "/scans/node", {
      nodeId: sensor.nodeId,
      target: { kind: "host" },
      scanners: ["posture"],
    });
    expect(asked.status).toBe(202);
    const done = await scanDone(h.admin, asked.body.id, 300_000);
    expect(done.state, done.error).toBe("complete");
    expect(done.scanners).toEqual(["posture"]);
    expect(done.packageCount).toBe(0); // posture only: no SBOM was made
    const doc = (await h.admin.call("GET", `/scans/${asked.body.id}/posture`)).body;
    expect(doc.platforms).toEqual(expect.arrayContaining(["docker", "linux"]));
    const of = (platform: string) => doc.controls.filter((c: { platform: string }) => c.platform === platform);
    expect(of("linux").filter((c: { status: string }) => c.status !== "not-applicable").length).toBeGreaterThan(100);
    expect(doc.controls.filter((c: { status: string }) => c.status === "error")).toEqual([]);
    // The two test containers run unprivileged and without limits: the memory-limit control fails on both.
    const memory = of("docker").find((c: { id: string }) => c.id.includes("memory"));
    expect(memory?.status).toBe("fail");
    const subjects = memory.violations.map((v: { subject: string }) => v.subject).join(" ");
    expect(subjects).toContain("e2e-web");
    expect(subjects).toContain("e2e-client");
    const findings = (await h.admin.call("GET", `/findings?scan=${asked.body.id}&limit=500`)).body.findings;
    expect(findings.length).toBe(doc.summary.fail);
    expect(new Set(findings.map((f: { kind: string }) => f.kind))).toEqual(new Set(["posture"]));
  });
});

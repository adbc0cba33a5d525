import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ContainerItem, ImageItem } from "@rampart/console/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Podman, runWebAndClient, startPodman } from "../../../../test/fixtures/podman.js";
import { containerDiscoverer } from "./containers.js";
import type { DiscoveryContext } from "./discoverer.js";

const TESTDATA = join(import.meta.dirname, "testdata");

function context(hostRoot: string): { ctx: DiscoveryContext; warnings: string[] } {
  const warnings: string[] = [];
  return { ctx: { procRoot: "/proc", hostRoot, warn: (m) => warnings.push(m) }, warnings };
}

const byId = <T extends { id: string }>(items: T[] | undefined) => new Map((items ?? []).map((i) => [i.id, i]));

interface FakeEngine {
  maxInFlight: number;
  close(): Promise<void>;
}

/** What Docker 24 and rootless Podman 4.9 send with their /_ping "OK". */
const PING_HEADERS: Record<string, Record<string, string>> = {
  "docker-engine": {
    "api-version": "1.43",
    "docker-experimental": "false",
    ostype: "linux",
    server: "Docker/24.0.7 (linux)",
  },
  "podman-rootless": {
    "api-version": "1.41",
    "libpod-api-version": "4.9.3",
    "docker-experimental": "true",
    server: "Libpod/4.9.3 (linux)",
  },
};

/**
 * An engine API on a unix socket answering with recorded Docker Engine API bodies from testdata/<dir>: the
 * container list, one inspect per running container (none for a container that vanished: 404, as Docker
 * says), the image list and /_ping.
 */
async function fakeEngine(
  dir: string,
  socketPath: string,
  opts: { inspectDelayMs?: number; imagesStatus?: number } = {},
): Promise<FakeEngine> {
  const root = join(TESTDATA, dir);
  let inFlight = 0;
  const engine: FakeEngine = {
    maxInFlight: 0,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
  const send = (res: http.ServerResponse, status: number, body: string) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(body);
  };
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://engine");
    if (url.pathname === "/_ping") {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8", ...PING_HEADERS[dir] });
      return res.end("OK");
    }
    if (url.pathname === "/containers/json") {
      if (url.searchParams.get("all") !== "true") return send(res, 400, '{"message":"test wants all=true"}');
      return send(res, 200, readFileSync(join(root, "containers.json"), "utf8"));
    }
    if (url.pathname === "/images/json") {
      if (opts.imagesStatus) return send(res, opts.imagesStatus, '{"message":"layer store is corrupt"}');
      return send(res, 200, readFileSync(join(root, "images.json"), "utf8"));
    }
    const inspect = /^\/containers\/([0-9a-f]{64})\/json$/.exec(url.pathname);
    if (inspect) {
      inFlight++;
      engine.maxInFlight = Math.max(engine.maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, opts.inspectDelayMs ?? 0));
      inFlight--;
      const file = join(root, "inspect", `${inspect[1]}.json`);
      if (existsSync(file)) return send(res, 200, readFileSync(file, "utf8"));
      return send(res, 404, JSON.stringify({ message: `No such container: ${inspect[1]}` }));
    }
    send(res, 404, '{"message":"page not found"}');
  });
  await new Promise<void>((done) => server.listen(socketPath, done));
  return engine;
}

const WEB = "c8049a89e984f9e84b40f6dd1f5859b85e7f0dc498e37b511966eb6f8d92d5e2";
const DB = "c68ad1e78b7613d45164aa0ca9b2e990443aeb2aa5d6d799ad1544100c6d29d7";
const NODE_EXPORTER = "198c3d8843807d4f27e530ecd08fdb20a5d2eb959efee901c3cc026f186e2422";
const MIGRATE = "4d1f6906c69cce91f05d82afb7de7b7fdc572d2155a276452737d939d92cd722";
const VANISHED = "9ae9fc4934ee0943676fb9c27429d5a479caf16d7e8bf5912d5610618ae71dfe";
const TOOLBOX = "743ea358fb8d34eeca1c82489f47ec95b9b65cbbc3cb24619c33c7ed6fdd7a7f";
const NGINX = "sha256:d19a72bc493532ad866461ab179d620fe321f810c0f69be96f83182d5f286ebe";
const DANGLING = "sha256:a284dd968edb5b6ea9f425f1b70b0290a7c1d2fc144edaefda2eba846d9fa6ee";

describe("containerDiscoverer on recorded engine answers", () => {
  let dir: string;
  let host: string;
  const engines: FakeEngine[] = [];
  const servers: net.Server[] = [];
  const held: net.Socket[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "rampart-engines-"));
    // A host root as the sensor sees it in a container: /var/run is an absolute link to /run (to the HOST's
    // /run, i.e. <root>/run, not the sensor's own), Docker on /run/docker.sock, a rootless Podman of user
    // 1000, and a leftover Podman socket nobody listens on.
    host = join(dir, "host");
    mkdirSync(join(host, "var"), { recursive: true });
    mkdirSync(join(host, "run", "podman"), { recursive: true });
    mkdirSync(join(host, "run", "user", "1000", "podman"), { recursive: true });
    symlinkSync("/run", join(host, "var", "run"));
    engines.push(await fakeEngine("docker-engine", join(host, "run", "docker.sock")));
    engines.push(await fakeEngine("podman-rootless", join(host, "run", "user", "1000", "podman", "podman.sock")));
    // A unix socket file left behind by a dead engine: python exits without unlinking it (node would).
    execFileSync("python3", [
      "-c",
      "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])",
      join(host, "run", "podman", "podman.sock"),
    ]);
  });

  afterAll(async () => {
    await Promise.all(engines.map((e) => e.close()));
    for (const conn of held) conn.destroy();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("reports every answering engine's containers and images, each id once", async () => {
    const { ctx, warnings } = context(host);
    const found = await containerDiscoverer().discover(ctx);
    const containers = byId(found.containers);
    expect(found.containers?.map((c) => c.id).sort()).toEqual([WEB, DB, NODE_EXPORTER, MIGRATE, TOOLBOX].sort());
    expect(containers.get(WEB)).toEqual<ContainerItem>({
      id: WEB,
      name: "web",
      image: "nginx:1.25",
      imageId: NGINX,
      state: "running",
      pids: [4242],
      addresses: ["172.17.0.2", "172.18.0.3", "fd00:18::3"],
    });
    expect(containers.get(DB)).toMatchObject({
      name: "shop-db-1",
      pids: [4300],
      addresses: ["172.18.0.2", "fd00:18::2"],
    });
    // Host networking: no addresses of its own.
    expect(containers.get(NODE_EXPORTER)).toMatchObject({ name: "node-exporter", pids: [1187] });
    expect(containers.get(NODE_EXPORTER)?.addresses).toBeUndefined();
    // Exited: no pid, no addresses, and not inspected.
    expect(containers.get(MIGRATE)).toEqual({
      id: MIGRATE,
      name: "migrate",
      image: "busybox:1.36",
      imageId: "sha256:666f18efcad8af6ee1c3aab5677e739f78b4568c4bf8fde17536bc4a0b503e86",
      state: "exited",
    });
    expect(containers.get(TOOLBOX)).toEqual({
      id: TOOLBOX,
      name: "fedora-toolbox-39",
      image: "registry.fedoraproject.org/fedora-toolbox:39",
      imageId: "sha256:93c0005f2c99a03f117c4314bb117ab15c7b30299121863436b4a27793a02059",
      state: "running",
      pids: [9120],
    });
    // Listed, then gone before its inspection: not reported.
    expect(containers.has(VANISHED)).toBe(false);

    const images = byId(found.images);
    expect(found.images).toHaveLength(6);
    expect(images.get(NGINX)).toEqual<ImageItem>({
      id: NGINX,
      names: ["nginx:1.25", "nginx:latest", "docker.io/library/nginx:1.25"],
      digest: "nginx@sha256:8f0fc5c5f457365aec02c935d8137fc470570c00418ccd1fd937ba0a9394cefe",
      size: 187694648,
    });
    expect(images.get(DANGLING)).toEqual({ id: DANGLING, names: [], size: 187690000 });

    // The dead socket: one warning naming it; /var/run/docker.sock is the same socket as /run/docker.sock.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/container engine at \/run\/podman\/podman\.sock: no answer: nothing listens on /);
  });

  it("bounds the inspections in flight", async () => {
    const socket = join(dir, "slow.sock");
    const slow = await fakeEngine("docker-engine", socket, { inspectDelayMs: 50 });
    engines.push(slow);
    const { ctx, warnings } = context(join(dir, "nothing"));
    const found = await containerDiscoverer({ sockets: [socket], concurrency: 2 }).discover(ctx);
    expect(warnings).toEqual([]);
    expect(found.containers).toHaveLength(4);
    expect(slow.maxInFlight).toBe(2);
  });

  it("keeps to the limits and says what it left out", async () => {
    const { ctx, warnings } = context(host);
    const found = await containerDiscoverer({ maxContainers: 2, maxImages: 1 }).discover(ctx);
    expect(found.containers).toHaveLength(2);
    expect(found.images).toHaveLength(1);
    expect(warnings).toContainEqual(expect.stringMatching(/containers over the limit of 2 left out/));
    expect(warnings).toContainEqual(expect.stringMatching(/images over the limit of 1 left out/));
  });

  it("warns once for an engine that accepts but never answers, within the time limit", async () => {
    const socket = join(dir, "mute.sock");
    const mute = net.createServer((conn) => held.push(conn));
    servers.push(mute);
    await new Promise<void>((r) => mute.listen(socket, r));
    const { ctx, warnings } = context(join(dir, "nothing"));
    const started = Date.now();
    const found = await containerDiscoverer({ sockets: [`unix://${socket}`], timeoutMs: 300 }).discover(ctx);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(found).toEqual({});
    expect(warnings).toEqual([
      `container engine at ${socket}: no answer: GET /_ping on ${socket}: no answer within 300 ms`,
    ]);
  });

  it("keeps the containers when the image list fails", async () => {
    const socket = join(dir, "broken-images.sock");
    engines.push(await fakeEngine("podman-rootless", socket, { imagesStatus: 500 }));
    const { ctx, warnings } = context(join(dir, "nothing"));
    const found = await containerDiscoverer({ sockets: [socket] }).discover(ctx);
    expect(found.containers?.map((c) => c.id).sort()).toEqual([TOOLBOX, WEB].sort());
    expect(found.images).toEqual([]);
    expect(warnings).toEqual([
      `container engine at ${socket}: Libpod/4.9.3: listing images failed: GET /images/json on ${socket}: HTTP 500: layer store is corrupt`,
    ]);
  });

  it("is silent on a host without engines, and names a missing explicit socket", async () => {
    const none = context(join(dir, "nothing"));
    expect(await containerDiscoverer().discover(none.ctx)).toEqual({});
    expect(none.warnings).toEqual([]);
    const missing = context(host);
    const found = await containerDiscoverer({ sockets: [join(dir, "gone.sock")], wellKnown: false }).discover(
      missing.ctx,
    );
    expect(found).toEqual({});
    expect(missing.warnings).toEqual([
      `container engine socket ${join(dir, "gone.sock")} does not exist or is not a socket`,
    ]);
  });
});

const IMAGES = join(process.env.RAMPART_TESTDATA ?? "/tmp/rampart-testdata", "images");
const BOOKWORM_TAR = join(IMAGES, "debian-bookworm.docker.tar");
const VULN_APP_TAR = join(IMAGES, "vuln-app-1.0.docker.tar");

/** True when the dotted IPv4 `address` is inside `cidr` ("10.88.0.0/16"). */
function inSubnet(address: string, cidr: string): boolean {
  const [base = "", bits = "32"] = cidr.split("/");
  const n = (a: string) => a.split(".").reduce((v, o) => v * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  return net.isIPv4(address) && Math.floor(n(address) / size) === Math.floor(n(base) / size);
}

describe("containerDiscoverer with a real podman", () => {
  let podman: Podman | undefined;
  let server: string;
  let client: string;
  let serverIp: string;
  let loaded: string[] = [];

  beforeAll(async () => {
    for (const tar of [BOOKWORM_TAR, VULN_APP_TAR])
      if (!existsSync(tar)) throw new Error(`${tar} is missing: run npm run test:setup`);
    podman = await startPodman();
    ({ loaded, server, client, serverIp } = await runWebAndClient(podman, IMAGES, "rampart"));
  });

  afterAll(async () => {
    await podman?.stop();
  });

  it("finds both containers and both images through podman's API socket", async () => {
    const p = podman as Podman;
    expect(loaded).toEqual(["docker.io/rampart-test/debian:bookworm", "docker.io/rampart-test/vuln-app:1.0"]);
    const { ctx, warnings } = context(join(p.dir, "no-host"));
    // The same socket twice (a path and a link to it): every container still once.
    const link = join(p.dir, "docker.sock");
    symlinkSync(p.socket, link);
    const discoverer = containerDiscoverer({ sockets: [p.socket, link] });
    const found = await discoverer.discover(ctx);
    expect(warnings).toEqual([]);
    expect(found.containers).toHaveLength(2);

    const [subnet] = JSON.parse(await p.podman(["network", "inspect", "podman"]))[0].subnets as { subnet: string }[];
    const imageId = async (name: string) =>
      `sha256:${(await p.podman(["image", "inspect", "--format", "{{.Id}}", name])).trim()}`;
    const expected = [
      { id: server, name: "rampart-web", image: "docker.io/rampart-test/vuln-app:1.0" },
      { id: client, name: "rampart-client", image: "docker.io/rampart-test/debian:bookworm" },
    ];
    const containers = byId(found.containers);
    for (const e of expected) {
      const c = containers.get(e.id) as ContainerItem;
      const inspected = await p.inspect(e.id);
      expect(c).toMatchObject({ ...e, imageId: await imageId(e.image), state: "running" });
      const [pid] = c.pids ?? [];
      expect(pid).toBeGreaterThan(0);
      expect(pid).toBe(inspected.State.Pid);
      expect(existsSync(`/proc/${pid}`)).toBe(true);
      expect(c.addresses).toContain(inspected.NetworkSettings.IPAddress);
      for (const a of c.addresses ?? []) expect(inSubnet(a, subnet?.subnet ?? "")).toBe(true);
    }
    expect(containers.get(server)?.addresses).toContain(serverIp);

    const images = new Map((found.images ?? []).flatMap((i) => i.names.map((n) => [n, i])));
    for (const name of ["docker.io/rampart-test/debian:bookworm", "docker.io/rampart-test/vuln-app:1.0"]) {
      const image = images.get(name);
      expect(image?.id).toBe(await imageId(name));
      expect(image?.digest).toMatch(/^docker\.io\/rampart-test\/.+@sha256:[0-9a-f]{64}$/);
      expect(image?.size).toBeGreaterThan(1_000_000);
    }

    // How long a pass takes with two running containers (printed for the record).
    const passes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await discoverer.discover(ctx);
      passes.push(performance.now() - t);
    }
    passes.sort((a, b) => a - b);
    console.info(`container discovery pass, 2 containers via podman: median ${passes[2]?.toFixed(1)} ms`);
  });
});

// The Docker controls, each shown to flip: recorded Podman answers (testdata/podman: /info, the
// container list and the inspect of a compliant, a non-compliant and a widely published container) and
// temporary root filesystems holding good and bad daemon configuration files with real owners and modes.
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ControlResult, PostureReport } from "../../control.js";
import { evaluatePosture } from "../../engine.js";
import { FileView } from "../../file-view.js";
import { loadControlSet } from "../../load.js";
import type { DockerApi, PostureTarget } from "../../target.js";
import { parseDockerdFlags } from "./daemon-config.js";
import { DockerApiError } from "./engine-api.js";
import { collectors } from "./index.js";

const HERE = import.meta.dirname;
const TESTDATA = join(HERE, "testdata");
const CONTROLS_FILE = join(HERE, "../../controls/docker.yaml");
const controls = loadControlSet(
  readFileSync(CONTROLS_FILE, "utf8"),
  "docker.yaml",
  new Set(collectors.map((c) => c.name)),
).controls;

type Json = Record<string, unknown>;
const podman = (name: string): Json | Json[] =>
  JSON.parse(readFileSync(join(TESTDATA, "podman", `${name}.json`), "utf8"));
const INSPECT: Record<string, Json> = {
  good: podman("inspect-good") as Json,
  bad: podman("inspect-bad") as Json,
  wide: podman("inspect-wide") as Json,
};
/**
 * Podman 4.3 reports --ipc=host as "shareable" and --userns=host as "" in its inspect (both the compat and
 * the libpod API), so those two controls are shown to flip on the bad container's inspect with the two fields
 * as Docker reports them.
 */
INSPECT["docker-ns"] = {
  ...(INSPECT.bad as Json),
  HostConfig: { ...((INSPECT.bad as Json).HostConfig as Json), IpcMode: "host", UsernsMode: "host" },
};

/** A DockerApi answering from the recorded files, listing only `containers` as running. */
function fixtureApi(o: { containers: string[]; info?: Json; socketPath?: string }): DockerApi {
  const list = podman("containers") as Json[];
  const byId = new Map(o.containers.map((n) => [String((INSPECT[n] as Json).Id), INSPECT[n] as Json]));
  return {
    ...(o.socketPath ? { socketPath: o.socketPath } : {}),
    async get(path) {
      if (path === "/info") return o.info ?? podman("info");
      if (path === "/containers/json") return list.filter((c) => byId.has(String(c.Id)));
      const m = /^\/containers\/([0-9a-f]+)\/json$/.exec(path);
      const found = m && byId.get(m[1] as string);
      if (found) return found;
      throw new DockerApiError(`GET ${path}: HTTP 404: no such container`, 404);
    },
  };
}
const podmanInfo = (patch: Json): Json => ({ ...(podman("info") as Json), ...patch });

interface Entry {
  path: string;
  from?: string;
  text?: string;
  dir?: boolean;
  socket?: boolean;
  mode: number;
  uid?: number;
  gid?: number;
}
const DOCKER_GID = 999; // testdata/daemon/group
const ALICE = 1000;
const tree = (good: boolean): Entry[] => {
  const [o, g] = good ? [0, 0] : [ALICE, ALICE];
  return [
    { path: "/etc/passwd", from: "passwd", mode: 0o644 },
    { path: "/etc/group", from: "group", mode: 0o644 },
    { path: "/etc/docker", dir: true, mode: good ? 0o755 : 0o777, uid: o, gid: g },
    {
      path: "/etc/docker/daemon.json",
      from: good ? "good/daemon.json" : "bad/daemon.json",
      mode: good ? 0o644 : 0o666,
      uid: o,
      gid: g,
    },
    { path: "/etc/docker/tls/ca.pem", from: "tls-placeholder", mode: good ? 0o444 : 0o644, uid: o, gid: g },
    { path: "/etc/docker/tls/server-cert.pem", from: "tls-placeholder", mode: good ? 0o444 : 0o664, uid: o, gid: g },
    { path: "/etc/docker/tls/server-key.pem", from: "tls-placeholder", mode: good ? 0o400 : 0o440, uid: o, gid: g },
    {
      path: "/etc/docker/certs.d/registry.example.internal:5000/ca.crt",
      from: "registry-ca.crt",
      mode: good ? 0o444 : 0o644,
      uid: o,
      gid: g,
    },
    {
      path: "/lib/systemd/system/docker.service",
      from: good ? "good/docker.service" : "bad/docker.service",
      mode: good ? 0o644 : 0o664,
      uid: o,
      gid: g,
    },
    ...(good
      ? []
      : [
          {
            path: "/etc/systemd/system/docker.service.d/override.conf",
            from: "bad/docker.service.d/override.conf",
            mode: 0o644,
          },
        ]),
    { path: "/lib/systemd/system/docker.socket", from: "docker.socket", mode: good ? 0o644 : 0o666, uid: o, gid: g },
    {
      path: "/etc/default/docker",
      from: good ? "good/default-docker" : "bad/default-docker",
      mode: good ? 0o644 : 0o666,
      uid: o,
      gid: g,
    },
    { path: "/etc/sysconfig/docker", from: "sysconfig-docker", mode: good ? 0o644 : 0o666, uid: o, gid: g },
    { path: "/var/run/docker.sock", socket: true, mode: good ? 0o660 : 0o666, uid: o, gid: good ? DOCKER_GID : g },
    { path: "/run/containerd/containerd.sock", socket: true, mode: good ? 0o660 : 0o666, uid: o, gid: g },
  ];
};

type Scenario = "good" | "bad" | "wide" | "docker-ns" | "daemon-good" | "daemon-bad" | "daemon-swarm";
const C = (pass: Scenario[], fail: Scenario[]) => ({ pass, fail });
const CONTAINER = C(["good"], ["bad"]);
const DAEMON = C(["daemon-good"], ["daemon-bad"]);

/** Every control of docker.yaml: the scenarios where it must pass and where it must fail. */
const TABLE: Record<string, { pass: Scenario[]; fail: Scenario[] }> = {
  "docker-daemon-rootless": DAEMON,
  "docker-daemon-icc-disabled": DAEMON,
  "docker-daemon-log-level-info": DAEMON,
  "docker-daemon-iptables-enabled": DAEMON,
  "docker-daemon-no-insecure-registries": DAEMON,
  "docker-daemon-no-aufs": DAEMON,
  "docker-daemon-tls-remote-api": DAEMON,
  "docker-daemon-default-ulimits": DAEMON,
  "docker-daemon-userns-remap": DAEMON,
  "docker-daemon-authorization-plugin": DAEMON,
  "docker-daemon-remote-logging": DAEMON,
  "docker-daemon-no-new-privileges": DAEMON,
  "docker-daemon-live-restore": DAEMON,
  "docker-daemon-userland-proxy-disabled": DAEMON,
  "docker-daemon-seccomp-profile": DAEMON,
  "docker-daemon-experimental-disabled": DAEMON,
  "docker-daemon-swarm-inactive": C(["daemon-good", "daemon-bad"], ["daemon-swarm"]),
  "docker-file-service-unit-ownership": DAEMON,
  "docker-file-service-unit-permissions": DAEMON,
  "docker-file-socket-unit-ownership": DAEMON,
  "docker-file-socket-unit-permissions": DAEMON,
  "docker-file-etc-docker-ownership": DAEMON,
  "docker-file-etc-docker-permissions": DAEMON,
  "docker-file-tls-ca-cert-ownership": DAEMON,
  "docker-file-tls-ca-cert-permissions": DAEMON,
  "docker-file-tls-server-cert-ownership": DAEMON,
  "docker-file-tls-server-cert-permissions": DAEMON,
  "docker-file-tls-server-key-ownership": DAEMON,
  "docker-file-tls-server-key-permissions": DAEMON,
  "docker-file-engine-socket-ownership": DAEMON,
  "docker-file-engine-socket-permissions": DAEMON,
  "docker-file-daemon-json-ownership": DAEMON,
  "docker-file-daemon-json-permissions": DAEMON,
  "docker-file-default-docker-ownership": DAEMON,
  "docker-file-default-docker-permissions": DAEMON,
  "docker-file-sysconfig-docker-ownership": DAEMON,
  "docker-file-sysconfig-docker-permissions": DAEMON,
  "docker-file-containerd-socket-ownership": DAEMON,
  "docker-file-containerd-socket-permissions": DAEMON,
  "docker-file-registry-certs-ownership": DAEMON,
  "docker-file-registry-certs-permissions": DAEMON,
  "docker-container-non-root-user": CONTAINER,
  "docker-container-apparmor": CONTAINER,
  "docker-container-selinux": CONTAINER,
  "docker-container-capabilities-restricted": C(["good"], ["bad", "wide"]),
  "docker-container-capabilities-dropped": C(["good"], ["bad", "wide"]),
  "docker-container-not-privileged": C(["good", "wide"], ["bad"]),
  "docker-container-sensitive-mounts": C(["good", "wide"], ["bad"]),
  "docker-container-privileged-ports": C(["good", "bad"], ["wide"]),
  "docker-container-host-network": C(["good", "wide"], ["bad"]),
  "docker-container-memory-limit": CONTAINER,
  "docker-container-cpu-priority": CONTAINER,
  "docker-container-readonly-rootfs": CONTAINER,
  "docker-container-port-bound-to-interface": C(["good", "bad"], ["wide"]),
  "docker-container-restart-policy": C(["good", "wide"], ["bad"]),
  "docker-container-host-pid": C(["good", "wide"], ["bad"]),
  "docker-container-host-ipc": C(["good", "bad", "wide"], ["docker-ns"]),
  "docker-container-no-host-devices": C(["good"], ["bad", "wide"]),
  "docker-container-mount-propagation": C(["good", "wide"], ["bad"]),
  "docker-container-host-uts": C(["good", "wide"], ["bad"]),
  "docker-container-seccomp": C(["good", "wide"], ["bad"]),
  "docker-container-cgroup-default": C(["good", "wide"], ["bad"]),
  "docker-container-no-new-privileges": CONTAINER,
  "docker-container-healthcheck": CONTAINER,
  "docker-container-pids-limit": C(["good", "wide"], ["bad"]),
  "docker-container-default-bridge": C(["good", "bad"], ["wide"]),
  "docker-container-host-userns": C(["good", "bad", "wide"], ["docker-ns"]),
  "docker-container-engine-socket-mount": C(["good", "wide"], ["bad"]),
};

const CONTAINER_NAME: Partial<Record<Scenario, string>> = {
  good: "rec-good",
  bad: "rec-bad",
  wide: "rec-wide",
  "docker-ns": "rec-bad",
};

describe("docker controls on recorded engine answers and daemon configuration trees", () => {
  const roots: string[] = [];
  const servers: Server[] = [];
  const reports = new Map<Scenario, PostureReport>();

  async function materialise(entries: Entry[]): Promise<string> {
    const root = mkdtempSync(join(tmpdir(), "rampart-docker-"));
    roots.push(root);
    for (const e of entries) {
      const abs = join(root, e.path);
      mkdirSync(e.dir ? abs : dirname(abs), { recursive: true });
      if (e.from) copyFileSync(join(TESTDATA, "daemon", e.from), abs);
      if (e.text !== undefined) writeFileSync(abs, e.text);
      if (e.socket) {
        const server = createServer();
        servers.push(server);
        await new Promise<void>((done, fail) => server.once("error", fail).listen(abs, done));
      }
      chownSync(abs, e.uid ?? 0, e.gid ?? 0);
      chmodSync(abs, e.mode);
    }
    return root;
  }

  const evaluate = (target: PostureTarget) => evaluatePosture(controls, target, collectors);

  beforeAll(async () => {
    const [good, bad] = [await materialise(tree(true)), await materialise(tree(false))];
    const socketPath = "/var/run/docker.sock";
    // The good host's engine runs rootless; the bad one as root; a third is a swarm manager.
    const rootless = { Rootless: true, SecurityOptions: ["name=seccomp,profile=default", "name=rootless"] };
    const targets: Record<Scenario, PostureTarget> = {
      good: { name: "good", docker: fixtureApi({ containers: ["good"] }) },
      bad: { name: "bad", docker: fixtureApi({ containers: ["bad"] }) },
      wide: { name: "wide", docker: fixtureApi({ containers: ["wide"] }) },
      "docker-ns": { name: "docker-ns", docker: fixtureApi({ containers: ["docker-ns"] }) },
      "daemon-good": {
        name: "daemon-good",
        files: new FileView(good),
        docker: fixtureApi({ containers: [], info: podmanInfo(rootless), socketPath }),
      },
      "daemon-bad": {
        name: "daemon-bad",
        files: new FileView(bad),
        docker: fixtureApi({ containers: [], socketPath }),
      },
      "daemon-swarm": {
        name: "daemon-swarm",
        files: new FileView(good),
        docker: fixtureApi({
          containers: [],
          info: podmanInfo({ ...rootless, Swarm: { LocalNodeState: "active" } }),
          socketPath,
        }),
      },
    };
    for (const [name, target] of Object.entries(targets)) reports.set(name as Scenario, await evaluate(target));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  it("has at least 30 controls, each mapped to a CIS Docker section, and a table row for every one", () => {
    expect(controls.length).toBeGreaterThanOrEqual(30);
    for (const c of controls) expect(c.frameworks.cis?.length, c.id).toBeGreaterThan(0);
    expect(Object.keys(TABLE).sort()).toEqual(controls.map((c) => c.id).sort());
  });

  const result = (scenario: Scenario, id: string): ControlResult => {
    const r = reports.get(scenario)?.results.find((x) => x.control.id === id);
    if (!r) throw new Error(`${id}: no result in ${scenario}`);
    return r;
  };

  it.each(Object.keys(TABLE))("%s passes on the good input and fails on the bad one", (id) => {
    const row = TABLE[id] as (typeof TABLE)[string];
    for (const s of row.pass) {
      const r = result(s, id);
      expect({ scenario: s, status: r.status, reason: r.reason, violations: r.violations }).toMatchObject({
        scenario: s,
        status: "pass",
      });
    }
    for (const s of row.fail) {
      const r = result(s, id);
      expect({ scenario: s, status: r.status, reason: r.reason }).toMatchObject({ scenario: s, status: "fail" });
      const evidence = r.violations.flatMap((v) => v.evidence).join("\n");
      expect(evidence, `${id} on ${s}`).not.toBe("");
      expect(evidence, `${id} on ${s}`).not.toMatch(/evidence failed/);
      const name = CONTAINER_NAME[s];
      if (name) {
        expect(r.violations[0]?.subject).toMatch(new RegExp(`^container ${name} \\([0-9a-f]{12}\\)$`));
        expect(evidence).toContain(name);
      }
    }
  });

  it("shows the offending values in the evidence", () => {
    const ev = (s: Scenario, id: string) => result(s, id).violations.flatMap((v) => v.evidence);
    expect(ev("bad", "docker-container-sensitive-mounts")).toEqual(["rec-bad: host /etc → /host-etc (read-write)"]);
    expect(ev("bad", "docker-container-engine-socket-mount")).toEqual([
      "rec-bad: host /tmp/dockrec/podman.sock → /var/run/docker.sock",
    ]);
    expect(ev("wide", "docker-container-capabilities-restricted")).toEqual([
      "rec-wide: --cap-add SYS_ADMIN",
      "rec-wide: --cap-add SYS_PTRACE",
    ]);
    expect(ev("wide", "docker-container-privileged-ports")).toEqual(["rec-wide: host port 80 → 8081/tcp"]);
    expect(ev("wide", "docker-container-port-bound-to-interface").sort()).toEqual([
      "rec-wide: 8080/tcp published on all interfaces (0.0.0.0:8080)",
      "rec-wide: 8081/tcp published on all interfaces (0.0.0.0:80)",
    ]);
    expect(ev("wide", "docker-container-no-host-devices")).toEqual(["rec-wide: device /dev/null → /dev/xnull"]);
    expect(ev("bad", "docker-container-restart-policy")).toEqual(["rec-bad: restart policy always"]);
    expect(ev("daemon-bad", "docker-daemon-tls-remote-api")).toEqual([
      "listens on tcp://0.0.0.0:2375 without tlsverify",
    ]);
    expect(ev("daemon-bad", "docker-daemon-no-insecure-registries")).toEqual([
      "insecure registry registry.example.internal:5000",
    ]);
    expect(ev("daemon-bad", "docker-file-etc-docker-permissions")).toEqual(["/etc/docker has mode 0777"]);
    expect(ev("daemon-bad", "docker-file-engine-socket-ownership")).toEqual([
      "/var/run/docker.sock is owned by alice:alice",
    ]);
    // Flags from the drop-in's command line and $DOCKER_OPTS of /etc/default/docker.
    expect(ev("daemon-bad", "docker-daemon-icc-disabled")).toHaveLength(1);
    expect(ev("daemon-bad", "docker-daemon-iptables-enabled")).toEqual(["iptables is disabled"]);
  });

  it("never puts environment values in the facts, only names", async () => {
    const subjects = await collectors
      .find((c) => c.name === "container")
      ?.collect({ name: "t", docker: fixtureApi({ containers: ["good", "bad"] }) }, () => {});
    const facts = JSON.stringify(subjects);
    expect(subjects?.map((s) => s.id).sort()).toEqual([
      "container rec-bad (c75800ba4203)",
      "container rec-good (fe13f9074e17)",
    ]);
    expect(facts).toContain('"envNames":["TERM","container","PATH","HOSTNAME"]');
    expect(facts).not.toContain("xterm");
    expect(facts).not.toContain("/usr/local/sbin");
  });

  it("reads a tree without an engine: Docker's settings apply, engine-only facts do not", async () => {
    const r = await evaluate({ name: "files", files: new FileView(roots[1] as string) });
    const status = (id: string) => r.results.find((x) => x.control.id === id)?.status;
    expect(status("docker-daemon-icc-disabled")).toBe("fail");
    expect(status("docker-daemon-rootless")).toBe("not-applicable");
    expect(status("docker-daemon-swarm-inactive")).toBe("not-applicable");
    expect(status("docker-container-not-privileged")).toBe("not-applicable");
    const none = await evaluate({ name: "empty", files: new FileView(join(TESTDATA, "podman")) });
    expect(new Set(none.results.map((x) => x.status))).toEqual(new Set(["not-applicable"]));
  });

  it("warns about a daemon.json that is not JSON and still checks the rest", async () => {
    const root = await materialise([
      { path: "/etc/docker/daemon.json", text: '{ "icc": false, }', mode: 0o600 },
      { path: "/etc/docker", dir: true, mode: 0o755 },
    ]);
    const r = await evaluate({ name: "broken", files: new FileView(root) });
    expect(r.warnings).toEqual([
      expect.stringMatching(
        /^posture dockerDaemon: \/etc\/docker\/daemon.json: not valid JSON \(.+\); dockerd would refuse to start with it$/,
      ),
    ]);
    const status = (id: string) => r.results.find((x) => x.control.id === id)?.status;
    expect(status("docker-daemon-icc-disabled")).toBe("fail");
    expect(status("docker-file-daemon-json-permissions")).toBe("pass");
    expect(status("docker-file-service-unit-ownership")).toBe("not-applicable");
  });

  it("takes a Docker engine's /info over its configuration files, and leaves Podman's out of dockerd's settings", async () => {
    // Docker's /info has the same shape, without Podman's own fields.
    const info = podmanInfo({
      ServerVersion: "27.3.1",
      LiveRestoreEnabled: false,
      ExperimentalBuild: false,
      LoggingDriver: "json-file",
    });
    delete info.BuildahVersion;
    delete info.Rootless;
    const r = await evaluate({
      name: "d",
      files: new FileView(roots[0] as string),
      docker: fixtureApi({ containers: [], info }),
    });
    const status = (id: string) => r.results.find((x) => x.control.id === id)?.status;
    // daemon.json says live-restore and syslog, but the running daemon says otherwise (not restarted since).
    expect(status("docker-daemon-live-restore")).toBe("fail");
    expect(status("docker-daemon-remote-logging")).toBe("fail");
    // Podman always reports ExperimentalBuild true: with a Podman engine that is not Docker's setting.
    const p = await evaluate({
      name: "p",
      files: new FileView(roots[0] as string),
      docker: fixtureApi({ containers: [] }),
    });
    expect(p.results.find((x) => x.control.id === "docker-daemon-experimental-disabled")?.status).toBe("pass");
    // A Podman engine alone has no dockerd settings to check.
    const alone = await evaluate({ name: "podman", docker: fixtureApi({ containers: [] }) });
    expect(alone.results.find((x) => x.control.id === "docker-daemon-icc-disabled")?.status).toBe("not-applicable");
    expect(alone.results.find((x) => x.control.id === "docker-daemon-seccomp-profile")?.status).toBe("pass");
  });

  it("skips a container that is gone between the list and its inspect, with a warning", async () => {
    const api = fixtureApi({ containers: ["good"] });
    const gone: DockerApi = {
      get: async (path) =>
        path === "/containers/json" ? [...((await api.get(path)) as Json[]), { Id: "0".repeat(64) }] : api.get(path),
    };
    const warnings: string[] = [];
    const subjects = await collectors
      .find((c) => c.name === "container")
      ?.collect({ name: "t", docker: gone }, (m) => warnings.push(m));
    expect(subjects?.map((s) => s.id)).toEqual(["container rec-good (fe13f9074e17)"]);
    expect(warnings).toEqual(["container 000000000000 is gone"]);
  });
});

describe("dockerd command lines", () => {
  it("reads the flags posture controls need, in both spellings, and skips the others", () => {
    expect(
      parseDockerdFlags(
        "/usr/bin/dockerd -H fd:// -H tcp://0.0.0.0:2376 --containerd=/run/containerd/containerd.sock --icc=false --tlsverify --tlscacert /etc/ca.pem --log-opt max-size=10m -l warn --insecure-registry a:5000 --insecure-registry=b:5000",
      ),
    ).toEqual({
      hosts: ["fd://", "tcp://0.0.0.0:2376"],
      icc: false,
      tlsverify: true,
      tlscacert: "/etc/ca.pem",
      "log-level": "warn",
      "insecure-registries": ["a:5000", "b:5000"],
    });
    expect(parseDockerdFlags("/usr/bin/containerd --config x")).toEqual({});
    const warnings: string[] = [];
    expect(parseDockerdFlags("dockerd --icc=maybe", (m) => warnings.push(m))).toEqual({});
    expect(warnings).toEqual(["dockerd --icc=maybe: not a boolean"]);
  });
});

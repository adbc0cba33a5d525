// The Docker controls against a real engine: Podman's Docker-compatible API (its own storage and socket, see
// test/fixtures/podman.ts) running a privileged container that shares the host's PIDs and mounts the host's
// /etc, and a restricted one; each must fail or pass the controls on its own subject.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Podman, startPodman } from "../../../../../../test/fixtures/podman.js";
import { testdata } from "../../../../../../test/fixtures/testdata.js";
import type { PostureReport } from "../../control.js";
import { evaluatePosture } from "../../engine.js";
import { loadControlSet } from "../../load.js";
import type { Subject } from "../collector.js";
import { dockerApi } from "./engine-api.js";
import { collectors } from "./index.js";

const controls = loadControlSet(
  readFileSync(join(import.meta.dirname, "../../controls/docker.yaml"), "utf8"),
  "docker.yaml",
  new Set(collectors.map((c) => c.name)),
).controls;

const IMAGE = "rampart-test/debian:bookworm";
const PRIVILEGED = "rampart-posture-privileged";
const RESTRICTED = "rampart-posture-restricted";

describe("docker controls on a real Podman engine", () => {
  let podman: Podman | undefined;
  let report: PostureReport;
  let subjects: Subject[];
  let ids: { privileged: string; restricted: string };

  beforeAll(async () => {
    const bookworm = testdata("images", "debian-bookworm.docker.tar");
    podman = await startPodman();
    await podman.load(bookworm);
    const sleep = ["sleep", "infinity"];
    ids = {
      privileged: await podman.run([
        "--name",
        PRIVILEGED,
        "--privileged",
        "--pid=host",
        "-v",
        "/etc:/host-etc:ro",
        IMAGE,
        ...sleep,
      ]),
      restricted: await podman.run([
        "--name",
        RESTRICTED,
        "--read-only",
        "--cap-drop=ALL",
        "--security-opt=no-new-privileges",
        "--memory=64m",
        "--pids-limit=50",
        "--user",
        "1000",
        IMAGE,
        ...sleep,
      ]),
    };
    const target = { name: "podman", docker: dockerApi(podman.socket) };
    report = await evaluatePosture(controls, target, collectors);
    subjects = (await collectors.find((c) => c.name === "container")?.collect(target, () => {})) ?? [];
  });
  afterAll(async () => {
    await podman?.stop();
  });

  const subjectOf = (name: string, id: string) => `container ${name} (${id.slice(0, 12)})`;
  const failing = (controlId: string) => {
    const r = report.results.find((x) => x.control.id === controlId);
    if (!r) throw new Error(`no result for ${controlId}`);
    expect(r.status, `${controlId}: ${r.reason ?? ""}`).not.toBe("error");
    return r.violations.map((v) => v.subject);
  };

  it("collects one subject per running container, with normalised facts", () => {
    expect(subjects.map((s) => s.id).sort()).toEqual(
      [subjectOf(PRIVILEGED, ids.privileged), subjectOf(RESTRICTED, ids.restricted)].sort(),
    );
    const facts = (name: string) => subjects.find((s) => s.facts.name === name)?.facts;
    expect(facts(PRIVILEGED)).toMatchObject({ engine: "podman", privileged: true, pidMode: "host", runsAsRoot: true });
    expect(facts(PRIVILEGED)?.mounts).toContainEqual(
      expect.objectContaining({ type: "bind", source: "/etc", destination: "/host-etc", rw: false }),
    );
    expect(facts(RESTRICTED)).toMatchObject({
      privileged: false,
      readonlyRootfs: true,
      dropsAllCapabilities: true,
      noNewPrivileges: true,
      memory: 64 * 1024 * 1024,
      pidsLimit: 50,
      user: "1000",
      runsAsRoot: false,
    });
  });

  it("fails the privileged container and passes the restricted one, control by control", () => {
    const privileged = subjectOf(PRIVILEGED, ids.privileged);
    const restricted = subjectOf(RESTRICTED, ids.restricted);
    for (const id of [
      "docker-container-not-privileged",
      "docker-container-host-pid",
      "docker-container-sensitive-mounts",
      "docker-container-capabilities-restricted",
      "docker-container-capabilities-dropped",
      "docker-container-no-host-devices",
      "docker-container-seccomp",
      "docker-container-readonly-rootfs",
      "docker-container-no-new-privileges",
      "docker-container-memory-limit",
      "docker-container-non-root-user",
    ]) {
      const subjects = failing(id);
      expect(subjects, id).toContain(privileged);
      expect(subjects, id).not.toContain(restricted);
    }
    // Podman's default PIDs limit (2048) applies to the privileged one too: both pass.
    expect(failing("docker-container-pids-limit")).toEqual([]);
    const mount = report.results.find((x) => x.control.id === "docker-container-sensitive-mounts");
    expect(mount?.violations.flatMap((v) => v.evidence)).toEqual([`${PRIVILEGED}: host /etc → /host-etc (read-only)`]);
  });

  it("reads the engine itself: Podman, no swarm, its socket private to root, no dockerd settings", () => {
    const status = (id: string) => report.results.find((x) => x.control.id === id)?.status;
    expect(report.platforms).toEqual(["docker"]);
    expect(status("docker-daemon-swarm-inactive")).toBe("pass");
    expect(status("docker-daemon-seccomp-profile")).toBe("pass");
    expect(status("docker-file-engine-socket-permissions")).toBe("pass");
    expect(status("docker-daemon-icc-disabled")).toBe("not-applicable");
    expect(report.results.filter((r) => r.status === "error").map((r) => `${r.control.id}: ${r.reason}`)).toEqual([]);
  });
});

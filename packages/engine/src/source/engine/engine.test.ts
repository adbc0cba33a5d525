import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDockerArchive } from "../docker-archive.js";
import type { ImageSource } from "../source.js";
import { openEngineImage } from "./engine-source.js";
import { engineSocket } from "./socket.js";

const run = promisify(execFile);
const TESTDATA = process.env.RAMPART_TESTDATA ?? "/tmp/rampart-testdata";
const BOOKWORM = join(TESTDATA, "images", "debian-bookworm.docker.tar");

/** GET /_ping over the socket: true once the service answers. */
const ping = (socketPath: string) =>
  new Promise<boolean>((done) => {
    const req = http.get({ socketPath, path: "/_ping", timeout: 1000 }, (res) => {
      res.resume();
      done(res.statusCode === 200);
    });
    req.on("error", () => done(false));
    req.on("timeout", () => req.destroy());
  });

describe("engine source with a real podman API service", () => {
  let dir: string;
  let socket: string;
  let service: ChildProcess | undefined;
  let expected: ImageSource;

  beforeAll(async () => {
    if (!existsSync(BOOKWORM)) throw new Error(`${BOOKWORM} is missing: run npm run test:setup`);
    dir = mkdtempSync(join(tmpdir(), "rampart-podman-test-"));
    socket = join(dir, "podman.sock");
    // This VM needs runc and explicit ulimits for podman; its own storage keeps the test off the machine's.
    writeFileSync(
      join(dir, "containers.conf"),
      '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=1000:1000"]\n\n[engine]\nruntime = "runc"\n',
    );
    const env = { ...process.env, CONTAINERS_CONF: join(dir, "containers.conf") };
    const storage = ["--root", join(dir, "root"), "--runroot", join(dir, "runroot"), "--storage-driver", "vfs"];
    try {
      await run("podman", [...storage, "load", "-i", BOOKWORM], { env });
    } catch (e) {
      throw new Error(`podman load failed (is podman installed? run npm run test:setup): ${(e as Error).message}`);
    }
    service = spawn("podman", [...storage, "system", "service", "--time=0", `unix://${socket}`], {
      env,
      stdio: "ignore",
    });
    for (let i = 0; i < 100 && !(await ping(socket)); i++) await new Promise((r) => setTimeout(r, 200));
    if (!(await ping(socket))) throw new Error("podman system service did not come up");
    expected = await openDockerArchive(BOOKWORM);
  });

  afterAll(async () => {
    await expected?.close();
    if (service && service.exitCode === null) {
      const exited = new Promise((r) => service?.once("exit", r));
      service.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("exports the image through the socket and reads it as the docker-archive it came from", async () => {
    const tmp = join(dir, "tmp");
    mkdirSync(tmp, { recursive: true });
    const src = await openEngineImage("podman", "rampart-test/debian:bookworm", { engineSocket: socket, tmpDir: tmp });
    try {
      expect(src.transport).toBe("podman-engine");
      expect(src.name).toBe("rampart-test/debian:bookworm");
      expect(src.tags).toContain("docker.io/rampart-test/debian:bookworm");
      expect(src.configDigest).toBe(expected.configDigest);
      expect(src.config).toEqual(expected.config);
      expect(src.layers.map((l) => [l.diffId, l.createdBy])).toEqual(
        expected.layers.map((l) => [l.diffId, l.createdBy]),
      );
      expect(readdirSync(tmp)).toHaveLength(1);
      // Layers in `podman save` output are plain tars: their sha256 is the diffID.
      const layer = src.layers[0] as NonNullable<(typeof src.layers)[0]>;
      const hash = createHash("sha256");
      for await (const chunk of (await layer.open()) as AsyncIterable<Buffer>) hash.update(chunk);
      expect(`sha256:${hash.digest("hex")}`).toBe(layer.diffId);
    } finally {
      await src.close();
    }
    expect(readdirSync(tmp)).toEqual([]); // close() removed the export
    await src.close(); // idempotent
  });

  it("finds an image by its ID", async () => {
    const src = await openEngineImage("podman", expected.configDigest.replace("sha256:", ""), { engineSocket: socket });
    await src.close();
    expect(src.configDigest).toBe(expected.configDigest);
  });

  it("names a missing image and a missing socket", async () => {
    await expect(openEngineImage("podman", "rampart/none:1", { engineSocket: socket })).rejects.toThrow(
      /podman: no image "rampart\/none:1" in the engine/,
    );
    await expect(openEngineImage("docker", "alpine", { engineSocket: join(dir, "nothing.sock") })).rejects.toThrow(
      /docker: no engine socket at .*nothing\.sock/,
    );
  });
});

describe("engineSocket", () => {
  it("prefers the option, then DOCKER_HOST / CONTAINER_HOST, then the defaults", () => {
    expect(engineSocket("docker", "unix:///x/d.sock", {}, 0)).toBe("/x/d.sock");
    expect(engineSocket("docker", undefined, { DOCKER_HOST: "unix:///run/user/1/docker.sock" }, 1)).toBe(
      "/run/user/1/docker.sock",
    );
    expect(engineSocket("docker", undefined, {}, 0)).toBe("/var/run/docker.sock");
    expect(engineSocket("podman", undefined, { CONTAINER_HOST: "unix:///p.sock", DOCKER_HOST: "unix:///d" }, 0)).toBe(
      "/p.sock",
    );
    expect(engineSocket("podman", undefined, {}, 0)).toBe("/run/podman/podman.sock");
    expect(engineSocket("podman", undefined, { XDG_RUNTIME_DIR: "/run/user/1000" }, 1000)).toBe(
      "/run/user/1000/podman/podman.sock",
    );
    expect(() => engineSocket("docker", undefined, { DOCKER_HOST: "tcp://127.0.0.1:2375" }, 0)).toThrow(
      /only unix:\/\/ engine sockets/,
    );
  });
});

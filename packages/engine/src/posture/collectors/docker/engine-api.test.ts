import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerApiError, dockerApi } from "./engine-api.js";

/** An engine stand-in on a unix socket: each path answers in its own way, one never answers. */
describe("dockerApi over a unix socket", () => {
  let dir: string;
  let socket: string;
  let server: Server;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "rampart-docker-api-"));
    socket = join(dir, "engine.sock");
    server = createServer((req, res) => {
      switch (req.url) {
        case "/info":
          res
            .writeHead(200, { "content-type": "application/json" })
            .end(JSON.stringify({ Driver: "overlay2", path: req.url }));
          return;
        case "/containers/nope/json":
          res.writeHead(404, { "content-type": "application/json" }).end('{"message":"no such container: nope"}');
          return;
        case "/text":
          res.writeHead(200).end("<html>not an engine</html>");
          return;
        case "/big":
          res.writeHead(200).end(`"${"x".repeat(4096)}"`);
          return;
        case "/hang":
          res.writeHead(200).write("{"); // never ends
          return;
        default:
          res.writeHead(500).end("boom");
      }
    });
    await new Promise<void>((done) => server.listen(socket, done));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
    rmSync(dir, { recursive: true, force: true });
  });

  it("GETs a path and parses the JSON answer; the socket path is exposed for the permission controls", async () => {
    const api = dockerApi(`unix://${socket}`);
    expect(api.socketPath).toBe(socket);
    expect(await api.get("/info")).toEqual({ Driver: "overlay2", path: "/info" });
  });

  it("rejects HTTP errors with the engine's message and status", async () => {
    const e = await dockerApi(socket)
      .get("/containers/nope/json")
      .catch((x) => x);
    expect(e).toBeInstanceOf(DockerApiError);
    expect(e).toMatchObject({
      status: 404,
      message: `GET /containers/nope/json on ${socket}: HTTP 404: no such container: nope`,
    });
    await expect(dockerApi(socket).get("/other")).rejects.toThrow(/HTTP 500: boom/);
  });

  it("rejects answers that are not JSON, too large or too slow", async () => {
    await expect(dockerApi(socket).get("/text")).rejects.toThrow(/not JSON \("<html>not an engine<\/html>"\)/);
    await expect(dockerApi(socket, { maxBytes: 1024 }).get("/big")).rejects.toThrow(/answer over 1024 bytes/);
    const started = Date.now();
    await expect(dockerApi(socket, { timeoutMs: 300 }).get("/hang")).rejects.toThrow(/no answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("explains a missing socket, and refuses what is not a unix socket path", async () => {
    const missing = join(dir, "missing.sock");
    await expect(dockerApi(missing).get("/info")).rejects.toMatchObject({
      code: "ENOENT",
      message: `no engine socket at ${missing}`,
    });
    expect(() => dockerApi("tcp://127.0.0.1:2375")).toThrow(/only unix sockets/);
    await expect(dockerApi(socket).get("info")).rejects.toThrow(/invalid API path/);
  });
});

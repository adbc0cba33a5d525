import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleTls, type TlsMaterial } from "../../../console/src/tls.js";
import { ConsoleHttp, normaliseFingerprint, TrustError } from "./client.js";

describe("the sensor's HTTPS client", () => {
  let dir: string;
  let tls: TlsMaterial;
  let server: Server;
  let url: string;
  const seen: { path: string; encoding: string | undefined; body: string; auth: string | undefined }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "rampart-client-"));
    tls = await consoleTls(dir);
    server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks);
        const encoding = req.headers["content-encoding"];
        seen.push({
          path: req.url ?? "",
          encoding,
          body: (encoding === "gzip" ? gunzipSync(raw) : raw).toString(),
          auth: req.headers.authorization,
        });
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ ok: true }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it("talks to a console whose certificate is the pinned one, under /api/v1, compressing large bodies", async () => {
    const http = new ConsoleHttp(url, {
      kind: "pin",
      fingerprint256: tls.fingerprint256.replaceAll(":", "").toLowerCase(),
    });
    try {
      const big = { items: Array.from({ length: 200 }, (_, i) => ({ i, text: "x".repeat(20) })) };
      const r = await http.call("POST", "sensor/reports", big, { token: "t0k" });
      expect(r).toEqual({ status: 200, body: { ok: true } });
      const last = seen.at(-1);
      expect(last).toMatchObject({ path: "/api/v1/sensor/reports", encoding: "gzip", auth: "Bearer t0k" });
      expect(JSON.parse(last?.body ?? "")).toEqual(big);
      await http.call("POST", "sensor/heartbeat", {});
      expect(seen.at(-1)?.encoding).toBeUndefined();
    } finally {
      http.close();
    }
  });

  it("refuses a console with another certificate before sending a byte of the request (API key included)", async () => {
    const before = seen.length;
    const wrong = `${"AB:".repeat(31)}AB`;
    const http = new ConsoleHttp(url, { kind: "pin", fingerprint256: wrong });
    try {
      await expect(http.call("POST", "sensor/register", { machineId: "m" }, { token: "rpk_secret" })).rejects.toThrow(
        TrustError,
      );
      expect(seen.length).toBe(before);
    } finally {
      http.close();
    }
  });

  it("verifies against a CA file, and refuses an unknown one with the system's CAs", async () => {
    const ca = join(dir, "ca.pem");
    writeFileSync(ca, tls.cert);
    const withCa = new ConsoleHttp(url, { kind: "ca", caFile: ca });
    const system = new ConsoleHttp(url, { kind: "system" });
    try {
      expect((await withCa.call("GET", "health")).status).toBe(200);
      await expect(system.call("GET", "health")).rejects.toThrow(/certificate/);
    } finally {
      withCa.close();
      system.close();
    }
    expect(() => new ConsoleHttp(url, { kind: "ca", caFile: join(dir, "missing.pem") })).toThrow(TrustError);
  });

  it("reads fingerprints with or without colons, and refuses anything else", () => {
    expect(normaliseFingerprint("ab".repeat(32))).toBe(`${"AB:".repeat(31)}AB`);
    expect(() => normaliseFingerprint("AB:CD")).toThrow(TrustError);
  });
});

import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { createGunzip, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDockerArchive } from "../docker-archive.js";
import { MEDIA } from "../manifest.js";
import { hostPlatform } from "../platform.js";
import type { ImageSource } from "../source.js";
import { openRegistryImage } from "./registry-source.js";

// Real registries (Debian's docker-registry, distribution 2.8) on loopback, from test/setup/registry.sh:
// :5000 open (HTTP), :5001 htpasswd basic auth (HTTPS, self-signed), :5002 token auth (HTTP) + token server :5003.
// test/global-setup.ts starts them once for the whole run.
const TESTDATA = process.env.RAMPART_TESTDATA ?? "/tmp/rampart-testdata";
const REGISTRY_DIR = join(TESTDATA, "registry");
const OPEN = "127.0.0.1:5000";
const BASIC = "127.0.0.1:5001";
const TOKEN = "127.0.0.1:5002";

const sha256 = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

async function drain(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts);
}

/** sha256 of a gzip layer's uncompressed content: its diffID. */
async function diffIdOf(stream: Readable): Promise<string> {
  const hash = createHash("sha256");
  for await (const c of stream.pipe(createGunzip()) as AsyncIterable<Buffer>) hash.update(c);
  return `sha256:${hash.digest("hex")}`;
}

async function archive(name: string): Promise<ImageSource> {
  return openDockerArchive(join(TESTDATA, "images", `${name}.docker.tar`));
}

async function openAndClose(ref: string, opts: Parameters<typeof openRegistryImage>[1]): Promise<ImageSource> {
  const src = await openRegistryImage(ref, opts);
  await src.close();
  return src;
}

describe("registry source against real registries", () => {
  let password = "";
  let bookworm: ImageSource;
  let bullseye: ImageSource;
  let vulnApp: ImageSource;

  beforeAll(async () => {
    const passwordFile = join(REGISTRY_DIR, "auth", "password");
    if (!existsSync(passwordFile) || !existsSync(join(TESTDATA, "images")))
      throw new Error(`test registries are not set up under ${REGISTRY_DIR}: run npm run test:setup`);
    password = readFileSync(passwordFile, "utf8").trim();
    const catalog = await fetch(`http://${OPEN}/v2/_catalog`).then((r) => r.json());
    if (!(catalog as { repositories?: string[] }).repositories?.includes("rampart/multi"))
      throw new Error("the test images are not pushed to the test registries: run npm run test:setup");
    [bookworm, bullseye, vulnApp] = await Promise.all([
      archive("debian-bookworm"),
      archive("debian-bullseye"),
      archive("vuln-app-1.0"),
    ]);
  });

  afterAll(async () => {
    await Promise.all([bookworm?.close(), bullseye?.close(), vulnApp?.close()]);
  });

  it("pulls a Docker v2 manifest, config and layers anonymously from the open registry", async () => {
    const src = await openRegistryImage(`registry://${OPEN}/rampart/debian:bookworm`, { insecure: true });
    try {
      expect(src.transport).toBe("registry");
      expect(src.tags).toEqual([`${OPEN}/rampart/debian:bookworm`]);
      // skopeo kept the docker-archive's config bytes: same image ID.
      expect(src.configDigest).toBe(bookworm.configDigest);
      expect(src.config.rootfs?.diff_ids).toEqual(bookworm.config.rootfs?.diff_ids);
      expect(src.manifestDigest).toMatch(/^sha256:[a-f0-9]{64}$/);
      expect(src.layers.map((l) => l.diffId)).toEqual(bookworm.layers.map((l) => l.diffId));
      const [layer] = src.layers;
      expect(layer?.mediaType).toBe("application/vnd.docker.image.rootfs.diff.tar.gzip");
      expect(layer?.createdBy).toBe(bookworm.layers[0]?.createdBy);
      expect(layer?.digest).not.toBe(layer?.diffId); // stored compressed
      // The blob streams as stored (gzip); its content is the layer the diffID names.
      const blob = await drain(await (layer as NonNullable<typeof layer>).open());
      expect(blob.length).toBe(layer?.size);
      expect(sha256(blob)).toBe(layer?.digest);
      expect(await diffIdOf(await (layer as NonNullable<typeof layer>).open())).toBe(layer?.diffId);
    } finally {
      await src.close();
    }
  });

  it("pulls by digest and checks the manifest against it", async () => {
    const byTag = await openAndClose(`${OPEN}/rampart/debian:bookworm`, { insecure: true });
    const byDigest = await openAndClose(`${OPEN}/rampart/debian@${byTag.manifestDigest}`, { insecure: true });
    expect(byDigest.manifestDigest).toBe(byTag.manifestDigest);
    expect(byDigest.configDigest).toBe(bookworm.configDigest);
    expect(byDigest.tags).toEqual([]);
  });

  it("reads an OCI manifest with several layers and their history", async () => {
    const src = await openAndClose(`${OPEN}/rampart/vuln-app:1.0`, { insecure: true });
    expect(src.layers.map((l) => l.diffId)).toEqual(vulnApp.layers.map((l) => l.diffId));
    expect(src.layers.map((l) => l.createdBy)).toEqual(vulnApp.layers.map((l) => l.createdBy));
    expect(src.layers.every((l) => l.mediaType === "application/vnd.oci.image.layer.v1.tar+gzip")).toBe(true);
  });

  it("refuses plain HTTP unless insecure", async () => {
    await expect(openRegistryImage(`${OPEN}/rampart/debian:bookworm`)).rejects.toThrow(
      /does not speak HTTPS.*use the insecure option/,
    );
  });

  it("basic auth: 401 without credentials, success with them, clear error with a wrong password", async () => {
    await expect(openRegistryImage(`${BASIC}/rampart/debian:bookworm`, { insecure: true })).rejects.toThrow(
      /authentication required/,
    );
    const src = await openRegistryImage(`${BASIC}/rampart/debian:bookworm`, {
      insecure: true,
      username: "rampart",
      password,
    });
    try {
      expect(src.configDigest).toBe(bookworm.configDigest);
      expect(sha256(await drain(await (src.layers[0] as NonNullable<(typeof src.layers)[0]>).open()))).toBe(
        src.layers[0]?.digest,
      );
    } finally {
      await src.close();
    }
    await expect(
      openRegistryImage(`${BASIC}/rampart/debian:bookworm`, { insecure: true, username: "rampart", password: "wrong" }),
    ).rejects.toThrow(/authentication failed/);
  });

  it("does not accept the self-signed certificate unless insecure", async () => {
    await expect(
      openRegistryImage(`${BASIC}/rampart/debian:bookworm`, { username: "rampart", password }),
    ).rejects.toThrow(/TLS certificate of 127\.0\.0\.1:5001 is not trusted/);
  });

  it("reads credentials from a Docker config.json", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rampart-dockercfg-"));
    const saved = { DOCKER_CONFIG: process.env.DOCKER_CONFIG, REGISTRY_AUTH_FILE: process.env.REGISTRY_AUTH_FILE };
    const savedXdg = process.env.XDG_RUNTIME_DIR;
    try {
      const auth = Buffer.from(`rampart:${password}`).toString("base64");
      writeFileSync(join(dir, "config.json"), JSON.stringify({ auths: { [`https://${BASIC}`]: { auth } } }));
      process.env.DOCKER_CONFIG = dir;
      delete process.env.REGISTRY_AUTH_FILE;
      delete process.env.XDG_RUNTIME_DIR;
      const src = await openAndClose(`${BASIC}/rampart/debian:bookworm`, { insecure: true });
      expect(src.configDigest).toBe(bookworm.configDigest);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      if (savedXdg !== undefined) process.env.XDG_RUNTIME_DIR = savedXdg;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("token auth: anonymous pull token, token with credentials, wrong password", async () => {
    const anonymous = await openRegistryImage(`${TOKEN}/rampart/vuln-app:1.0`, { insecure: true });
    try {
      // Layers opened after the config reuse the cached token for the scope.
      const last = anonymous.layers.at(-1);
      expect(sha256(await drain(await (last as NonNullable<typeof last>).open()))).toBe(last?.digest);
    } finally {
      await anonymous.close();
    }
    const withCreds = await openAndClose(`${TOKEN}/rampart/debian:bookworm`, {
      insecure: true,
      username: "rampart",
      password,
    });
    expect(withCreds.configDigest).toBe(bookworm.configDigest);
    await expect(
      openRegistryImage(`${TOKEN}/rampart/debian:bookworm`, { insecure: true, username: "rampart", password: "nope" }),
    ).rejects.toThrow(/rejected the credentials of user "rampart"/);
  });

  it("names the reference when a tag or repository is unknown", async () => {
    await expect(openRegistryImage(`${OPEN}/rampart/debian:trixie`, { insecure: true })).rejects.toThrow(
      /127\.0\.0\.1:5000\/rampart\/debian:trixie: manifest unknown: .*tag "trixie"/,
    );
    await expect(openRegistryImage(`${TOKEN}/rampart/nothing:1`, { insecure: true })).rejects.toThrow(
      /rampart\/nothing:1: manifest unknown/,
    );
  });

  it("picks the platform from a multi-platform index", async () => {
    const amd64 = await openAndClose(`${OPEN}/rampart/multi:latest`, { insecure: true, platform: "linux/amd64" });
    expect(amd64.config.rootfs?.diff_ids).toEqual(bookworm.config.rootfs?.diff_ids);
    const arm64 = await openAndClose(`${TOKEN}/rampart/multi`, { insecure: true, platform: "linux/arm64" });
    expect(arm64.config.rootfs?.diff_ids).toEqual(bullseye.config.rootfs?.diff_ids);
    expect(arm64.manifestDigest).not.toBe(amd64.manifestDigest);
    // No platform asked: the host's (x64 → amd64, arm64 → arm64).
    const host = await openAndClose(`${OPEN}/rampart/multi`, { insecure: true });
    expect(host.manifestDigest).toBe(
      hostPlatform().architecture === "arm64" ? arm64.manifestDigest : amd64.manifestDigest,
    );
    const v8 = await openAndClose(`${OPEN}/rampart/multi`, { insecure: true, platform: "linux/arm64/v8" });
    expect(v8.manifestDigest).toBe(arm64.manifestDigest);
    await expect(
      openRegistryImage(`${OPEN}/rampart/multi`, { insecure: true, platform: "linux/s390x" }),
    ).rejects.toThrow(/no image for platform linux\/s390x; available: linux\/amd64, linux\/arm64\/v8/);
  });

  it("fails fast when nothing listens", async () => {
    const t0 = Date.now();
    await expect(openRegistryImage("127.0.0.1:5099/rampart/debian:bookworm", { insecure: true })).rejects.toThrow(
      /cannot connect to 127\.0\.0\.1:5099: connection refused/,
    );
    expect(Date.now() - t0).toBeLessThan(3000);
  });
});

// A real registry does not serve corrupt blobs, non-JSON manifests, redirects to another host or stalls:
// these cases use tiny fake servers on 127.0.0.1 that answer what a broken or unusual registry would.
describe("registry source against fake servers", () => {
  type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
  const servers: http.Server[] = [];

  async function serve(handler: Handler): Promise<string> {
    const server = http.createServer(handler);
    servers.push(server);
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const address = server.address();
    if (!address || typeof address === "string") throw new Error("no port");
    return `127.0.0.1:${address.port}`;
  }

  afterAll(() => {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
  });

  function image() {
    const plain = Buffer.from("pretend this is a tar ".repeat(4096));
    const layer = gzipSync(plain);
    const config = Buffer.from(
      JSON.stringify({
        architecture: "amd64",
        os: "linux",
        rootfs: { type: "layers", diff_ids: [sha256(plain)] },
        history: [{ created_by: "ENV A=1", empty_layer: true }, { created_by: "ADD rootfs /" }],
      }),
    );
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA.ociManifest,
        config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha256(config), size: config.length },
        layers: [
          { mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: sha256(layer), size: layer.length },
        ],
      }),
    );
    return { plain, layer, config, manifest };
  }

  /** A minimal Distribution API for repository fake/app; `override` answers first when it returns true. */
  function registry(
    img: ReturnType<typeof image>,
    override?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean,
  ): Handler {
    const blobs = new Map([
      [sha256(img.config), img.config],
      [sha256(img.layer), img.layer],
    ]);
    return (req, res) => {
      if (override?.(req, res)) return;
      const url = req.url ?? "";
      if (url === "/v2/") return void res.writeHead(200).end("{}");
      if (url === "/v2/fake/app/manifests/1.0" || url === `/v2/fake/app/manifests/${sha256(img.manifest)}`)
        return void res.writeHead(200, { "content-type": MEDIA.ociManifest }).end(img.manifest);
      const blob = blobs.get(url.replace("/v2/fake/app/blobs/", ""));
      if (blob) return void res.writeHead(200, { "content-length": blob.length }).end(blob);
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ errors: [{ code: "BLOB_UNKNOWN", message: "blob unknown to registry" }] }));
    };
  }

  it("a corrupt layer fails its stream with a digest mismatch", async () => {
    const img = image();
    const corrupt = Buffer.from(img.layer);
    const at = corrupt.length - 10;
    corrupt[at] = (corrupt[at] as number) ^ 0xff;
    const host = await serve(
      registry(img, (req, res) => {
        if (req.url !== `/v2/fake/app/blobs/${sha256(img.layer)}`) return false;
        res.writeHead(200).end(corrupt);
        return true;
      }),
    );
    const src = await openRegistryImage(`${host}/fake/app:1.0`, { insecure: true });
    expect(src.layers[0]?.createdBy).toBe("ADD rootfs /");
    await expect(drain(await (src.layers[0] as NonNullable<(typeof src.layers)[0]>).open())).rejects.toThrow(
      /does not match its digest/,
    );
    await src.close();
  });

  it("a truncated layer is reported as truncated", async () => {
    const img = image();
    const host = await serve(
      registry(img, (req, res) => {
        if (req.url !== `/v2/fake/app/blobs/${sha256(img.layer)}`) return false;
        res.writeHead(200).end(img.layer.subarray(0, 100));
        return true;
      }),
    );
    const src = await openRegistryImage(`${host}/fake/app:1.0`, { insecure: true });
    await expect(drain(await (src.layers[0] as NonNullable<(typeof src.layers)[0]>).open())).rejects.toThrow(
      /ended after 100 of \d+ bytes/,
    );
    await src.close();
  });

  it("a manifest that does not match the digest asked for is refused", async () => {
    const img = image();
    const host = await serve(registry(img));
    const other = `sha256:${"ab".repeat(32)}`;
    const server = await serve((req, res) => {
      if (req.url === "/v2/") return void res.writeHead(200).end();
      res.writeHead(200, { "content-type": MEDIA.ociManifest }).end(img.manifest);
    });
    await expect(openRegistryImage(`${server}/fake/app@${other}`, { insecure: true })).rejects.toThrow(
      /does not match its digest/,
    );
    // The right digest passes.
    const ok = await openAndClose(`${host}/fake/app@${sha256(img.manifest)}`, { insecure: true });
    expect(ok.manifestDigest).toBe(sha256(img.manifest));
  });

  it("non-JSON garbage instead of a manifest is a clear error", async () => {
    const host = await serve((req, res) => {
      if (req.url === "/v2/") return void res.writeHead(200).end();
      res.writeHead(200, { "content-type": "text/html" }).end("<html>proxy login</html>");
    });
    await expect(openRegistryImage(`${host}/fake/app:1.0`, { insecure: true })).rejects.toThrow(
      /manifest is not JSON \(text\/html\)/,
    );
  });

  it("a missing config blob is named", async () => {
    const img = image();
    const host = await serve(
      registry(img, (req, res) => {
        if (req.url !== `/v2/fake/app/blobs/${sha256(img.config)}`) return false;
        res.writeHead(404).end();
        return true;
      }),
    );
    await expect(openRegistryImage(`${host}/fake/app:1.0`, { insecure: true })).rejects.toThrow(
      new RegExp(`blob ${sha256(img.config)} is missing`),
    );
  });

  it("bearer token from access_token; blob redirects to another host get no Authorization", async () => {
    const img = image();
    const storageSaw: Array<string | undefined> = [];
    const storage = await serve((req, res) => {
      storageSaw.push(req.headers.authorization);
      res.writeHead(200).end(img.layer);
    });
    const tokenRequests: string[] = [];
    const tokens = await serve((req, res) => {
      tokenRequests.push(req.url ?? "");
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ access_token: "t0k3n" }));
    });
    const registrySaw: Array<string | undefined> = [];
    const host = await serve(
      registry(img, (req, res) => {
        if (req.headers.authorization !== "Bearer t0k3n") {
          res.writeHead(401, {
            "www-authenticate": `Bearer realm="http://${tokens}/token",service="fake",scope="repository:fake/app:pull"`,
          });
          res.end();
          return true;
        }
        registrySaw.push(req.headers.authorization);
        if (req.url !== `/v2/fake/app/blobs/${sha256(img.layer)}`) return false;
        res.writeHead(307, { location: `http://${storage}/bucket/layer?signature=x` }).end();
        return true;
      }),
    );
    const src = await openRegistryImage(`${host}/fake/app:1.0`, { insecure: true });
    const blob = await drain(await (src.layers[0] as NonNullable<(typeof src.layers)[0]>).open());
    await src.close();
    expect(sha256(blob)).toBe(sha256(img.layer));
    expect(storageSaw).toEqual([undefined]);
    expect(registrySaw.length).toBeGreaterThanOrEqual(3); // manifest, config, layer
    // One token for the scope, reused for every request.
    expect(tokenRequests).toEqual(["/token?service=fake&scope=repository%3Afake%2Fapp%3Apull"]);
  });

  it("sends a request again when the server dropped the kept-alive connection", async () => {
    const img = image();
    const served = new WeakSet<object>();
    let dropped = 0;
    const handler = registry(img);
    // Like a load balancer closing idle connections: a second request on a connection is cut off unanswered.
    const host = await serve((req, res) => {
      if (served.has(req.socket)) {
        dropped++;
        req.socket.destroy();
        return;
      }
      served.add(req.socket);
      handler(req, res);
    });
    const src = await openAndClose(`${host}/fake/app:1.0`, { insecure: true });
    expect(src.configDigest).toBe(sha256(img.config));
    expect(dropped).toBeGreaterThan(0);
  });

  it("a server that accepts but never answers times out", async () => {
    const host = await serve(() => {});
    await expect(openRegistryImage(`${host}/fake/app:1.0`, { insecure: true, timeoutMs: 300 })).rejects.toThrow(
      /did not answer for 0\.3 s/,
    );
  });
});

import type { Readable } from "node:stream";
import { pipeline } from "node:stream";
import { SourceError } from "../entry.js";
import { MEDIA } from "../manifest.js";
import { Authenticator, snippet } from "./auth.js";
import { parseChallenges } from "./challenge.js";
import type { Credentials } from "./credentials.js";
import { apiHost, type ImageReference } from "./reference.js";
import { type HttpResponse, HttpTransport, readBody, TransportError } from "./transport.js";
import { digestAlgorithm, digestOf, verifyingStream } from "./verify.js";

/** What we can read, best first; the schema 1 types are left out on purpose (unsupported, deprecated). */
export const MANIFEST_ACCEPT = [MEDIA.ociIndex, MEDIA.dockerList, MEDIA.ociManifest, MEDIA.dockerManifest].join(", ");

/** Distribution caps manifests at 4 MiB. */
const MANIFEST_LIMIT = 4 * 1024 * 1024;
const ERROR_BODY_LIMIT = 64 * 1024;
const USER_AGENT = "rampart";

export interface ClientOptions {
  credentials?: Credentials;
  /** Plain HTTP allowed (tried after HTTPS fails its handshake) and TLS certificates not verified. */
  insecure?: boolean;
  /** Connect + response headers; unreachable registries fail within this. */
  timeoutMs?: number;
  bodyIdleMs?: number;
}

export interface FetchedManifest {
  readonly bytes: Buffer;
  /** From Content-Type, without parameters; may be empty (then the body's mediaType decides). */
  readonly contentType: string;
  readonly digest: string;
}

/**
 * A Distribution v2 API client for one repository (distribution spec: /v2/ ping, manifests, blobs), with the
 * auth handshake, digest checks, and errors that name the image.
 */
export class RegistryClient {
  private readonly scope: string;

  private constructor(
    readonly ref: ImageReference,
    private readonly base: URL,
    private readonly transport: HttpTransport,
    private readonly auth: Authenticator,
  ) {
    this.scope = `repository:${ref.repository}:pull`;
  }

  /**
   * Pings /v2/ to find the scheme and the auth challenge. HTTPS first; plain HTTP only with `insecure`, when
   * the HTTPS handshake fails (as Docker does for insecure registries).
   */
  static async connect(ref: ImageReference, opts: ClientOptions = {}): Promise<RegistryClient> {
    const insecure = opts.insecure ?? false;
    const transport = new HttpTransport({
      insecure,
      timeoutMs: opts.timeoutMs ?? 15_000,
      bodyIdleMs: opts.bodyIdleMs ?? 300_000,
    });
    const host = apiHost(ref);
    const auth = new Authenticator(transport, ref.registry, opts.credentials, insecure);
    try {
      for (const scheme of insecure ? ["https", "http"] : ["https"]) {
        const base = new URL(`${scheme}://${host}/`);
        let res: HttpResponse;
        try {
          res = await transport.request(new URL("/v2/", base), { headers: { "user-agent": USER_AGENT } });
        } catch (e) {
          if (e instanceof TransportError && e.reason === "tls-protocol") {
            if (scheme === "https" && insecure) continue;
            throw new SourceError(
              `${e.message}; if ${ref.registry} is a plain-HTTP registry (test registries), use the insecure option`,
              { cause: e },
            );
          }
          throw e;
        }
        res.body.resume();
        if (res.status === 401) auth.learn(parseChallenges(res.headers["www-authenticate"]));
        else if (res.status !== 200)
          throw new SourceError(`${ref.registry}: /v2/ answered HTTP ${res.status}; is this a container registry?`);
        return new RegistryClient(ref, base, transport, auth);
      }
      throw new SourceError(`${ref.registry}: no usable scheme`);
    } catch (e) {
      transport.close();
      throw e;
    }
  }

  close(): void {
    this.transport.close();
  }

  /** Fetches a manifest or index by tag or digest; by digest, the bytes are checked against it. */
  async manifest(reference: string, label: string): Promise<FetchedManifest> {
    const res = await this.send(`manifests/${reference}`, MANIFEST_ACCEPT, false);
    if (res.status === 404) {
      const body = await readBody(res, ERROR_BODY_LIMIT, label).catch(() => Buffer.alloc(0));
      throw new SourceError(
        `${label}: manifest unknown: ${this.ref.registry} has no ${this.ref.repository} ${describeRef(reference)}${registryErrors(body)}`,
      );
    }
    await this.expectOk(res, `${label}: manifest ${reference}`);
    const bytes = await readBody(res, MANIFEST_LIMIT, `${label}: manifest`);
    const isDigest = reference.includes(":");
    const digest = digestOf(bytes, isDigest ? digestAlgorithm(reference, label) : "sha256");
    if (isDigest && digest !== reference)
      throw new SourceError(`${label}: manifest ${reference} does not match its digest (got ${digest})`);
    const contentType = (res.headers["content-type"] ?? "").split(";")[0]?.trim() ?? "";
    return { bytes, contentType, digest };
  }

  /** Streams a blob as stored, verified against its digest (and size, when known) as it flows. */
  async openBlob(digest: string, size: number | undefined, label: string): Promise<Readable> {
    digestAlgorithm(digest, label);
    const res = await this.send(`blobs/${digest}`, undefined, true);
    if (res.status === 404) {
      res.body.resume();
      throw new SourceError(
        `${label}: blob ${digest} is missing from ${this.ref.registry}/${this.ref.repository} (blob unknown)`,
      );
    }
    await this.expectOk(res, `${label}: blob ${digest}`);
    const declared = Number(res.headers["content-length"]);
    if (
      size !== undefined &&
      Number.isFinite(declared) &&
      res.headers["content-encoding"] === undefined &&
      declared !== size
    ) {
      res.body.destroy();
      throw new SourceError(
        `${label}: blob ${digest} is ${declared} bytes on the registry, but its descriptor says ${size}`,
      );
    }
    const verified = verifyingStream(digest, size, label);
    // pipeline carries a broken connection into the verified stream, and tears the connection down if
    // the consumer stops early.
    return pipeline(res.body, verified, () => {});
  }

  /** A small blob (the image config) read whole, verified. */
  async blobBytes(digest: string, size: number | undefined, limit: number, label: string): Promise<Buffer> {
    if (size !== undefined && size > limit)
      throw new SourceError(`${label}: blob ${digest} is ${size} bytes, over the ${limit}-byte limit`);
    const stream = await this.openBlob(digest, size, label);
    const parts: Buffer[] = [];
    let total = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > limit) throw new SourceError(`${label}: blob ${digest} is over the ${limit}-byte limit`);
        parts.push(chunk);
      }
    } catch (e) {
      stream.destroy();
      if (e instanceof SourceError) throw e;
      throw new SourceError(`${label}: reading blob ${digest} failed: ${(e as Error).message}`, { cause: e });
    }
    return Buffer.concat(parts);
  }

  /** A request with auth: on 401 the challenge is learned (first contact, expired or narrower token) and sent once more. */
  private async send(path: string, accept: string | undefined, followRedirects: boolean): Promise<HttpResponse> {
    const url = new URL(`/v2/${this.ref.repository}/${path}`, this.base);
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { "user-agent": USER_AGENT };
      if (accept) headers.accept = accept;
      const authorization = await this.auth.header(this.scope);
      if (authorization) headers.authorization = authorization;
      const res = await this.transport.request(url, { headers, followRedirects });
      if (res.status !== 401 || attempt > 0) return res;
      const challenges = parseChallenges(res.headers["www-authenticate"]);
      if (challenges.length === 0) return res;
      res.body.resume();
      this.auth.learn(challenges, this.scope);
    }
  }

  /** Throws a clear error for any answer but 200. */
  private async expectOk(res: HttpResponse, what: string): Promise<void> {
    if (res.status === 200) return;
    const body = await readBody(res, ERROR_BODY_LIMIT, what).catch(() => Buffer.alloc(0));
    const who = this.auth.anonymous ? "" : " for the given user";
    if (res.status === 401)
      throw new SourceError(
        this.auth.anonymous
          ? `${what}: authentication required by ${this.ref.registry} (give a username and password)${registryErrors(body)}`
          : `${what}: authentication failed at ${this.ref.registry} (wrong username or password, or no pull access)${registryErrors(body)}`,
      );
    if (res.status === 403)
      throw new SourceError(`${what}: access denied by ${this.ref.registry}${who}${registryErrors(body)}`);
    if (res.status === 429) throw new SourceError(`${what}: ${this.ref.registry} is rate-limiting pulls (HTTP 429)`);
    throw new SourceError(
      `${what}: ${this.ref.registry} answered HTTP ${res.status}${registryErrors(body) || `: ${snippet(body)}`}`,
    );
  }
}

const describeRef = (reference: string) =>
  reference.includes(":") ? `manifest ${reference}` : `tag ${JSON.stringify(reference)}`;

/** The Distribution error list ({"errors":[{"code","message"}]}) as " (CODE: message; …)". */
function registryErrors(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { errors?: Array<{ code?: string; message?: string }> };
    const list = (parsed.errors ?? []).map((e) => [e.code, e.message].filter(Boolean).join(": ")).filter(Boolean);
    return list.length ? ` (${list.join("; ")})` : "";
  } catch {
    return "";
  }
}

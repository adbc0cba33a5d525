import { SourceError } from "../entry.js";
import type { Challenge } from "./challenge.js";
import type { Credentials } from "./credentials.js";
import { type HttpTransport, readBody } from "./transport.js";

const TOKEN_RESPONSE_LIMIT = 1024 * 1024;
/** Tokens without expires_in live 60 s (Docker's token spec). */
const DEFAULT_TOKEN_LIFETIME_S = 60;

/**
 * Answers a registry's WWW-Authenticate challenge: Basic sends the credentials; Bearer gets a token from the
 * realm (Docker's token auth spec) for each scope, with the credentials as Basic auth when given and
 * anonymously otherwise, and caches it until shortly before it expires.
 */
export class Authenticator {
  private challenge: Challenge | undefined;
  private readonly tokens = new Map<string, { header: string; expiresAt: number }>();

  constructor(
    private readonly transport: HttpTransport,
    /** "127.0.0.1:5000", for messages. */
    private readonly registry: string,
    private readonly credentials: Credentials | undefined,
    private readonly insecure: boolean,
  ) {}

  /** Learns how the registry wants to be authenticated (from /v2/ or any 401); drops cached tokens for `scope`. */
  learn(challenges: Challenge[], scope?: string): void {
    const chosen = challenges.find((c) => c.scheme === "bearer") ?? challenges.find((c) => c.scheme === "basic");
    if (!chosen) {
      const offered = challenges.map((c) => c.scheme).join(", ") || "none";
      throw new SourceError(`${this.registry}: unsupported authentication scheme (offered: ${offered})`);
    }
    this.challenge = chosen;
    if (scope) this.tokens.delete(scope);
  }

  get anonymous(): boolean {
    return this.credentials === undefined;
  }

  /** The Authorization header for a request needing `scope`, or undefined when the registry asked for none. */
  async header(scope: string): Promise<string | undefined> {
    const challenge = this.challenge;
    if (!challenge) return undefined;
    if (challenge.scheme === "basic") {
      if (!this.credentials)
        throw new SourceError(
          `${this.registry}: authentication required: the registry asks for a username and password`,
        );
      return basic(this.credentials);
    }
    const cached = this.tokens.get(scope);
    if (cached && cached.expiresAt > Date.now()) return cached.header;
    const token = await this.fetchToken(challenge, scope);
    this.tokens.set(scope, token);
    return token.header;
  }

  private async fetchToken(challenge: Challenge, scope: string): Promise<{ header: string; expiresAt: number }> {
    const { realm, service } = challenge.params;
    let url: URL;
    try {
      url = new URL(realm ?? "");
    } catch {
      throw new SourceError(`${this.registry}: bearer challenge has no usable realm (${JSON.stringify(realm ?? "")})`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:")
      throw new SourceError(`${this.registry}: token realm ${url.href} is not an HTTP(S) URL`);
    if (service) url.searchParams.set("service", service);
    url.searchParams.append("scope", scope);
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.credentials) {
      if (url.protocol === "http:" && !this.insecure)
        throw new SourceError(
          `${this.registry}: the token realm ${url.origin} is plain HTTP; refusing to send credentials there (use the insecure option for test registries)`,
        );
      headers.authorization = basic(this.credentials);
    }
    const res = await this.transport.request(url, { headers, followRedirects: true });
    const what = `${this.registry}: token server ${url.origin}`;
    if (res.status === 401 || res.status === 403) {
      res.body.resume();
      throw new SourceError(
        this.credentials
          ? `${what} rejected the credentials of user ${JSON.stringify(this.credentials.username)}: authentication failed (wrong username or password?)`
          : `${what} refused an anonymous token for ${scope}: authentication required (give a username and password)`,
      );
    }
    const body = await readBody(res, TOKEN_RESPONSE_LIMIT, what);
    if (res.status !== 200) throw new SourceError(`${what} answered HTTP ${res.status}: ${snippet(body)}`);
    let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown; issued_at?: unknown };
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      throw new SourceError(`${what} answered something that is not JSON: ${snippet(body)}`);
    }
    const token = typeof parsed?.token === "string" && parsed.token ? parsed.token : parsed?.access_token;
    if (typeof token !== "string" || !token) throw new SourceError(`${what} answered without a token`);
    const lifetime =
      typeof parsed.expires_in === "number" && parsed.expires_in > 0 ? parsed.expires_in : DEFAULT_TOKEN_LIFETIME_S;
    // Renew a little early so a token does not expire between the check and the request.
    const expiresAt = Date.now() + Math.max(lifetime - 10, lifetime / 2) * 1000;
    return { header: `Bearer ${token}`, expiresAt };
  }
}

const basic = (c: Credentials) => `Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}`;

/** The first 200 characters of a body, printable, for error messages. */
export function snippet(body: Buffer): string {
  const text = body.subarray(0, 200).toString("utf8").replace(/\s+/g, " ").trim();
  return JSON.stringify(text + (body.length > 200 ? "…" : ""));
}

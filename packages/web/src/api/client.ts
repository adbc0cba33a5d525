/** An API error as the console sends it: {statusCode, code, message}. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface User {
  id: string;
  email: string;
  role: "admin" | "standard" | "read-only";
}

interface SessionReply {
  user: User;
  accessToken: string;
  accessExpiresAt: string;
}

type Listener = (user: User | undefined) => void;

/**
 * The console's API from the browser. The access token lives in memory only; the refresh token is an HttpOnly
 * cookie the console sets for this client (scoped to /api/v1/auth, SameSite=Strict), so no script can read
 * it. A 401 refreshes once and retries; a failed refresh signs out.
 */
export class Api {
  private token: string | undefined;
  private user: User | undefined;
  private refreshing: Promise<boolean> | undefined;
  private readonly listeners = new Set<Listener>();

  get me(): User | undefined {
    return this.user;
  }

  onChange(f: Listener): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  async get<T>(path: string): Promise<T> {
    return this.call<T>("GET", path);
  }

  async send<T>(method: "POST" | "PUT" | "DELETE" | "PATCH", path: string, body?: unknown): Promise<T> {
    return this.call<T>(method, path, body);
  }

  /** Sends a file (an image archive, an SBOM) as the raw request body; the reply is JSON. */
  async upload<T>(path: string, file: Blob): Promise<T> {
    return this.call<T>("POST", path, file);
  }

  async signIn(email: string, password: string): Promise<User> {
    return this.start(await this.raw<SessionReply>("POST", "/auth/login", { email, password }));
  }

  async register(email: string, password: string): Promise<User> {
    return this.start(await this.raw<SessionReply>("POST", "/auth/register", { email, password }));
  }

  async acceptInvite(token: string, password: string): Promise<User> {
    return this.start(await this.raw<SessionReply>("POST", "/auth/accept", { token, password }));
  }

  /**
   * Changes the signed-in user's password. The console revokes every session and access token of this user and
   * answers with a new session for this browser, which is taken here: the user stays signed in.
   */
  async changePassword(currentPassword: string, newPassword: string): Promise<User> {
    return this.start(await this.call<SessionReply>("POST", "/auth/password", { currentPassword, newPassword }));
  }

  /** Restores a session from the refresh cookie (a reload): the user, or undefined when signed out. */
  async resume(): Promise<User | undefined> {
    return (await this.refresh()) ? this.user : undefined;
  }

  async signOut(): Promise<void> {
    try {
      await this.raw("POST", "/auth/logout", {});
    } finally {
      this.end();
    }
  }

  private start(s: SessionReply): User {
    this.token = s.accessToken;
    this.user = s.user;
    for (const f of this.listeners) f(this.user);
    return s.user;
  }

  private end(): void {
    this.token = undefined;
    this.user = undefined;
    for (const f of this.listeners) f(undefined);
  }

  private refresh(): Promise<boolean> {
    this.refreshing ??= this.raw<SessionReply>("POST", "/auth/refresh", {})
      .then((s) => {
        this.start(s);
        return true;
      })
      .catch(() => {
        this.end();
        return false;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    try {
      return await this.raw<T>(method, path, body);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401 && (await this.refresh())) return this.raw<T>(method, path, body);
      throw e;
    }
  }

  private async raw<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json", "x-rampart-client": "web" };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const file = body instanceof Blob;
    if (body !== undefined) headers["content-type"] = file ? "application/octet-stream" : "application/json";
    const r = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: "same-origin",
      ...(body !== undefined ? { body: file ? body : JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!r.ok) {
      const e = (json ?? {}) as { code?: string; message?: string };
      throw new ApiError(r.status, e.code ?? "error", e.message ?? r.statusText);
    }
    return json as T;
  }
}

export const api = new Api();

/** What to show for a failed call: the console's message, or that it could not be reached. */
export const errorMessage = (e: unknown): string =>
  e instanceof ApiError ? e.message : "the console could not be reached";

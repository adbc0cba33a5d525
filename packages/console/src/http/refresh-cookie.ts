import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * The web UI's refresh token travels as an HttpOnly cookie instead of in JSON, so no script on the page can
 * read it (an XSS cannot steal a long-lived credential). Only for requests that say they come from the UI
 * (`X-Rampart-Client: web`): a header no other site can make a browser send without a CORS preflight, which
 * the console never grants — with SameSite=Strict, that keeps the cookie useless to cross-site requests.
 */
const NAME = "rampart_refresh";
const PATH = "/api/v1/auth";

export const isWebClient = (req: FastifyRequest): boolean => req.headers["x-rampart-client"] === "web";

/** The refresh token from the cookie, for a web client. */
export function refreshCookie(req: FastifyRequest): string | undefined {
  if (!isWebClient(req)) return undefined;
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === NAME) return decodeURIComponent(v.join("="));
  }
  return undefined;
}

export function setRefreshCookie(req: FastifyRequest, reply: FastifyReply, token: string, expiresAt: string): void {
  const maxAge = Math.max(0, Math.floor((Date.parse(expiresAt) - Date.now()) / 1000));
  const secure = req.protocol === "https" ? "; Secure" : "";
  void reply.header(
    "set-cookie",
    `${NAME}=${encodeURIComponent(token)}; Path=${PATH}; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure}`,
  );
}

export function clearRefreshCookie(req: FastifyRequest, reply: FastifyReply): void {
  const secure = req.protocol === "https" ? "; Secure" : "";
  void reply.header("set-cookie", `${NAME}=; Path=${PATH}; Max-Age=0; HttpOnly; SameSite=Strict${secure}`);
}

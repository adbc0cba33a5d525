import { existsSync } from "node:fs";
import { join } from "node:path";
import send from "@fastify/send";
import type { ConsoleApp } from "./app.js";
import { HttpError } from "./errors.js";

/**
 * What every page of the UI is served with: scripts, styles and connections only from the console itself (the
 * UI calls its API on the same origin), no framing, no referrer, no MIME sniffing.
 */
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
};

/**
 * The web UI (packages/web's build) at the console's root: files by name (traversal, dotfiles and ranges
 * handled by @fastify/send), and index.html for every other path so the UI's own routes work on reload. Hashed
 * assets are cached for good; index.html never, so a new console's UI is picked up at once. Paths under /api
 * never fall through to the UI: an unknown API route stays a JSON 404.
 */
export function webUi(dir: string) {
  return async (app: ConsoleApp): Promise<void> => {
    if (!existsSync(join(dir, "index.html"))) {
      app.log.warn(`no web UI in ${dir} (npm run build builds it): the console serves the API only`);
      return;
    }
    app.get("/*", { schema: { hide: true }, config: { access: "public" } }, async (req, reply) => {
      const path = (req.url.split("?")[0] ?? "/").replace(/\/+$/, "") || "/";
      if (path === "/api" || path.startsWith("/api/"))
        throw new HttpError(404, "not_found", `no route ${req.method} ${path}`);
      const isFile = /\.[A-Za-z0-9]+$/.test(path.split("/").pop() ?? "");
      const file = isFile ? path : "/index.html";
      const r = await send(req.raw, file, { root: dir, dotfiles: "deny", index: false, cacheControl: false });
      if (r.type === "error") throw new HttpError(r.statusCode, "not_found", `no file ${path}`);
      void reply.headers({
        ...r.headers,
        ...SECURITY_HEADERS,
        "cache-control": file.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
      });
      return reply.status(r.statusCode).send(r.stream);
    });
  };
}

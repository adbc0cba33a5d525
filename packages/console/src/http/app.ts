import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createGunzip, type Gunzip } from "node:zlib";
import swagger from "@fastify/swagger";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from "fastify";
import type { AuditLog } from "../audit/audit.js";
import type { Accounts } from "../auth/accounts.js";
import type { IpLimiter } from "../auth/ip-limiter.js";
import type { Sessions } from "../auth/sessions.js";
import type { Tokens } from "../auth/tokens.js";
import type { FindingsService } from "../findings/service.js";
import type { JobQueue } from "../jobs/queue.js";
import type { ScanService } from "../scans/service.js";
import type { Store } from "../store/open.js";
import type { SensorService } from "../topology/service.js";
import type { VulnDbRefresh } from "../vulndb/refresh.js";
import { ACCESS, type Access, allows, isRole } from "./access.js";
import { authenticate } from "./authenticate.js";
import { ErrorBody, forbidden, HttpError, unauthorized } from "./errors.js";
import type { Principal } from "./principal.js";
import { validatorCompiler } from "./validation.js";

/** What route plugins use: the store, the job queue, the audit log, tokens, settings. */
export interface ConsoleServices {
  store: Store;
  jobs: JobQueue;
  audit: AuditLog;
  tokens: Tokens;
  accounts: Accounts;
  sessions: Sessions;
  loginLimiter: IpLimiter;
  vulnDbRefresh: VulnDbRefresh;
  sensors: SensorService;
  scans: ScanService;
  findings: FindingsService;
  config: ConsoleSettings;
}

export interface ConsoleSettings {
  dataDir: string;
  vulnDbDir: string;
  /** The URL users reach the console at (invitation links); derived from --listen when not given. */
  publicUrl: string;
  /** Largest JSON body accepted (bytes). */
  bodyLimit: number;
  /** Largest upload (image archives, SBOMs) accepted (bytes). */
  uploadLimit: number;
  /** Sign-in: failures before an account is locked, and for how long. */
  lockout: { attempts: number; seconds: number };
  /** Hours between vulnerability DB refreshes (0: on demand only). */
  refreshEveryHours: number;
  /** Feed mirror the refresh reads (directory or URL); default: the public sources. */
  feedsFrom?: string;
}

declare module "fastify" {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | undefined;
  }
  interface FastifyInstance {
    services: ConsoleServices;
  }
}

export type ConsoleApp = FastifyInstance<
  Server,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export type RoutePlugin = (app: ConsoleApp) => Promise<void>;

/** Error statuses every route may answer with, added to each route's schema so the OpenAPI document has them. */
const ERROR_RESPONSES = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  413: ErrorBody,
  415: ErrorBody,
  429: ErrorBody,
};

/**
 * The console's HTTP API: Fastify with one plugin per route group under /api/v1. Every route declares its
 * access; authentication and the role check run before the body is read, so an anonymous or under-privileged
 * caller never gets a large body parsed. Request schemas validate strictly (validation.ts); errors are JSON
 * {statusCode, code, message}; a 500 never carries internals.
 */
export async function buildApi(
  services: ConsoleServices,
  routes: Record<string, RoutePlugin>,
  options: FastifyServerOptions & { https?: { key: string | Buffer; cert: string | Buffer } | null } = {},
): Promise<ConsoleApp> {
  const app = Fastify({
    bodyLimit: services.config.bodyLimit,
    ...options,
    ajv: undefined,
  } as FastifyServerOptions).withTypeProvider<TypeBoxTypeProvider>() as unknown as ConsoleApp;
  app.decorate("services", services);
  app.decorateRequest("principal", undefined);
  app.setValidatorCompiler(validatorCompiler);

  app.addHook("onRoute", (route) => {
    const access = route.config?.access;
    if (!access || !(ACCESS as readonly string[]).includes(access))
      throw new Error(`route ${route.method} ${route.url} does not declare its access`);
    if (route.url.startsWith("/api/v1/openapi") || route.schema?.hide) return;
    route.schema ??= {};
    const schema = route.schema as Record<string, unknown>;
    schema.response = { ...ERROR_RESPONSES, ...((schema.response as object) ?? {}) };
    schema["x-rampart-access"] = access;
    // Bytes after decoding (gzip bodies count decompressed): what a client may send this route.
    schema["x-rampart-body-limit"] = route.bodyLimit ?? services.config.bodyLimit;
    if (access !== "public") schema.security = [{ bearer: [] }];
  });

  // PostgreSQL text cannot hold NUL, and no name, filter or field of this API needs one: refused at the door
  // (in the URL here, in JSON bodies by the parser below) so both engines answer alike, with a 400.
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
    const text = body as string;
    if (/\\u0000/i.test(text))
      return done(new HttpError(400, "invalid_json", "NUL characters (\\u0000) are not accepted"), undefined);
    try {
      done(null, text.length === 0 ? undefined : JSON.parse(text));
    } catch (e) {
      done(new HttpError(400, "invalid_json", `the body is not valid JSON: ${(e as Error).message}`), undefined);
    }
  });

  // Bodies may come gzip-compressed (sensors compress theirs). The route's body limit then applies to the
  // decompressed bytes, as they arrive, so a small compressed body cannot expand past it (zip bombs: 413).
  app.addHook("preParsing", async (req, _reply, payload) => {
    const encoding = req.headers["content-encoding"]?.trim().toLowerCase();
    if (!encoding || encoding === "identity") return payload;
    if (encoding !== "gzip")
      throw new HttpError(415, "unsupported_encoding", `content-encoding ${encoding} is not accepted (gzip is)`);
    const gunzip = createGunzip() as Gunzip & { receivedEncodedLength: number };
    gunzip.receivedEncodedLength = 0;
    payload.on("data", (chunk: Buffer) => {
      gunzip.receivedEncodedLength += chunk.length;
    });
    payload.on("error", (e) => gunzip.destroy(e));
    payload.pipe(gunzip);
    return gunzip;
  });

  app.addHook("onRequest", async (req) => {
    if (/%00/i.test(req.url)) throw new HttpError(400, "bad_request", "NUL characters (%00) are not accepted");
    const access = req.routeOptions.config.access;
    if (!access) throw new HttpError(404, "not_found", `no route ${req.method} ${req.url.split("?")[0]}`);
    if (access === "public") return;
    const wants = isRole(access) ? "user" : access === "sensor" ? "sensor" : "sensor-key";
    const result = await authenticate(req, services.store, services.tokens, wants);
    if (!result.ok) {
      if (result.reason === "wrong-kind") throw forbidden("these credentials cannot be used here");
      throw unauthorized(
        result.reason === "none"
          ? undefined
          : result.reason === "expired"
            ? "credentials expired: sign in (or refresh) again"
            : result.reason === "revoked"
              ? "credentials revoked"
              : "invalid credentials",
      );
    }
    req.principal = result.principal;
    if (!allows(access, result.principal)) throw forbidden(`this needs the ${access} role or higher`);
  });

  app.setErrorHandler((error, req, reply) => {
    const e = error as Error & {
      statusCode?: number;
      code?: string;
      validation?: unknown;
      headers?: Record<string, string>;
    };
    if (e instanceof HttpError) {
      void reply.headers(e.headers);
      return reply.status(e.statusCode).send({ statusCode: e.statusCode, code: e.code, message: e.message });
    }
    if (e.validation) return reply.status(400).send({ statusCode: 400, code: "invalid_request", message: e.message });
    const status = e.statusCode;
    if (typeof status === "number" && status >= 400 && status < 500)
      return reply.status(status).send({ statusCode: status, code: codeOf(e.code, status), message: e.message });
    req.log.error({ err: e }, "request failed");
    return reply
      .status(500)
      .send({ statusCode: 500, code: "internal", message: "internal error (see the console log)" });
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .status(404)
      .send({ statusCode: 404, code: "not_found", message: `no route ${req.method} ${req.url.split("?")[0]}` }),
  );

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Rampart console API",
        version: "1",
        description:
          "Every operation names the least role it needs in x-rampart-access (public, read-only, standard, admin, sensor, sensor-key).",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    },
  });
  await app.register(
    async (api) => {
      api.get("/openapi.json", { schema: { hide: true }, config: { access: "public" } }, async () => app.swagger());
      for (const plugin of Object.values(routes)) await api.register(plugin);
    },
    { prefix: "/api/v1" },
  );
  return app;
}

/** Fastify's own 4xx codes, in the API's snake_case vocabulary. */
function codeOf(code: string | undefined, status: number): string {
  if (status === 413) return "body_too_large";
  if (status === 415) return "unsupported_media_type";
  if (code === "FST_ERR_CTP_INVALID_JSON_BODY" || code === "FST_ERR_CTP_EMPTY_JSON_BODY") return "invalid_json";
  return status === 404 ? "not_found" : "bad_request";
}

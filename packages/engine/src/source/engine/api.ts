import { createWriteStream } from "node:fs";
import * as http from "node:http";
import { pipeline } from "node:stream/promises";
import { SourceError } from "../entry.js";
import type { EngineKind } from "./socket.js";

const SMALL_BODY_LIMIT = 16 * 1024 * 1024;

/** What GET /images/{name}/json tells (Docker Engine API ImageInspect; Podman's compat API answers the same). */
export interface ImageInspect {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Architecture?: string;
  Os?: string;
}

/** The Docker Engine API (which Podman's compat service also speaks) over a unix socket, with node:http. */
export class EngineApi {
  constructor(
    readonly engine: EngineKind,
    readonly socketPath: string,
    private readonly timeoutMs = 30_000,
    /** The engine may think for a while before the first byte of an export, and the disk may be slow. */
    private readonly exportIdleMs = 300_000,
  ) {}

  /** GET /images/{name}/json: throws a clear error when the engine does not have the image. */
  async inspect(name: string): Promise<ImageInspect> {
    const res = await this.get(`/images/${imagePath(name)}/json`, this.timeoutMs);
    const body = await readAll(res, SMALL_BODY_LIMIT);
    if (res.statusCode === 404)
      throw new SourceError(
        `${this.engine}: no image ${JSON.stringify(name)} in the engine at ${this.socketPath}${engineMessage(body)}`,
      );
    if (res.statusCode !== 200)
      throw new SourceError(`${this.engine}: inspecting ${name} failed: HTTP ${res.statusCode}${engineMessage(body)}`);
    try {
      const parsed = JSON.parse(body.toString("utf8")) as ImageInspect;
      if (typeof parsed?.Id !== "string") throw new Error("no Id");
      return parsed;
    } catch (e) {
      throw new SourceError(
        `${this.engine}: the engine's answer for ${name} is not an image inspect (${(e as Error).message})`,
      );
    }
  }

  /** GET /images/{name}/get: streams the image as a docker-archive tar into `file`. */
  async exportTo(name: string, file: string): Promise<void> {
    const res = await this.get(`/images/${imagePath(name)}/get`, this.exportIdleMs);
    if (res.statusCode !== 200) {
      const body = await readAll(res, SMALL_BODY_LIMIT).catch(() => Buffer.alloc(0));
      throw new SourceError(`${this.engine}: exporting ${name} failed: HTTP ${res.statusCode}${engineMessage(body)}`);
    }
    try {
      await pipeline(res, createWriteStream(file));
    } catch (e) {
      throw new SourceError(`${this.engine}: exporting ${name} to ${file} failed: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }

  private get(path: string, idleMs: number): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      let response: http.IncomingMessage | undefined;
      const req = http.request(
        { socketPath: this.socketPath, path, method: "GET", headers: { host: "localhost" }, timeout: this.timeoutMs },
        (res) => {
          response = res;
          res.socket?.setTimeout(idleMs);
          resolve(res);
        },
      );
      req.on("timeout", () => {
        const err = new SourceError(`${this.engine}: the engine at ${this.socketPath} stopped answering (${path})`);
        if (response) response.destroy(err);
        else req.destroy(err);
      });
      req.on("error", (e) => reject(this.describe(e)));
      req.end();
    });
  }

  private describe(e: Error & { code?: string }): SourceError {
    if (e instanceof SourceError) return e;
    const where = this.socketPath;
    const hint =
      this.engine === "docker"
        ? "is Docker running? set DOCKER_HOST=unix://… or the engine socket option"
        : "start it with `podman system service`, or set CONTAINER_HOST=unix://… or the engine socket option";
    switch (e.code) {
      case "ENOENT":
        return new SourceError(`${this.engine}: no engine socket at ${where} (${hint})`, { cause: e });
      case "ECONNREFUSED":
        return new SourceError(`${this.engine}: nothing listens on ${where} (${hint})`, { cause: e });
      case "EACCES":
      case "EPERM":
        return new SourceError(
          `${this.engine}: permission denied on ${where} (run as a user allowed to use the engine)`,
          {
            cause: e,
          },
        );
      default:
        return new SourceError(`${this.engine}: talking to ${where} failed: ${e.message}`, { cause: e });
    }
  }
}

/** Image names go into the path as the Docker CLI puts them: slashes kept, each segment escaped. */
function imagePath(name: string): string {
  if (!name || name.includes("..") || /[\s?#]/.test(name))
    throw new SourceError(`invalid image name ${JSON.stringify(name)}`);
  return name.split("/").map(encodeURIComponent).join("/");
}

async function readAll(res: http.IncomingMessage, limit: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      res.destroy();
      throw new SourceError(`engine answer over ${limit} bytes`);
    }
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/** The engine's {"message": "..."} error body as ": message". */
function engineMessage(body: Buffer): string {
  try {
    const message = (JSON.parse(body.toString("utf8")) as { message?: unknown }).message;
    return typeof message === "string" && message ? `: ${message}` : "";
  } catch {
    const text = body.subarray(0, 200).toString("utf8").trim();
    return text ? `: ${text}` : "";
  }
}

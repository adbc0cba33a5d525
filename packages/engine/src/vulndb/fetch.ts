import { createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { FeedError } from "./errors.js";

/** No byte for this long (connect included) aborts a download: a dead network fails fast, not after minutes. */
const idleTimeoutMs = () => Number(process.env.RAMPART_FETCH_TIMEOUT_MS ?? 20_000);

/**
 * Makes a feed file available locally: a directory mirror's file is used in place; a URL is downloaded to
 * `dest`. Returns undefined when the file does not exist (HTTP 404 or no such file) and `optional` is set.
 */
export async function fetchFeedFile(location: string, dest: string, optional: boolean): Promise<string | undefined> {
  if (!/^https?:\/\//i.test(location)) {
    const st = await stat(location).catch(() => undefined);
    if (st?.isFile()) return location;
    if (optional) return undefined;
    throw new FeedError(`${location}: no such file in the mirror`);
  }
  const ctl = new AbortController();
  const idle = idleTimeoutMs();
  let timer = setTimeout(() => ctl.abort(), idle);
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => ctl.abort(), idle);
  };
  try {
    const res = await fetch(location, { signal: ctl.signal, redirect: "follow" }).catch((e: unknown) => {
      throw new FeedError(`cannot reach ${location}: ${networkReason(e, ctl, idle)}`, { cause: e });
    });
    if (res.status === 404 && optional) return undefined;
    if (!res.ok || !res.body) throw new FeedError(`${location}: HTTP ${res.status} ${res.statusText}`);
    const body = Readable.fromWeb(res.body as import("node:stream/web").ReadableStream);
    body.on("data", touch);
    await pipeline(body, createWriteStream(dest)).catch((e: unknown) => {
      throw new FeedError(`${location}: download interrupted: ${networkReason(e, ctl, idle)}`, { cause: e });
    });
    return dest;
  } finally {
    clearTimeout(timer);
  }
}

function networkReason(e: unknown, ctl: AbortController, idle: number): string {
  if (ctl.signal.aborted)
    return `no data for ${idle / 1000} s (is there network access? use --from DIR for an offline mirror)`;
  const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (e as { code?: string })?.code;
  const msg = cause?.message ?? (e instanceof Error ? e.message : String(e));
  const hint =
    code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "ECONNREFUSED" || code === "ENETUNREACH"
      ? " (no network? use --from DIR with an offline mirror, or `rampart db import FILE`)"
      : "";
  return `${code ? `${code}: ` : ""}${msg}${hint}`;
}

import { createHash } from "node:crypto";
import { Transform } from "node:stream";
import { SourceError } from "../entry.js";

/** "sha256:<64 hex>" or "sha512:<128 hex>" → the node:crypto algorithm; anything else is refused. */
export function digestAlgorithm(digest: string, label: string): "sha256" | "sha512" {
  const m = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/.exec(digest);
  if (!m) throw new SourceError(`${label}: invalid digest ${JSON.stringify(digest)}`);
  return digest.startsWith("sha512:") ? "sha512" : "sha256";
}

export function digestOf(bytes: Buffer, algorithm: "sha256" | "sha512" = "sha256"): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest("hex")}`;
}

/**
 * Passes a blob through while hashing it; fails the stream at the end when the content does not match its
 * digest, and as soon as it runs past the expected size (so a bad server cannot stream forever).
 */
export function verifyingStream(digest: string, size: number | undefined, label: string): Transform {
  const algorithm = digestAlgorithm(digest, label);
  const hash = createHash(algorithm);
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (size !== undefined && seen > size) {
        cb(new SourceError(`${label}: blob ${digest} is larger than the ${size} bytes its descriptor says`));
        return;
      }
      hash.update(chunk);
      cb(null, chunk);
    },
    flush(cb) {
      const got = `${algorithm}:${hash.digest("hex")}`;
      if (size !== undefined && seen !== size)
        cb(new SourceError(`${label}: blob ${digest} ended after ${seen} of ${size} bytes (truncated download)`));
      else if (got !== digest) cb(new SourceError(`${label}: blob ${digest} does not match its digest (got ${got})`));
      else cb();
    },
  });
}

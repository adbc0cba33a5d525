import { X509Certificate } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";

export interface TlsMaterial {
  key: string;
  cert: string;
  /** SHA-256 fingerprint of the certificate ("AB:CD:…"): what a sensor pins for a self-signed console. */
  fingerprint256: string;
  /** Where the certificate came from. */
  origin: "user" | "generated" | "kept";
  certPath: string;
}

/**
 * The console's certificate: the user's (--tls-cert/--tls-key), else a self-signed one generated on first
 * start and kept in the data directory (so sensors pinning its fingerprint keep working across restarts).
 * EC P-256, valid 397 days, for localhost, the loopback addresses and this host's name.
 */
export async function consoleTls(dataDir: string, user?: { certFile: string; keyFile: string }): Promise<TlsMaterial> {
  if (user) {
    const [cert, key] = await Promise.all([readFile(user.certFile, "utf8"), readFile(user.keyFile, "utf8")]);
    return {
      cert,
      key,
      fingerprint256: new X509Certificate(cert).fingerprint256,
      origin: "user",
      certPath: user.certFile,
    };
  }
  const dir = join(dataDir, "tls");
  const certPath = join(dir, "console.crt");
  const keyPath = join(dir, "console.key");
  try {
    const [cert, key] = await Promise.all([readFile(certPath, "utf8"), readFile(keyPath, "utf8")]);
    const x = new X509Certificate(cert);
    // Renewed a month before it lapses.
    if (Date.parse(x.validTo) - Date.now() > 30 * 24 * 3600 * 1000)
      return { cert, key, fingerprint256: x.fingerprint256, origin: "kept", certPath };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  const host = hostname();
  const pems = await generate([{ name: "commonName", value: host || "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notAfterDate: new Date(Date.now() + 397 * 24 * 3600 * 1000),
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          ...(host && host !== "localhost" ? [{ type: 2 as const, value: host }] : []),
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Key first, each written whole then renamed: a crash never leaves a certificate without its key.
  await writeFile(`${keyPath}.tmp`, pems.private, { mode: 0o600 });
  await rename(`${keyPath}.tmp`, keyPath);
  await writeFile(`${certPath}.tmp`, pems.cert, { mode: 0o644 });
  await rename(`${certPath}.tmp`, certPath);
  return {
    cert: pems.cert,
    key: pems.private,
    fingerprint256: new X509Certificate(pems.cert).fingerprint256,
    origin: "generated",
    certPath,
  };
}

import { mkdir } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { consoleTls, createConsole, type StoreConfig, sqlitePath } from "@rampart/console";
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import { type LocalSensor, startLocalSensor } from "./local-sensor.js";

interface ConsoleCliOptions {
  data: string;
  listen: string;
  database?: string;
  tlsCert?: string;
  tlsKey?: string;
  insecureHttp?: boolean;
  publicUrl?: string;
  dbDir?: string;
  feeds?: string;
  refreshHours: string;
  localSensor?: boolean;
}

const defaultDataDir = () =>
  process.env.RAMPART_DATA ??
  join(process.env.XDG_DATA_HOME ?? join(homedir(), ".local", "share"), "rampart", "console");

/** "HOST:PORT", "[::1]:PORT" or ":PORT". */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const port = Number(m?.[3]);
  if (!m || !(port > 0 && port < 65536)) throw new UsageError(`--listen: expected HOST:PORT, got ${text}`);
  return { host: m[1] ?? (m[2] || "0.0.0.0"), port };
}

export function registerConsole(program: Command): void {
  program
    .command("console")
    .description("Run the console: the HTTPS API and web UI, users, sensors, scans and findings")
    .option("--data <dir>", "where the console keeps its data (embedded DB, certificate, uploads)", defaultDataDir())
    .option(
      "--listen <host:port>",
      "address to listen on (0.0.0.0:8443 to reach it from other hosts)",
      "127.0.0.1:8443",
    )
    .option("--database <url>", "PostgreSQL URL (postgres://…) instead of the embedded SQLite; or RAMPART_DATABASE_URL")
    .option("--tls-cert <file>", "your certificate (PEM) instead of the self-signed one")
    .option("--tls-key <file>", "the key of --tls-cert (PEM)")
    .option("--insecure-http", "serve plain HTTP (only behind a TLS-terminating proxy)")
    .option("--public-url <url>", "the URL users and sensors reach the console at (invitation links)")
    .option("--db-dir <dir>", "vulnerability DB directory (default: RAMPART_DB_DIR or the user cache)")
    .option("--feeds <url|dir>", "feed mirror for the scheduled vulnerability DB refresh (default: the public sources)")
    .option("--refresh-hours <n>", "hours between vulnerability DB refreshes (0: only on demand)", "6")
    .option("--local-sensor", "also run a sensor on this machine, reporting to this console (once an admin exists)")
    .action(async (o: ConsoleCliOptions) => {
      const { host, port } = parseListen(o.listen);
      if (Boolean(o.tlsCert) !== Boolean(o.tlsKey)) throw new UsageError("--tls-cert and --tls-key go together");
      if (o.insecureHttp && o.tlsCert) throw new UsageError("--insecure-http and --tls-cert contradict each other");
      const refreshEveryHours = Number(o.refreshHours);
      if (!(refreshEveryHours >= 0)) throw new UsageError("--refresh-hours: expected a number ≥ 0");
      const url = o.database ?? process.env.RAMPART_DATABASE_URL;
      if (url && !/^postgres(ql)?:\/\//.test(url)) throw new UsageError("--database: expected a postgres:// URL");
      await mkdir(o.data, { recursive: true, mode: 0o700 });
      const store: StoreConfig = url ? { engine: "postgres", url } : { engine: "sqlite", path: sqlitePath(o.data) };
      const tls = o.insecureHttp
        ? undefined
        : await consoleTls(o.data, o.tlsCert && o.tlsKey ? { certFile: o.tlsCert, keyFile: o.tlsKey } : undefined);
      const shownHost = host === "0.0.0.0" || host === "::" ? "localhost" : host.includes(":") ? `[${host}]` : host;
      const publicUrl = o.publicUrl ?? `${tls ? "https" : "http"}://${shownHost}:${port}`;
      const c = await createConsole({
        store,
        dataDir: o.data,
        https: tls ? { key: tls.key, cert: tls.cert } : null,
        // The UI's build is copied beside the bundle (dist/web) by bundle.mjs.
        webDir: join(dirname(fileURLToPath(import.meta.url)), "web"),
        logger: { level: process.env.RAMPART_LOG_LEVEL ?? "info" },
        settings: {
          publicUrl,
          refreshEveryHours,
          ...(o.dbDir ? { vulnDbDir: o.dbDir } : {}),
          ...(o.feeds ? { feedsFrom: o.feeds } : {}),
        },
      });
      let closing = false;
      let local: LocalSensor | undefined;
      const stop = async (signal: string) => {
        if (closing) return;
        closing = true;
        process.stderr.write(`rampart console: ${signal}, stopping\n`);
        await local?.stop();
        await c.close();
        process.exit(0);
      };
      process.on("SIGINT", () => void stop("SIGINT"));
      process.on("SIGTERM", () => void stop("SIGTERM"));
      await c.start();
      await c.app.listen({ host, port });
      if (o.localSensor) {
        // The sensor reaches this console on loopback (or the address it listens on), pinning its certificate.
        const loopback = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
        local = startLocalSensor(c, {
          dataDir: o.data,
          url: `${tls ? "https" : "http"}://${loopback}:${port}`,
          ...(tls ? { fingerprint256: tls.fingerprint256 } : {}),
          log: (line) => process.stderr.write(`rampart console: ${line}\n`),
        });
      }
      process.stderr.write(
        `${[
          `rampart console listening on ${publicUrl} (storage: ${store.engine === "sqlite" ? store.path : "PostgreSQL"})`,
          tls
            ? `TLS certificate (${tls.origin === "user" ? "yours" : `self-signed, ${tls.certPath}`}) SHA-256 fingerprint: ${tls.fingerprint256}`
            : "WARNING: plain HTTP: credentials cross the network unencrypted unless a proxy terminates TLS",
          (await c.services.accounts.registrationOpen())
            ? `no users yet: register the admin at ${publicUrl} (the first user to register becomes admin)`
            : "",
        ]
          .filter(Boolean)
          .join("\n")}\n`,
      );
    });
}

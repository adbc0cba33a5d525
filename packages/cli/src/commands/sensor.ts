import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { AGENT_VERSION, createSensor, defaultDiscoverers, discover, type Trust } from "@rampart/sensor";
import type { Command } from "commander";
import { UsageError } from "../errors.js";

interface SensorCliOptions {
  console?: string;
  apiKey?: string;
  apiKeyFile?: string;
  tags?: string;
  ca?: string;
  fingerprint?: string;
  data: string;
  proc: string;
  hostRoot: string;
  reportSeconds: string;
  engineSocket: string[];
  cloudMetadata: boolean;
  scanConcurrency: string;
  scanNice: string;
  scanMemoryMb: string;
  once?: boolean;
}

/** "k=v,k2=v2" → { k: "v", k2: "v2" }. */
export function parseTags(text: string | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of (text ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const i = part.indexOf("=");
    if (i <= 0) throw new UsageError(`--tags: expected key=value, got ${part}`);
    tags[part.slice(0, i)] = part.slice(i + 1);
  }
  return tags;
}

const count = (name: string, text: string, min: number, max: number): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${name}: expected a whole number ${min}–${max}`);
  return n;
};

/** The scan worker beside this bundle (dist/sensor-scan-worker.mjs). */
function scanWorker(): { args: string[] } {
  return { args: [join(dirname(fileURLToPath(import.meta.url)), "sensor-scan-worker.mjs")] };
}

function engineSocket(text: string): { engine: "docker" | "podman"; socket: string } {
  const m = /^(docker|podman)=(.+)$/.exec(text);
  if (m) return { engine: m[1] as "docker" | "podman", socket: (m[2] as string).replace(/^unix:\/\//, "") };
  const socket = text.replace(/^unix:\/\//, "");
  return { engine: socket.includes("podman") ? "podman" : "docker", socket };
}

export function registerSensor(program: Command): void {
  program
    .command("sensor")
    .description("Run the sensor: report this host's topology to the console and scan here when asked")
    .option("--console <url>", "the console's URL (https://host:8443)")
    .option("--api-key <key>", "a sensor API key (better: RAMPART_API_KEY or --api-key-file, kept out of ps)")
    .option("--api-key-file <file>", "read the API key from this file")
    .option("--tags <k=v,...>", "labels for this node")
    .option("--ca <file>", "CA certificate (PEM) that signed the console's certificate")
    .option(
      "--fingerprint <sha256>",
      "pin the console's certificate by its SHA-256 fingerprint (the self-signed default)",
    )
    .option(
      "--data <dir>",
      "state and the outbox of unsent reports",
      process.env.RAMPART_SENSOR_DATA ?? "/var/lib/rampart-sensor",
    )
    .option("--proc <dir>", "the host's /proc (in a container: where it is mounted)", "/proc")
    .option("--host-root <dir>", "the host's root filesystem (in a container: where it is mounted)", "/")
    .option("--report-seconds <n>", "seconds between topology reports", "30")
    .option(
      "--engine-socket <[docker=|podman=]path>",
      "a container engine API socket (repeatable)",
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option("--no-cloud-metadata", "never ask a cloud metadata service about this instance")
    .option("--scan-concurrency <n>", "scans at once", "1")
    .option("--scan-nice <n>", "niceness of scan workers (0–19)", "10")
    .option("--scan-memory-mb <n>", "heap limit of a scan worker", "1024")
    .option("--once", "discover once, print the topology as JSON and exit (no console needed)")
    .action(async (o: SensorCliOptions) => {
      const engineSockets = o.engineSocket.map(engineSocket);
      if (o.once) {
        const snapshot = await discover(defaultDiscoverers({ engineSockets, cloudMetadata: o.cloudMetadata }), {
          procRoot: o.proc,
          hostRoot: o.hostRoot,
          warn: (m) => process.stderr.write(`rampart sensor: ${m}\n`),
        });
        process.stdout.write(`${JSON.stringify(snapshot, null, 2)}\n`);
        return;
      }
      if (!o.console) throw new UsageError("--console is required (or --once)");
      const apiKey = (
        o.apiKeyFile ? readFileSync(o.apiKeyFile, "utf8") : (o.apiKey ?? process.env.RAMPART_API_KEY ?? "")
      ).trim();
      if (!apiKey) throw new UsageError("an API key is required: RAMPART_API_KEY, --api-key-file or --api-key");
      if (o.ca && o.fingerprint) throw new UsageError("--ca and --fingerprint: choose one");
      const trust: Trust = o.fingerprint
        ? { kind: "pin", fingerprint256: o.fingerprint }
        : o.ca
          ? { kind: "ca", caFile: o.ca }
          : { kind: "system" };
      const sensor = createSensor({
        consoleUrl: o.console,
        trust,
        apiKey,
        tags: parseTags(o.tags),
        dataDir: o.data,
        procRoot: o.proc,
        hostRoot: o.hostRoot,
        reportSeconds: count("--report-seconds", o.reportSeconds, 1, 86_400),
        engineSockets,
        cloudMetadata: o.cloudMetadata,
        scanWorker: scanWorker(),
        scanLimits: {
          nice: count("--scan-nice", o.scanNice, 0, 19),
          heapMb: count("--scan-memory-mb", o.scanMemoryMb, 128, 65_536),
        },
        scanConcurrency: count("--scan-concurrency", o.scanConcurrency, 1, 64),
        log: (line) => process.stderr.write(`rampart sensor: ${line}\n`),
      });
      let closing = false;
      const stop = async (signal: string) => {
        if (closing) return;
        closing = true;
        process.stderr.write(
          `rampart sensor: ${signal}, stopping (${sensor.pending} entries kept for the next start)\n`,
        );
        await sensor.stop();
        process.exit(0);
      };
      process.on("SIGINT", () => void stop("SIGINT"));
      process.on("SIGTERM", () => void stop("SIGTERM"));
      // Started by a console (--local-sensor) over an IPC channel: stop when that console is gone.
      if (process.send) process.once("disconnect", () => void stop("the console that started it is gone"));
      process.stderr.write(`rampart sensor ${AGENT_VERSION}: reporting to ${o.console} every ${o.reportSeconds} s\n`);
      sensor.start();
    });
}

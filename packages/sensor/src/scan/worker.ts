import { readFileSync, writeFileSync } from "node:fs";
import {
  type FilesystemSource,
  type ImageSource,
  openDirectory,
  openEngineImage,
  scanSource,
  toCycloneDx,
} from "@rampart/engine";
import type { ScanJob, ScanOutput, ScanSubject } from "./job.js";

/**
 * The scan worker: one scan in its own process, started by the sensor at low priority with its own memory
 * limit, so the engine's catalogers, rule sets and buffers never live in the long-running sensor. Reads the
 * job file named by its first argument, writes the output file, exits 0 — or prints the error and exits 1.
 */
async function open(subject: ScanSubject, tmpDir: string): Promise<FilesystemSource | ImageSource> {
  switch (subject.kind) {
    case "host":
    case "container":
      // "host" transport: /proc, /sys, /dev, /run and container storage stay out of the walk.
      return openDirectory(subject.root, { name: subject.name, transport: "host" });
    case "image":
      return openEngineImage(subject.engine, subject.name, { engineSocket: subject.socket, tmpDir });
  }
}

async function main(jobFile: string): Promise<void> {
  const job = JSON.parse(readFileSync(jobFile, "utf8")) as ScanJob;
  const source = await open(job.subject, job.tmpDir);
  const scan = await scanSource(source, { scanners: job.scanners });
  const output: ScanOutput = {
    sbom: toCycloneDx(scan.inventory),
    ...(scan.secrets ? { secrets: scan.secrets } : {}),
    ...(scan.malware ? { malware: scan.malware } : {}),
    warnings: [...scan.inventory.warnings, ...scan.warnings],
    packages: scan.inventory.packages.length,
  };
  writeFileSync(job.out, JSON.stringify(output));
}

const jobFile = process.argv[2];
if (!jobFile) {
  process.stderr.write("usage: scan-worker JOB.json\n");
  process.exit(2);
}
main(jobFile).then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);

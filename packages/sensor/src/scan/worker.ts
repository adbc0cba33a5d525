import { readFileSync, writeFileSync } from "node:fs";
import {
  allCollectors,
  dockerApi,
  evaluatePosture,
  type FilesystemSource,
  FileView,
  HOST_EXCLUDES,
  type ImageSource,
  loadBuiltinControls,
  openDirectory,
  openEngineImage,
  type PostureDocument,
  type PostureTarget,
  postureDocument,
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

/**
 * Posture on a node: the host's files and /proc (and its container engine's daemon and containers); an
 * image's config and history. A container's posture is its engine's: the host scan checks every container.
 */
async function posture(
  subject: ScanSubject,
  image: ImageSource | undefined,
): Promise<{ doc?: PostureDocument; warnings: string[] }> {
  let target: PostureTarget;
  if (subject.kind === "host")
    target = {
      name: subject.name,
      files: new FileView(subject.root, HOST_EXCLUDES),
      live: { procRoot: subject.procRoot },
      ...(subject.engineSocket ? { docker: dockerApi(subject.engineSocket) } : {}),
    };
  else if (image) target = { name: subject.name, image: { name: subject.name, config: image.config } };
  else
    return {
      warnings: [`posture: container ${subject.name} is checked through its engine, in the posture scan of its host`],
    };
  const report = await evaluatePosture(loadBuiltinControls(), target, allCollectors);
  return { doc: postureDocument(report), warnings: report.warnings };
}

async function main(jobFile: string): Promise<void> {
  const job = JSON.parse(readFileSync(jobFile, "utf8")) as ScanJob;
  const source = await open(job.subject, job.tmpDir);
  const p = job.scanners.includes("posture")
    ? await posture(job.subject, source.kind === "image" ? source : undefined)
    : undefined;
  const content = job.scanners.filter((s): s is "secret" | "malware" => s === "secret" || s === "malware");
  // A posture-only scan reads no packages or file contents: the source is closed unread.
  const scan =
    content.length || job.scanners.includes("vuln")
      ? await scanSource(source, { scanners: content })
      : void (await source.close());
  const output: ScanOutput = {
    ...(scan ? { sbom: toCycloneDx(scan.inventory) } : {}),
    ...(scan?.secrets ? { secrets: scan.secrets } : {}),
    ...(scan?.malware ? { malware: scan.malware } : {}),
    ...(p?.doc ? { posture: p.doc } : {}),
    warnings: [...(scan?.inventory.warnings ?? []), ...(scan?.warnings ?? []), ...(p?.warnings ?? [])],
    packages: scan?.inventory.packages.length ?? 0,
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

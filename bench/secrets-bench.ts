/**
 * Secret scanning throughput, against a baseline measured in the same run: reading the same files without
 * matching. Corpus: the text files of the test image trees (node, Python and Java layers, /usr of the Debian
 * bookworm root filesystem, the planted-secrets layer). Reports MB/s per core (one thread, files in memory),
 * the read-only rate, and the worker pool's wall-clock rate. Goal (issue 4): ≥ 200 MB/s per core.
 * Writes bench/results/secrets.json.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { DEFAULT_SECRET_EXCLUDES, loadDefaultRuleSet, SecretScanner } from "../packages/engine/src/index.js";
import { DEFAULT_FINGERPRINT_SALT } from "../packages/engine/src/secrets/fingerprint.js";
import { FileScan } from "../packages/engine/src/secrets/scan-file.js";
import { median, need, RUNS, TD, writeResults } from "./lib.js";

const trees = ["layers/node", "layers/pyfake", "layers/java", "layers/secrets", "rootfs-bookworm/usr"].map((t) =>
  need(join(TD, t)),
);
const files: string[] = [];
const walk = (d: string) => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.isFile() && statSync(p).size <= 10 * 1048576) files.push(p);
  }
};
for (const t of trees) walk(t);

const rules = loadDefaultRuleSet();
const scan = new FileScan({
  rules,
  salt: DEFAULT_FINGERPRINT_SALT,
  maxFileBytes: 10 * 1048576,
  excludes: [...DEFAULT_SECRET_EXCLUDES],
});
const contents = files.map((f) => readFileSync(f));
// Only what the scanner reads counts: text files (binaries are sniffed and skipped).
let textBytes = 0;
let findings = 0;
const clock = (f: () => void) => {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e9;
};
clock(() => {
  for (const [i, c] of contents.entries()) scan.scan(files[i] as string, c);
}); // warm the JIT
const engine = median(
  [...Array(RUNS)].map(() =>
    clock(() => {
      textBytes = 0;
      findings = 0;
      contents.forEach((c, i) => {
        const o = scan.scan(files[i] as string, c);
        textBytes += o.bytes;
        findings += o.findings.length;
      });
    }),
  ),
);
const readAll = () => {
  for (const f of files) readFileSync(f);
};
const read = median([...Array(RUNS)].map(() => clock(readAll)));
const allBytes = contents.reduce((a, c) => a + c.length, 0);

const pool = await SecretScanner.create({ rules });
const t0 = process.hrtime.bigint();
await Promise.all(files.map((f, i) => pool.scan(f, Buffer.from(contents[i] as Buffer))));
const poolSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
await pool.close();

const mb = (b: number) => b / 1048576;
const results = {
  machine: { cpus: availableParallelism(), node: process.version },
  corpus: { files: files.length, mb: mb(allBytes), textMb: mb(textBytes), findings, rules: rules.rules.length },
  engine: { seconds: engine, mbPerSecondPerCore: mb(textBytes) / engine, allBytesMbPerSecond: mb(allBytes) / engine },
  readOnly: { seconds: read, mbPerSecond: mb(allBytes) / read },
  pool: { workers: availableParallelism(), seconds: poolSeconds, mbPerSecond: mb(allBytes) / poolSeconds },
};
writeResults("secrets", results);
const f2 = (n: number) => n.toFixed(0);
console.log(
  `secrets: ${files.length} files, ${f2(mb(allBytes))} MB (${f2(mb(textBytes))} MB text), ${rules.rules.length} rules, ${findings} findings`,
);
console.log(
  `one core: ${f2(results.engine.mbPerSecondPerCore)} MB/s of text (goal ≥ 200), ${f2(results.engine.allBytesMbPerSecond)} MB/s of all bytes; reading the same files: ${f2(results.readOnly.mbPerSecond)} MB/s; pool (${results.pool.workers} workers): ${f2(results.pool.mbPerSecond)} MB/s`,
);

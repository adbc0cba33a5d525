// Entry point of a secret-scanning worker thread: compiles the rules once, then scans batches of files
// whose bytes were transferred to it. Only findings (masked, fingerprinted) travel back.
import { serveBatches } from "../scan/worker-protocol.js";
import { type FileOutcome, FileScan, type ScanSettings, scanOne } from "./scan-file.js";

await serveBatches<ScanSettings, FileOutcome>((settings) => {
  const scanner = new FileScan(settings);
  return { warnings: [...scanner.engine.warnings], scan: (f) => scanOne(scanner, f.path, f.bytes, f.layer) };
});

// Entry point of a secret-scanning worker thread: compiles the rules once, then scans batches of files
// whose bytes were transferred to it. Only findings (masked, fingerprinted) travel back.
import { parentPort, workerData } from "node:worker_threads";
import type { BatchRequest, WorkerInit, WorkerReply } from "./protocol.js";
import { FileScan, scanOne } from "./scan-file.js";

const port = parentPort;
if (port) {
  const scanner = new FileScan((workerData as WorkerInit).settings);
  port.postMessage({ kind: "ready", warnings: [...scanner.engine.warnings] } satisfies WorkerReply);
  port.on("message", (req: BatchRequest) => {
    const outcomes = req.files.map((f) => scanOne(scanner, f.path, f.bytes, f.layer));
    port.postMessage({ kind: "done", batch: req.batch, outcomes } satisfies WorkerReply);
  });
}

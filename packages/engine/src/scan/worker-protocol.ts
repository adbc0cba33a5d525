import { parentPort, workerData } from "node:worker_threads";

/** Messages between a WorkerPool (main thread) and a scanning worker. workerData is `{ init }`. */
export interface BatchFile {
  path: string;
  layer?: string;
  bytes: Uint8Array;
}

export interface BatchRequest {
  batch: number;
  files: BatchFile[];
}

export type WorkerReply<Outcome> =
  | { kind: "ready"; warnings: string[] }
  | { kind: "done"; batch: number; outcomes: Outcome[] };

/** What a worker does with its init data: set up once, then scan file by file. */
export interface WorkerSetup<Outcome> {
  /** Set-up warnings (e.g. rule compile warnings), reported once by the pool. */
  warnings: string[];
  scan(file: BatchFile): Outcome | Promise<Outcome>;
}

/**
 * The worker side of the pool: builds the scanner from workerData.init, says it is ready, then answers each
 * batch with one outcome per file, in order. A batch's files are scanned one after another.
 */
export async function serveBatches<Init, Outcome>(
  setup: (init: Init) => WorkerSetup<Outcome> | Promise<WorkerSetup<Outcome>>,
): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const scanner = await setup((workerData as { init: Init }).init);
  port.postMessage({ kind: "ready", warnings: [...scanner.warnings] } satisfies WorkerReply<Outcome>);
  port.on("message", async (req: BatchRequest) => {
    const outcomes: Outcome[] = [];
    for (const f of req.files) outcomes.push(await scanner.scan(f));
    port.postMessage({ kind: "done", batch: req.batch, outcomes } satisfies WorkerReply<Outcome>);
  });
}

import type { FileOutcome, ScanSettings } from "./scan-file.js";

/** Messages between the pool (main thread) and a scanning worker. */
export interface WorkerInit {
  settings: ScanSettings;
}

export interface BatchFile {
  path: string;
  layer?: string;
  bytes: Uint8Array;
}

export interface BatchRequest {
  batch: number;
  files: BatchFile[];
}

export type WorkerReply =
  | { kind: "ready"; warnings: string[] }
  | { kind: "done"; batch: number; outcomes: FileOutcome[] };

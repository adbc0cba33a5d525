// Starts the secret-scanning worker from TypeScript sources (tests, tsx): Node 20 does not carry the
// parent's loader hooks into worker threads, so this thread registers tsx itself before loading worker.ts.
// Bundled and compiled builds start their own worker file directly and never load this one.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");

import type { Platform } from "../control.js";
import type { PostureTarget } from "../target.js";

/** One thing a control's check runs on, with the facts it reads. */
export interface Subject {
  /** How reports name it: "host", "container web (3f2a1c9e)", "Deployment default/api", "Dockerfile". */
  id: string;
  /** JSON-like facts (objects, arrays, strings, numbers, booleans): the CEL variable named after the collector. */
  facts: Record<string, unknown>;
  /** The file the subject was read from, for SARIF locations. */
  location?: { path: string; line?: number };
}

/**
 * Gathers the facts one family of controls reads (sshd's effective configuration, each running container,
 * each workload of a manifest). Collectors run at most once per scan and only when an enabled control names
 * them. `undefined` means the target has nothing of this kind (not applicable); an empty list means it has
 * the kind but no subjects (e.g. an engine with no running containers).
 */
export interface Collector {
  /** The name controls put in `input` and the CEL variable the facts are bound to (a CEL identifier). */
  readonly name: string;
  readonly platform: Platform;
  /** A sentence for `rampart posture collectors` style listings and the docs. */
  readonly description: string;
  collect(target: PostureTarget, warn: (message: string) => void): Promise<Subject[] | undefined>;
}

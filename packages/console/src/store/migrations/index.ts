import type { Kysely, Migration } from "kysely";
import type { Engine } from "../engine.js";
import * as m0001 from "./0001-users-keys-audit.js";
import * as m0002 from "./0002-auth-sessions.js";
import * as m0003 from "./0003-jobs.js";
import * as m0004 from "./0004-topology.js";
import * as m0005 from "./0005-scans-findings.js";
import * as m0006 from "./0006-node-updates.js";
import * as m0007 from "./0007-scan-posture.js";

interface Step {
  up(db: Kysely<unknown>, engine: Engine): Promise<void>;
  down(db: Kysely<unknown>, engine: Engine): Promise<void>;
}

/** Every migration, in order, by name; a released migration is never edited — a change is a new one. */
const STEPS: Record<string, Step> = {
  "0001-users-keys-audit": m0001,
  "0002-auth-sessions": m0002,
  "0003-jobs": m0003,
  "0004-topology": m0004,
  "0005-scans-findings": m0005,
  "0006-node-updates": m0006,
  "0007-scan-posture": m0007,
};

/**
 * The migrations for one engine. Listed here rather than read from the folder so the bundled console
 * carries them; each gets the engine for the few types the two write differently (identity columns).
 */
export function migrationsFor(engine: Engine): Record<string, Migration> {
  return Object.fromEntries(
    Object.entries(STEPS).map(([name, step]) => [
      name,
      { up: (db: Kysely<unknown>) => step.up(db, engine), down: (db: Kysely<unknown>) => step.down(db, engine) },
    ]),
  );
}

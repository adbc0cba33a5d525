import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { join, resolve } from "node:path";
import { buildTestDb } from "./fixtures/vulndb.js";

/**
 * Once for the whole test run, so test files running in parallel never race: builds the vulnerability DB
 * from the feed fixtures (when the fixtures or the DB code changed), starts PostgreSQL on loopback for the
 * console store tests (test/setup/postgres.sh; each test file makes its own database) and the loopback test
 * registries (test/setup/registry.sh), stopping what this run started.
 */
const SCRIPT = resolve(import.meta.dirname, "setup/registry.sh");
const POSTGRES = resolve(import.meta.dirname, "setup/postgres.sh");
/** Where test/setup/postgres.sh listens (RAMPART_TEST_PG_PORT overrides it for both). */
const PG_PORT = Number(process.env.RAMPART_TEST_PG_PORT ?? 55433);
const PORTS = [5000, 5001, 5002, 5003];

const answers = (port: number) =>
  new Promise<boolean>((done) => {
    const s = connect({ host: "127.0.0.1", port }, () => {
      s.destroy();
      done(true);
    });
    s.on("error", () => done(false));
  });

export default async function setup(): Promise<() => void> {
  await buildTestDb();
  const testdata = process.env.RAMPART_TESTDATA ?? "/tmp/rampart-testdata";
  const env = { ...process.env, RAMPART_TESTDATA: testdata };
  const stops: Array<() => void> = [];
  if (!(await answers(PG_PORT))) {
    execFileSync("bash", [POSTGRES, "start"], { env, stdio: "pipe" });
    stops.push(() => execFileSync("bash", [POSTGRES, "stop"], { env, stdio: "pipe" }));
  }
  if (existsSync(join(testdata, "registry")) && !(await Promise.all(PORTS.map(answers))).every(Boolean)) {
    execFileSync("bash", [SCRIPT, "start"], { env, stdio: "pipe" });
    stops.push(() => execFileSync("bash", [SCRIPT, "stop"], { env, stdio: "pipe" }));
  }
  return () => {
    for (const stop of stops.reverse()) stop();
  };
}

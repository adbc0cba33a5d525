import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { join, resolve } from "node:path";
import { buildTestDb } from "./fixtures/vulndb.js";

/**
 * Once for the whole test run, so test files running in parallel never race: builds the vulnerability DB
 * from the feed fixtures (when the fixtures or the DB code changed), and starts the loopback test
 * registries (test/setup/registry.sh), stopping them afterwards if this run started them.
 */
const SCRIPT = resolve(import.meta.dirname, "setup/registry.sh");
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
  if (!existsSync(join(testdata, "registry"))) return () => {};
  const up = await Promise.all(PORTS.map(answers));
  if (up.every(Boolean)) return () => {};
  execFileSync("bash", [SCRIPT, "start"], { env: { ...process.env, RAMPART_TESTDATA: testdata }, stdio: "pipe" });
  return () => {
    execFileSync("bash", [SCRIPT, "stop"], { env: { ...process.env, RAMPART_TESTDATA: testdata }, stdio: "pipe" });
  };
}

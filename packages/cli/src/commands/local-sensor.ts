import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type Console, localSensorKey } from "@rampart/console";

export interface LocalSensor {
  stop(): Promise<void>;
}

/**
 * The console's own sensor on this machine (`rampart console --local-sensor`): once the first admin has
 * registered, a sensor key of theirs is made (or the kept one reused) and `rampart sensor` runs as a child
 * process against this console over its own TLS certificate (pinned), restarted if it dies. Its state and
 * outbox live under DATA/local-sensor.
 */
export function startLocalSensor(
  c: Console,
  o: { dataDir: string; url: string; fingerprint256?: string; log: (line: string) => void },
): LocalSensor {
  const stopping = new AbortController();
  let child: ChildProcess | undefined;
  const dir = join(o.dataDir, "local-sensor");
  const run = async () => {
    let key: string | undefined;
    let told = false;
    while (!stopping.signal.aborted && !key) {
      key = await localSensorKey(c.services.store, c.services.audit, join(dir, "api-key")).catch((e: unknown) => {
        o.log(`local sensor: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      });
      if (!key) {
        if (!told) o.log("local sensor: waits for the first admin to register");
        told = true;
        await sleep(2_000, undefined, { signal: stopping.signal }).catch(() => undefined);
      }
    }
    let failures = 0;
    while (!stopping.signal.aborted && key) {
      const started = Date.now();
      // The launcher (this process's own script) runs `rampart sensor` with only the sensor loaded.
      child = spawn(
        process.execPath,
        [
          process.argv[1] as string,
          "sensor",
          "--console",
          o.url,
          ...(o.fingerprint256 ? ["--fingerprint", o.fingerprint256] : []),
          "--data",
          join(dir, "state"),
        ],
        // The IPC channel closes when this console dies, however it dies: the sensor then stops too.
        { env: { ...process.env, RAMPART_API_KEY: key }, stdio: ["ignore", "inherit", "inherit", "ipc"] },
      );
      const code = await new Promise<number | string>((resolve) => {
        child?.once("error", (e) => resolve(e.message));
        child?.once("exit", (c, signal) => resolve(c ?? signal ?? "?"));
      });
      child = undefined;
      if (stopping.signal.aborted) return;
      failures = Date.now() - started > 60_000 ? 0 : failures + 1;
      const wait = Math.min(60_000, 1_000 * 2 ** failures);
      o.log(`local sensor exited (${code}); restarting in ${Math.round(wait / 1000)} s`);
      await sleep(wait, undefined, { signal: stopping.signal }).catch(() => undefined);
      // The key may have been revoked meanwhile: a new one then.
      key = (await localSensorKey(c.services.store, c.services.audit, join(dir, "api-key")).catch(() => key)) ?? key;
    }
  };
  const running = run();
  return {
    async stop() {
      stopping.abort();
      if (child && child.exitCode === null) {
        const exited = new Promise((r) => child?.once("exit", r));
        child.kill("SIGTERM");
        await Promise.race([exited, sleep(10_000)]);
        if (child?.exitCode === null) child.kill("SIGKILL");
      }
      await running.catch(() => undefined);
    },
  };
}

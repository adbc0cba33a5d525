import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { vulnDbDir } from "../../../../test/fixtures/vulndb.js";
import { type TestConsole, testConsole } from "../http/test-support.js";
import { ENGINES } from "../store/test-support.js";
import { vulnDbStatus } from "../vulndb/status.js";

const FEEDS = resolve(import.meta.dirname, "../../../../test/fixtures/feeds");

describe.each(ENGINES)("system status and the vulnerability DB refresh (%s)", (engine) => {
  let c: TestConsole | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    await c?.close();
    c = undefined;
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("shows each feed's age, and says so when there is no DB", async () => {
    c = await testConsole(engine, { vulnDbDir: vulnDbDir() });
    const status = await c.inject({
      method: "GET",
      url: "/api/v1/system/status",
      headers: c.auth(await c.tokenFor("read-only")),
    });
    expect(status.statusCode).toBe(200);
    const body = status.json();
    expect(body).toMatchObject({ storage: engine, vulnDb: { present: true } });
    const names = body.vulnDb.feeds.map((f: { name: string }) => f.name);
    expect(names).toEqual(expect.arrayContaining(["kev", "epss", "osv:Debian", "osv:npm"]));
    for (const f of body.vulnDb.feeds) {
      expect(f.ageSeconds).toBeGreaterThanOrEqual(0);
      expect(typeof f.stale).toBe("boolean");
    }
    await c.close();
    const empty = mkdtempSync(join(tmpdir(), "rampart-nodb-"));
    dirs.push(empty);
    c = await testConsole(engine, { vulnDbDir: empty });
    const missing = (
      await c.inject({ method: "GET", url: "/api/v1/system/status", headers: c.auth(c.adminToken) })
    ).json();
    expect(missing.vulnDb.present).toBe(false);
    expect(missing.vulnDb.problem).toBeTruthy();
    expect((await c.inject({ method: "GET", url: "/api/v1/health" })).json()).toEqual({ status: "ok" });
  });

  it("refreshes the DB as a job when an admin asks (one at a time), and the status shows the new import", async () => {
    const dbDir = mkdtempSync(join(tmpdir(), "rampart-refresh-"));
    dirs.push(dbDir);
    cpSync(vulnDbDir(), dbDir, { recursive: true });
    c = await testConsole(engine, { vulnDbDir: dbDir, settings: { feedsFrom: FEEDS } });
    await c.console.start();
    const before = (
      await c.inject({ method: "GET", url: "/api/v1/system/status", headers: c.auth(c.adminToken) })
    ).json();
    const asked = await c.inject({
      method: "POST",
      url: "/api/v1/system/vulndb/refresh",
      headers: c.auth(c.adminToken),
    });
    expect(asked.statusCode).toBe(202);
    const again = await c.inject({
      method: "POST",
      url: "/api/v1/system/vulndb/refresh",
      headers: c.auth(c.adminToken),
    });
    expect(again.json().jobId).toBe(asked.json().jobId);
    const end = Date.now() + 240_000;
    let job = await c.console.services.jobs.get(asked.json().jobId);
    while (job && !["complete", "failed"].includes(job.state) && Date.now() < end) {
      await sleep(200);
      job = await c.console.services.jobs.get(asked.json().jobId);
    }
    expect(job?.state, job?.error ?? "").toBe("complete");
    const after = (
      await c.inject({ method: "GET", url: "/api/v1/system/status", headers: c.auth(c.adminToken) })
    ).json();
    const importedAt = (s: { vulnDb: { feeds: { name: string; importedAt: string }[] } }) =>
      s.vulnDb.feeds.find((f) => f.name === "kev")?.importedAt ?? "";
    expect(importedAt(after) > importedAt(before)).toBe(true);
    const ro = await c.inject({
      method: "POST",
      url: "/api/v1/system/vulndb/refresh",
      headers: c.auth(await c.tokenFor("standard")),
    });
    expect(ro.statusCode).toBe(403);
  });

  it("schedules a refresh when the DB is older than the schedule, once however often the schedule looks", async () => {
    c = await testConsole(engine, { vulnDbDir: vulnDbDir(), settings: { refreshEveryHours: 6 } });
    const refresh = c.console.services.vulnDbRefresh;
    // The shared test DB may have been built hours before this run: time is measured from its oldest import.
    const status = vulnDbStatus(vulnDbDir());
    if (!status.present) throw new Error(status.problem);
    const imported = status.feeds.map((f) => Date.parse(f.importedAt));
    const oldest = Math.min(...imported);
    // An hour after the import: nothing to do yet.
    expect(await refresh.tick(oldest + 3600_000)).toBeUndefined();
    // A week later the schedule wants one; asking again meanwhile gives the same job.
    const later = Date.now() + 7 * 24 * 3600_000;
    const id = await refresh.tick(later);
    expect(id).toBeTruthy();
    expect(await refresh.now()).toBe(id);
    expect((await c.console.services.jobs.get(id as string))?.kind).toBe("vulndb-refresh");
  });
});

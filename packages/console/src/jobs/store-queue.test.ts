import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../store/open.js";
import { ENGINES, type TestStore, testStore } from "../store/test-support.js";
import { Completion, type JobRecord, PermanentJobError } from "./queue.js";
import { type QueueTiming, StoreJobQueue } from "./store-queue.js";

/**
 * Short intervals, no back-off. The lease stays long enough that a test machine under load cannot lose it
 * between heartbeats; the tests about leases shorten it themselves.
 */
const FAST: Partial<QueueTiming> = { pollMs: 20, leaseSeconds: 5, reapMs: 100, backoffSeconds: () => 0 };

async function until<T>(f: () => Promise<T | undefined>, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
const finished = (q: StoreJobQueue, id: string) =>
  until(async () => {
    const j = await q.get(id);
    return j && ["complete", "failed", "cancelled"].includes(j.state) ? j : undefined;
  }, `job ${id} to finish`);

/**
 * Queues on one test store (each with its own connection, as separate consoles would have), all stopped and
 * the store dropped after each test.
 */
function queues(engine: "sqlite" | "postgres") {
  let t: TestStore | undefined;
  const stores: Store[] = [];
  const made: StoreJobQueue[] = [];
  afterEach(async () => {
    for (const q of made.splice(0)) await q.stop();
    for (const s of stores.splice(0)) await s.close();
    await t?.drop();
    t = undefined;
  });
  return {
    stores,
    async queue(timing: Partial<QueueTiming> = {}) {
      t ??= await testStore(engine);
      const store = await openStore(t.config);
      stores.push(store);
      const q = new StoreJobQueue(store, { ...FAST, ...timing });
      made.push(q);
      return q;
    },
  };
}

describe.each(ENGINES)("the durable job queue (%s)", (engine) => {
  const { queue, stores } = queues(engine);
  const spec = (payload: unknown, more: object = {}) => ({
    kind: "k",
    payload,
    deadlineSeconds: 30,
    maxAttempts: 3,
    ...more,
  });

  it("runs a job to completion with its result and progress", async () => {
    const q = await queue();
    q.work("k", async (p, ctx) => {
      await ctx.progress(1, "done");
      return { doubled: (p as number) * 2 };
    });
    await q.start();
    const j = await finished(q, await q.enqueue(spec(21)));
    expect(j).toMatchObject({ state: "complete", result: { doubled: 42 }, attempts: 1, progress: 1 });
  });

  it("retries a failing job, and fails it with the last error once its attempts are spent", async () => {
    const q = await queue();
    let calls = 0;
    q.work("k", async (p) => {
      calls++;
      if (p === "flaky" && calls < 2) throw new Error("transient");
      if (p === "broken") throw new Error("always broken");
      return "ok";
    });
    await q.start();
    expect(await finished(q, await q.enqueue(spec("flaky")))).toMatchObject({ state: "complete", attempts: 2 });
    calls = 10;
    expect(await finished(q, await q.enqueue(spec("broken")))).toMatchObject({
      state: "failed",
      attempts: 3,
      error: "always broken",
    });
  });

  it("aborts an attempt past its deadline", async () => {
    const q = await queue();
    let aborted = 0;
    q.work(
      "k",
      (_p, ctx) =>
        new Promise((_, reject) =>
          ctx.signal.addEventListener("abort", () => reject(new Error(`aborted ${++aborted}`))),
        ),
    );
    await q.start();
    const j = await finished(q, await q.enqueue(spec(null, { deadlineSeconds: 1, maxAttempts: 2 })));
    expect(j).toMatchObject({ state: "failed", attempts: 2, error: "deadline exceeded after 1 s" });
    expect(aborted).toBe(2);
  });

  it("cancels queued and running jobs", async () => {
    const q = await queue();
    const idle = await q.enqueue(spec("never started"));
    expect(await q.cancel(idle)).toBe(true);
    expect((await q.get(idle))?.state).toBe("cancelled");
    let started = false;
    q.work("k", (_p, ctx) => {
      started = true;
      return new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(new Error("stopped"))));
    });
    await q.start();
    const busy = await q.enqueue(spec("long"));
    await until(async () => (started ? true : undefined), "the job to start");
    expect(await q.cancel(busy)).toBe(true);
    expect((await finished(q, busy)).state).toBe("cancelled");
    expect(await q.cancel(busy)).toBe(false);
  });

  it("keeps one queued-or-running job per singleton key, even when enqueued at once", async () => {
    const q = await queue();
    const ids = await Promise.all(Array.from({ length: 8 }, () => q.enqueue(spec(null, { singletonKey: "refresh" }))));
    expect(new Set(ids).size).toBe(1);
    q.work("k", async () => "ok");
    await q.start();
    await finished(q, ids[0] as string);
    expect(await q.enqueue(spec(null, { singletonKey: "refresh" }))).not.toBe(ids[0]);
  });

  it("takes a job back from a console that died mid-run, so it never stays running", async () => {
    const dead = await queue({ leaseSeconds: 1 });
    let release!: () => void;
    let lateCommit = false;
    dead.work(
      "k",
      () =>
        new Promise((r) => {
          release = () =>
            r(
              new Completion("too late", async (trx) => {
                lateCommit = true;
                await trx
                  .insertInto("audit_log")
                  .values({ at: new Date().toISOString(), actor: "dead", action: "late", target: null, detail: null })
                  .execute();
              }),
            );
        }),
    );
    await dead.start();
    const id = await dead.enqueue(spec("work"));
    await until(async () => ((await dead.get(id))?.state === "running" ? true : undefined), "the job to run");
    // The "crash": its timers stop (no heartbeat, no completion that could still land).
    (dead as unknown as { timers: NodeJS.Timeout[] }).timers.forEach(clearInterval);
    const heir = await queue();
    heir.work("k", async () => "finished by the heir");
    // The dead console's heartbeat would renew the lease: stop it the way a kill -9 would.
    (dead as unknown as { renew: () => Promise<void> }).renew = async () => undefined;
    await heir.start();
    const j = await finished(heir, id);
    expect(j).toMatchObject({ state: "complete", result: "finished by the heir", attempts: 2 });
    release();
    await until(async () => (lateCommit ? true : undefined), "the dead console's late completion");
    await dead.stop();
    // The dead console's late completion overwrites nothing, and its rows were rolled back with it.
    expect(await heir.get(id)).toMatchObject({ state: "complete", result: "finished by the heir", attempts: 2 });
    const late = await (stores[0] as Store).db
      .selectFrom("audit_log")
      .selectAll()
      .where("actor", "=", "dead")
      .execute();
    expect(late).toEqual([]);
  });

  it("fails, rather than requeues, a job whose holder died on its last attempt", async () => {
    const dead = await queue({ leaseSeconds: 30 });
    dead.work("k", () => new Promise(() => undefined));
    const id = await dead.enqueue(spec("work", { maxAttempts: 1 }));
    await dead.start();
    await until(async () => ((await dead.get(id))?.state === "running" ? true : undefined), "the job to run");
    const heir = await queue();
    // Not started: its reaper is called by hand, at times on either side of the lease's end.
    expect(await heir.reap(new Date(Date.now() + 20_000))).toBe(0);
    expect(await heir.reap(new Date(Date.now() + 31_000))).toBe(1);
    const j = await heir.get(id);
    expect(j).toMatchObject({ state: "failed", attempts: 1 });
    expect(j?.error).toMatch(/stopped renewing its lease/);
    expect(j?.finishedAt).not.toBeNull();
  });

  it("stops: a running attempt goes back to the queue uncounted, and nothing claimed meanwhile runs after", async () => {
    const q = await queue();
    let started = false;
    q.work("k", (_p, ctx) => {
      started = true;
      return new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(new Error("stopped"))));
    });
    await q.start();
    const id = await q.enqueue(spec("long"));
    await until(async () => (started ? true : undefined), "the job to start");
    await q.stop();
    expect(await q.get(id)).toMatchObject({ state: "queued", attempts: 0, error: null });

    // A claim still in flight when stop() is called must not start its job after stop() returned.
    const r = await queue({ pollMs: 60_000 });
    let stopped = false;
    let ranAfterStop = 0;
    r.work("race", async () => {
      if (stopped) ranAfterStop++;
      return "ok";
    });
    const enqueued: Promise<string>[] = [];
    for (let i = 0; i < 12; i++) {
      stopped = false;
      await r.start();
      enqueued.push(r.enqueue({ kind: "race", payload: i, deadlineSeconds: 30, maxAttempts: 3 }));
      await sleep(i % 4);
      await r.stop();
      stopped = true;
      await sleep(20); // time for a late claim to show, before the next start
    }
    await Promise.all(enqueued);
    expect(ranAfterStop).toBe(0);
    expect(await r.list({ state: "running" })).toEqual([]);

    const next = await queue();
    next.work("k", async () => "resumed");
    await next.start();
    expect(await finished(next, id)).toMatchObject({ state: "complete", attempts: 1, result: "resumed" });
  });

  it("passes a cancel asked on another console to the running one at its next heartbeat", async () => {
    const runner = await queue({ leaseSeconds: 3 });
    let started = false;
    let abortedBy: unknown;
    runner.work("k", (_p, ctx) => {
      started = true;
      return new Promise((_, reject) =>
        ctx.signal.addEventListener("abort", () => {
          abortedBy = ctx.signal.reason;
          reject(new Error("stopped"));
        }),
      );
    });
    await runner.start();
    const id = await runner.enqueue(spec("long"));
    await until(async () => (started ? true : undefined), "the job to start");
    const other = await queue();
    expect(await other.cancel(id)).toBe(true);
    // The other console does not hold the attempt: only the runner's heartbeat can end it, with this reason.
    expect(await finished(other, id)).toMatchObject({ state: "cancelled", error: "cancelled", attempts: 1 });
    expect(String(abortedBy)).toMatch(/cancelled/);
  });

  it("backs a failed attempt off before retrying it", async () => {
    const q = await queue({ backoffSeconds: (n) => 60 * n });
    let calls = 0;
    q.work("k", async () => {
      calls++;
      throw new Error("transient");
    });
    await q.start();
    const before = Date.now();
    const id = await q.enqueue(spec(null));
    const j = await until(async () => {
      const j = await q.get(id);
      return j?.state === "queued" && j.attempts === 1 ? j : undefined;
    }, "the first attempt to fail");
    expect(j.error).toBe("transient");
    const row = await (stores[0] as Store).db
      .selectFrom("jobs")
      .select(["run_after", "worker", "lease_until"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    const wait = Date.parse(row.run_after) - before;
    expect(wait).toBeGreaterThanOrEqual(60_000);
    expect(wait).toBeLessThan(70_000);
    expect(row).toMatchObject({ worker: null, lease_until: null });
    await sleep(200);
    expect(calls).toBe(1);
  });

  it("shows a running job's progress, throttled, and 100% on completion", async () => {
    const q = await queue({ progressMs: 60_000 });
    let release!: () => void;
    q.work("k", async (_p, ctx) => {
      await ctx.progress(0.25, "a quarter");
      await ctx.progress(0.5, "half"); // inside the throttle window: not written
      await ctx.progress(Number.NaN, "nonsense"); // ignored
      await new Promise<void>((r) => (release = r));
      return "done";
    });
    await q.start();
    const id = await q.enqueue(spec(null));
    const j = await until(async () => {
      const j = await q.get(id);
      return j?.message ? j : undefined;
    }, "the first progress");
    await sleep(50);
    expect(await q.get(id)).toMatchObject({ state: "running", progress: 0.25, message: "a quarter" });
    release();
    expect(await finished(q, id)).toMatchObject({ state: "complete", progress: 1 });
    expect(j.startedAt).not.toBeNull();
  });

  it("lists jobs newest first, by state and kind", async () => {
    const q = await queue();
    const a = await q.enqueue(spec(1));
    await sleep(5);
    const b = await q.enqueue({ ...spec(2), kind: "other" });
    await sleep(5);
    const c = await q.enqueue(spec(3));
    await q.cancel(c);
    expect((await q.list()).map((j) => j.id)).toEqual([c, b, a]);
    expect((await q.list({ kind: "k" })).map((j) => j.id)).toEqual([c, a]);
    expect((await q.list({ state: "queued" })).map((j) => j.id)).toEqual([b, a]);
    expect((await q.list({ state: "queued", kind: "k" })).map((j) => j.payload)).toEqual([1]);
    expect((await q.list({ limit: 1 })).map((j) => j.id)).toEqual([c]);
  });

  it("refuses a spec it cannot hold, and waits for runAfter", async () => {
    const q = await queue();
    await expect(q.enqueue(spec(null, { maxAttempts: 0 }))).rejects.toThrow(/maxAttempts/);
    await expect(q.enqueue(spec(null, { deadlineSeconds: Number.NaN }))).rejects.toThrow(/deadlineSeconds/);
    await expect(q.enqueue(spec(null, { deadlineSeconds: 30 * 86_400 }))).rejects.toThrow(/deadlineSeconds/);
    await expect(q.enqueue(spec(null, { runAfter: "tomorrow-ish" }))).rejects.toThrow(/runAfter/);
    await expect(q.enqueue(spec(null, { kind: "" }))).rejects.toThrow(/kind/);
    let calls = 0;
    q.work("k", async () => ++calls);
    // An offset time is stored in the one UTC form, so it compares with the claim's clock as text.
    const later = new Date(Date.now() + 3_600_000);
    const offset = `${new Date(later.getTime() + 2 * 3_600_000).toISOString().slice(0, 19)}+02:00`;
    const waiting = await q.enqueue(spec("later", { runAfter: offset }));
    await q.start();
    const now = await finished(q, await q.enqueue(spec("now")));
    expect(now.result).toBe(1);
    await sleep(100);
    expect(await q.get(waiting)).toMatchObject({ state: "queued", attempts: 0 });
    const row = await (stores[0] as Store).db
      .selectFrom("jobs")
      .select("run_after")
      .where("id", "=", waiting)
      .executeTakeFirstOrThrow();
    expect(row.run_after).toBe(new Date(Math.floor(later.getTime() / 1000) * 1000).toISOString());
  });

  it("commits a handler's own rows with the completion, or neither", async () => {
    const q = await queue();
    const s = stores[0] as Store;
    q.work("k", async (p) => {
      return new Completion("written", async (trx) => {
        await trx
          .insertInto("audit_log")
          .values({ at: new Date().toISOString(), actor: "job", action: String(p), target: null, detail: null })
          .execute();
        if (p === "explode") throw new Error("commit failed");
      });
    });
    await q.start();
    await finished(q, await q.enqueue(spec("fine")));
    const j = await finished(q, await q.enqueue(spec("explode", { maxAttempts: 1 })));
    expect(j).toMatchObject({ state: "failed", error: "commit failed" });
    const rows = await s.db.selectFrom("audit_log").select("action").where("actor", "=", "job").execute();
    expect(rows.map((r) => r.action)).toEqual(["fine"]);
  });
});

describe("two consoles on one PostgreSQL database", () => {
  const { queue } = queues("postgres");
  const spec = (payload: unknown) => ({ kind: "k", payload, deadlineSeconds: 30, maxAttempts: 3 });

  it("shares the work of two consoles on one database without running a job twice", async () => {
    const a = await queue();
    const b = await queue();
    const runs: string[] = [];
    for (const q of [a, b])
      q.work(
        "k",
        async (p) => {
          runs.push(`${p}`);
          await sleep(2);
          return q.worker;
        },
        { concurrency: 4 },
      );
    const ids = await Promise.all(Array.from({ length: 200 }, (_, i) => a.enqueue(spec(i))));
    await Promise.all([a.start(), b.start()]);
    const done: JobRecord[] = [];
    for (const id of ids) done.push(await finished(a, id));
    expect(done.every((j) => j.state === "complete" && j.attempts === 1)).toBe(true);
    expect(runs.length).toBe(200);
    expect(new Set(runs).size).toBe(200);
    // Both consoles took part.
    expect(new Set(done.map((j) => j.result)).size).toBe(2);
  });
});

describe.each(ENGINES)("pinned and permanently failing jobs (%s)", (engine) => {
  const { queue } = queues(engine);

  it("runs a pinned job only on its console, and fails a permanent error without retrying", async () => {
    const here = await queue({ instance: "console-a" });
    const ran: string[] = [];
    here.work("k", async (p) => {
      ran.push(`a:${p}`);
      if (p === "malformed") throw new PermanentJobError("not an archive");
      return "ok";
    });
    const pinned = await here.enqueue({
      kind: "k",
      payload: "mine",
      deadlineSeconds: 30,
      maxAttempts: 3,
      pinTo: "console-b",
    });
    await here.start();
    const bad = await finished(
      here,
      await here.enqueue({ kind: "k", payload: "malformed", deadlineSeconds: 30, maxAttempts: 3 }),
    );
    expect(bad).toMatchObject({ state: "failed", attempts: 1, error: "not an archive" });
    await sleep(200);
    expect((await here.get(pinned))?.state).toBe("queued");
    if (engine === "sqlite") {
      // One SQLite store belongs to one process: console-b is the same queue's restart under its own name.
      await here.stop();
    }
    const there = await queue({ instance: "console-b" });
    there.work("k", async (p) => {
      ran.push(`b:${p}`);
      return "ok";
    });
    await there.start();
    expect((await finished(there, pinned)).state).toBe("complete");
    expect(ran).toEqual(["a:malformed", "b:mine"]);
  });
});

import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../store/open.js";
import { ENGINES, type TestStore, testStore } from "../store/test-support.js";
import { Completion, type JobRecord, PermanentJobError } from "./queue.js";
import { StoreJobQueue } from "./store-queue.js";

const FAST = { pollMs: 20, leaseSeconds: 1, reapMs: 100, backoffSeconds: () => 0 };

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
    async queue(timing: Partial<typeof FAST> & { instance?: string } = FAST) {
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
    const dead = await queue();
    let release!: () => void;
    dead.work("k", () => new Promise((r) => (release = () => r("too late"))));
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
    await sleep(100);
    // The dead console's late completion cannot overwrite the heir's.
    expect((await heir.get(id))?.result).toBe("finished by the heir");
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

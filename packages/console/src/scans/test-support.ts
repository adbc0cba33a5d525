// Helpers for the scans and findings tests (excluded from the build).
import type { JobQueue, JobRecord } from "../jobs/queue.js";
import { StoreJobQueue } from "../jobs/store-queue.js";
import type { Store } from "../store/open.js";

/** The store-backed queue with short intervals and no back-off between attempts. */
export const fastQueue = (store: Store, instance?: string) =>
  new StoreJobQueue(store, {
    pollMs: 50,
    reapMs: 1000,
    leaseSeconds: 30,
    backoffSeconds: () => 0,
    ...(instance ? { instance } : {}),
  });

/** Waits for a job to finish (complete, failed or cancelled) and returns it. */
export async function finished(jobs: JobQueue, id: string | null, timeoutMs = 120_000): Promise<JobRecord> {
  if (!id) throw new Error("the scan has no job");
  const end = Date.now() + timeoutMs;
  for (;;) {
    const job = await jobs.get(id);
    if (!job) throw new Error(`no job ${id}`);
    if (job.state === "complete" || job.state === "failed" || job.state === "cancelled") return job;
    if (Date.now() > end) throw new Error(`job ${id} still ${job.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls GET /scans/{id} through `inject` until the scan has finished; returns the scan's body. */
export async function settledScan(
  inject: (o: { method: "GET"; url: string; headers: Record<string, string> }) => Promise<{
    statusCode: number;
    json(): { state: string } & Record<string, unknown>;
  }>,
  id: string,
  headers: Record<string, string>,
  // biome-ignore lint/suspicious/noExplicitAny: the scan body as the tests read it
): Promise<any> {
  for (let i = 0; i < 2400; i++) {
    const r = await inject({ method: "GET", url: `/api/v1/scans/${id}`, headers });
    if (r.statusCode !== 200) throw new Error(`GET /scans/${id}: ${r.statusCode}`);
    const scan = r.json();
    if (["complete", "failed", "cancelled"].includes(scan.state)) return scan;
    await new Promise((ok) => setTimeout(ok, 50));
  }
  throw new Error(`scan ${id} did not finish`);
}

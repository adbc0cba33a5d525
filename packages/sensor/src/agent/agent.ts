import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Report, ScanAction, Snapshot } from "@rampart/console/protocol";
import { writeFileAtomic } from "../atomic.js";
import type { Discoverer } from "../discovery/discoverer.js";
import { discover } from "../discovery/merge.js";
import { runScan, type ScanLimits, type WorkerCommand } from "../scan/runner.js";
import { type ConsoleHttp, type Reply, TrustError, UnreachableError } from "./client.js";
import { diffSnapshots } from "./delta.js";
import { Outbox } from "./outbox.js";
import { type EngineSocket, resolveSubject } from "./subjects.js";

export const AGENT_VERSION = "0.1.0";

export interface SensorOptions {
  http: ConsoleHttp;
  apiKey: string;
  tags?: Record<string, string>;
  /** State, the outbox and scan scratch space (0700). */
  dataDir: string;
  discoverers: Discoverer[];
  procRoot: string;
  hostRoot: string;
  /** Seconds between topology passes (default 30). */
  reportSeconds?: number;
  /** Bytes the outbox may hold while the console is unreachable (default 256 MiB). */
  outboxBytes?: number;
  scanWorker: WorkerCommand;
  scanLimits?: Partial<ScanLimits>;
  /** Scans run at once (default 1). */
  scanConcurrency?: number;
  /** Container engine sockets for image scans, tried in order. */
  engineSockets?: EngineSocket[];
  log?: (line: string) => void;
}

interface Session {
  nodeId: string;
  token: string;
  heartbeatSeconds: number;
}

const BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000, 60_000];
const WARNINGS_SENT = 1_000;

/**
 * The sensor: registers with the console, reports topology (a full report, then deltas), heartbeats, pulls
 * actions and runs the scans they ask for. Everything for the console goes through the outbox first, so
 * nothing is lost while the console is down or restarting, nor across a sensor restart; reports and uploads
 * are retried with the same seq or upload id, which the console acknowledges without applying twice.
 */
export class Sensor {
  private readonly outbox: Outbox;
  private readonly stopping = new AbortController();
  private session: Session | undefined;
  private registering: Promise<Session> | undefined;
  private seq = 0;
  private last: Snapshot | undefined;
  private needFull = true;
  private readonly taken = new Set<string>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private wake: (() => void) | undefined;
  private loops: Promise<unknown>[] = [];
  private firstPass: Promise<void> | undefined;
  /** Figures for status and tests. */
  readonly stats = { reportsSent: 0, uploadsSent: 0, fullReports: 0, retries: 0, scans: 0, scanFailures: 0 };

  constructor(private readonly o: SensorOptions) {
    mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
    this.outbox = new Outbox(join(o.dataDir, "outbox"), o.outboxBytes ?? 256 * 1024 * 1024);
    this.seq = this.readState().seq;
  }

  get nodeId(): string | undefined {
    return this.session?.nodeId;
  }

  /** The seq of the last report queued (the console holds it once `pending` is 0). */
  get lastSeq(): number {
    return this.seq;
  }

  get pending(): number {
    return this.outbox.length;
  }

  /** Starts the loops; resolves once running (registration may still be retrying). */
  start(): void {
    const signal = this.stopping.signal;
    this.loops = [this.reportLoop(signal), this.sendLoop(signal), this.heartbeatLoop(signal), this.actionLoop(signal)];
  }

  /** Stops the loops; what was not sent stays in the outbox for the next start. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.wake?.();
    await Promise.allSettled(this.loops);
    this.o.http.close();
  }

  /** One topology pass now (tests and the first report use it; the report loop calls it on its schedule). */
  async reportNow(): Promise<void> {
    const snapshot = await discover(this.o.discoverers, {
      procRoot: this.o.procRoot,
      hostRoot: this.o.hostRoot,
      warn: (m) => this.warnOnce(`discovery: ${m}`),
      signal: this.stopping.signal,
    });
    this.queueReport(snapshot);
  }

  private queueReport(snapshot: Snapshot): void {
    const at = new Date().toISOString();
    let report: Report | undefined;
    if (this.needFull || !this.last) {
      if (!snapshot.host) return; // nothing to say without the host
      report = { seq: this.seq + 1, kind: "full", at, ...snapshot, host: snapshot.host };
      this.needFull = false;
      this.stats.fullReports++;
    } else {
      const changes = diffSnapshots(this.last, snapshot);
      if (changes) report = { seq: this.seq + 1, kind: "delta", baseSeq: this.seq, at, ...changes };
    }
    this.last = snapshot;
    if (!report) return;
    this.outbox.push({ type: "report", report });
    this.seq = report.seq;
    this.writeState();
    this.wake?.();
  }

  private async reportLoop(signal: AbortSignal): Promise<void> {
    const every = (this.o.reportSeconds ?? 30) * 1000;
    while (!signal.aborted) {
      const pass = this.reportNow().catch((e: unknown) => this.log(`discovery failed: ${message(e)}`));
      this.firstPass ??= pass;
      await pass;
      await sleep(every, undefined, { signal }).catch(() => undefined);
    }
  }

  /** Sends the outbox in order, backing off while the console cannot be reached. */
  private async sendLoop(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      const entry = this.outbox.peek();
      if (!entry) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = undefined;
        continue;
      }
      try {
        const session = await this.ensureSession(signal);
        const r =
          entry.type === "report"
            ? await this.o.http.call("POST", "sensor/reports", entry.report, { token: session.token })
            : await this.o.http.call("PUT", `sensor/uploads/${entry.uploadId}`, entry.body, { token: session.token });
        if (r.status === 401 || (r.status === 404 && code(r) === "unknown_node")) {
          // Expired or revoked token, or a node the console no longer has: register again, then a full report.
          this.session = undefined;
          if (r.status === 404) this.owesFull();
          continue;
        }
        if (entry.type === "report" && r.status === 409) {
          this.log(
            `the console wants a full report (${code(r)}): dropping ${this.outbox.dropReports()} queued reports`,
          );
          this.owesFull();
          continue;
        }
        if (r.status >= 500 || r.status === 429 || r.status === 0)
          throw new UnreachableError(`console answered ${r.status}`);
        if (r.status >= 400) this.log(`the console refused a ${entry.type} (${r.status} ${code(r)}): dropped`);
        else if (entry.type === "report") this.stats.reportsSent++;
        else this.stats.uploadsSent++;
        this.outbox.shift();
        failures = 0;
      } catch (e) {
        if (signal.aborted) return;
        if (e instanceof TrustError) this.log(`refusing to talk to the console: ${e.message}`);
        else if (failures === 0) this.log(`console unreachable, buffering (${message(e)})`);
        this.stats.retries++;
        await sleep(backoff(failures++), undefined, { signal }).catch(() => undefined);
      }
    }
  }

  /** The next report is full: its snapshot is taken now, so the console is whole again at once. */
  private owesFull(): void {
    this.needFull = true;
    if (this.last) this.queueReport(this.last);
  }

  private async heartbeatLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const every = (this.session?.heartbeatSeconds ?? 30) * 1000;
      await sleep(every, undefined, { signal }).catch(() => undefined);
      if (signal.aborted || !this.session) continue;
      try {
        const r = await this.o.http.call<{ token: string; heartbeatSeconds: number }>(
          "POST",
          "sensor/heartbeat",
          { agentVersion: AGENT_VERSION },
          { token: this.session.token },
        );
        if (r.status === 200)
          this.session = { ...this.session, token: r.body.token, heartbeatSeconds: r.body.heartbeatSeconds };
        else if (r.status === 401 || r.status === 404) {
          this.session = undefined;
          if (r.status === 404) this.owesFull();
        }
      } catch {
        // the send loop reports the console's absence
      }
    }
  }

  private async actionLoop(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        const session = await this.ensureSession(signal);
        const r = await this.o.http.call<{ actions: { id: string; kind: string; payload: unknown }[] }>(
          "GET",
          "sensor/actions?wait=25",
          undefined,
          { token: session.token, timeoutMs: 40_000, signal },
        );
        if (r.status === 401 || r.status === 404) {
          this.session = undefined;
          continue;
        }
        if (r.status !== 200) throw new UnreachableError(`console answered ${r.status}`);
        failures = 0;
        for (const a of r.body.actions) await this.take(a, session);
      } catch {
        if (signal.aborted) return;
        await sleep(backoff(failures++), undefined, { signal }).catch(() => undefined);
      }
    }
  }

  /** Acknowledges an action (taken on, or refused with why) and starts its work. */
  private async take(a: { id: string; kind: string; payload: unknown }, session: Session): Promise<void> {
    const ack = (outcome: "done" | "failed", message?: string) =>
      this.o.http.call(
        "POST",
        `sensor/actions/${a.id}/ack`,
        { outcome, ...(message ? { message } : {}) },
        { token: session.token },
      );
    if (a.kind !== "scan") {
      await ack("failed", `this sensor (${AGENT_VERSION}) does not know the action ${a.kind}`);
      return;
    }
    // A redelivered action (our ack was lost) is acknowledged again, not run twice.
    if (!this.taken.has(a.id)) {
      this.taken.add(a.id);
      void this.scan(a.id, a.payload as ScanAction);
    }
    await ack("done");
  }

  private async scan(actionId: string, action: ScanAction): Promise<void> {
    await this.slot();
    const upload = (kind: string, content: unknown) =>
      this.outbox.push({
        type: "upload",
        uploadId: randomUUID(),
        body: { scanId: action.scanId, kind, content, actionId },
      });
    try {
      this.stats.scans++;
      const subject = await resolveSubject(action.target, {
        snapshot: this.last,
        procRoot: this.o.procRoot,
        hostRoot: this.o.hostRoot,
        engineSockets: this.o.engineSockets ?? [],
      });
      const out = await runScan(this.o.scanWorker, subject, action.scanners, {
        scratch: join(this.o.dataDir, "scratch"),
        ...(this.o.scanLimits ? { limits: this.o.scanLimits } : {}),
        signal: this.stopping.signal,
      });
      if (out.sbom) upload("sbom", out.sbom);
      if (out.secrets) upload("secrets", { findings: out.secrets });
      if (out.malware) upload("malware", { findings: out.malware });
      if (out.posture) upload("posture", out.posture);
      const image = subject.kind === "container" ? subject.image : undefined;
      upload("done", {
        warnings: out.warnings.slice(0, WARNINGS_SENT).map((w) => w.slice(0, 4096)),
        ...(image ? { image } : {}),
      });
      this.log(`scan ${action.scanId} of ${action.target.kind} ${action.target.ref}: ${out.packages} packages`);
    } catch (e) {
      if (this.stopping.signal.aborted) return;
      this.stats.scanFailures++;
      this.log(`scan ${action.scanId} failed: ${message(e)}`);
      upload("failed", { error: message(e).slice(0, 4096) });
    } finally {
      this.wake?.();
      this.release();
    }
  }

  private async slot(): Promise<void> {
    if (this.running < (this.o.scanConcurrency ?? 1)) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
  }

  private release(): void {
    this.running--;
    this.waiting.shift()?.();
  }

  /** Registers (once at a time) when there is no valid session. */
  private ensureSession(signal: AbortSignal): Promise<Session> {
    if (this.session) return Promise.resolve(this.session);
    this.registering ??= this.register(signal).finally(() => {
      this.registering = undefined;
    });
    return this.registering;
  }

  private async register(signal: AbortSignal): Promise<Session> {
    let failures = 0;
    for (;;) {
      signal.throwIfAborted();
      try {
        const host = this.last?.host;
        const identity = await this.identity();
        const r: Reply<{ nodeId: string; token: string; heartbeatSeconds: number; lastSeq: number }> =
          await this.o.http.call(
            "POST",
            "sensor/register",
            {
              machineId: identity.machineId,
              hostname: identity.hostname,
              agentVersion: AGENT_VERSION,
              ...(host?.os ? { os: host.os } : {}),
              ...(this.o.tags && Object.keys(this.o.tags).length ? { tags: this.o.tags } : {}),
            },
            { token: this.o.apiKey },
          );
        if (r.status === 200) {
          this.session = { nodeId: r.body.nodeId, token: r.body.token, heartbeatSeconds: r.body.heartbeatSeconds };
          if (r.body.lastSeq > this.seq) {
            // The console is ahead of our state (it was lost): continue above it, with a full report.
            this.seq = r.body.lastSeq;
            this.outbox.dropReports();
            this.owesFull();
          }
          this.log(`registered as node ${r.body.nodeId}`);
          return this.session;
        }
        if (r.status === 401 || r.status === 403)
          this.log(`the console refused the API key (${r.status} ${code(r)}): is it a sensor key, and not revoked?`);
        else this.log(`registration refused (${r.status} ${code(r)})`);
      } catch (e) {
        if (failures === 0) this.log(`cannot register yet: ${message(e)}`);
      }
      await sleep(backoff(failures++), undefined, { signal });
    }
  }

  private async identity(): Promise<{ machineId: string; hostname: string }> {
    // The first topology pass tells who this host is (it is under way: the report loop starts with it).
    if (!this.last) await (this.firstPass ?? this.reportNow().catch(() => undefined));
    const host = this.last?.host;
    if (!host) throw new Error("the host discoverer found no host identity");
    return { machineId: host.machineId, hostname: host.hostname };
  }

  private readState(): { seq: number } {
    try {
      const s = JSON.parse(readFileSync(join(this.o.dataDir, "state.json"), "utf8")) as { seq?: unknown };
      return { seq: typeof s.seq === "number" && s.seq >= 0 ? s.seq : 0 };
    } catch {
      return { seq: 0 };
    }
  }

  private writeState(): void {
    writeFileAtomic(join(this.o.dataDir, "state.json"), JSON.stringify({ seq: this.seq }));
  }

  /** The same warning (a dead engine socket…) is logged once an hour, not at every pass. */
  private readonly warned = new Map<string, number>();
  private warnOnce(line: string): void {
    const now = Date.now();
    const last = this.warned.get(line);
    if (last !== undefined && now - last < 3_600_000) return;
    if (this.warned.size > 1_000) this.warned.clear();
    this.warned.set(line, now);
    this.log(line);
  }

  private log(line: string): void {
    this.o.log?.(line);
  }
}

function backoff(failures: number): number {
  const base = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)] as number;
  return base / 2 + Math.random() * (base / 2);
}

function code(r: Reply): string {
  return (r.body as { code?: string } | undefined)?.code ?? "";
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

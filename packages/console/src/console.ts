import { randomUUID } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { defaultDbDir } from "@rampart/engine";
import type { FastifyServerOptions } from "fastify";
import { AuditLog } from "./audit/audit.js";
import { Accounts } from "./auth/accounts.js";
import { IpLimiter } from "./auth/ip-limiter.js";
import { Sessions } from "./auth/sessions.js";
import { Tokens, type TokenTimes } from "./auth/tokens.js";
import { FindingsService } from "./findings/service.js";
import { buildApi, type ConsoleApp, type ConsoleServices, type ConsoleSettings } from "./http/app.js";
import { webUi } from "./http/web-ui.js";
import type { JobQueue } from "./jobs/queue.js";
import { StoreJobQueue } from "./jobs/store-queue.js";
import { ROUTES } from "./routes/index.js";
import { ScanService } from "./scans/service.js";
import { openStore, type StoreConfig } from "./store/open.js";
import { SensorService, type SensorSettings } from "./topology/service.js";
import { VulnDbRefresh } from "./vulndb/refresh.js";

export interface ConsoleOptions {
  store: StoreConfig;
  dataDir: string;
  settings?: Partial<Omit<ConsoleSettings, "dataDir">>;
  tokenTimes?: Partial<TokenTimes>;
  /** Sign-in attempts per address per minute (default 20). */
  loginAttemptsPerMinute?: number;
  logger?: FastifyServerOptions["logger"];
  https?: { key: string | Buffer; cert: string | Buffer } | null;
  /** Heartbeat interval, offline threshold, redelivery (tests shorten them). */
  sensors?: Partial<SensorSettings>;
  /** The built web UI (packages/web/dist) to serve at the console's root; none: the API only. */
  webDir?: string;
  /** Tests: a job queue with short intervals (it must run the jobs pinned to `instance`). */
  jobs?: (o: { store: ConsoleServices["store"]; instance: string }) => JobQueue;
}

export interface Console {
  app: ConsoleApp;
  services: ConsoleServices;
  /** Starts the background work: the job workers, the DB refresh schedule. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** The console assembled: store (migrated), services, the API; nothing listens until the caller says. */
export async function createConsole(o: ConsoleOptions): Promise<Console> {
  const store = await openStore(o.store);
  try {
    const config: ConsoleSettings = {
      dataDir: o.dataDir,
      vulnDbDir: o.settings?.vulnDbDir ?? process.env.RAMPART_DB_DIR ?? defaultDbDir(),
      publicUrl: o.settings?.publicUrl ?? "https://localhost:8443",
      bodyLimit: o.settings?.bodyLimit ?? 4 * 1024 * 1024,
      uploadLimit: o.settings?.uploadLimit ?? 4 * 1024 * 1024 * 1024,
      lockout: o.settings?.lockout ?? { attempts: 5, seconds: 900 },
      refreshEveryHours: o.settings?.refreshEveryHours ?? 6,
      ...(o.settings?.feedsFrom ? { feedsFrom: o.settings.feedsFrom } : {}),
    };
    const tokens = await Tokens.open(store, o.tokenTimes);
    const instance = await instanceId(o.dataDir);
    const jobs = o.jobs
      ? o.jobs({ store, instance })
      : new StoreJobQueue(store, { ...leaseFromEnvironment(), instance });
    const sensors = new SensorService(store, o.sensors);
    const scans = new ScanService({
      store,
      jobs,
      dataDir: config.dataDir,
      vulnDbDir: config.vulnDbDir,
      uploadLimit: config.uploadLimit,
    });
    // What a sensor uploads for a scan is stored first (acknowledged), then handed to the scan.
    sensors.setUploadHook((upload) => scans.ingestSensorUpload(upload));
    const services: ConsoleServices = {
      store,
      jobs,
      tokens,
      config,
      audit: new AuditLog(store),
      accounts: new Accounts(store, config.lockout),
      sessions: new Sessions(store, tokens),
      sensors,
      scans,
      findings: new FindingsService(store),
      loginLimiter: new IpLimiter(o.loginAttemptsPerMinute ?? 20),
      vulnDbRefresh: new VulnDbRefresh(jobs, {
        dbDir: config.vulnDbDir,
        everyHours: config.refreshEveryHours,
        ...(config.feedsFrom ? { from: config.feedsFrom } : {}),
      }),
    };
    const app = await buildApi(services, ROUTES, {
      logger: o.logger ?? false,
      ...(o.https ? { https: o.https } : {}),
    });
    if (o.webDir) await app.register(webUi(o.webDir));
    return {
      app,
      services,
      start: async () => {
        await jobs.start();
        await scans.start();
        sensors.start((e) => app.log.warn({ err: e }, "sensor sweep failed"));
        services.vulnDbRefresh.start();
      },
      close: async () => {
        services.vulnDbRefresh.stop();
        scans.stop();
        await sensors.stop();
        await app.close();
        await jobs.stop();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/** Where a console keeps its embedded database inside its data directory. */
export const sqlitePath = (dataDir: string) => join(dataDir, "console.db");

/**
 * RAMPART_JOB_LEASE_SECONDS: how long a job stays claimed by a console that stopped answering before another
 * takes it back (default 30). Shorter recovers faster after a crash; each running job is renewed every third.
 */
function leaseFromEnvironment(): { leaseSeconds?: number; reapMs?: number } {
  const lease = Number(process.env.RAMPART_JOB_LEASE_SECONDS);
  if (!(lease >= 1)) return {};
  return { leaseSeconds: lease, reapMs: Math.min(5_000, lease * 500) };
}

/**
 * This console's stable identity, kept in its data directory (a restart keeps it): jobs whose input is a file
 * in this directory are pinned to it.
 */
async function instanceId(dataDir: string): Promise<string> {
  const file = join(dataDir, "instance-id");
  try {
    const id = (await readFile(file, "utf8")).trim();
    if (/^[0-9a-f-]{36}$/.test(id)) return id;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  const id = randomUUID();
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${id}\n`, { flag: "w" });
  return id;
}

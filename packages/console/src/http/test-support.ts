// A console on a test store (SQLite file or a fresh PostgreSQL database), driven with Fastify's inject (no
// network), with a signed-in user per role. Excluded from the build.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { type Console, type ConsoleOptions, createConsole } from "../console.js";
import { StoreJobQueue } from "../jobs/store-queue.js";
import type { Role } from "../store/schema.js";
import { type TestStore, testStore } from "../store/test-support.js";

export const ADMIN = { email: "admin@example.test", password: "correct horse battery staple" };
export const PASSWORD = "another long passphrase";

export interface TestConsole {
  console: Console;
  app: Console["app"];
  dataDir: string;
  inject(o: InjectOptions): Promise<LightMyRequestResponse>;
  /** The admin registered on creation. */
  adminToken: string;
  /** A signed-in user with this role (created on first ask). */
  tokenFor(role: Role | "admin"): Promise<string>;
  /** Bearer header for a token. */
  auth(token: string): { authorization: string };
  close(): Promise<void>;
}

export async function testConsole(
  engine: "sqlite" | "postgres",
  options: Partial<Omit<ConsoleOptions, "store" | "dataDir">> & { vulnDbDir?: string; register?: false } = {},
): Promise<TestConsole> {
  const t: TestStore = await testStore(engine);
  const dataDir = mkdtempSync(join(tmpdir(), "rampart-console-"));
  const console = await createConsole({
    jobs: ({ store, instance }) =>
      new StoreJobQueue(store, { pollMs: 50, leaseSeconds: 3, reapMs: 500, backoffSeconds: () => 0, instance }),
    ...options,
    store: t.config,
    dataDir,
    settings: {
      refreshEveryHours: 0,
      ...(options.vulnDbDir ? { vulnDbDir: options.vulnDbDir } : {}),
      ...options.settings,
    },
  });
  const app = console.app;
  await app.ready();
  const inject = (o: InjectOptions) => app.inject(o) as Promise<LightMyRequestResponse>;
  let adminToken = "";
  if (options.register !== false) {
    const reg = await inject({ method: "POST", url: "/api/v1/auth/register", payload: ADMIN });
    if (reg.statusCode !== 201) throw new Error(`registering the admin failed: ${reg.statusCode} ${reg.body}`);
    adminToken = reg.json().accessToken as string;
  }
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const tokens = new Map<string, string>([["admin", adminToken]]);
  return {
    console,
    app,
    dataDir,
    inject,
    adminToken,
    auth,
    async tokenFor(role) {
      const known = tokens.get(role);
      if (known) return known;
      const inv = await inject({
        method: "POST",
        url: "/api/v1/invitations",
        headers: auth(adminToken),
        payload: { email: `${role}@example.test`, role },
      });
      if (inv.statusCode !== 201) throw new Error(`inviting ${role} failed: ${inv.statusCode} ${inv.body}`);
      const acc = await inject({
        method: "POST",
        url: "/api/v1/auth/accept",
        payload: { token: inv.json().token, password: PASSWORD },
      });
      if (acc.statusCode !== 200)
        throw new Error(`accepting the ${role} invitation failed: ${acc.statusCode} ${acc.body}`);
      const token = acc.json().accessToken as string;
      tokens.set(role, token);
      return token;
    },
    async close() {
      await console.close();
      await t.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

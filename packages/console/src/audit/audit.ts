import type { Store } from "../store/open.js";

export interface AuditEvent {
  /** "user:<id>", "sensor:<node id>", "key:<id>" or "anonymous" (see actorOf). */
  actor: string;
  /** Dotted verb: "user.login", "user.login-failed", "api-key.create", "scan.start"… */
  action: string;
  target?: string;
  /** What changed; never a password, token or key. */
  detail?: Record<string, unknown>;
}

/** The audit log of security-relevant actions: append-only from the API's point of view. */
export class AuditLog {
  constructor(private readonly store: Store) {}

  async record(e: AuditEvent): Promise<void> {
    await this.store.db
      .insertInto("audit_log")
      .values({
        at: new Date().toISOString(),
        actor: e.actor,
        action: e.action,
        target: e.target ?? null,
        detail: e.detail ? JSON.stringify(e.detail) : null,
      })
      .execute();
  }
}

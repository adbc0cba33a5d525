import { ROLES, type Role } from "../store/schema.js";
import type { Principal } from "./principal.js";

/**
 * What a route requires, declared on every route (`config: { access }`); the app refuses to start with a
 * route that does not say. Roles are ordered read-only < standard < admin.
 */
export const ACCESS = ["public", ...ROLES, "sensor", "sensor-key"] as const;
export type Access = (typeof ACCESS)[number];

const RANK: Record<Role, number> = { "read-only": 0, standard: 1, admin: 2 };

export const isRole = (a: Access): a is Role => (ROLES as readonly string[]).includes(a);

/** Whether the principal may use a route with this access (401 vs 403 is the caller's business). */
export function allows(access: Access, p: Principal | undefined): boolean {
  if (access === "public") return true;
  if (!p) return false;
  if (access === "sensor") return p.kind === "sensor";
  if (access === "sensor-key") return p.kind === "sensor-key";
  return p.kind === "user" && RANK[p.role] >= RANK[access];
}

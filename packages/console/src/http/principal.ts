import type { Role } from "../store/schema.js";

/** Who is calling, once their credentials checked out. */
export type Principal =
  | { kind: "user"; userId: string; email: string; role: Role; via: "session" | "api-key"; keyId?: string }
  /** A registered sensor with its short-lived token. */
  | { kind: "sensor"; nodeId: string; keyId: string; userId: string }
  /** An API key presented to register a sensor (any scope). */
  | { kind: "sensor-key"; keyId: string; userId: string };

/** The user behind a request (routes whose access is a role only ever see users). */
export function userOf(p: Principal | undefined): Extract<Principal, { kind: "user" }> {
  if (p?.kind !== "user") throw new Error("route reached without a signed-in user: its access is declared wrong");
  return p;
}

/** The sensor behind a request on a route with access "sensor". */
export function sensorOf(p: Principal | undefined): Extract<Principal, { kind: "sensor" }> {
  if (p?.kind !== "sensor") throw new Error("route reached without a sensor token: its access is declared wrong");
  return p;
}

/** How the audit log names an actor. */
export function actorOf(p: Principal | undefined): string {
  if (!p) return "anonymous";
  if (p.kind === "user") return `user:${p.userId}`;
  if (p.kind === "sensor") return `sensor:${p.nodeId}`;
  return `key:${p.keyId}`;
}

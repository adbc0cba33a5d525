import type { RoutePlugin } from "../http/app.js";
import { apiKeyRoutes } from "./api-keys.js";
import { auditRoutes } from "./audit.js";
import { authRoutes } from "./auth.js";
import { findingRoutes } from "./findings.js";
import { postureRoutes } from "./posture.js";
import { scanRoutes } from "./scans.js";
import { sensorRoutes } from "./sensor.js";
import { systemRoutes } from "./system.js";
import { topologyRoutes } from "./topology.js";
import { userRoutes } from "./users.js";

/** Every route group of /api/v1, one plugin each. */
export const ROUTES: Record<string, RoutePlugin> = {
  auth: authRoutes,
  users: userRoutes,
  apiKeys: apiKeyRoutes,
  audit: auditRoutes,
  system: systemRoutes,
  sensor: sensorRoutes,
  topology: topologyRoutes,
  scans: scanRoutes,
  findings: findingRoutes,
  posture: postureRoutes,
};

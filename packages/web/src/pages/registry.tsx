import type { ReactNode } from "react";
import { ChangePassword } from "./account/index.js";
import { Dashboard } from "./Dashboard.js";
import { FindingDetail, FindingsList } from "./findings/index.js";
import { PosturePage, ScanPosture } from "./posture/index.js";
import { ScanDetail, Scans } from "./scans/index.js";
import { ApiKeys, AuditLog, Sensors, Settings, SystemStatus, Users } from "./settings/index.js";
import { HostPage, TopologyPage } from "./topology/index.js";

/** A signed-in page: its route under / (React Router syntax), and its place in the main navigation if any. */
export interface PageEntry {
  path: string;
  element: ReactNode;
  /** The label in the main navigation (pages reached only by links leave it out). */
  nav?: string;
}

/**
 * Every signed-in page, in navigation order. Each area (its folder under pages/) adds its own entries in its
 * own block below, so areas never edit each other's lines.
 */
export const PAGES: PageEntry[] = [
  { path: "/", element: <Dashboard />, nav: "Dashboard" },
  { path: "/topology", element: <TopologyPage />, nav: "Topology" },
  { path: "/topology/:nodeId", element: <HostPage /> },
  { path: "/findings", element: <FindingsList />, nav: "Findings" },
  { path: "/findings/:id", element: <FindingDetail /> },
  { path: "/posture", element: <PosturePage />, nav: "Posture" },
  { path: "/scans", element: <Scans />, nav: "Scans" },
  { path: "/scans/:id", element: <ScanDetail /> },
  { path: "/scans/:id/posture", element: <ScanPosture /> },
  { path: "/settings", element: <Settings />, nav: "Settings" },
  { path: "/settings/users", element: <Users /> },
  { path: "/settings/api-keys", element: <ApiKeys /> },
  { path: "/settings/sensors", element: <Sensors /> },
  { path: "/settings/system", element: <SystemStatus /> },
  { path: "/settings/audit", element: <AuditLog /> },
  { path: "/account/password", element: <ChangePassword /> },
];

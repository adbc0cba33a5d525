import type { ReactNode } from "react";
import { Dashboard } from "./Dashboard.js";

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
  // topology pages
  // findings pages
  // scans pages
  // settings pages
];

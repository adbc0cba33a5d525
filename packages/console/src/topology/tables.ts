/** The topology tables as Kysely sees them (portable types: text ids, ISO UTC text times, 0/1 ints, JSON text). */
export interface TopologyTables {
  nodes: NodesTable;
  topology_items: TopologyItemsTable;
  sensor_actions: SensorActionsTable;
  sensor_uploads: SensorUploadsTable;
}

export const NODE_STATUSES = ["online", "offline"] as const;
export type NodeStatus = (typeof NODE_STATUSES)[number];

/** A host a sensor registered. Never deleted by the console on its own: a silent node goes offline. */
export interface NodesTable {
  id: string;
  /** The user whose API key registered it; one node per (user, machine id). */
  user_id: string;
  /** The key it last registered with. */
  key_id: string;
  machine_id: string;
  hostname: string;
  os: string | null;
  agent_version: string | null;
  /** JSON object of string tags (from `rampart sensor --tags`). */
  tags: string;
  registered_at: string;
  /** Last heartbeat or report. */
  last_seen_at: string;
  last_report_at: string | null;
  status: NodeStatus;
  /** Seq of the last report applied; 0 before the first. */
  last_seq: number;
}

/**
 * A node's current topology, one row per item (a process, a socket, a container…; the host is one item of
 * section "host"). Rows rather than one snapshot document so that a delta costs what it changes, not what the
 * node holds, and so the graph can read the sections it needs without the rest.
 */
export interface TopologyItemsTable {
  node_id: string;
  /** "host" or one of report.ts SECTIONS. */
  section: string;
  /** report.ts itemKey; "host" for the host. */
  item_key: string;
  /** The item as reported (JSON). */
  body: string;
}

export const ACTION_STATES = ["pending", "delivered", "done", "failed"] as const;
export type ActionState = (typeof ACTION_STATES)[number];

/** Work for a sensor (e.g. a scan), pulled by the sensor's long-poll. */
export interface SensorActionsTable {
  id: string;
  node_id: string;
  kind: string;
  /** JSON. */
  payload: string;
  state: ActionState;
  created_at: string;
  /** Last delivery; a delivered action not acknowledged in time is delivered again. */
  delivered_at: string | null;
  deliveries: number;
  finished_at: string | null;
  /** Why it failed (the sensor's message, or "not acknowledged"). */
  result: string | null;
}

/** What sensors uploaded (SBOMs, findings, scan ends), kept before the upload is acknowledged. */
export interface SensorUploadsTable {
  id: string;
  node_id: string;
  /** The sensor's id for the upload (a UUID it generates): a retry with the same id is the same upload. */
  upload_id: string;
  scan_id: string;
  kind: string;
  /** SHA-256 of `body`: a retry must carry the same. */
  sha256: string;
  /** The upload as received (JSON). */
  body: string;
  received_at: string;
  /** When the upload hook finished with it; null: still to process (after a crash, on start). */
  processed_at: string | null;
}

import { createHash, randomUUID } from "node:crypto";
import { type Static, Type } from "typebox";
import type { Store } from "../store/open.js";
import type { SensorUploadsTable } from "./tables.js";

export const UPLOAD_KINDS = ["sbom", "secrets", "malware", "posture", "done", "failed"] as const;
export type UploadKind = (typeof UPLOAD_KINDS)[number];

const RefId = Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_.:-]+$" });

/** What a sensor uploads for a scan: a result (SBOM, secret or malware findings) or the scan's end. */
export const UploadBody = Type.Object(
  {
    scanId: RefId,
    kind: Type.Enum(UPLOAD_KINDS),
    /** The SBOM document, `{findings: [...]}`, or for done/failed a summary or `{error}`: read by the scans side. */
    content: Type.Record(Type.String(), Type.Unknown(), { description: "a JSON object" }),
    /** The action this answers, when it came from one. */
    actionId: Type.Optional(RefId),
    /** What was scanned, as the sensor names it. */
    target: Type.Optional(
      Type.Object(
        {
          kind: Type.Union([Type.Literal("host"), Type.Literal("container"), Type.Literal("image")]),
          ref: Type.String({ minLength: 1, maxLength: 1024 }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type UploadBody = Static<typeof UploadBody>;

/** An upload as stored: what the upload hook receives. */
export interface StoredUpload {
  id: string;
  nodeId: string;
  uploadId: string;
  scanId: string;
  kind: UploadKind;
  sha256: string;
  body: UploadBody;
  receivedAt: string;
  processedAt: string | null;
}

export type StoreUploadResult =
  /** First time: stored now. */
  | { status: "stored"; upload: StoredUpload }
  /** A retry of an upload already stored (same id, same content): nothing new stored. */
  | { status: "repeat"; upload: StoredUpload }
  /** The id was used for different content. */
  | { status: "conflict"; upload: StoredUpload }
  | { status: "unknown_node" };

const toUpload = (r: SensorUploadsTable): StoredUpload => ({
  id: r.id,
  nodeId: r.node_id,
  uploadId: r.upload_id,
  scanId: r.scan_id,
  kind: r.kind as UploadKind,
  sha256: r.sha256,
  body: JSON.parse(r.body) as UploadBody,
  receivedAt: r.received_at,
  processedAt: r.processed_at,
});

/**
 * Stores an upload durably, once per (node, upload id): the insert does nothing when the id is known, and the
 * stored row then tells a retry (same digest: the same answer as the first time) from a reuse of the id for
 * something else (conflict). The digest is over the body as the console stores it (JSON of the parsed body),
 * so a retry of the same request always matches.
 */
export async function storeUpload(
  store: Store,
  nodeId: string,
  uploadId: string,
  body: UploadBody,
  now = new Date(),
): Promise<StoreUploadResult> {
  const node = await store.db.selectFrom("nodes").select("id").where("id", "=", nodeId).executeTakeFirst();
  if (!node) return { status: "unknown_node" };
  const text = JSON.stringify(body);
  const sha256 = createHash("sha256").update(text).digest("hex");
  const inserted = await store.db
    .insertInto("sensor_uploads")
    .values({
      id: randomUUID(),
      node_id: nodeId,
      upload_id: uploadId,
      scan_id: body.scanId,
      kind: body.kind,
      sha256,
      body: text,
      received_at: now.toISOString(),
      processed_at: null,
    })
    .onConflict((oc) => oc.columns(["node_id", "upload_id"]).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { status: "stored", upload: toUpload(inserted) };
  const existing = await store.db
    .selectFrom("sensor_uploads")
    .selectAll()
    .where("node_id", "=", nodeId)
    .where("upload_id", "=", uploadId)
    .executeTakeFirstOrThrow();
  return { status: existing.sha256 === sha256 ? "repeat" : "conflict", upload: toUpload(existing) };
}

/** Uploads the hook has not finished with, oldest first: what the scans side processes on start. */
export async function unprocessedUploads(store: Store, limit = 100): Promise<StoredUpload[]> {
  const rows = await store.db
    .selectFrom("sensor_uploads")
    .selectAll()
    .where("processed_at", "is", null)
    .orderBy("received_at")
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map(toUpload);
}

/** Marks an upload processed (call it in the transaction that records its effect, to be crash-safe). */
export async function markUploadProcessed(store: Pick<Store, "db">, id: string, now = new Date()): Promise<boolean> {
  const r = await store.db
    .updateTable("sensor_uploads")
    .set({ processed_at: now.toISOString() })
    .where("id", "=", id)
    .where("processed_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** A scan's uploads in the order received. */
export async function uploadsForScan(store: Store, scanId: string): Promise<StoredUpload[]> {
  const rows = await store.db
    .selectFrom("sensor_uploads")
    .selectAll()
    .where("scan_id", "=", scanId)
    .orderBy("received_at")
    .orderBy("id")
    .execute();
  return rows.map(toUpload);
}

/** Deletes processed uploads older than the given age (their effect is recorded elsewhere). Returns how many. */
export async function pruneUploads(store: Store, olderThanSeconds: number, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - olderThanSeconds * 1000).toISOString();
  const r = await store.db
    .deleteFrom("sensor_uploads")
    .where("processed_at", "is not", null)
    .where("processed_at", "<", cutoff)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

import { Type } from "typebox";
import type { ConsoleApp } from "../http/app.js";
import { Time } from "../http/schemas.js";
import { postureOverview } from "../scans/posture.js";
import { TARGET_KINDS } from "../scans/tables.js";
import { PostureSummary } from "./scans.js";

const Framework = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    passed: Type.Integer(),
    failed: Type.Integer(),
    notApplicable: Type.Integer(),
    score: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    targets: Type.Integer({ description: "how many targets' latest posture scans map controls to it" }),
  },
  { additionalProperties: false },
);

const TargetPostureBody = Type.Object(
  {
    targetKey: Type.String(),
    targetKind: Type.Enum(TARGET_KINDS),
    targetRef: Type.String(),
    nodeId: Type.Union([Type.String(), Type.Null()]),
    scanId: Type.String({ description: "GET /scans/{id}/posture has every control of it" }),
    scannedAt: Time,
    posture: PostureSummary,
  },
  { additionalProperties: false },
);

/** Posture across the estate: each target's latest posture scan and each framework's score over all of them. */
export async function postureRoutes(app: ConsoleApp): Promise<void> {
  app.get(
    "/posture",
    {
      schema: {
        summary: "Each target's latest posture scan, and each framework's score across the estate",
        tags: ["posture"],
        response: {
          200: Type.Object(
            { frameworks: Type.Array(Framework), targets: Type.Array(TargetPostureBody) },
            { additionalProperties: false },
          ),
        },
      },
      config: { access: "read-only" },
    },
    async () => postureOverview(app.services.store.db),
  );
}

import { type Static, Type } from "typebox";

/**
 * The scan part of the sensor protocol (the upload envelope is topology/uploads.ts). The console asks for a
 * scan with a "scan" action (ScanAction); the sensor answers with uploads under the action's scanId: "sbom"
 * (the CycloneDX or SPDX JSON document of what it scanned), "secrets" and "malware" (what its content scanners
 * found — the console never sees the files), "posture" (every control evaluated, with the framework view), then "done" — or "failed" with its error. Vulnerability matching
 * happens on the console, against its DB, when "done" arrives. A sensor may also scan on its own: uploads under
 * a scanId the console does not know, with the envelope's `target`, make a new scan of that node.
 * Every field is bounded; depends on nothing but TypeBox, so the sensor can share it.
 */

const Text = (maxLength: number) => Type.String({ maxLength });
const Required = (maxLength: number) => Type.String({ minLength: 1, maxLength });
const Sev4 = Type.Union([Type.Literal("critical"), Type.Literal("high"), Type.Literal("medium"), Type.Literal("low")]);
const Sha256Hex = Type.String({ pattern: "^[0-9a-f]{64}$" });
const Warnings = () => Type.Array(Text(4096), { maxItems: 10_000 });
const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

/** A SecretFinding as the engine writes it: masked preview and snippet, salted fingerprint — never the secret. */
export const SecretFindingBody = Type.Object(
  {
    ruleId: Required(128),
    title: Text(512),
    severity: Sev4,
    path: Required(4096),
    layer: Type.Optional(Text(128)),
    line: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
    column: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
    preview: Text(64),
    fingerprint: Type.String({ pattern: "^sha256:[0-9a-f]{64}$" }),
    entropy: Type.Optional(Type.Number({ minimum: 0, maximum: 64 })),
    snippet: Type.Optional(Text(256)),
  },
  { additionalProperties: false },
);

const Meta = Type.Record(Type.String({ maxLength: 128 }), Type.Union([Text(4096), Type.Number(), Type.Boolean()]), {
  maxProperties: 64,
});
const Hit = Type.Object({ identifier: Text(128), offset: Count, length: Count }, { additionalProperties: false });

/** A MalwareFinding as the engine writes it: the rule, where the file is, its sha256; never the file's bytes. */
export const MalwareFindingBody = Type.Object(
  {
    ruleId: Required(256),
    pack: Required(1024),
    severity: Sev4,
    description: Type.Optional(Text(4096)),
    class: Type.Optional(Text(128)),
    author: Type.Optional(Text(512)),
    reference: Type.Optional(Text(4096)),
    tags: Type.Array(Text(128), { maxItems: 64 }),
    meta: Meta,
    path: Required(8192),
    layer: Type.Optional(Text(128)),
    sha256: Sha256Hex,
    size: Count,
    archive: Type.Optional(
      Type.Object(
        { archive: Required(4096), archiveSha256: Sha256Hex, member: Required(4096) },
        { additionalProperties: false },
      ),
    ),
    hits: Type.Array(Hit, { maxItems: 64 }),
  },
  { additionalProperties: false },
);

/** What the console asks a sensor to scan: the payload of a "scan" action. */
export const ScanAction = Type.Object(
  {
    scanId: Required(64),
    target: Type.Object(
      {
        kind: Type.Union([Type.Literal("host"), Type.Literal("container"), Type.Literal("image")]),
        /** The container's name or id, the image's reference, the host's name. */
        ref: Required(1024),
      },
      { additionalProperties: false },
    ),
    scanners: Type.Array(
      Type.Union([Type.Literal("vuln"), Type.Literal("secret"), Type.Literal("malware"), Type.Literal("posture")]),
      { minItems: 1, maxItems: 4, uniqueItems: true },
    ),
  },
  { additionalProperties: false },
);
export type ScanAction = Static<typeof ScanAction>;

/** The content of a "secrets" upload. */
export const SecretsContent = Type.Object(
  { findings: Type.Array(SecretFindingBody, { maxItems: 100_000 }), warnings: Type.Optional(Warnings()) },
  { additionalProperties: false },
);
/** The content of a "malware" upload. */
export const MalwareContent = Type.Object(
  { findings: Type.Array(MalwareFindingBody, { maxItems: 100_000 }), warnings: Type.Optional(Warnings()) },
  { additionalProperties: false },
);
const Status = Type.Union([
  Type.Literal("pass"),
  Type.Literal("fail"),
  Type.Literal("not-applicable"),
  Type.Literal("error"),
]);
const Platform = Type.Union([
  Type.Literal("linux"),
  Type.Literal("docker"),
  Type.Literal("kubernetes"),
  Type.Literal("dockerfile"),
]);
const Framework = Type.Union([
  Type.Literal("cis"),
  Type.Literal("nsa"),
  Type.Literal("pci"),
  Type.Literal("hipaa"),
  Type.Literal("nist"),
  Type.Literal("soc2"),
  Type.Literal("gdpr"),
]);
const Ids = Type.Array(Required(128), { maxItems: 64 });
/**
 * The controls mapped to one requirement: broad requirements (PCI DSS 2.2.6, NIST CM-6) gather a hundred or more
 * of the built-in controls on a Linux host, so the bound is the document's own bound on controls.
 */
const RequirementControls = Type.Array(Required(128), { maxItems: 10_000 });

/** A posture control's result as the engine's postureDocument writes it (the control's text, never its CEL). */
export const ControlBody = Type.Object(
  {
    id: Required(128),
    title: Required(512),
    platform: Platform,
    severity: Sev4,
    level: Type.Union([Type.Literal(1), Type.Literal(2)]),
    status: Status,
    subjects: Count,
    reason: Type.Optional(Text(4096)),
    violations: Type.Array(
      Type.Object(
        {
          subject: Required(1024),
          evidence: Type.Array(Text(4096), { maxItems: 50 }),
          location: Type.Optional(
            Type.Object(
              { path: Required(4096), line: Type.Optional(Type.Integer({ minimum: 1 })) },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
      { maxItems: 1000 },
    ),
    rationale: Text(8192),
    remediation: Text(8192),
    frameworks: Type.Record(Type.String({ maxLength: 16 }), Ids, { maxProperties: 16 }),
    references: Type.Optional(Type.Array(Text(2048), { maxItems: 32 })),
    origin: Required(4096),
  },
  { additionalProperties: false },
);

/** The content of a "posture" upload: every control evaluated on the host, and the framework view. */
export const PostureContent = Type.Object(
  {
    platforms: Type.Array(Platform, { maxItems: 4 }),
    summary: Type.Record(Status, Count),
    controls: Type.Array(ControlBody, { maxItems: 10_000 }),
    frameworks: Type.Array(
      Type.Object(
        {
          id: Framework,
          title: Text(512),
          requirements: Type.Array(
            Type.Object(
              { id: Required(256), title: Type.Optional(Text(1024)), status: Status, controls: RequirementControls },
              { additionalProperties: false },
            ),
            { maxItems: 10_000 },
          ),
          passed: Count,
          failed: Count,
          notApplicable: Count,
          score: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
        },
        { additionalProperties: false },
      ),
      { maxItems: 16 },
    ),
    warnings: Type.Optional(Warnings()),
  },
  { additionalProperties: false },
);

/** The content of a "done" upload: the scan's end, with what the sensor warned about. */
export const DoneContent = Type.Object(
  {
    warnings: Type.Optional(Warnings()),
    /** For a container: the image it runs (findings are filtered on it as their image). */
    image: Type.Optional(Required(1024)),
  },
  { additionalProperties: true },
);
/** The content of a "failed" upload. */
export const FailedContent = Type.Object({ error: Required(4096) }, { additionalProperties: true });

import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImage, writeOciLayout } from "../../../../test/fixtures/image-builder.js";
import { openOciLayout } from "./oci-layout.js";

const sha = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

let dir: string;
let amd64Config: string;
let arm64Config: string;

/** Two single-platform layouts merged into one multi-platform index, as `docker buildx` writes them. */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rampart-oci-"));
  const amd = await buildImage([[{ path: "arch", content: "amd64" }]]);
  const arm = await buildImage([[{ path: "arch", content: "arm64" }]]);
  amd64Config = sha(amd.config);
  arm64Config = sha(arm.config);
  await writeOciLayout(join(dir, "a"), amd);
  await writeOciLayout(dir, arm);
  // put amd's blobs next to arm's
  const aIndex = JSON.parse(await readFile(join(dir, "a", "index.json"), "utf8"));
  const bIndex = JSON.parse(await readFile(join(dir, "index.json"), "utf8"));
  for (const d of [
    aIndex.manifests[0].digest,
    ...JSON.parse(
      await readFile(join(dir, "a", "blobs", "sha256", aIndex.manifests[0].digest.slice(7)), "utf8"),
    ).layers.map((l: { digest: string }) => l.digest),
    amd64Config,
  ]) {
    await writeFile(
      join(dir, "blobs", "sha256", d.slice(7)),
      await readFile(join(dir, "a", "blobs", "sha256", d.slice(7))),
    );
  }
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [
        { ...aIndex.manifests[0], annotations: undefined, platform: { os: "linux", architecture: "amd64" } },
        {
          ...bIndex.manifests[0],
          annotations: undefined,
          platform: { os: "linux", architecture: "arm64", variant: "v8" },
        },
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          digest: bIndex.manifests[0].digest,
          size: 1,
          platform: { os: "unknown", architecture: "unknown" },
        },
      ],
    }),
  );
  await writeFile(join(dir, "blobs", "sha256", sha(index).slice(7)), index);
  await writeFile(
    join(dir, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: "application/vnd.oci.image.index.v1+json",
          digest: sha(index),
          size: index.length,
          annotations: { "org.opencontainers.image.ref.name": "multi" },
        },
      ],
    }),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("openOciLayout with a multi-platform index", () => {
  it("picks the manifest for --platform", async () => {
    expect((await openOciLayout(dir, { ref: "multi", platform: "linux/amd64" })).configDigest).toBe(amd64Config);
    expect((await openOciLayout(dir, { ref: "multi", platform: "linux/arm64" })).configDigest).toBe(arm64Config);
    expect((await openOciLayout(dir, { ref: "multi", platform: "linux/arm64/v8" })).configDigest).toBe(arm64Config);
  });

  it("names the platforms it has when none matches", async () => {
    await expect(openOciLayout(dir, { ref: "multi", platform: "linux/s390x" })).rejects.toThrow(
      /no image for platform linux\/s390x; available: linux\/amd64, linux\/arm64\/v8$/,
    );
  });

  it("names the tags it has when the ref is unknown", async () => {
    await expect(openOciLayout(dir, { ref: "nope" })).rejects.toThrow(/no image named nope; the layout has multi/);
  });
});

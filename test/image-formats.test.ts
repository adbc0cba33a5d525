import { describe, expect, it } from "vitest";
import { inventoryOf, packageList } from "./fixtures/scan.js";
import { testdata } from "./fixtures/testdata.js";

/** One image, read through every local format, must give one package list. */
describe("the same image in every archive format", () => {
  it.each(["bookworm", "vuln-app"])("%s: docker-archive, OCI layout directory and OCI archive agree", async (name) => {
    const tag = name === "bookworm" ? "debian-bookworm" : "vuln-app-1.0";
    const docker = await inventoryOf(testdata(`images/${tag}.docker.tar`));
    const layout = await inventoryOf(`oci:${testdata("oci")}:${tag}`);
    const archive = await inventoryOf(testdata(`images/${tag}.oci.tar`));
    expect(docker.packages.length).toBeGreaterThan(80);
    expect(packageList(layout)).toEqual(packageList(docker));
    expect(packageList(archive)).toEqual(packageList(docker));
    // same layers, same diffIDs, whatever the compression
    expect(layout.source.layers?.map((l) => l.diffId)).toEqual(docker.source.layers?.map((l) => l.diffId));
    expect(docker.packages.map((p) => p.purl)).toEqual(archive.packages.map((p) => p.purl));
  });
});

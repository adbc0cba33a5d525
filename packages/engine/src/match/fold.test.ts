import { describe, expect, it } from "vitest";
import { foldAdvisories } from "./fold.js";

describe("foldAdvisories", () => {
  it("joins a GHSA and its CVE, and a PYSEC aliasing the same GHSA", () => {
    const groups = foldAdvisories(
      [
        { id: "GHSA-aaaa", aliases: ["CVE-2020-1"], related: [] },
        { id: "PYSEC-2020-9", aliases: ["GHSA-aaaa"], related: [] },
        { id: "GHSA-bbbb", aliases: ["CVE-2020-2"], related: [] },
      ],
      new Set(),
    );
    expect(groups).toEqual([["GHSA-aaaa", "PYSEC-2020-9"], ["GHSA-bbbb"]]);
  });

  it("folds a DSA into the matched CVEs it relates to, and never joins two CVEs through it", () => {
    const groups = foldAdvisories(
      [
        { id: "CVE-2021-1", aliases: [], related: [] },
        { id: "CVE-2021-3", aliases: [], related: [] },
        { id: "DSA-5000-1", aliases: [], related: ["CVE-2021-1", "CVE-2021-3"] },
      ],
      new Set(["CVE-2021-1", "CVE-2021-2", "CVE-2021-3", "DSA-5000-1"]),
    );
    expect(groups).toEqual([
      ["CVE-2021-1", "DSA-5000-1"],
      ["CVE-2021-3", "DSA-5000-1"],
    ]);
  });

  it("drops a DSA whose CVEs have records for the package but did not match; keeps one with no CVE records", () => {
    const known = new Set(["CVE-2021-2", "DSA-5001-1", "DLA-9-1"]);
    expect(foldAdvisories([{ id: "DSA-5001-1", aliases: [], related: ["CVE-2021-2"] }], known)).toEqual([]);
    expect(foldAdvisories([{ id: "DLA-9-1", aliases: [], related: ["CVE-2019-7"] }], known)).toEqual([["DLA-9-1"]]);
  });
});

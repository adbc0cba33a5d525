import { describe, expect, it } from "vitest";
import { emptyLayerResult, type LayerResult } from "./layer-result.js";
import { applyLayers, readMerged, resolvePath } from "./merge.js";

const pkg = (name: string, version: string, path: string, layer: string) => ({
  type: "deb" as const,
  name,
  version,
  foundBy: "test",
  location: { path, layer },
});

function layer(patch: Partial<LayerResult>): LayerResult {
  return { ...emptyLayerResult(), ...patch };
}

describe("applyLayers", () => {
  it("drops what whiteouts and opaque directories hide, keeps the rest", () => {
    const view = applyLayers([
      layer({
        packages: {
          "/a/x/METADATA": [pkg("x", "1", "/a/x/METADATA", "L1")],
          "/b/y/METADATA": [pkg("y", "1", "/b/y/METADATA", "L1")],
          "/c/z/METADATA": [pkg("z", "1", "/c/z/METADATA", "L1")],
        },
      }),
      layer({
        whiteouts: ["/a/x"],
        opaques: ["/b"],
        packages: { "/b/w/METADATA": [pkg("w", "1", "/b/w/METADATA", "L2")] },
      }),
    ]);
    expect([...view.packages.keys()].sort()).toEqual(["/b/w/METADATA", "/c/z/METADATA"]);
  });

  it("keeps the layer that introduced an unchanged package when a later layer rewrites the database", () => {
    const view = applyLayers([
      layer({ packages: { "/var/lib/dpkg/status": [pkg("libc6", "2.36", "/var/lib/dpkg/status", "L1")] } }),
      layer({
        packages: {
          "/var/lib/dpkg/status": [
            pkg("libc6", "2.36", "/var/lib/dpkg/status", "L2"),
            pkg("curl", "7.88", "/var/lib/dpkg/status", "L2"),
          ],
        },
      }),
    ]);
    const got = view.packages.get("/var/lib/dpkg/status")?.map((p) => [p.name, p.location.layer]);
    expect(got).toEqual([
      ["libc6", "L1"],
      ["curl", "L2"],
    ]);
  });

  it("reads files through symlinks, in the file and in its directories", () => {
    const view = applyLayers([
      layer({
        files: { "/usr/lib/os-release": "ID=debian\n" },
        symlinks: { "/etc/os-release": "../usr/lib/os-release", "/lib": "usr/lib" },
      }),
    ]);
    expect(readMerged(view, "/etc/os-release")).toBe("ID=debian\n");
    expect(readMerged(view, "/lib/os-release")).toBe("ID=debian\n");
  });
});

describe("resolvePath", () => {
  it("never leaves the root and gives up on loops", () => {
    expect(resolvePath("/etc/x", new Map([["/etc/x", "../../../../../outside"]]))).toBe("/outside");
    expect(
      resolvePath(
        "/a",
        new Map([
          ["/a", "/b"],
          ["/b", "/a"],
        ]),
      ),
    ).toBeUndefined();
    expect(resolvePath("/a/f", new Map([["/a", "a/b"]]))).toBeUndefined();
    expect(resolvePath("/a/f", new Map([["/a", "."]]))).toBe("/f");
  });
});

import { describe, expect, it } from "vitest";
import { nuget } from "./nuget.js";
import { expectSpec, feedVersions, pairsFor } from "./test-support.js";

// NuGet.Versioning rules (docs: "Package versioning", VersionComparer); no .NET runtime is available here.
const SPEC = `
  1.0 = 1.0.0
  1.0.0.0 = 1.0.0
  1 = 1.0.0.0
  1.0.0.1 > 1.0.0
  01.2.3 = 1.2.3
  1.0.0-beta < 1.0.0
  1.0.0-Beta = 1.0.0-beta
  1.0.0-ALPHA < 1.0.0-beta
  1.0.0-alpha < 1.0.0-alpha.1
  1.0.0-alpha.1 < 1.0.0-alpha.beta
  1.0.0-beta.2 < 1.0.0-beta.11
  1.0.0-rc.1 < 1.0.0-rc.2
  1.0.0-1 < 1.0.0-a
  1.0.0-beta4 < 1.0.0-beta5
  1.0.0-beta10 < 1.0.0-beta9
  1.0.0+git.abc = 1.0.0
  1.0.0-beta+1 = 1.0.0-beta+2
  1.0.0-2147483648 > 1.0.0-999
  1.0.0-2147483647 < 1.0.0-a
  6.8.6.601 > 6.8.6
  13.0.1 > 13.0.0-beta1
`;

describe("NuGet versions", () => {
  it("follows NuGet.Versioning's comparison rules", () => {
    expectSpec(nuget, SPEC);
  });

  it("validates like NuGetVersion.TryParse", () => {
    for (const v of ["", "a", "1.0.0.0.0", "1.0.0-", "1.0.0-a..b", "1.0 ", "v1.0", "2147483648.0.0", "1.0.0+"]) {
      expect(nuget.valid(v), v).toBe(false);
    }
    for (const v of ["1", "1.0", "1.0.0.0", "1.0.0-beta.1+meta", "2147483647.0"]) expect(nuget.valid(v), v).toBe(true);
  });

  it("orders every NuGet feed version without throwing", () => {
    const byPackage = feedVersions("NuGet", ["Maven", "PyPI", "npm"]);
    const { pairs, versions, invalid } = pairsFor(nuget, byPackage, { samePackage: 2000, random: 2000 });
    console.log(`nuget: ${versions.length} distinct valid versions, ${invalid.length} refused: ${invalid.join(" ")}`);
    expect(versions.length).toBeGreaterThan(300);
    // Antisymmetry on every pair (the order is total).
    for (const [a, b] of pairs) expect(Math.sign(nuget.compare(a, b)) + Math.sign(nuget.compare(b, a))).toBe(0);
  });
});

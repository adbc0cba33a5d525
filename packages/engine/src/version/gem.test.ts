import { describe, expect, it } from "vitest";
import { gem } from "./gem.js";
import {
  expectAgreement,
  expectSpec,
  feedVersions,
  type Pair,
  pairsFor,
  requireTool,
  runReference,
  specPairs,
} from "./test-support.js";

// Gem::Version's documented behaviour.
const SPEC = `
  1.0 = 1
  1.0.0 = 1
  1.0.a = 1.a
  1.0.a.0 = 1.a
  1.0.0.a < 1.0.0
  1.0.a < 1.0.b
  1.0.a10 > 1.0.a9
  1.0.rc1 < 1.0
  1.0.pre.1 < 1.0.rc.1
  1.0-1 = 1.0.pre.1
  1.0-beta < 1.0
  2.3.9.pre < 2.3.9
  1.17.0.pre1 < 1.17.0.pre.2
  1.10 > 1.9
  1.0.A < 1.0.a
  5.1.0.beta1 < 5.1.0.rc1
  7.0.2.2 > 7.0.2
  1.2.3.4.5 > 1.2.3.4
  0.99999999999999999999 > 0.99999999999999999998
`;

const TRICKY: Pair[] = [
  [" 1.0 ", "1.0"],
  ["1.0.0.0.0", "1"],
  ["1.a.0.b", "1.a.b"],
  ["1.0-alpha-2", "1.0.pre.alpha.pre.2"],
  ["1.0b1", "1.0.b.1"],
  ["1.0.a1b2", "1.0.a.1.b.2"],
  ["0", "0.0.0"],
];

/** Gem::Version from Debian's ruby, one process for all pairs. */
function gemReference(pairs: Pair[]): string[] {
  const ruby = requireTool("ruby", "RubyGems version tests");
  const script = `
out = []
STDIN.read.split("\\n").each do |line|
  next if line.empty?
  a, b = line.split("\\t", 2)
  if Gem::Version.correct?(a) && Gem::Version.correct?(b)
    out << (Gem::Version.new(a) <=> Gem::Version.new(b)).to_s
  else
    out << "invalid"
  end
end
STDOUT.write(out.join("\\n") + "\\n")
`;
  return runReference(ruby, ["-e", script], pairs);
}

describe("RubyGems versions", () => {
  it("follows Gem::Version's rules", () => {
    expectSpec(gem, SPEC);
  });

  it("validates like Gem::Version.correct?", () => {
    for (const v of ["", "a", "1.0 1", "1..0", "1.0-", "-1", "1.0_1", "1.0+1"]) expect(gem.valid(v), v).toBe(false);
    for (const v of ["1", " 1.0 ", "1.0.a", "1.0-beta-2", "1.0b1", "0.0.0.0.1"]) expect(gem.valid(v), v).toBe(true);
  });

  it("agrees with Gem::Version on the RubyGems OSV feed", () => {
    const byPackage = feedVersions("RubyGems", ["RubyGems", "Maven", "PyPI", "npm"]);
    const { pairs, versions, invalid } = pairsFor(gem, byPackage, { samePackage: 6000, random: 6000 });
    console.log(
      `gem: ${versions.length} distinct valid versions, ${invalid.length} refused: ${invalid.slice(0, 10).join(" ")}`,
    );
    expect(versions.length).toBeGreaterThan(1000);
    const judged = [...pairs, ...specPairs(SPEC).pairs, ...TRICKY];
    const answers = gemReference([...judged, ...invalid.map((v): Pair => [v, "1"])]);
    expect(answers.slice(judged.length).every((a) => a === "invalid")).toBe(true);
    expect(answers.slice(0, judged.length).filter((a) => a === "invalid")).toEqual([]);
    expectAgreement("Gem::Version", gem, judged, answers.slice(0, judged.length).map(Number));
  });
});

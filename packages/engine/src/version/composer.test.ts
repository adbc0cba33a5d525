import { describe, expect, it } from "vitest";
import { composer, normalizeComposer } from "./composer.js";
import {
  expectAgreement,
  expectSpec,
  feedVersions,
  type Pair,
  pairsFor,
  requireFile,
  requireTool,
  runReference,
  specPairs,
} from "./test-support.js";

// composer/semver's normalization and PHP's version_compare order.
const SPEC = `
  1.0 = 1.0.0.0
  v1.0.0 = 1.0.0
  1.0.0-dev < 1.0.0-alpha1
  1.0.0-alpha1 < 1.0.0-beta1
  1.0.0-beta1 < 1.0.0-RC1
  1.0.0-RC1 < 1.0.0
  1.0.0 < 1.0.0-patch1
  1.0.0-p1 = 1.0.0-pl1
  1.0.0RC1 = 1.0.0-rc1
  v3.12.0RC1 < v3.12.0
  v3.2.0-alpha-1 < v3.2.0
  1.0.0-a1 = 1.0.0-alpha1
  1.0.0-b2 = 1.0.0-beta.2
  1.0.0+build5 = 1.0.0
  1.0.0-stable = 1.0.0
  1.x-dev > 1.99.0
  2.0.0-beta1 > 1.x-dev
  2010.01.02 > 2009.12.31
  v3.13.0.1 > v3.13.0
  1.0@beta = 1.0
`;

const TRICKY: Pair[] = [
  ["1.0.0-beta.1.2", "1.0.0-beta1.3"],
  ["1.0-dev", "1.0.0.0-dev"],
  ["1.0.0-alpha.dev", "1.0.0-alpha"],
  ["20230102", "2023.01.02"],
  ["2023-01-02", "2023.01.02"],
  ["1.0 as 2.0", "1.0"],
  ["1.0.0-STABLE", "1.0.0"],
  ["1.0.0-RC", "1.0.0-rc0"],
  ["1.*-dev", "1.x-dev"],
  ["v1", "1.0.0.0"],
];

const AUTOLOAD = "/usr/share/php/Composer/Semver/autoload.php";

/** composer/semver (Debian's php-composer-semver): normalize(), then Comparator on the normalized strings. */
function composerReference(pairs: Pair[]): string[] {
  const php = requireTool("php", "Packagist version tests");
  requireFile(AUTOLOAD, "Packagist version tests (php-composer-semver)");
  const script = `
require '${AUTOLOAD}';
use Composer\\Semver\\Comparator;
use Composer\\Semver\\VersionParser;
$p = new VersionParser();
$n = function ($v) use ($p) {
  try { $x = $p->normalize($v); } catch (Exception $e) { return null; }
  return strpos($x, 'dev-') === 0 ? null : $x;
};
$out = '';
foreach (explode("\\n", stream_get_contents(STDIN)) as $line) {
  if ($line === '') continue;
  [$a, $b] = explode("\\t", $line, 2);
  $x = $n($a); $y = $n($b);
  if ($x === null || $y === null) { $out .= "invalid\\n"; continue; }
  $out .= (Comparator::lessThan($x, $y) ? -1 : (Comparator::equalTo($x, $y) ? 0 : 1)) . "\\n";
}
echo $out;
`;
  return runReference(php, ["-r", script], pairs);
}

describe("Packagist versions", () => {
  it("normalizes like VersionParser::normalize", () => {
    expect(normalizeComposer("v3.12.0RC1")).toBe("3.12.0.0-RC1");
    expect(normalizeComposer("2.1-p1")).toBe("2.1.0.0-patch1");
    expect(normalizeComposer("1.x-dev")).toBe("1.9999999.9999999.9999999-dev");
    expect(normalizeComposer("dev-main")).toBe("dev-main");
    expect(normalizeComposer("not a version")).toBeUndefined();
    expect(composer.valid("dev-main")).toBe(false);
  });

  it("follows composer's stability order", () => {
    expectSpec(composer, SPEC);
  });

  it("agrees with composer/semver on the Packagist versions of the OSV feeds", () => {
    const byPackage = feedVersions("Packagist", ["Maven", "PyPI", "npm", "Go", "RubyGems"]);
    const { pairs, versions, invalid } = pairsFor(composer, byPackage, { samePackage: 4000, random: 4000 });
    console.log(
      `composer: ${versions.length} distinct valid versions, ${invalid.length} refused: ${invalid.slice(0, 10).join(" ")}`,
    );
    expect(versions.length).toBeGreaterThan(100);
    const judged = [...pairs, ...specPairs(SPEC).pairs, ...TRICKY];
    const answers = composerReference([...judged, ...invalid.map((v): Pair => [v, "1.0"])]);
    expect(answers.slice(judged.length).every((a) => a === "invalid")).toBe(true);
    expect(answers.slice(0, judged.length).filter((a) => a === "invalid")).toEqual([]);
    expectAgreement("composer/semver Comparator", composer, judged, answers.slice(0, judged.length).map(Number));
  });
});

// Shared by the report and VEX tests (excluded from the build): findings built from real advisories (OSV
// records, CISA KEV and FIRST EPSS entries of the feed fixtures in test/fixtures/feeds) and scan reports of the
// vuln-app image holding them; its planted secrets are in test-support/secrets.ts, its malware findings in
// test-support/malware.ts.
import type { MalwareFinding } from "../malware/types.js";
import type { Finding, FindingPackage } from "../match/finding.js";
import type { Risk } from "../risk/risk.js";
import type { CvssScore } from "../risk/types.js";
import type { SecretFinding } from "../secrets/types.js";
import type { ScannerName, ScanReport, SuppressedFinding } from "./scan-report.js";
import { LAYERS } from "./test-support/layers.js";
import { allMalware } from "./test-support/malware.js";
import { allSecrets } from "./test-support/secrets.js";

export { LAYERS } from "./test-support/layers.js";
export * from "./test-support/malware.js";
export * from "./test-support/secrets.js";

const cvss31 = (vector: string, baseScore: number, severity: CvssScore["severity"], source: string): CvssScore => ({
  version: "3.1",
  vector,
  baseScore,
  severity,
  source,
});

const risk = (score: number, why: string, factors: Record<string, number> = {}): Risk => ({ score, why, factors });

type Fields = Omit<Finding, "aliases" | "advisories" | "fixedVersions" | "cvss" | "references" | "fixState"> &
  Partial<Pick<Finding, "aliases" | "advisories" | "fixedVersions" | "cvss" | "references">>;

function finding(f: Fields): Finding {
  const fixedVersions = f.fixedVersions ?? [];
  return {
    aliases: [],
    advisories: [],
    cvss: [],
    references: [],
    ...f,
    fixedVersions,
    fixState: fixedVersions.length ? "fixed" : "not-fixed",
  };
}

const pkg = (p: FindingPackage): FindingPackage => p;

/** GHSA-jfh8-c2jp-5v3q: Log4Shell, in KEV with known ransomware use, EPSS 0.99999. */
export const log4shell = (): Finding =>
  finding({
    id: "CVE-2021-44228",
    aliases: ["GHSA-jfh8-c2jp-5v3q"],
    advisories: ["GHSA-jfh8-c2jp-5v3q"],
    package: pkg({
      name: "log4j-core",
      version: "2.14.1",
      type: "maven",
      purl: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
      locations: [
        { path: "/app/java/app.jar", layer: LAYERS.java, member: ["BOOT-INF/lib/log4j-core-2.14.1.jar"] },
        { path: "/app/java/lib/log4j-core-2.14.1-FAKE.jar", layer: LAYERS.java },
      ],
    }),
    matchedOn: { ecosystem: "Maven", name: "org.apache.logging.log4j:log4j-core", version: "2.14.1" },
    fixedVersions: ["2.3.1", "2.12.2", "2.15.0"],
    severity: "critical",
    severitySource: "cvss 3.1",
    cvss: [cvss31("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10, "critical", "GHSA-jfh8-c2jp-5v3q")],
    epss: { score: 0.99999, percentile: 1, date: "2026-08-16" },
    kev: {
      dateAdded: "2021-12-10",
      dueDate: "2021-12-24",
      ransomware: true,
      vulnerabilityName: "Apache Log4j2 Remote Code Execution Vulnerability",
      requiredAction:
        "For all affected software assets for which updates exist, the only acceptable remediation actions are: 1) Apply updates; OR 2) remove affected assets from agency networks.",
    },
    title: "Remote code injection in Log4j",
    description:
      "Log4j versions prior to 2.16.0 are subject to a remote code execution vulnerability via the ldap JNDI parser.",
    published: "2021-12-10T00:40:56Z",
    modified: "2024-07-25T20:23:05.854188Z",
    references: [
      "https://nvd.nist.gov/vuln/detail/CVE-2021-44228",
      "https://logging.apache.org/log4j/2.x/changes-report.html#a2.15.0",
    ],
    risk: risk(98.6, "KEV since 2021-12-10 (ransomware) · EPSS 1.00 · network · fix 2.15.0", {
      kev: 40,
      epss: 30,
      cvss: 28.6,
    }),
  });

/** GHSA-6757-jp84-gxfx: PyYAML full_load code execution; CVSS 3.1 and 4.0 vectors. */
export const pyyaml = (): Finding =>
  finding({
    id: "CVE-2020-1747",
    aliases: ["GHSA-6757-jp84-gxfx", "PYSEC-2020-96"],
    advisories: ["GHSA-6757-jp84-gxfx", "PYSEC-2020-96"],
    package: pkg({
      name: "PyYAML",
      version: "5.1",
      type: "pypi",
      purl: "pkg:pypi/pyyaml@5.1",
      locations: [
        { path: "/usr/local/lib/python3.9/site-packages/PyYAML-5.1.dist-info/METADATA", layer: LAYERS.python },
      ],
    }),
    matchedOn: { ecosystem: "PyPI", name: "pyyaml", version: "5.1" },
    fixedVersions: ["5.3.1"],
    severity: "critical",
    severitySource: "cvss 4.0",
    cvss: [
      cvss31("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "critical", "GHSA-6757-jp84-gxfx"),
      {
        version: "4.0",
        vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        baseScore: 9.3,
        severity: "critical",
        source: "GHSA-6757-jp84-gxfx",
      },
    ],
    epss: { score: 0.05398, percentile: 0.91988, date: "2026-08-16" },
    title: "Improper Input Validation in PyYAML",
    description:
      "A vulnerability was discovered in the PyYAML library in versions before 5.3.1, where it is susceptible to arbitrary code execution when it processes untrusted YAML files through the full_load method or with the FullLoader loader.",
    published: "2021-04-20T16:14:24Z",
    modified: "2024-10-31T16:23:39.829701Z",
    references: ["https://nvd.nist.gov/vuln/detail/CVE-2020-1747", "https://github.com/yaml/pyyaml/pull/386"],
    risk: risk(71.2, "EPSS 0.05 · network · fix 5.3.1"),
  });

/** GHSA-4374-p667-p6c8 / GO-2023-2102: HTTP/2 rapid reset in golang.org/x/net. */
export const rapidReset = (): Finding =>
  finding({
    id: "CVE-2023-39325",
    aliases: ["GHSA-4374-p667-p6c8", "GO-2023-2102"],
    advisories: ["GHSA-4374-p667-p6c8", "GO-2023-2102"],
    package: pkg({
      name: "golang.org/x/net",
      version: "v0.7.0",
      type: "golang",
      purl: "pkg:golang/golang.org/x/net@v0.7.0",
      locations: [{ path: "/usr/local/bin/lab-goapp", layer: LAYERS.go }],
    }),
    matchedOn: { ecosystem: "Go", name: "golang.org/x/net", version: "0.7.0" },
    fixedVersions: ["0.17.0"],
    severity: "high",
    severitySource: "cvss 3.1",
    cvss: [cvss31("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5, "high", "GHSA-4374-p667-p6c8")],
    epss: { score: 0.03796, percentile: 0.89071, date: "2026-08-16" },
    title: "HTTP/2 rapid reset can cause excessive work in net/http",
    description:
      "A malicious HTTP/2 client which rapidly creates requests and immediately resets them can cause excessive server resource consumption.",
    published: "2023-10-11T20:35:43Z",
    modified: "2024-10-22T05:28:51.237028Z",
    references: ["https://nvd.nist.gov/vuln/detail/CVE-2023-39325", "https://go.dev/issue/63417"],
    risk: risk(58, "EPSS 0.04 · network · fix 0.17.0"),
  });

/** GHSA-jpcq-cgw6-v4j6: jQuery <option> XSS, in KEV since 2025 (ransomware use unknown); text with < > ' "". */
export const jqueryXss = (): Finding =>
  finding({
    id: "CVE-2020-11023",
    aliases: ["BIT-drupal-2020-11023", "GHSA-jpcq-cgw6-v4j6"],
    advisories: ["GHSA-jpcq-cgw6-v4j6"],
    package: pkg({
      name: "jquery",
      version: "3.4.0",
      type: "npm",
      purl: "pkg:npm/jquery@3.4.0",
      locations: [{ path: "/app/node/node_modules/jquery/package.json", layer: LAYERS.node }],
    }),
    matchedOn: { ecosystem: "npm", name: "jquery", version: "3.4.0" },
    fixedVersions: ["3.5.0"],
    severity: "medium",
    severitySource: "cvss 3.1",
    cvss: [cvss31("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:L/A:N", 6.9, "medium", "GHSA-jpcq-cgw6-v4j6")],
    epss: { score: 0.8383, percentile: 0.99667, date: "2026-08-16" },
    kev: {
      dateAdded: "2025-01-23",
      dueDate: "2025-02-13",
      ransomware: false,
      vulnerabilityName: "JQuery Cross-Site Scripting (XSS) Vulnerability",
    },
    title: "Potential XSS vulnerability in jQuery",
    description:
      "Passing HTML containing `<option>` elements from untrusted sources - even after sanitizing them - to one of jQuery's DOM manipulation methods (i.e. `.html()`, `.append()`, and others) may execute untrusted code. This problem is patched in jQuery 3.5.0.",
    published: "2020-04-29T22:19:14Z",
    modified: "2025-01-31T21:09:33.320645Z",
    references: [
      "https://github.com/jquery/jquery/security/advisories/GHSA-jpcq-cgw6-v4j6",
      "https://nvd.nist.gov/vuln/detail/CVE-2020-11023",
    ],
    risk: risk(84.1, "KEV since 2025-01-23 · EPSS 0.84 · network · fix 3.5.0"),
  });

/** GHSA-35jh-r3h4-6jhm: lodash template command injection. */
export const lodashTemplate = (): Finding =>
  finding({
    id: "CVE-2021-23337",
    aliases: ["GHSA-35jh-r3h4-6jhm"],
    advisories: ["GHSA-35jh-r3h4-6jhm"],
    package: pkg({
      name: "lodash",
      version: "4.17.15",
      type: "npm",
      purl: "pkg:npm/lodash@4.17.15",
      locations: [{ path: "/app/node/node_modules/lodash/package.json", layer: LAYERS.node }],
    }),
    matchedOn: { ecosystem: "npm", name: "lodash", version: "4.17.15" },
    fixedVersions: ["4.17.21"],
    severity: "high",
    severitySource: "cvss 3.1",
    cvss: [cvss31("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 7.2, "high", "GHSA-35jh-r3h4-6jhm")],
    epss: { score: 0.21333, percentile: 0.97387, date: "2026-08-16" },
    title: "Command Injection in lodash",
    description: "`lodash` versions prior to 4.17.21 are vulnerable to Command Injection via the template function.",
    published: "2021-05-06T16:05:51Z",
    modified: "2025-01-14T08:57:24.130762Z",
    references: ["https://nvd.nist.gov/vuln/detail/CVE-2021-23337"],
    risk: risk(52.3, "EPSS 0.21 · network · fix 4.17.21"),
  });

/** CVE-2023-0286 in Debian 11's openssl (binary libssl1.1), fixed by DSA-5343-1. */
export const opensslX400 = (): Finding =>
  finding({
    id: "CVE-2023-0286",
    aliases: ["DSA-5343-1", "GHSA-x4qr-2fvf-3mr5", "RUSTSEC-2023-0006"],
    advisories: ["CVE-2023-0286"],
    package: pkg({
      name: "libssl1.1",
      version: "1.1.1n-0+deb11u3",
      type: "deb",
      purl: "pkg:deb/debian/libssl1.1@1.1.1n-0+deb11u3?arch=amd64&distro=debian-11&upstream=openssl",
      locations: [{ path: "/var/lib/dpkg/status", layer: LAYERS.base }],
    }),
    matchedOn: { ecosystem: "Debian:11", name: "openssl", version: "1.1.1n-0+deb11u3" },
    fixedVersions: ["1.1.1n-0+deb11u4"],
    severity: "high",
    severitySource: "cvss 3.1",
    vendorSeverity: "not yet assigned",
    cvss: [cvss31("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:H", 7.4, "high", "CVE-2023-0286")],
    epss: { score: 0.59501, percentile: 0.99045, date: "2026-08-16" },
    description:
      "There is a type confusion vulnerability relating to X.400 address processing inside an X.509 GeneralName.",
    published: "2023-02-08T20:15:24Z",
    modified: "2024-12-05T15:34:59.075789Z",
    references: ["https://www.openssl.org/news/secadv/20230207.txt"],
    risk: risk(66.4, "EPSS 0.60 · network · fix 1.1.1n-0+deb11u4"),
  });

/** CVE-2011-3374: apt-key, "unimportant" for Debian and never fixed. */
export const aptKey = (): Finding =>
  finding({
    id: "CVE-2011-3374",
    package: pkg({
      name: "apt",
      version: "2.2.4",
      type: "deb",
      purl: "pkg:deb/debian/apt@2.2.4?arch=amd64&distro=debian-11",
      locations: [{ path: "/var/lib/dpkg/status", layer: LAYERS.base }],
    }),
    matchedOn: { ecosystem: "Debian:11", name: "apt", version: "2.2.4" },
    severity: "negligible",
    severitySource: "debian urgency",
    vendorSeverity: "unimportant",
    cvss: [cvss31("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:L/A:N", 3.7, "low", "CVE-2011-3374")],
    epss: { score: 0.01191, percentile: 0.65305, date: "2026-08-16" },
    description:
      "It was found that apt-key in apt, all versions, do not correctly validate gpg keys with the master keyring, leading to a potential man-in-the-middle attack.",
    published: "2019-11-26T00:15:11Z",
    modified: "2025-01-14T06:03:41.718525Z",
    references: ["https://security-tracker.debian.org/tracker/CVE-2011-3374"],
    risk: risk(8.5, "Debian: unimportant · no fix"),
  });

/** Every sample finding, highest risk first. */
export const allFindings = (): Finding[] =>
  [log4shell(), jqueryXss(), pyyaml(), opensslX400(), rapidReset(), lodashTemplate(), aptKey()].sort(
    (a, b) => b.risk.score - a.risk.score,
  );

/** vuln-app scanned with `--scanners vuln,secret`. */
export function secretScanReport(
  secrets: SecretFinding[] = allSecrets(),
  findings: Finding[] = allFindings(),
): ScanReport {
  return { ...scanReport(findings), scanners: ["vuln", "secret"], secrets };
}

/** vuln-app scanned with `--scanners secret` only: no packages matched, no vulnerability findings. */
export function secretOnlyReport(secrets: SecretFinding[] = allSecrets()): ScanReport {
  return { ...scanReport([]), scanners: ["secret"], packageCount: 0, secrets };
}

/** vuln-app scanned with `--scanners vuln,malware`. */
export function malwareScanReport(
  malware: MalwareFinding[] = allMalware(),
  findings: Finding[] = allFindings(),
): ScanReport {
  return { ...scanReport(findings), scanners: ["vuln", "malware"], malware };
}

/** vuln-app scanned with `--scanners malware` only: no packages matched, no vulnerability findings. */
export function malwareOnlyReport(malware: MalwareFinding[] = allMalware()): ScanReport {
  return { ...scanReport([]), scanners: ["malware"], packageCount: 0, malware };
}

// ---- Reports ------------------------------------------------------------------------------------------------

/** A scan report of the vuln-app image (`--scanners vuln`): the given findings kept, the given ones suppressed. */
export function scanReport(
  findings: Finding[] = allFindings(),
  suppressed: SuppressedFinding[] = [],
  scanners: ScannerName[] = ["vuln"],
): ScanReport {
  return {
    source: {
      kind: "image",
      name: "docker.io/lab/vuln-app:1.0",
      transport: "registry",
      imageId: "sha256:089bb39877cf4a6df6da9a0092028158981d286a42257c7fb9f21abc9f21996b",
      manifestDigest: "sha256:4c2f7e1d8a9b3f6e5d0c7a2b1e8f9d3c6a5b4e7f0d1c2b3a4e5f6d7c8b9a0e1f",
      tags: ["docker.io/lab/vuln-app:1.0"],
      architecture: "amd64",
      os: "linux",
      layers: Object.values(LAYERS).map((diffId) => ({ diffId, digest: diffId })),
    },
    distro: { id: "debian", versionId: "11", codename: "bullseye", prettyName: "Debian GNU/Linux 11 (bullseye)" },
    packageCount: 412,
    scanners,
    findings,
    suppressed,
    db: {
      schemaVersion: 1,
      builtAt: "2026-08-16T06:00:00.000Z",
      feeds: [
        {
          name: "osv:Debian",
          dataAsOf: "2026-08-16T04:12:00Z",
          importedAt: "2026-08-16T06:00:00.000Z",
          records: 48213,
        },
        { name: "kev", dataAsOf: "2025-08-25", importedAt: "2026-08-16T06:00:00.000Z", records: 1423 },
        { name: "epss", dataAsOf: "2026-08-16", importedAt: "2026-08-16T06:00:00.000Z", records: 296330 },
      ],
    },
    warnings: [],
    tool: { name: "rampart", version: "0.1.0" },
    createdAt: "2026-08-19T09:30:00.000Z",
  };
}

/** The report with lodash taken out by VEX and apt by an ignore rule. */
export function reportWithSuppressed(): ScanReport {
  const all = allFindings();
  const isOut = (f: Finding) => f.id === "CVE-2021-23337" || f.id === "CVE-2011-3374";
  return scanReport(
    all.filter((f) => !isOut(f)),
    [
      {
        finding: lodashTemplate(),
        by: "vex",
        reason: "not_affected (vulnerable_code_not_in_execute_path): the app never calls _.template with user input",
        file: "vex/app.openvex.json",
      },
      {
        finding: aptKey(),
        by: "ignore-file",
        reason: "apt-key is not used at run time",
        file: ".rampartignore.yaml",
      },
    ],
  );
}

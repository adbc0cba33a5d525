import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import type { MalwareFinding } from "../malware/types.js";
import type { Finding } from "../match/finding.js";
import type { SecretFinding } from "../secrets/types.js";
import { renderJunit, xmlAttr, xmlText } from "./junit.js";
import type { ScanReport } from "./scan-report.js";
import {
  allFindings,
  allMalware,
  allSecrets,
  EICAR_SHA256,
  eicarFile,
  eicarInZip,
  jqueryXss,
  malwareOnlyReport,
  malwareScanReport,
  plantedSecrets,
  reportWithSuppressed,
  scanReport,
  secretOnlyReport,
  secretScanReport,
} from "./test-support.js";

type Case = {
  "@_classname": string;
  "@_name": string;
  failure?: { "#text": string; "@_message": string; "@_type": string };
  skipped?: { "@_message": string };
};
type Suite = {
  "@_name": string;
  properties: { property: Array<{ "@_name": string; "@_value": string }> };
  "@_tests": string;
  "@_failures": string;
  "@_skipped": string;
  testcase: Case[];
};

const parser = new XMLParser({
  ignoreAttributes: false,
  isArray: (name) => name === "testcase" || name === "property",
  trimValues: false,
  // Numeric character references (&#10;) are XML; the option name is the library's.
  htmlEntities: true,
});

function parse(xml: string): { suites: Record<string, string>; suite: Suite } {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = parser.parse(xml);
  return { suites: doc.testsuites, suite: doc.testsuites.testsuite };
}

describe("JUnit XML", () => {
  it("is well-formed XML with a test case per finding and counts that add up", () => {
    const r = reportWithSuppressed();
    const { suites, suite } = parse(renderJunit(r));
    expect(suites["@_tests"]).toBe("7");
    expect(suites["@_failures"]).toBe("5");
    expect(suites["@_skipped"]).toBe("2");
    expect(suite["@_name"]).toBe("docker.io/lab/vuln-app:1.0 (Debian GNU/Linux 11 (bullseye))");
    expect(suite["@_tests"]).toBe("7");
    expect(suite["@_failures"]).toBe("5");
    expect(suite.testcase).toHaveLength(7);
    expect(suite.testcase.filter((c) => c.failure)).toHaveLength(r.findings.length);
    expect(suite.testcase.filter((c) => c.skipped)).toHaveLength(r.suppressed.length);
  });

  it("names each case by package and 'ID package@version', the failure by severity, with why and fix", () => {
    const { suite } = parse(renderJunit(scanReport()));
    const log4j = suite.testcase[0] as Case;
    expect(log4j["@_classname"]).toBe("org.apache.logging.log4j:log4j-core");
    expect(log4j["@_name"]).toBe("CVE-2021-44228 org.apache.logging.log4j:log4j-core@2.14.1");
    expect(log4j.failure?.["@_type"]).toBe("critical");
    expect(log4j.failure?.["@_message"]).toBe(
      "org.apache.logging.log4j:log4j-core 2.14.1: CVE-2021-44228 (critical), fixed in 2.3.1, 2.12.2, 2.15.0",
    );
    expect(log4j.failure?.["#text"]).toContain(`Why: ${allFindings()[0]?.risk.why}`);
    expect(log4j.failure?.["#text"]).toContain(
      "Fix: upgrade org.apache.logging.log4j:log4j-core to one of 2.3.1, 2.12.2, 2.15.0",
    );
    expect(log4j.failure?.["#text"]).toContain("Found at: /app/java/app.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar");
    const apt = suite.testcase.find((c) => c["@_name"].startsWith("CVE-2011-3374")) as Case;
    expect(apt.failure?.["@_message"]).toContain("no fix available");
    expect(apt.failure?.["#text"]).toContain("Fix: no fixed version yet");
  });

  it("escapes every text: markup, quotes, ampersands and characters XML cannot hold survive a real parser", () => {
    const nasty: Finding = {
      ...jqueryXss(),
      title: `Passing HTML containing <option> elements & "quotes" to jQuery's .html()`,
      risk: { ...jqueryXss().risk, why: `KEV since 2025-01-23 · <b>bold</b> & "x"\u0001\u0007 ]]> 'y'` },
    };
    nasty.package = { ...nasty.package, name: `jq"uery<&>`, purl: "pkg:npm/jquery@3.4.0" };
    const xml = renderJunit(scanReport([nasty]));
    const { suite } = parse(xml);
    const c = suite.testcase[0] as Case;
    expect(c.failure?.["#text"]).toContain(`Passing HTML containing <option> elements & "quotes" to jQuery's .html()`);
    expect(c.failure?.["#text"]).toContain(`<b>bold</b> & "x"\uFFFD\uFFFD ]]> 'y'`);
    expect(xml.includes("\u0001") || xml.includes("\u0007")).toBe(false);
    expect(c["@_classname"]).toBe(`jq"uery<&>`);
    expect(c["@_name"]).toBe(`CVE-2020-11023 jq"uery<&>@3.4.0`);
  });

  it("keeps line breaks inside attribute values", () => {
    expect(xmlAttr('a\nb\t"c"')).toBe("a&#10;b&#9;&quot;c&quot;");
    expect(xmlText("a < b && c > d")).toBe("a &lt; b &amp;&amp; c &gt; d");
    const parsed = parser.parse(`<x a="${xmlAttr("line 1\nline 2")}"/>`);
    expect(parsed.x["@_a"]).toBe("line 1\nline 2");
  });

  it("has one passing case when nothing was found", () => {
    const { suites, suite } = parse(renderJunit(scanReport([])));
    expect(suites["@_tests"]).toBe("1");
    expect(suites["@_failures"]).toBe("0");
    expect(suite.testcase).toHaveLength(1);
    expect(suite.testcase[0]?.failure).toBeUndefined();
    expect(suite.testcase[0]?.["@_name"]).toBe("no vulnerabilities found");
  });
});

describe("JUnit XML with secrets", () => {
  const secretCases = (suite: Suite) => suite.testcase.filter((c) => c["@_classname"].startsWith("secret."));

  it("adds one failing case per secret, counted with the vulnerabilities", () => {
    const { suites, suite } = parse(renderJunit(secretScanReport()));
    const n = allFindings().length + allSecrets().length;
    expect(suites["@_tests"]).toBe(String(n));
    expect(suites["@_failures"]).toBe(String(n));
    expect(suite["@_failures"]).toBe(String(n));
    expect(secretCases(suite)).toHaveLength(allSecrets().length);
    expect(secretCases(suite).every((c) => c.failure)).toBe(true);
  });

  it("names a secret case 'secret.<rule id>' and 'path:line', the failure by severity with the masked preview", () => {
    const { suite } = parse(renderJunit(secretOnlyReport()));
    const cases = secretCases(suite);
    expect(cases.map((c) => [c["@_classname"], c["@_name"]])).toEqual(
      allSecrets().map((x) => [`secret.${x.ruleId}`, `${x.path}:${x.line}`]),
    );
    const jwt = allSecrets().find((x) => x.ruleId === "jwt") as SecretFinding;
    const c = cases.find((x) => x["@_classname"] === "secret.jwt") as Case;
    expect(c["@_name"]).toBe("/app/config/config.yaml:5");
    expect(c.failure?.["@_type"]).toBe("medium");
    expect(c.failure?.["@_message"]).toBe(`JSON Web Token (${jwt.preview}) at /app/config/config.yaml:5 (medium)`);
    expect(c.failure?.["#text"]).toContain("Found at: /app/config/config.yaml:5:22");
    expect(c.failure?.["#text"]).toContain(`Layer: ${jwt.layer}`);
    expect(c.failure?.["#text"]).toContain(`Line: ${jwt.snippet}`);
    expect(c.failure?.["#text"]).toContain(`Fingerprint: ${jwt.fingerprint}`);
  });

  it("shows only the secrets, with one passing case when none was found", () => {
    const only = parse(renderJunit(secretOnlyReport()));
    expect(only.suite.testcase).toHaveLength(allSecrets().length);
    expect(only.suite.testcase.some((c) => c["@_name"] === "no vulnerabilities found")).toBe(false);
    const none = parse(renderJunit(secretOnlyReport([])));
    expect(none.suites["@_failures"]).toBe("0");
    expect(none.suite.testcase.map((c) => c["@_name"])).toEqual(["no secrets found"]);
    const clean = parse(renderJunit(secretScanReport([], [])));
    expect(clean.suite.testcase.map((c) => c["@_name"])).toEqual(["no vulnerabilities found", "no secrets found"]);
  });

  it("escapes a secret's rule, title, path and snippet like every other text", () => {
    const [first] = plantedSecrets("directory").map((p) => p.finding);
    const nasty: SecretFinding = {
      ...(first as SecretFinding),
      ruleId: `custom<&>"rule"`,
      title: `Token for <b>"prod"</b> & 'staging'`,
      path: "/srv/a&b/<x>\u0001.env",
      snippet: `key = "ab12****************yz" # <&> ]]>`,
    };
    const xml = renderJunit(secretOnlyReport([nasty]));
    const c = parse(xml).suite.testcase[0] as Case;
    expect(c["@_classname"]).toBe(`secret.custom<&>"rule"`);
    expect(c["@_name"]).toBe("/srv/a&b/<x>\uFFFD.env:1");
    expect(c.failure?.["#text"]).toContain(`Token for <b>"prod"</b> & 'staging'`);
    expect(c.failure?.["#text"]).toContain(`Line: key = "ab12****************yz" # <&> ]]>`);
    expect(c.failure?.["#text"]).not.toContain("Layer:");
    expect(xml.includes("\u0001")).toBe(false);
  });
});

describe("JUnit XML with malware", () => {
  const malwareCases = (suite: Suite) => suite.testcase.filter((c) => c["@_classname"].startsWith("malware."));
  const props = (suite: Suite) => Object.fromEntries(suite.properties.property.map((p) => [p["@_name"], p["@_value"]]));

  it("adds one failing case per finding, counted with the vulnerabilities", () => {
    const { suites, suite } = parse(renderJunit(malwareScanReport()));
    const n = allFindings().length + allMalware().length;
    expect(suites["@_tests"]).toBe(String(n));
    expect(suites["@_failures"]).toBe(String(n));
    expect(suite["@_failures"]).toBe(String(n));
    expect(malwareCases(suite)).toHaveLength(allMalware().length);
    expect(malwareCases(suite).every((c) => c.failure)).toBe(true);
    expect(props(suite).malware).toBe(String(allMalware().length));
    expect(props(suite).scanners).toBe("vuln,malware");
  });

  it("counts and orders vulnerabilities, secrets and malware when all three scanners ran", () => {
    const all: ScanReport = { ...secretScanReport(), scanners: ["vuln", "secret", "malware"], malware: allMalware() };
    const { suites, suite } = parse(renderJunit(all));
    const n = allFindings().length + allSecrets().length + allMalware().length;
    expect(suites["@_tests"]).toBe(String(n));
    expect(suites["@_failures"]).toBe(String(n));
    const kinds = suite.testcase.map((c) =>
      c["@_classname"].startsWith("secret.") ? "secret" : c["@_classname"].startsWith("malware.") ? "malware" : "vuln",
    );
    expect(kinds.indexOf("malware")).toBe(allFindings().length + allSecrets().length);
    expect(kinds.lastIndexOf("secret")).toBeLessThan(kinds.indexOf("malware"));
  });

  it("names a case 'malware.<rule id>' and the path, in the report's order, the failure by severity", () => {
    const { suite } = parse(renderJunit(malwareOnlyReport()));
    const cases = malwareCases(suite);
    expect(cases.map((c) => [c["@_classname"], c["@_name"]])).toEqual(
      allMalware().map((m) => [`malware.${m.ruleId}`, m.path]),
    );
    const shell = cases[0] as Case;
    expect(shell["@_name"]).toBe("/var/www/html/shell.php");
    expect(shell.failure?.["@_type"]).toBe("critical");
    expect(shell.failure?.["@_message"]).toBe(
      "PHP web shell: request input passed to code or command execution at /var/www/html/shell.php (critical)",
    );
    const body = shell.failure?.["#text"] as string;
    expect(body).toContain("Rule: WebShell_PHP_Request_Exec (default pack), class webshell");
    expect(body).toContain("SHA-256: 822223a61ca4747a89ab7c1bd630d1c7056e35dfb936287d0b4c6033b38e3f7b (65 bytes)");
    expect(body).toContain(`Layer: ${allMalware()[0]?.layer}`);
    expect(body).toContain("Matched: $php at byte 0, $x1 at byte 6, $x1 at byte 42");
    expect(body).toContain("Reference: https://attack.mitre.org/techniques/T1505/003/");
    expect(body).toContain("Fix: find out how the file got there");
    expect(body).not.toContain("Archive:");
  });

  it("names an archive member 'archive!member' and gives the archive's hash", () => {
    const zipped = eicarInZip();
    const { suite } = parse(renderJunit(malwareOnlyReport([zipped])));
    const c = suite.testcase[0] as Case;
    expect(c["@_name"]).toBe("/app/uploads/eicar.zip!eicar.com");
    expect(c.failure?.["#text"]).toContain(
      `Archive: /app/uploads/eicar.zip (sha256 ${zipped.archive?.archiveSha256}), member eicar.com`,
    );
    expect(c.failure?.["#text"]).toContain(`SHA-256: ${EICAR_SHA256} (68 bytes)`);
  });

  it("shows only the malware, with one passing case when none was found", () => {
    const only = parse(renderJunit(malwareOnlyReport()));
    expect(only.suite.testcase).toHaveLength(allMalware().length);
    expect(only.suite.testcase.some((c) => c["@_name"] === "no vulnerabilities found")).toBe(false);
    expect(props(only.suite)).not.toHaveProperty("secrets");
    const none = parse(renderJunit(malwareOnlyReport([])));
    expect(none.suites["@_failures"]).toBe("0");
    expect(none.suite.testcase.map((c) => c["@_name"])).toEqual(["no malware found"]);
    expect(props(none.suite).malware).toBe("0");
    const clean = parse(renderJunit(malwareScanReport([], [])));
    expect(clean.suite.testcase.map((c) => c["@_name"])).toEqual(["no vulnerabilities found", "no malware found"]);
    expect(props(parse(renderJunit(scanReport())).suite)).not.toHaveProperty("malware");
  });

  it("escapes a rule's id, description and path like every other text, and leaves out what is unknown", () => {
    const nasty: MalwareFinding = {
      ...eicarFile(),
      ruleId: "Odd_Rule",
      description: `Shell <b>"x"</b> & 'y' ]]>`,
      path: "/srv/a&b/<x>\u0001.php",
    };
    delete nasty.layer;
    delete nasty.class;
    delete nasty.reference;
    const xml = renderJunit(malwareOnlyReport([nasty]));
    const c = parse(xml).suite.testcase[0] as Case;
    expect(c["@_name"]).toBe("/srv/a&b/<x>\uFFFD.php");
    expect(c.failure?.["#text"]).toContain(`Shell <b>"x"</b> & 'y' ]]>`);
    expect(c.failure?.["#text"]).toContain("Rule: Odd_Rule (default pack)\n");
    expect(c.failure?.["#text"]).not.toContain("Layer:");
    expect(c.failure?.["#text"]).not.toContain("Reference:");
    expect(xml.includes("\u0001")).toBe(false);
  });
});

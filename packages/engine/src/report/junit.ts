/**
 * JUnit XML, as CI systems (GitLab, Jenkins, Azure Pipelines, CircleCI) read test reports: one test suite for
 * the target, one failing test case per finding (classname the package, name "ID package@version"), suppressed
 * findings as skipped test cases. Secrets: one failing test case per finding (classname "secret.<rule id>", which
 * Jenkins shows as package "secret", class the rule; name "path:line"), with only the scanner's masked preview
 * and snippet. Malware: one failing test case per file a rule matched (classname "malware.<rule id>", name the
 * path, "archive!member" inside an archive), with the rule's description, class, pack, reference and the file's
 * sha256. A scanner that ran and found nothing gives one passing test case, so the report is never empty.
 * Written by hand: the format is a handful of elements, and every text goes through xmlText/xmlAttr.
 */
import type { MalwareFinding } from "../malware/types.js";
import type { Finding } from "../match/finding.js";
import type { ControlResult } from "../posture/control.js";
import type { SecretFinding } from "../secrets/types.js";
import type { ScanReport, SuppressedFinding } from "./scan-report.js";
import {
  displayName,
  fixSentence,
  MALWARE_FIX,
  malwareTitle,
  secretPlace,
  showsMalware,
  showsSecrets,
  showsVulns,
  targetText,
} from "./text.js";

/** XML 1.0's Char production: tab, LF, CR, and the rest from U+0020 but surrogates, U+FFFE and U+FFFF. */
function isXmlChar(c: number): boolean {
  return (
    c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000
  );
}

/** Characters XML cannot carry at all (C0 controls, lone surrogates…) become U+FFFD. */
function xmlChars(text: string): string {
  let out = "";
  for (const ch of text) out += isXmlChar(ch.codePointAt(0) as number) ? ch : "\uFFFD";
  return out;
}

export function xmlText(text: string): string {
  return xmlChars(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Attribute values also keep their quotes and line breaks (a parser would fold raw ones to spaces). */
export function xmlAttr(text: string): string {
  return xmlText(text)
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\t/g, "&#9;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;");
}

const attrs = (a: Record<string, string | number>): string =>
  Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join("");

const caseName = (f: Finding): string => `${f.id} ${displayName(f.package)}@${f.package.version}`;

function fixAdvice(f: Finding): string {
  const name = displayName(f.package);
  if (f.fixedVersions.length === 0) return "no fixed version yet";
  if (f.fixedVersions.length === 1) return `upgrade ${name} to ${f.fixedVersions[0]}`;
  return `upgrade ${name} to one of ${f.fixedVersions.join(", ")} (the fix in its release line)`;
}

function failure(f: Finding): string {
  const summary = `${displayName(f.package)} ${f.package.version}: ${f.id} (${f.severity}), ${fixSentence(f)}`;
  const body = [
    f.title ?? f.description ?? f.id,
    `Why: ${f.risk.why}`,
    `Fix: ${fixAdvice(f)}`,
    `Package: ${f.package.purl}`,
    ...f.package.locations.map((l) => `Found at: ${[l.path, ...(l.member ?? [])].join("!/")}`),
  ].join("\n");
  return `<failure${attrs({ message: summary, type: f.severity })}>${xmlText(body)}</failure>`;
}

function testcase(f: Finding, suppressed?: SuppressedFinding): string {
  const open = `<testcase${attrs({ classname: displayName(f.package), name: caseName(f), time: 0 })}>`;
  const inner = suppressed
    ? `<skipped${attrs({ message: `suppressed by ${suppressed.by === "vex" ? "VEX" : "ignore file"} ${suppressed.file}: ${suppressed.reason}` })}/>`
    : failure(f);
  return `    ${open}\n      ${inner}\n    </testcase>`;
}

function secretCase(s: SecretFinding): string {
  const open = `<testcase${attrs({ classname: `secret.${s.ruleId}`, name: secretPlace(s), time: 0 })}>`;
  const summary = `${s.title} (${s.preview}) at ${secretPlace(s)} (${s.severity})`;
  const body = [
    `${s.title} (${s.preview})`,
    `Rule: ${s.ruleId}`,
    `Found at: ${secretPlace(s)}:${s.column}`,
    ...(s.layer ? [`Layer: ${s.layer}`] : []),
    ...(s.snippet !== undefined ? [`Line: ${s.snippet}`] : []),
    `Fingerprint: ${s.fingerprint}`,
    `Fix: revoke or rotate the credential, then remove it from ${s.layer ? "the image (a file deleted in a later layer is still in this one)" : "the files"} and load it at run time`,
  ].join("\n");
  const failure = `<failure${attrs({ message: summary, type: s.severity })}>${xmlText(body)}</failure>`;
  return `    ${open}\n      ${failure}\n    </testcase>`;
}

function malwareCase(m: MalwareFinding): string {
  const open = `<testcase${attrs({ classname: `malware.${m.ruleId}`, name: m.path, time: 0 })}>`;
  const what = malwareTitle(m);
  const summary = `${what} at ${m.path} (${m.severity})`;
  const body = [
    what,
    `Rule: ${m.ruleId} (${m.pack} pack)${m.class ? `, class ${m.class}` : ""}`,
    `Found at: ${m.path}`,
    ...(m.archive
      ? [`Archive: ${m.archive.archive} (sha256 ${m.archive.archiveSha256}), member ${m.archive.member}`]
      : []),
    ...(m.layer ? [`Layer: ${m.layer}`] : []),
    `SHA-256: ${m.sha256} (${m.size} bytes)`,
    ...(m.hits.length ? [`Matched: ${m.hits.map((h) => `${h.identifier} at byte ${h.offset}`).join(", ")}`] : []),
    ...(m.reference ? [`Reference: ${m.reference}`] : []),
    `Fix: ${MALWARE_FIX}`,
  ].join("\n");
  const failure = `<failure${attrs({ message: summary, type: m.severity })}>${xmlText(body)}</failure>`;
  return `    ${open}\n      ${failure}\n    </testcase>`;
}

/** Each posture control evaluated is a test case: pass, failure, skipped (not applicable) or error. */
function postureCase(r: ControlResult): string {
  const c = r.control;
  const open = `<testcase${attrs({ classname: `posture.${c.platform}`, name: `${c.id}: ${c.title}`, time: 0 })}`;
  if (r.status === "pass") return `    ${open}/>`;
  if (r.status === "not-applicable")
    return `    ${open}>\n      <skipped${attrs({ message: r.reason ?? "not applicable" })}/>\n    </testcase>`;
  if (r.status === "error")
    return `    ${open}>\n      <error${attrs({ message: r.reason ?? "could not be evaluated" })}/>\n    </testcase>`;
  const body = [
    c.title,
    `Why: ${c.rationale}`,
    `Fix: ${c.remediation}`,
    ...r.violations.map((v) => `Failed: ${v.subject}${v.evidence.length ? ` (${v.evidence.join("; ")})` : ""}`),
  ].join("\n");
  const summary = `${c.id} failed on ${r.violations.length} of ${r.subjects} (${c.severity})`;
  return `    ${open}>\n      <failure${attrs({ message: summary, type: c.severity })}>${xmlText(body)}</failure>\n    </testcase>`;
}

const passing = (name: string) => `    <testcase${attrs({ classname: "rampart", name, time: 0 })}/>`;

export function renderJunit(report: ScanReport): string {
  const vulns = showsVulns(report);
  const secrets = showsSecrets(report) ? (report.secrets ?? []) : [];
  const cases = [...report.findings.map((f) => testcase(f)), ...report.suppressed.map((s) => testcase(s.finding, s))];
  if (vulns && report.findings.length === 0) cases.unshift(passing("no vulnerabilities found"));
  cases.push(...secrets.map(secretCase));
  if (showsSecrets(report) && secrets.length === 0) cases.push(passing("no secrets found"));
  const malware = showsMalware(report) ? (report.malware ?? []) : [];
  cases.push(...malware.map(malwareCase));
  if (showsMalware(report) && malware.length === 0) cases.push(passing("no malware found"));
  const posture = report.posture?.results ?? [];
  cases.push(...posture.map(postureCase));
  const postureCount = (s: ControlResult["status"]) => posture.filter((r) => r.status === s).length;
  const counts = {
    tests: cases.length,
    failures: report.findings.length + secrets.length + malware.length + postureCount("fail"),
    errors: postureCount("error"),
    skipped: report.suppressed.length + postureCount("not-applicable"),
  };
  const target = targetText(report);
  const props = [
    ["target", target],
    ["scanners", report.scanners.join(",")],
    ...(report.scanners.includes("vuln") ? [["packages", String(report.packageCount)]] : []),
    ...(report.db && report.scanners.includes("vuln") ? [["db.builtAt", report.db.builtAt]] : []),
    ...(showsSecrets(report) ? [["secrets", String(secrets.length)]] : []),
    ...(showsMalware(report) ? [["malware", String(malware.length)]] : []),
    ...(report.posture
      ? report.posture.frameworks
          .filter((f) => f.score !== undefined)
          .map((f) => [`posture.${f.id}.score`, String(f.score)])
      : []),
    ["tool", `${report.tool.name} ${report.tool.version}`],
  ].map(([name, value]) => `      <property${attrs({ name: name as string, value: value as string })}/>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: "rampart scan", ...counts, time: 0 })}>`,
    `  <testsuite${attrs({ name: target, ...counts, time: 0, timestamp: report.createdAt })}>`,
    "    <properties>",
    ...props,
    "    </properties>",
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}

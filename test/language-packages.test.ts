import { describe, expect, it } from "vitest";
import { inventoryOf } from "./fixtures/scan.js";
import { testdata } from "./fixtures/testdata.js";

/** The language packages the test setup plants in the vuln-app image (test/setup/layers.sh). */
const PLANTED: Array<[type: string, name: string, version: string, path: RegExp]> = [
  ["npm", "lodash", "4.17.15", /^\/app\/node\//],
  ["npm", "minimist", "1.2.0", /^\/app\/node\//],
  ["npm", "express", "4.16.0", /^\/app\/node\//],
  ["npm", "jquery", "3.4.0", /^\/app\/node\//],
  ["npm", "handlebars", "4.0.11", /^\/app\/node\//],
  ["pypi", "django", "2.2.0", /site-packages\/Django-2\.2\.0\.dist-info/],
  ["pypi", "flask", "0.12.2", /site-packages\/Flask-0\.12\.2\.dist-info/],
  ["pypi", "pyyaml", "5.1", /site-packages\/PyYAML-5\.1\.dist-info/],
  ["pypi", "requests", "2.19.1", /site-packages\/requests-2\.19\.1\.dist-info/],
  ["pypi", "urllib3", "1.24.1", /site-packages\/urllib3-1\.24\.1\.dist-info/],
  ["pypi", "jinja2", "2.10", /site-packages\/Jinja2-2\.10\.dist-info/],
  // Debian's python3 packages in the RUN layer, from their egg-info
  ["pypi", "pyyaml", "5.3.1", /dist-packages/],
  ["pypi", "requests", "2.25.1", /dist-packages/],
  ["pypi", "urllib3", "1.26.5", /dist-packages/],
  ["pypi", "jinja2", "2.11.3", /dist-packages/],
  ["maven", "org.apache.commons/commons-text", "1.9", /^\/app\/java\//],
  ["maven", "com.fasterxml.jackson.core/jackson-databind", "2.12.1", /^\/app\/java\//],
  ["maven", "org.yaml/snakeyaml", "1.28", /^\/app\/java\//],
  ["maven", "org.apache.logging.log4j/log4j-core", "2.17.1", /^\/app\/java\/lib\//],
  ["maven", "org.apache.logging.log4j/log4j-api", "2.17.1", /^\/app\/java\/lib\//],
  ["maven", "org.apache.logging.log4j/log4j-core", "2.14.1", /log4j-core-2\.14\.1-FAKE\.jar$/],
  ["maven", "com.example/test-app", "1.0.0", /^\/app\/java\/app\.jar$/],
  ["golang", "golang.org/x/net", "v0.7.0", /rampart-goapp$/],
  ["golang", "golang.org/x/text", "v0.7.0", /rampart-goapp$/],
  ["golang", "gopkg.in/yaml.v2", "v2.4.0", /rampart-goapp$/],
  ["golang", "stdlib", "1.19.8", /rampart-goapp$/],
  ["golang", "stdlib", "1.15.8", /direnv$/],
  ["gem", "actionpack", "6.1.7", /^\/app\/ruby\/Gemfile\.lock$/],
  ["gem", "nokogiri", "1.13.9", /^\/app\/ruby\/Gemfile\.lock$/],
  ["gem", "rack", "2.2.3", /^\/app\/ruby\/Gemfile\.lock$/],
  ["gem", "rexml", "3.2.5", /\/gems\/3\.1\.0\/specifications\/rexml-3\.2\.5\.gemspec$/],
  ["gem", "uri", "0.11.0", /\/specifications\/default\/uri-0\.11\.0\.gemspec$/],
  ["cargo", "tokio", "1.18.4", /^\/app\/rust\/Cargo\.lock$/],
  ["cargo", "openssl", "0.10.48", /^\/app\/rust\/Cargo\.lock$/],
  ["cargo", "crossbeam-channel", "0.5.11", /^\/app\/rust\/Cargo\.lock$/],
];

describe("language packages planted in the vuln-app image", () => {
  it("are all found with their exact versions and where they are", async () => {
    const inv = await inventoryOf(testdata("images/vuln-app-1.0.docker.tar"));
    const missing: string[] = [];
    for (const [type, name, version, path] of PLANTED) {
      const hit = inv.packages.find(
        (p) =>
          p.type === type &&
          (p.namespace ? `${p.namespace}/${p.name}` : p.name).toLowerCase() === name.toLowerCase() &&
          p.version === version,
      );
      if (!hit) missing.push(`${type} ${name} ${version}`);
      else if (!hit.locations.some((l) => path.test(l.path)))
        missing.push(`${type} ${name} ${version} at ${path} (found at ${hit.locations.map((l) => l.path).join(", ")})`);
    }
    expect(missing).toEqual([]);
    // the fat jar's nested jars are reported as members of it
    const nested = inv.packages.find(
      (p) => p.name === "commons-text" && p.locations.some((l) => l.member?.some((m) => m.includes("BOOT-INF/lib"))),
    );
    expect(nested).toBeDefined();
    // direnv's module dependencies come from the pre-1.18 buildinfo format
    expect(
      inv.packages.filter((p) => p.type === "golang" && p.locations.some((l) => l.path.endsWith("/direnv"))).length,
    ).toBeGreaterThan(3);
  });
});

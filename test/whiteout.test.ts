import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImage, dpkgStatus, writeDockerArchive, writeOciLayout } from "./fixtures/image-builder.js";
import { inventoryOf, packageList } from "./fixtures/scan.js";

const OS_RELEASE =
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n';
const SITE = "usr/local/lib/python3.11/site-packages";
const metadata = (name: string, version: string) => `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`;
const pkgJson = (name: string, version: string) => JSON.stringify({ name, version });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rampart-whiteout-"));
  const img = await buildImage([
    [
      { path: "usr/lib/os-release", content: OS_RELEASE },
      { path: "etc/os-release", symlink: "../usr/lib/os-release" },
      {
        path: "var/lib/dpkg/status",
        content: dpkgStatus([
          { name: "libkeep1", version: "1.0-1" },
          { name: "libgone1", version: "2.0-1", source: "gone" },
        ]),
      },
      { path: `${SITE}/keep-1.0.dist-info/METADATA`, content: metadata("keep", "1.0") },
      { path: `${SITE}/gone-1.0.dist-info/METADATA`, content: metadata("gone", "1.0") },
      { path: "app/node_modules/old/package.json", content: pkgJson("old", "1.0.0") },
    ],
    [
      // `apt-get remove libgone1` rewrites the status file; `pip uninstall gone` leaves a whiteout
      { path: "var/lib/dpkg/status", content: dpkgStatus([{ name: "libkeep1", version: "1.0-1" }]) },
      { path: `${SITE}/.wh.gone-1.0.dist-info`, content: "" },
      // a directory replaced wholesale (opaque): what was below it is gone
      { path: "app/node_modules/.wh..wh..opq", content: "" },
      { path: "app/node_modules/new/package.json", content: pkgJson("new", "2.0.0") },
    ],
  ]);
  await writeDockerArchive(join(dir, "image.tar"), img);
  await writeOciLayout(join(dir, "layout"), img, "1.0");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("layers", () => {
  it("a package deleted in an upper layer is absent from the SBOM", async () => {
    const inv = await inventoryOf(join(dir, "image.tar"));
    expect(packageList(inv)).toEqual(["deb libkeep1 1.0-1", "npm new 2.0.0", "pypi keep 1.0"]);
    expect(inv.distro).toMatchObject({ id: "debian", versionId: "12" });
    // libkeep1 was introduced by the first layer even though the second rewrote the status file
    const keep = inv.packages.find((p) => p.name === "libkeep1");
    expect(keep?.locations[0]?.layer).toBe(inv.source.layers?.[0]?.diffId);
    const added = inv.packages.find((p) => p.name === "new");
    expect(added?.locations[0]?.layer).toBe(inv.source.layers?.[1]?.diffId);
  });

  it("a gzip- or zstd-compressed archive (docker save | gzip) gives the same list", async () => {
    const plain = await readFile(join(dir, "image.tar"));
    await writeFile(join(dir, "image.tar.gz"), gzipSync(plain));
    execFileSync("zstd", ["-q", "-f", join(dir, "image.tar"), "-o", join(dir, "image.tar.zst")]);
    const expected = packageList(await inventoryOf(join(dir, "image.tar")));
    expect(packageList(await inventoryOf(join(dir, "image.tar.gz")))).toEqual(expected);
    expect(packageList(await inventoryOf(join(dir, "image.tar.zst")))).toEqual(expected);
  });

  it("the OCI layout of the same image gives the same list", async () => {
    expect(packageList(await inventoryOf(`oci:${join(dir, "layout")}:1.0`))).toEqual(
      packageList(await inventoryOf(join(dir, "image.tar"))),
    );
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { inventoryOf, packageList } from "./fixtures/scan.js";
import { testdata } from "./fixtures/testdata.js";

/**
 * The same image pulled from a real registry on loopback (Debian's docker-registry, started for the test run
 * by test/global-setup.ts) gives the same package list as its docker-archive — anonymously, with basic
 * auth over TLS, and through the bearer-token flow.
 */
describe("an image pulled from a registry", () => {
  it("gives the same packages as its docker-archive, whatever the auth", async () => {
    const password = readFileSync(testdata("registry", "auth", "password"), "utf8").trim();
    const archive = packageList(await inventoryOf(testdata("images/debian-bookworm.docker.tar")));
    const open = await inventoryOf("registry://127.0.0.1:5000/rampart/debian:bookworm", { insecure: true });
    expect(packageList(open)).toEqual(archive);
    expect(open.source.transport).toBe("registry");
    const basic = await inventoryOf("127.0.0.1:5001/rampart/debian:bookworm", {
      insecure: true,
      username: "rampart",
      password,
    });
    expect(packageList(basic)).toEqual(archive);
    const token = await inventoryOf("registry://127.0.0.1:5002/rampart/debian:bookworm", {
      insecure: true,
      username: "rampart",
      password,
    });
    expect(packageList(token)).toEqual(archive);
  });

  it("an OCI-manifest image from the registry matches its archive too (all 11 layers)", async () => {
    const archive = await inventoryOf(testdata("images/vuln-app-1.0.docker.tar"));
    const pulled = await inventoryOf("registry://127.0.0.1:5000/rampart/vuln-app:1.0", { insecure: true });
    expect(pulled.source.layers).toHaveLength(11);
    expect(packageList(pulled)).toEqual(packageList(archive));
  });

  it("refuses without credentials and with a wrong password, clearly", async () => {
    await expect(inventoryOf("registry://127.0.0.1:5001/rampart/debian:bookworm", { insecure: true })).rejects.toThrow(
      /auth/i,
    );
    await expect(
      inventoryOf("registry://127.0.0.1:5002/rampart/debian:bookworm", {
        insecure: true,
        username: "rampart",
        password: "wrong",
      }),
    ).rejects.toThrow(/auth|denied|401/i);
  });
});

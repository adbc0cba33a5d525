import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, type TestConsole, testConsole } from "./test-support.js";

// Compressed bodies are decoded by the HTTP layer, the same on both stores: SQLite only.
describe("gzip request bodies", () => {
  let c: TestConsole;
  beforeAll(async () => {
    c = await testConsole("sqlite");
  });
  afterAll(async () => {
    await c.close();
  });
  const login = (payload: Buffer, encoding: string) =>
    c.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload,
      headers: { "content-type": "application/json", "content-encoding": encoding },
    });

  it("are accepted and read as the JSON they hold", async () => {
    const r = await login(gzipSync(JSON.stringify({ email: ADMIN.email, password: ADMIN.password })), "gzip");
    expect(r.statusCode).toBe(200);
    expect(r.json().accessToken).toBeTruthy();
  });

  it("cannot expand past the route's limit (a 100 MB bomb in 100 kB is refused with 413)", async () => {
    const limit = c.console.services.config.bodyLimit;
    const bomb = gzipSync(
      Buffer.concat([Buffer.from('{"email":"'), Buffer.alloc(100 * 1024 * 1024, 0x61), Buffer.from('"}')]),
    );
    expect(bomb.length).toBeLessThan(limit / 10);
    const r = await login(bomb, "gzip");
    expect(r.statusCode).toBe(413);
    expect(r.json().code).toBeTruthy();
  });

  it("refuse broken gzip with 400 and unknown encodings with 415", async () => {
    const broken = await login(Buffer.from("this is not gzip at all"), "gzip");
    expect(broken.statusCode).toBe(400);
    const truncated = gzipSync(JSON.stringify({ email: ADMIN.email, password: ADMIN.password }));
    expect((await login(truncated.subarray(0, truncated.length - 6), "gzip")).statusCode).toBe(400);
    const br = await login(Buffer.from("{}"), "br");
    expect(br.statusCode).toBe(415);
    expect(br.json().code).toBe("unsupported_encoding");
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { testdata } from "./test-support.js";
import { hostUsers, parsePasswd } from "./users.js";

describe("user names", () => {
  it("reads the host's passwd (this machine's, copied)", async () => {
    const users = await hostUsers(testdata("hostroot"));
    expect(users.get(0)).toBe("root");
    const lines = readFileSync(testdata("hostroot/etc/passwd"), "utf8").trim().split("\n");
    expect(users.size).toBe(new Set(lines.map((l) => l.split(":")[2])).size);
  });

  it("keeps the first name of a uid and skips what is not an entry", () => {
    const users = parsePasswd(
      "root:x:0:0::/root:/bin/sh\ntoor:x:0:0::/:/bin/sh\n+nis\nbroken\nx:x:notanumber:0::/:/bin/sh\n",
    );
    expect([...users]).toEqual([[0, "root"]]);
  });

  it("is empty without a passwd", async () => {
    expect((await hostUsers("/nonexistent-rt-root")).size).toBe(0);
  });
});

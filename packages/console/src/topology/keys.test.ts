import { describe, expect, it } from "vitest";
import { itemKey, SECTIONS } from "./keys.js";
import { SECTION_ITEMS } from "./report.js";

describe("the contract both sides compute", () => {
  it("lists every section the report schema has, once", () => {
    expect([...SECTIONS].sort()).toEqual(Object.keys(SECTION_ITEMS).sort());
  });

  it("keys sockets by their pid too, so two namespaces' sockets on one port stay apart", () => {
    const a = itemKey("listening", { proto: "tcp", address: "*", port: 80, pid: 10 });
    const b = itemKey("listening", { proto: "tcp", address: "*", port: 80, pid: 11 });
    expect(a).not.toBe(b);
    expect(itemKey("listening", { proto: "tcp", address: "*", port: 80 })).toBe("tcp * 80 -");
  });
});

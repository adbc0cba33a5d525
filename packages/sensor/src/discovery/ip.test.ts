import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bytesIPv6, formatIPv6, procIPv4, procIPv6 } from "./ip.js";

describe("addresses as /proc prints them", () => {
  it("decodes IPv4 words in the host's byte order", () => {
    expect(procIPv4("0100007F")).toBe("127.0.0.1");
    expect(procIPv4("00000000")).toBe("0.0.0.0");
    expect(procIPv4("020200C0")).toBe("192.0.2.2");
    expect(procIPv4("0100007")).toBeUndefined();
    expect(procIPv4("zz00007F")).toBeUndefined();
  });

  it("decodes IPv6 as four words, IPv4-mapped addresses as IPv4", () => {
    expect(procIPv6("00000000000000000000000001000000")).toBe("::1");
    expect(procIPv6("00000000000000000000000000000000")).toBe("::");
    expect(procIPv6("0000000000000000FFFF00000100007F")).toBe("127.0.0.1");
    expect(procIPv6("000080FE00000000FF000C0001000EFE")).toBe("fe80::c:ff:fe0e:1");
    expect(procIPv6("000080FE00000000FF000C0001000EF")).toBeUndefined();
  });

  it("decodes if_inet6's byte-order addresses", () => {
    expect(bytesIPv6("fd000000000000000000000000000002")).toBe("fd00::2");
    expect(bytesIPv6("fe8000000000000000fc00fffe000001")).toBe("fe80::fc:ff:fe00:1");
  });

  it("writes IPv6 as RFC 5952 does, like the WHATWG URL serializer", () => {
    const cases = [
      [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1], // one zero run of 2 vs 2: the first
      [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], // the longer run
      [0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1], // a single zero group stays "0"
      [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    ];
    for (let i = 0; i < 2000; i++) {
      const b = [...randomBytes(16)];
      // Zero some groups so that runs of every length occur.
      for (let g = 0; g < 8; g++) if (Math.random() < 0.5) b[2 * g] = b[2 * g + 1] = 0;
      cases.push(b);
    }
    for (const b of cases) {
      if (b.slice(0, 10).every((x) => x === 0) && b[10] === 255 && b[11] === 255) continue;
      const hex = b.map((x) => x.toString(16).padStart(2, "0")).join("");
      const groups = hex.match(/.{4}/g)?.join(":");
      expect(formatIPv6(b), groups).toBe(new URL(`http://[${groups}]/`).hostname.slice(1, -1));
    }
  });
});

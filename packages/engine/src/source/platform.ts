import { arch } from "node:process";

/** An image platform as OCI writes it ("linux/arm64/v8"). */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const NODE_TO_OCI: Record<string, string> = {
  x64: "amd64",
  arm64: "arm64",
  arm: "arm",
  ia32: "386",
  ppc64: "ppc64le",
  s390x: "s390x",
  riscv64: "riscv64",
};

/** The platform of the machine Rampart runs on: the default pick from a multi-platform index. */
export function hostPlatform(): Platform {
  return { os: "linux", architecture: NODE_TO_OCI[arch] ?? arch };
}

export function parsePlatform(text: string): Platform {
  const [os, architecture, variant] = text.split("/");
  if (!os || !architecture)
    throw new Error(`bad platform ${JSON.stringify(text)}: expected os/arch[/variant], e.g. linux/amd64`);
  return variant ? { os, architecture, variant } : { os, architecture };
}

export const formatPlatform = (p: Platform): string => [p.os, p.architecture, p.variant].filter(Boolean).join("/");

/** Does an index entry's platform satisfy the wanted one? A wanted variant must match; none wanted accepts any. */
export function platformMatches(candidate: Partial<Platform> | undefined, wanted: Platform): boolean {
  if (!candidate) return false;
  if (candidate.os !== wanted.os || candidate.architecture !== wanted.architecture) return false;
  return (
    wanted.variant === undefined ||
    candidate.variant === wanted.variant ||
    (wanted.variant === "v8" && !candidate.variant)
  );
}

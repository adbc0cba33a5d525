/** An SBOM that cannot be read: not JSON, not a format we know, or a document of the wrong shape. */
export class SbomError extends Error {
  override name = "SbomError";
}

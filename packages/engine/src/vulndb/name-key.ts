/** The lookup key for a package name in an OSV ecosystem: names compare as that ecosystem compares them. */
export function nameKey(ecosystem: string, name: string): string {
  const base = ecosystem.split(":", 1)[0] ?? ecosystem;
  switch (base) {
    case "PyPI":
      // PEP 503: case-insensitive, runs of -, _ and . are one separator.
      return name.toLowerCase().replace(/[-_.]+/g, "-");
    case "NuGet":
    case "Packagist":
      return name.toLowerCase();
    default:
      return name;
  }
}

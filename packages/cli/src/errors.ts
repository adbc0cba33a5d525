/** A mistake in how the command was called: exit code 2, like commander's own usage errors. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * An error worth showing, or nothing. `alert` makes it a live alert (announced when it appears): for the answer
 * to something the user just did, not for a page's load failing.
 */
export function ErrorText({ error, alert = false }: { error: string | null | undefined; alert?: boolean }) {
  if (!error) return null;
  return (
    <p className="error" role={alert ? "alert" : undefined}>
      {error}
    </p>
  );
}

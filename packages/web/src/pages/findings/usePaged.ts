import { useCallback, useEffect, useRef, useState } from "react";
import { api, errorMessage } from "../../api/client.js";

interface Paged<T> {
  items: T[] | undefined;
  next: string | null;
  error: string | undefined;
  loading: boolean;
  loadMore(): void;
}

/**
 * A cursor-paged list: the first page of `path` (reloaded when the path changes), and "load more" appending
 * the page after the last `next` cursor. `pick` reads the page's items out of the reply. An empty path loads
 * nothing (the list is not shown).
 */
export function usePaged<R extends { next: string | null }, T>(path: string, pick: (r: R) => T[]): Paged<T> {
  const [items, setItems] = useState<T[]>();
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  const pickRef = useRef(pick);
  pickRef.current = pick;
  // The path a reply belongs to: a reply for a path the user has left is dropped.
  const current = useRef(path);
  current.current = path;

  const load = useCallback(async (cursor: string | null, append: boolean) => {
    const at = current.current;
    setLoading(true);
    setError(undefined);
    try {
      const sep = at.includes("?") ? "&" : "?";
      const r = await api.get<R>(cursor ? `${at}${sep}cursor=${encodeURIComponent(cursor)}` : at);
      if (current.current !== at) return;
      const page = pickRef.current(r);
      setItems((old) => (append && old ? [...old, ...page] : page));
      setNext(r.next);
    } catch (e) {
      if (current.current === at) setError(errorMessage(e));
    } finally {
      if (current.current === at) setLoading(false);
    }
  }, []);

  // A new path loads the first page again.
  useEffect(() => {
    setItems(undefined);
    setNext(null);
    setError(undefined);
    if (path) void load(null, false);
  }, [path, load]);

  return { items, next, error, loading, loadMore: () => void (next && load(next, true)) };
}

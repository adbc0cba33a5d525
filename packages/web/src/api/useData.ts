import { useEffect, useState } from "react";
import { errorMessage } from "./client.js";

/**
 * Data a page loads from the API: the value, the error worth showing, and `reload`. `key` names what the
 * load depends on (a filter's query string…): a new key loads again.
 */
export function useData<T>(load: () => Promise<T>, key = "") {
  const [value, setValue] = useState<T>();
  const [error, setError] = useState<string>();
  const [round, setRound] = useState(0);
  const [started] = useState(() => ({ load }));
  started.load = load;
  // biome-ignore lint/correctness/useExhaustiveDependencies: key and round are what make it load again
  useEffect(() => {
    let live = true;
    setError(undefined);
    started.load().then(
      (v) => live && setValue(v),
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [started, key, round]);
  return { value, error, reload: () => setRound((r) => r + 1) };
}

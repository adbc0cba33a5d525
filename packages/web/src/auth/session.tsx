import { createContext, type ReactNode, useContext, useEffect, useState } from "react";
import { Navigate, useLocation } from "react-router";
import { api, type User } from "../api/client.js";

interface SessionState {
  /** undefined while the session is being restored from the refresh cookie. */
  ready: boolean;
  user: User | undefined;
}

const SessionContext = createContext<SessionState>({ ready: false, user: undefined });

/** The signed-in user, restored once from the refresh cookie and kept in step with the API client. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ ready: false, user: undefined });
  useEffect(() => {
    const off = api.onChange((user) => setState({ ready: true, user }));
    void api.resume().then((user) => setState({ ready: true, user }));
    return off;
  }, []);
  return <SessionContext.Provider value={state}>{children}</SessionContext.Provider>;
}

export const useSession = (): SessionState => useContext(SessionContext);

/** What roles may do: the UI shows no control the console would refuse. */
export function useCan(): { write: boolean; admin: boolean } {
  const role = useSession().user?.role;
  return { write: role === "admin" || role === "standard", admin: role === "admin" };
}

/** Pages behind sign-in: a visitor without a session goes to the sign-in page, and comes back after. */
export function RequireSession({ children }: { children: ReactNode }) {
  const { ready, user } = useSession();
  const location = useLocation();
  if (!ready) return <p className="loading">Loading…</p>;
  if (!user) return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  return children;
}

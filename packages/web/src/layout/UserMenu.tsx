import { useEffect, useRef, useState } from "react";
import { Link, useLocation } from "react-router";
import { api } from "../api/client.js";
import { useSession } from "../auth/session.js";

/**
 * The signed-in user and what they do with their own account: change the password, sign out. A disclosure
 * (a button that shows a list), not an ARIA menu: Tab moves through its links as through the rest of the page.
 * Escape or a click elsewhere closes it; so does going to another page.
 */
export function UserMenu() {
  const { user } = useSession();
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const { pathname } = useLocation();

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new page is what closes it
  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent) => {
      if (!box.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener("mousedown", away);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", away);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  return (
    <div className="user-menu" ref={box}>
      <button
        type="button"
        className="ghost who"
        ref={button}
        aria-expanded={open}
        aria-controls="user-menu-items"
        onClick={() => setOpen((o) => !o)}
      >
        <span className="visually-hidden">Account: </span>
        {user?.email} · {user?.role} <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <ul id="user-menu-items" className="menu">
          <li>
            <Link to="/account/password">Change password</Link>
          </li>
          <li>
            <button type="button" className="ghost" onClick={() => void api.signOut()}>
              Sign out
            </button>
          </li>
        </ul>
      )}
    </div>
  );
}

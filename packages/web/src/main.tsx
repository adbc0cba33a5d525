import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { AcceptInvite } from "./auth/AcceptInvite.js";
import { ForgotPassword } from "./auth/ForgotPassword.js";
import { SignIn } from "./auth/SignIn.js";
import { RequireSession, SessionProvider } from "./auth/session.js";
import { Shell } from "./layout/Shell.js";
import { ThemeProvider } from "./layout/theme.js";
import { PAGES } from "./pages/registry.js";
import "./styles.css";

function App() {
  return (
    <ThemeProvider>
      <SessionProvider>
        <BrowserRouter>
          <Routes>
            <Route path="/sign-in" element={<SignIn />} />
            <Route path="/accept" element={<AcceptInvite />} />
            <Route path="/forgot-password" element={<ForgotPassword />} />
            <Route
              element={
                <RequireSession>
                  <Shell />
                </RequireSession>
              }
            >
              {PAGES.map((p) => (
                <Route key={p.path} path={p.path} element={p.element} />
              ))}
            </Route>
            <Route path="*" element={<Navigate to="/" replace />} />
          </Routes>
        </BrowserRouter>
      </SessionProvider>
    </ThemeProvider>
  );
}

const root = document.getElementById("root");
if (root)
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );

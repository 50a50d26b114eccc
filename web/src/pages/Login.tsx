import { Alert, Button, Card, Form, Input } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router-dom";
import { ApiError, api } from "../api/client.ts";
import type { User } from "../api/types.ts";
import { LangSwitch } from "../components/LangSwitch.tsx";
import { StaffTheme } from "../components/StaffShell.tsx";
import { rolesOf } from "../lib/session.ts";

interface LoginForm {
  readonly username: string;
  readonly password: string;
}

function landingFor(user: User): string {
  const roles = rolesOf(user);
  if (roles.includes("teller")) return "/counter";
  if (roles.includes("lobby_manager")) return "/lobby";
  if (roles.includes("admin") || roles.includes("branch_manager")) return "/admin";
  return "/";
}

/** Only same-origin paths are accepted as `next`, so the login page cannot be used as an open redirect. */
function safeNext(): string | null {
  const next = new URLSearchParams(window.location.search).get("next");
  return next?.startsWith("/") && !next.startsWith("//") ? next : null;
}

/**
 * Whether a path is one of the web app's own pages (opened in place after signing in), not something the server
 * answers itself (the API and its docs, voice clips, files such as widget.js), which must load as a page.
 */
function inApp(path: string): boolean {
  const pathname = path.split(/[?#]/)[0] ?? "";
  return !/^\/(api|voice|assets)(\/|$)/.test(pathname) && !/\.[a-z0-9]+$/i.test(pathname);
}

export default function Login() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (values: LoginForm): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const answer = await api.post<{ user: User }>("/api/auth/login", values);
      const target = safeNext() ?? landingFor(answer.user);
      // The app's pages open in place: the scripts and styles already running are not fetched, parsed and run a
      // second time (on a branch PC, most of a second). The page mounts afresh and reads the new session itself.
      if (inApp(target)) navigate(target);
      else window.location.assign(target);
    } catch (e) {
      if (e instanceof ApiError && e.status === 429) setError(t("login.tooMany"));
      else if (e instanceof ApiError && (e.status === 401 || e.status === 400)) setError(t("login.failed"));
      else setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <StaffTheme>
      <div className="login-page">
        <LangSwitch className="corner" />
        <Card title={`${t("app.name")} · ${t("login.title")}`} className="login-card">
          <Form<LoginForm> layout="vertical" onFinish={(v) => void submit(v)} requiredMark={false}>
            <Form.Item
              name="username"
              label={t("login.username")}
              rules={[{ required: true, message: t("common.required") }]}
            >
              <Input autoFocus autoComplete="username" data-testid="login-username" />
            </Form.Item>
            <Form.Item
              name="password"
              label={t("login.password")}
              rules={[{ required: true, message: t("common.required") }]}
            >
              <Input.Password autoComplete="current-password" data-testid="login-password" />
            </Form.Item>
            {error !== null ? (
              <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} data-testid="login-error" />
            ) : null}
            <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
              {t("login.submit")}
            </Button>
          </Form>
        </Card>
      </div>
    </StaffTheme>
  );
}

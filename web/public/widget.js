/*
 * Datang chat widget: a bank's website includes one tag and gets a floating chat button that opens the
 * customer chat (/chat?embed=1) in a panel.
 *
 *   <script src="https://datang.example.com/widget.js" data-lang="zh-CN" async></script>
 *
 * data-lang: "zh-CN" or "en" (default: the page's <html lang>). Keyboard: the button is a real <button>;
 * Enter/Space opens, focus moves into the chat, Escape (or the close button) closes and gives focus back to
 * the button. window.DatangChat.open() / .close() for the site's own links. No cookies, no globals but that.
 */
(() => {
  if (window.DatangChat) return;
  const script = document.currentScript;
  const origin = script?.src ? new URL(script.src).origin : window.location.origin;
  const pageLang = (document.documentElement.lang || "").toLowerCase();
  const wanted = script?.dataset.lang || (pageLang.startsWith("en") ? "en" : "zh-CN");
  const lang = wanted === "en" ? "en" : "zh-CN";
  const words =
    lang === "en"
      ? { open: "Chat with us", close: "Close chat", title: "Online service" }
      : { open: "在线客服", close: "关闭在线客服", title: "在线客服" };

  const style = (el, props) => {
    for (const [k, v] of Object.entries(props)) el.style.setProperty(k, v);
  };
  const focusRing = (el) => {
    el.addEventListener("focus", () => style(el, { outline: "3px solid #1f5fbf", "outline-offset": "2px" }));
    el.addEventListener("blur", () => style(el, { outline: "none" }));
  };

  const button = document.createElement("button");
  button.type = "button";
  button.id = "datang-chat-button";
  button.textContent = words.open;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "datang-chat-panel");
  style(button, {
    position: "fixed",
    right: "20px",
    bottom: "20px",
    "z-index": "2147483000",
    background: "#9c1a1a",
    color: "#fff",
    border: "none",
    "border-radius": "28px",
    padding: "14px 20px",
    "font-size": "16px",
    "font-family": "system-ui, sans-serif",
    "box-shadow": "0 4px 14px rgba(0,0,0,.25)",
    cursor: "pointer",
    "min-height": "48px",
  });
  focusRing(button);

  const panel = document.createElement("div");
  panel.id = "datang-chat-panel";
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", words.title);
  panel.hidden = true;
  const small = window.matchMedia("(max-width: 480px)").matches;
  style(panel, {
    position: "fixed",
    right: small ? "0" : "20px",
    bottom: small ? "0" : "84px",
    width: small ? "100vw" : "380px",
    height: small ? "100vh" : "min(620px, calc(100vh - 110px))",
    "z-index": "2147483001",
    background: "#fff",
    "border-radius": small ? "0" : "12px",
    "box-shadow": "0 8px 30px rgba(0,0,0,.3)",
    overflow: "hidden",
    display: "none",
    "flex-direction": "column",
  });

  const close = document.createElement("button");
  close.type = "button";
  close.textContent = "×";
  close.setAttribute("aria-label", words.close);
  style(close, {
    position: "absolute",
    top: "6px",
    right: "8px",
    width: "36px",
    height: "36px",
    "font-size": "24px",
    "line-height": "1",
    background: "rgba(255,255,255,.15)",
    color: "#fff",
    border: "none",
    "border-radius": "18px",
    cursor: "pointer",
    "z-index": "1",
  });
  focusRing(close);

  let frame = null;
  const open = () => {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.src = `${origin}/chat?embed=1&lang=${encodeURIComponent(lang)}`;
      frame.title = words.title;
      frame.setAttribute("allow", "clipboard-write");
      style(frame, { border: "0", width: "100%", height: "100%", flex: "1" });
      panel.appendChild(frame);
    }
    panel.hidden = false;
    style(panel, { display: "flex" });
    button.setAttribute("aria-expanded", "true");
    button.textContent = words.close;
    frame.focus();
  };
  const shut = () => {
    panel.hidden = true;
    style(panel, { display: "none" });
    button.setAttribute("aria-expanded", "false");
    button.textContent = words.open;
    button.focus();
  };
  button.addEventListener("click", () => (panel.hidden ? open() : shut()));
  close.addEventListener("click", shut);
  // Escape on the host page closes the chat; inside the chat frame the page tells us (postMessage).
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !panel.hidden) shut();
  });
  window.addEventListener("message", (e) => {
    if (e.origin === origin && e.data && e.data.type === "datang-chat-close" && !panel.hidden) shut();
  });

  panel.appendChild(close);
  const mount = () => {
    document.body.appendChild(panel);
    document.body.appendChild(button);
  };
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
  window.DatangChat = { open, close: shut };
})();

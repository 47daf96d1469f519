/* Reclaim chat: the one line a charity adds to its site loads this file.
 *   <script src="https://HOST/webhooks/widget/widget.js" data-tenant="ID" crossorigin="anonymous" defer></script>
 * It draws only the launcher button and a frame. The chat itself runs in that frame, served by the Reclaim
 * server from its own origin, so nothing on the charity's page (its scripts, analytics, session replay or
 * styles) can reach what the person types. Nothing here ever holds the conversation.
 * Works under a strict Content-Security-Policy: no inline styles or scripts, styles set through the CSSOM. */
(function () {
  "use strict";
  if (window.__reclaimLoader) return;
  window.__reclaimLoader = true;

  var script = document.currentScript || document.querySelector("script[data-tenant][src*='/webhooks/widget/']");
  if (!script) return;
  var BASE = (script.getAttribute("data-server") ||
    new URL(script.src, location.href).href.replace(/\/webhooks\/widget\/[^/]*$/, "")).replace(/\/+$/, "");
  var ORIGIN = new URL(BASE).origin;
  var TENANT = script.getAttribute("data-tenant") || "default";
  var DEFAULT_EXIT = "https://www.bbc.co.uk/weather";
  var SHIFTS_TO_EXIT = 3, SHIFT_WINDOW_MS = 2000, EXIT_ACK_MS = 250;

  var CSS =
    // !important on the host: the page's own rules (even "* {...}") reach the host element and would win.
    ":host{all:initial!important;position:fixed!important;z-index:2147483000!important;right:16px!important;" +
    "bottom:16px!important;display:block!important;--p:#1d4f91;--pt:#fff;--b:#fff;--t:#1b1b1b}" +
    ".launch,.teaser{font:16px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;letter-spacing:normal;" +
    "text-transform:none;text-align:left}" +
    "[hidden]{display:none!important}" +
    ".launch{display:block;margin-left:auto;min-height:44px;cursor:pointer;background:var(--p);color:var(--pt);" +
    "border:2px solid var(--pt);border-radius:999px;padding:.7em 1.2em;font-weight:600;box-shadow:0 2px 10px rgba(0,0,0,.3)}" +
    ".launch:focus-visible{outline:3px solid var(--pt);outline-offset:-6px;box-shadow:0 0 0 3px var(--b),0 0 0 6px var(--t)}" +
    ".teaser{display:block;max-width:260px;margin:0 0 8px auto;padding:8px 12px;background:var(--b);color:var(--t);" +
    "border:1px solid var(--t);border-radius:12px;font-size:.9em;box-shadow:0 2px 10px rgba(0,0,0,.2)}" +
    ".panel{position:fixed;right:16px;bottom:84px;width:380px;max-width:calc(100vw - 32px);height:min(600px,calc(100vh - 110px));" +
    "border:0;border-radius:12px;box-shadow:0 6px 30px rgba(0,0,0,.35);background:var(--b);color-scheme:normal}" +
    "@media (max-width:600px){.panel{inset:0;width:100%;max-width:none;height:100%;border-radius:0}:host([data-open]) .launch{display:none}}";

  var host = document.createElement("reclaim-chat");
  // The launcher's shadow root holds no words from the person, only the button, the greeting and the frame
  // element (whose inside another origin's page cannot read). Open, so accessibility tools can check it.
  var root = host.attachShadow({ mode: "open" });
  var sheet = null;
  try { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); root.adoptedStyleSheets = [sheet]; } catch (e) { sheet = null; }

  var teaser = document.createElement("p");
  teaser.className = "teaser";
  teaser.id = "teaser";
  teaser.hidden = true;
  var launcher = document.createElement("button");
  launcher.type = "button";
  launcher.className = "launch";
  launcher.textContent = "Chat with us";
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "panel");
  launcher.setAttribute("aria-describedby", "teaser");
  var frame = null;
  var exitUrl = DEFAULT_EXIT;
  var shifts = [];
  var leaving = false;

  function post(message) {
    if (frame && frame.contentWindow) frame.contentWindow.postMessage(message, ORIGIN);
  }

  /* The chat's frame, from the Reclaim server's origin. Made early (hidden) so the launcher can show the
     charity's name and colours, which only the frame asks the server for. */
  function makeFrame() {
    frame = document.createElement("iframe");
    frame.id = "panel";
    frame.className = "panel";
    frame.hidden = true;
    frame.title = "Support chat";
    frame.src = BASE + "/webhooks/widget/frame?tenant=" + encodeURIComponent(TENANT);
    frame.setAttribute("referrerpolicy", "no-referrer");
    frame.setAttribute("allow", "");
    root.append(frame, teaser, launcher);
  }

  /* On phones the frame fills the visible viewport, so the chat's input stays above the on-screen keyboard. */
  function fit() {
    var vv = window.visualViewport;
    if (!frame) return;
    if (!vv || frame.hidden || !matchMedia("(max-width: 600px)").matches) {
      frame.style.removeProperty("height"); frame.style.removeProperty("top");
      return;
    }
    frame.style.setProperty("height", vv.height + "px");
    frame.style.setProperty("top", vv.offsetTop + "px");
  }

  function open() {
    frame.hidden = false;
    teaser.hidden = true;
    host.setAttribute("data-open", "");
    launcher.setAttribute("aria-expanded", "true");
    fit();
    frame.focus();
    post({ reclaim: "open" });
  }

  function close() {
    frame.hidden = true;
    teaser.hidden = !teaser.textContent;
    host.removeAttribute("data-open");
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  /* Quick exit: hide everything at once, let the frame forget the conversation (it answers "exited"),
     then replace this page so Back cannot return to it. */
  function quickExit() {
    if (leaving) return;
    leaving = true;
    document.documentElement.style.setProperty("visibility", "hidden", "important");
    var go = function () { location.replace(exitUrl); };
    window.addEventListener("message", function (e) {
      if (e.source === (frame && frame.contentWindow) && e.data && e.data.reclaim === "exited") go();
    });
    post({ reclaim: "exit" });
    setTimeout(go, EXIT_ACK_MS);
  }

  function countShift(isShift, repeat) {
    if (!isShift) { shifts = []; return; }
    if (repeat) return;
    var now = Date.now();
    shifts = shifts.filter(function (t) { return now - t < SHIFT_WINDOW_MS; });
    shifts.push(now);
    if (shifts.length >= SHIFTS_TO_EXIT) quickExit();
  }

  function brand(t) {
    var name = typeof t.display_name === "string" && t.display_name ? t.display_name : "us";
    launcher.textContent = "Chat with " + name;
    frame.title = "Chat with " + name;
    var c = t.colours || {};
    [["--p", c.primary], ["--pt", c.primary_text], ["--b", c.background], ["--t", c.text]].forEach(function (pair) {
      if (typeof pair[1] === "string" && /^#[0-9a-f]{3,6}$/i.test(pair[1])) host.style.setProperty(pair[0], pair[1]);
    });
    if (typeof t.quick_exit_url === "string" && /^https?:\/\//i.test(t.quick_exit_url)) exitUrl = t.quick_exit_url;
    var greeting = typeof t.greeting === "string" ? t.greeting.trim() : "";
    teaser.textContent = greeting;
    teaser.hidden = !greeting || !frame.hidden;
  }

  window.addEventListener("message", function (e) {
    if (!frame || e.source !== frame.contentWindow || e.origin !== ORIGIN || !e.data) return;
    var what = e.data.reclaim;
    if (what === "ready") brand(e.data.tenant || {});
    else if (what === "close") close();
    else if (what === "exit") quickExit();
    else if (what === "key") countShift(e.data.shift === true, e.data.repeat === true);
  });
  // Shift pressed three times anywhere on the page leaves it (presses inside the chat come as messages).
  window.addEventListener("keydown", function (e) { countShift(e.key === "Shift", e.repeat); }, true);
  launcher.addEventListener("click", function () { frame.hidden ? open() : close(); });
  if (window.visualViewport) {
    visualViewport.addEventListener("resize", fit);
    visualViewport.addEventListener("scroll", fit);
  }
  // Never keep the chat in the back/forward cache: a page restored from it starts with the chat closed
  // and a fresh frame, which shows no earlier messages.
  window.addEventListener("pagehide", function () { if (frame) { frame.remove(); frame = null; } });
  window.addEventListener("pageshow", function (e) {
    if (!e.persisted) return;
    root.textContent = "";
    host.removeAttribute("data-open");
    launcher.setAttribute("aria-expanded", "false");
    makeFrame();
  });

  var mount = function () {
    if (!sheet) host.style.setProperty("position", "fixed");
    document.body.appendChild(host);
    makeFrame();
  };
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();

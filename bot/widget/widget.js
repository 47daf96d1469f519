/* Reclaim chat widget. Embed with one line:
 *   <script src="https://HOST/webhooks/widget/widget.js" data-tenant="ID" defer></script>
 * A Web Component with Shadow DOM: the host page's styles and the widget's never meet. No framework, no
 * third-party requests, no cookies, no localStorage: the conversation lives in sessionStorage only and goes
 * when the tab closes. Bot text is always set with textContent, never parsed as HTML. */
(function () {
  "use strict";
  if (window.customElements === undefined || customElements.get("reclaim-chat")) return;

  var script = document.currentScript || document.querySelector("script[data-tenant][src*='widget.js']");
  if (!script) return;
  var SRC = new URL(script.src, location.href);
  // The server base comes from the widget's own address (or data-server), so one line embeds it anywhere.
  var BASE = (script.getAttribute("data-server") || SRC.href.replace(/\/webhooks\/widget\/widget\.js(\?.*)?$/, "")).replace(/\/+$/, "");
  var API = BASE + "/webhooks/widget";
  var TENANT = script.getAttribute("data-tenant") || "default";
  var KEY = "reclaim:" + TENANT;
  var DEFAULT_EXIT = "https://www.bbc.co.uk/weather";
  var NOTICE = "To leave quickly, press Quick exit or press the Shift key three times: this page is replaced by " +
    "another site. Nothing is kept after you close this tab, and you can delete this chat at any time.";

  /* Links: only http(s) and tel: survive; anything else (javascript:, data:, ...) is dropped. */
  function safeUrl(value) {
    if (typeof value !== "string" || !/^\s*(https?:\/\/|tel:)/i.test(value)) return null;
    try {
      var url = new URL(value.trim());
      if (url.protocol === "http:" || url.protocol === "https:" || url.protocol === "tel:") return url.href;
    } catch (e) { /* not a URL */ }
    return null;
  }
  function isHttp(href) { return /^https?:/i.test(href); }
  /* An anonymous count for the charity (bot/channels/metrics.py): tenant and kind only, no conversation id.
     sendBeacon queues it and returns at once, so it never delays leaving; failures are ignored. */
  function count(kind, service) {
    try {
      navigator.sendBeacon(BASE + "/webhooks/metrics/count",
        JSON.stringify(service ? { tenant: TENANT, kind: kind, service: service } : { tenant: TENANT, kind: kind }));
    } catch (e) { /* never in the way */ }
  }

  /* Colours: any tenant colour is accepted, but text is always readable (WCAG AA 4.5:1 or better). */
  function rgb(hex) {
    var m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(hex || "").trim());
    if (!m) return null;
    var h = m[1].length === 3 ? m[1].replace(/./g, "$&$&") : m[1];
    return [0, 2, 4].map(function (i) { return parseInt(h.substr(i, 2), 16); });
  }
  function luminance(c) {
    var v = c.map(function (x) { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  }
  function contrast(a, b) {
    var x = luminance(a), y = luminance(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  }
  function hex(c) { return "#" + c.map(function (x) { return ("0" + x.toString(16)).slice(-2); }).join(""); }
  function readableOn(bg, wanted, min) {
    if (wanted && contrast(bg, wanted) >= min) return wanted;
    return contrast(bg, [0, 0, 0]) >= contrast(bg, [255, 255, 255]) ? [0, 0, 0] : [255, 255, 255];
  }
  function palette(colours) {
    colours = colours || {};
    var bg = rgb(colours.background) || [255, 255, 255];
    var text = readableOn(bg, rgb(colours.text) || [26, 26, 26], 4.5);
    var primary = rgb(colours.primary) || [75, 40, 109];
    var primaryText = readableOn(primary, rgb(colours.primary_text), 4.5);
    // Borders of controls drawn in the primary colour must stand out from the background (3:1).
    var edge = contrast(primary, bg) >= 3 ? primary : text;
    return { bg: hex(bg), text: hex(text), primary: hex(primary), primaryText: hex(primaryText), edge: hex(edge) };
  }

  var CSS =
    ":host{all:initial!important;display:block!important;position:fixed!important;z-index:2147483000!important;right:16px!important;bottom:16px!important;--t:#1a1a1a;--b:#fff;--p:#4b286d;--pt:#fff;--e:#4b286d}" +
    // The host page's styles still reach the host element and would be inherited: set everything afresh here.
    ".launch,.panel,.teaser{font:16px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:var(--t);text-align:left;visibility:visible}" +
    "*,*::before,*::after{box-sizing:border-box;font:inherit;color:inherit;letter-spacing:normal;text-transform:none}" +
    "[hidden]{display:none!important}" +
    "button,a.btn{cursor:pointer;border-radius:8px;padding:.5em .9em;min-height:44px;border:2px solid var(--e);background:var(--b);color:var(--t);text-decoration:none;display:inline-flex;align-items:center;margin:0}" +
    "button:disabled{opacity:.6;cursor:default}" +
    "button:focus-visible,a:focus-visible,textarea:focus-visible{outline:3px solid var(--t);outline-offset:2px;box-shadow:0 0 0 6px var(--b)}" +
    ".launch{background:var(--p);color:var(--pt);border:2px solid var(--pt);border-radius:999px;padding:.7em 1.2em;font-weight:600;box-shadow:0 2px 10px rgba(0,0,0,.3)}" +
    ".teaser{display:block;max-width:260px;margin:0 0 8px auto;padding:8px 12px;background:var(--b);border:1px solid var(--t);border-radius:12px;font-size:.9em;box-shadow:0 2px 10px rgba(0,0,0,.2)}" +
    ".launch{display:block;margin-left:auto}" +
    ".launch:focus-visible{outline:3px solid var(--pt);outline-offset:-6px;box-shadow:0 0 0 3px var(--b),0 0 0 6px var(--t)}" +
    ".panel{position:fixed;right:16px;bottom:84px;width:380px;max-width:calc(100vw - 32px);height:min(600px,calc(100vh - 110px));display:flex;flex-direction:column;background:var(--b);color:var(--t);border:1px solid var(--t);border-radius:12px;box-shadow:0 6px 30px rgba(0,0,0,.35);overflow:hidden}" +
    "header{background:var(--p);color:var(--pt);padding:8px 10px;display:flex;flex-wrap:wrap;gap:6px;align-items:center}" +
    "header h2{flex:1 1 100%;margin:0;font-size:1.05em;font-weight:700;display:flex;gap:8px;align-items:center}" +
    "header img{height:28px;width:auto}" +
    "header button{min-height:40px;padding:.3em .7em;font-size:.95em}" +
    ".exit{background:var(--b);color:var(--t);border-color:var(--t);font-weight:700}" +
    "header .close{margin-left:auto}" +
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:10px;scroll-behavior:smooth}" +
    ".msg{max-width:88%;padding:8px 12px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere}" +
    ".bot{align-self:flex-start;border:1px solid var(--t);background:var(--b)}" +
    ".me{align-self:flex-end;background:var(--p);color:var(--pt)}" +
    ".note{align-self:stretch;max-width:none;border:2px solid var(--t);font-size:.95em}" +
    ".msg a{color:inherit;text-decoration:underline}" +
    ".choices{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px}" +
    ".links{margin:6px 0 0;padding-left:1.2em}" +
    ".busy{padding:0 12px 6px;font-style:italic}" +
    ".busy span{display:inline-block;animation:blink 1.2s infinite}" +
    "@keyframes blink{50%{opacity:.2}}" +
    "form{display:flex;gap:8px;padding:10px;border-top:1px solid var(--t)}" +
    "textarea{flex:1;resize:none;min-height:44px;max-height:120px;padding:8px;border:2px solid var(--t);border-radius:8px;background:var(--b);color:var(--t)}" +
    ".send{background:var(--p);color:var(--pt);border-color:var(--e)}" +
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}" +
    "@media (max-width:600px){.panel{inset:0;width:100%;max-width:none;height:100%;border-radius:0;border:0}:host([data-open]) .launch{display:none}}" +
    "@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important;scroll-behavior:auto!important}}";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text != null) node.textContent = String(text);
    return node;
  }

  function load() {
    try { return JSON.parse(sessionStorage.getItem(KEY)) || {}; } catch (e) { return {}; }
  }

  class ReclaimChat extends HTMLElement {
    constructor() {
      super();
      this.state = load();
      this.state.messages = this.state.messages || [];
      this.tenant = { display_name: "Support chat", quick_exit_url: DEFAULT_EXIT };
      this.shifts = [];
      this.root = this.attachShadow({ mode: "open" });
    }

    connectedCallback() {
      if (this.built) return;
      this.built = true;
      this.build();
      this.onKey = this.onKey.bind(this);
      window.addEventListener("keydown", this.onKey, true);
      var self = this;
      fetch(API + "/tenants/" + encodeURIComponent(TENANT), { credentials: "omit" })
        .then(function (r) { return r.ok ? r.json() : {}; })
        .catch(function () { return {}; })
        .then(function (t) { self.applyTenant(t || {}); });
      if (window.visualViewport) {
        var fit = this.fit.bind(this);
        visualViewport.addEventListener("resize", fit);
        visualViewport.addEventListener("scroll", fit);
      }
      if (this.state.open) this.open(false);
    }

    build() {
      var r = this.root;
      r.appendChild(el("style", {}, CSS));
      this.launcher = el("button", { type: "button", "class": "launch", "aria-expanded": "false", "aria-controls": "panel" }, "Chat with us");
      this.panel = el("section", { id: "panel", "class": "panel", role: "dialog", "aria-labelledby": "title", hidden: "" });
      var header = el("header");
      this.heading = el("h2", { id: "title" });
      this.titleText = el("span", {}, "Support chat");
      this.heading.appendChild(this.titleText);
      this.exitBtn = el("button", { type: "button", "class": "exit" }, "Quick exit");
      this.exitBtn.setAttribute("aria-label", "Quick exit: leave this page now");
      this.deleteBtn = el("button", { type: "button", "class": "delete" }, "Delete this chat");
      this.closeBtn = el("button", { type: "button", "class": "close", "aria-label": "Close chat" }, "Close");
      header.append(this.heading, this.exitBtn, this.deleteBtn, this.closeBtn);
      this.log = el("div", { "class": "log", role: "log", "aria-live": "polite", "aria-relevant": "additions", "aria-label": "Conversation", tabindex: "0" });
      this.busy = el("div", { "class": "busy", hidden: "" });
      this.busy.append("Replying", el("span", { "aria-hidden": "true" }, "…"));
      this.form = el("form", { "aria-label": "Send a message" });
      var label = el("label", { "for": "input", "class": "sr" }, "Your message");
      this.input = el("textarea", { id: "input", rows: "1", maxlength: "1000", autocomplete: "off", placeholder: "Type your message" });
      this.sendBtn = el("button", { type: "submit", "class": "send" }, "Send");
      this.form.append(label, this.input, this.sendBtn);
      this.panel.append(header, this.log, this.busy, this.form);
      // The tenant's one-line greeting, shown beside the launcher until the chat opens.
      this.teaser = el("p", { id: "teaser", "class": "teaser", hidden: "" });
      this.launcher.setAttribute("aria-describedby", "teaser");
      r.append(this.panel, this.teaser, this.launcher);

      var self = this;
      this.launcher.addEventListener("click", function () { self.panel.hidden ? self.open(true) : self.close(); });
      this.closeBtn.addEventListener("click", function () { self.close(); });
      this.exitBtn.addEventListener("click", function () { self.quickExit(); });
      this.deleteBtn.addEventListener("click", function () { self.deleteChat(); });
      this.form.addEventListener("submit", function (e) { e.preventDefault(); self.sendTyped(); });
      this.input.addEventListener("keydown", function (e) {
        if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); self.sendTyped(); }
      });
      // While open, Tab cycles through the chat (Escape closes it and returns to the page).
      this.panel.addEventListener("keydown", function (e) {
        if (e.key === "Escape") return self.close();
        if (e.key !== "Tab") return;
        var all = [].filter.call(self.panel.querySelectorAll("button,a[href],textarea,[tabindex='0']"), function (n) {
          return !n.disabled && n.offsetParent !== null;
        });
        var first = all[0], last = all[all.length - 1], at = self.root.activeElement;
        if (e.shiftKey && at === first) { e.preventDefault(); last.focus(); }
        else if (!e.shiftKey && at === last) { e.preventDefault(); first.focus(); }
      });
      this.render();
    }

    applyTenant(t) {
      this.tenant = t;
      var c = palette(t.colours);
      var s = this.style;
      s.setProperty("--b", c.bg); s.setProperty("--t", c.text); s.setProperty("--p", c.primary);
      s.setProperty("--pt", c.primaryText); s.setProperty("--e", c.edge);
      var name = typeof t.display_name === "string" && t.display_name ? t.display_name : "Support chat";
      this.titleText.textContent = name;
      this.launcher.textContent = "Chat with " + name;
      var logo = safeUrl(t.logo_url);
      // Only the widget's own server may serve the logo: no third-party requests.
      if (logo && new URL(logo).origin === new URL(BASE).origin && !this.heading.querySelector("img")) {
        this.heading.prepend(el("img", { src: logo, alt: "" }));
      }
      var greeting = typeof t.greeting === "string" ? t.greeting.trim() : "";
      this.teaser.textContent = greeting;
      this.teaser.hidden = !greeting || !this.panel.hidden;
      this.render();
    }

    exitUrl() {
      var url = safeUrl(this.tenant.quick_exit_url);
      return url && isHttp(url) ? url : DEFAULT_EXIT;
    }

    save() {
      try { sessionStorage.setItem(KEY, JSON.stringify(this.state)); } catch (e) { /* storage full or off */ }
    }

    open(focus) {
      this.panel.hidden = false;
      this.teaser.hidden = true;
      this.setAttribute("data-open", "");
      this.launcher.setAttribute("aria-expanded", "true");
      this.state.open = true;
      this.save();
      this.fit();
      this.scrollDown();
      if (focus) this.input.focus();
      if (!this.state.conversation_id && !this.starting) this.start();
    }

    close() {
      this.panel.hidden = true;
      this.teaser.hidden = !this.teaser.textContent;
      this.removeAttribute("data-open");
      this.launcher.setAttribute("aria-expanded", "false");
      this.state.open = false;
      this.save();
      this.launcher.focus();
    }

    /* On phones the panel fills the visible viewport, so the input stays above the on-screen keyboard. */
    fit() {
      var vv = window.visualViewport;
      if (!vv || this.panel.hidden || !matchMedia("(max-width: 600px)").matches) {
        this.panel.style.height = ""; this.panel.style.top = "";
        return;
      }
      this.panel.style.height = vv.height + "px";
      this.panel.style.top = vv.offsetTop + "px";
      this.scrollDown();
    }

    api(method, path, body) {
      var options = { method: method, credentials: "omit", headers: {} };
      if (body !== undefined) {
        options.headers["Content-Type"] = "application/json";
        options.body = JSON.stringify(body);
      }
      return fetch(API + path, options).then(function (r) {
        if (r.status === 204) return { status: 204, data: {} };
        return r.json().catch(function () { return {}; }).then(function (data) { return { status: r.status, data: data }; });
      });
    }

    start() {
      var self = this;
      this.starting = this.api("POST", "/conversations", { tenant: TENANT }).then(function (res) {
        if (res.status >= 400 || !res.data.conversation_id) throw res;
        self.state.conversation_id = res.data.conversation_id;
        self.addBot(res.data.messages);
        return true;
      }).catch(function (res) {
        self.addError(res);
        return false;
      }).then(function (ok) { self.starting = null; return ok; });
      return this.starting;
    }

    sendTyped() {
      var text = this.input.value.trim();
      if (!text || this.sending) return;
      this.input.value = "";
      this.send(text, text);
    }

    send(shown, payload) {
      var self = this;
      this.sending = true;
      this.disableChoices();
      this.push({ from: "me", text: shown });
      this.busy.hidden = false;
      this.log.setAttribute("aria-busy", "true");
      var ready = this.state.conversation_id ? Promise.resolve(true) : (this.starting || this.start());
      ready.then(function (ok) {
        if (!ok) return;
        var id = self.state.conversation_id;
        return self.api("POST", "/conversations/" + encodeURIComponent(id) + "/messages", { message: payload })
          .then(function (res) {
            if (res.status >= 400) {
              // The server no longer knows this conversation: the next message starts a new one.
              if (res.status === 403) delete self.state.conversation_id;
              throw res;
            }
            self.addBot(res.data.messages);
          });
      }).catch(function (res) { self.addError(res); }).then(function () {
        self.sending = false;
        self.busy.hidden = true;
        self.log.removeAttribute("aria-busy");
      });
    }

    addBot(messages) {
      var self = this;
      (Array.isArray(messages) ? messages : []).forEach(function (m) {
        if (!m || typeof m !== "object") return;
        self.push({
          from: "bot",
          text: typeof m.text === "string" ? m.text : null,
          buttons: Array.isArray(m.buttons) ? m.buttons : [],
          links: Array.isArray(m.links) ? m.links : []
        });
      });
    }

    addError(res) {
      var text = res && res.data && typeof res.data.error === "string" ? res.data.error
        : "Sorry, the chat could not be reached. Please check your connection and try again.";
      this.push({ from: "bot", text: text });
    }

    push(message) {
      this.state.messages.push(message);
      this.save();
      this.log.appendChild(this.renderMessage(message, this.state.messages.length - 1));
      this.scrollDown();
    }

    disableChoices() {
      this.state.messages.forEach(function (m) { m.used = true; });
      this.root.querySelectorAll(".choices button").forEach(function (b) { b.disabled = true; });
    }

    render() {
      this.log.textContent = "";
      var notice = el("div", { "class": "msg bot note" });
      notice.textContent = NOTICE;
      this.log.appendChild(notice);
      var self = this;
      this.state.messages.forEach(function (m, i) { self.log.appendChild(self.renderMessage(m, i)); });
    }

    renderMessage(m) {
      var self = this;
      var box = el("div", { "class": "msg " + (m.from === "me" ? "me" : "bot") });
      box.appendChild(el("span", { "class": "sr" }, m.from === "me" ? "You said: " : (this.titleText.textContent + " said: ")));
      if (m.text) box.appendChild(document.createTextNode(m.text));
      var links = (m.links || []).map(function (l) { return l && { title: l.title, href: safeUrl(l.url), service: l.service }; })
        .filter(function (l) { return l && l.href; });
      if (links.length) {
        var list = el("ul", { "class": "links" });
        links.forEach(function (l) { var li = el("li"); li.appendChild(self.link(l.href, l.title, l.service)); list.appendChild(li); });
        box.appendChild(list);
      }
      var choices = el("div", { "class": "choices", role: "group", "aria-label": "Choices" });
      (m.buttons || []).forEach(function (b) {
        if (!b || typeof b.payload !== "string") return;
        var title = typeof b.title === "string" && b.title ? b.title : b.payload;
        var payload = b.payload.trim();
        var href = safeUrl(payload);
        if (href) {
          var a = self.link(href, title);
          a.className = "btn";
          choices.appendChild(a);
        } else if (payload.charAt(0) === "/" || !/^[a-z][a-z0-9+.-]*:/i.test(payload)) {
          var button = el("button", { type: "button" }, title);
          if (m.used) button.disabled = true;
          button.addEventListener("click", function () {
            if (self.sending) return;
            self.send(title, payload);
            self.input.focus();
          });
          choices.appendChild(button);
        } // any other scheme (javascript:, data:, ...) is dropped
      });
      if (choices.childNodes.length) box.appendChild(choices);
      return box;
    }

    link(href, title, service) {
      var a = el("a", { href: href, rel: "noopener noreferrer" }, typeof title === "string" && title ? title : href);
      if (isHttp(href)) a.target = "_blank";
      a.addEventListener("click", function () { count("link", typeof service === "string" ? service : ""); });
      return a;
    }

    scrollDown() { this.log.scrollTop = this.log.scrollHeight; }

    deleteChat() {
      var id = this.state.conversation_id;
      var self = this;
      this.state = { messages: [], open: true };
      this.save();
      this.render();
      var done = function (ok) {
        self.push({ from: "bot", text: ok ? "This chat has been deleted from this device and from our server."
          : "This chat has been deleted from this device. Our server could not be reached; it deletes old chats on its own." });
        self.input.focus();
      };
      if (!id) return done(true);
      this.api("DELETE", "/conversations/" + encodeURIComponent(id)).then(function (res) {
        done(res.status < 400 || res.status === 403);
      }, function () { done(false); });
    }

    /* Blank the chat at once, forget it, and replace this page so Back does not return to it. */
    quickExit() {
      var id = this.state.conversation_id;
      this.root.textContent = "";
      if (document.body) document.body.style.visibility = "hidden";
      try {
        for (var i = sessionStorage.length - 1; i >= 0; i--) {
          var k = sessionStorage.key(i);
          if (k && k.indexOf("reclaim:") === 0) sessionStorage.removeItem(k);
        }
      } catch (e) { /* storage off */ }
      this.state = { messages: [] };
      this.quitting = true;
      if (id) {
        try { fetch(API + "/conversations/" + encodeURIComponent(id), { method: "DELETE", keepalive: true, credentials: "omit" }).catch(function () {}); } catch (e) { /* leaving anyway */ }
      }
      count("quick_exit");
      location.replace(this.exitUrl());
    }

    onKey(e) {
      if (this.quitting) return;
      if (e.key !== "Shift") { this.shifts = []; return; }
      if (e.repeat) return;
      var now = Date.now();
      this.shifts = this.shifts.filter(function (t) { return now - t < 2000; });
      this.shifts.push(now);
      if (this.shifts.length >= 3) this.quickExit();
    }
  }

  customElements.define("reclaim-chat", ReclaimChat);
  var mount = function () { if (!document.querySelector("reclaim-chat")) document.body.appendChild(document.createElement("reclaim-chat")); };
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();

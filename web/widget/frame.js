/* The Reclaim chat, inside its own frame on the Reclaim server's origin (web/widget/frame.html).
 * The charity's page cannot reach in: it sees only the launcher (web/widget/loader.js). What the person types
 * lives in this frame's memory only and is never written to any storage. Where the charity allows it, the
 * signed conversation id alone is kept in this frame's sessionStorage, for 30 idle minutes, so the chat can
 * carry on on the charity's next page; quick exit and delete clear it. Bot text is set with textContent only. */
(function () {
  "use strict";
  var API = new URL("./", location.href).href;  // .../webhooks/widget/
  var COUNT_URL = location.origin + "/webhooks/metrics/count";
  var TENANT = new URLSearchParams(location.search).get("tenant") || "default";
  var KEY = "reclaim:id:" + TENANT;
  var IDLE_MS = 30 * 60 * 1000;
  var NOTICE = "To leave quickly, press Quick exit or press the Shift key three times: this page is replaced by " +
    "another site. Nothing you type is kept on this device, and you can delete this chat at any time.";
  var CARRIED_ON = "You're carrying on your earlier chat. Earlier messages are not kept on this device, so they " +
    "are not shown here.";

  var $ = function (selector) { return document.querySelector(selector); };
  var log = $(".log"), busy = $(".busy"), form = $("form"), input = $("#input"), nameEl = $(".name");
  var tenant = { display_name: "Support chat", continue_across_pages: false };
  var conversationId = null, starting = null, sending = false, exited = false;
  var inFlight = new Set();

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text != null) node.textContent = String(text);
    return node;
  }
  function toParent(message) {
    // Only "ready" (the charity's public branding), "close", "exit" and key presses: never any words.
    if (window.parent !== window) window.parent.postMessage(message, "*");
  }
  function safeUrl(value) {
    if (typeof value !== "string" || !/^\s*(https?:\/\/|tel:)/i.test(value)) return null;
    try {
      var url = new URL(value.trim());
      if (url.protocol === "http:" || url.protocol === "https:" || url.protocol === "tel:") return url.href;
    } catch (e) { /* not a URL */ }
    return null;
  }
  /* An anonymous count for the charity (bot/channels/counts.py): tenant and kind only, no conversation id. */
  function count(kind, service) {
    try {
      navigator.sendBeacon(COUNT_URL, JSON.stringify(service ? { tenant: TENANT, kind: kind, service: service } : { tenant: TENANT, kind: kind }));
    } catch (e) { /* never in the way */ }
  }

  // ---- the conversation id: the only thing ever stored, and only where the charity allows it ----------
  function storeId() {
    if (exited || !tenant.continue_across_pages || !conversationId) return;
    try { sessionStorage.setItem(KEY, JSON.stringify({ id: conversationId, at: Date.now() })); } catch (e) { /* off */ }
  }
  function storedId() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
      if (saved && typeof saved.id === "string" && Date.now() - saved.at < IDLE_MS) return saved.id;
    } catch (e) { /* unreadable: forget it */ }
    forgetId();
    return null;
  }
  function forgetId() {
    try { sessionStorage.removeItem(KEY); } catch (e) { /* off */ }
  }

  // ---- talking to the server ---------------------------------------------------------------------------
  function api(method, path, body) {
    var controller = new AbortController();
    inFlight.add(controller);
    var options = { method: method, credentials: "omit", headers: {}, signal: controller.signal };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(API + path, options).then(function (r) {
      if (r.status === 204) return { status: 204, data: {} };
      return r.json().catch(function () { return {}; }).then(function (data) { return { status: r.status, data: data }; });
    }).finally(function () { inFlight.delete(controller); });
  }

  function start() {
    starting = api("POST", "conversations", { tenant: TENANT }).then(function (res) {
      if (res.status >= 400 || !res.data.conversation_id) throw res;
      conversationId = res.data.conversation_id;
      storeId();
      addBot(res.data.messages);
      return true;
    }).catch(function (res) { addError(res); return false; })
      .then(function (ok) { starting = null; return ok; });
    return starting;
  }

  function send(shown, payload) {
    if (sending || exited) return;
    sending = true;
    disableChoices();
    push({ from: "me", text: shown });
    busy.hidden = false;
    log.setAttribute("aria-busy", "true");
    var deliver = function (retried) {
      var ready = conversationId ? Promise.resolve(true) : (starting || start());
      return ready.then(function (ok) {
        if (!ok) return;
        return api("POST", "conversations/" + encodeURIComponent(conversationId) + "/messages", { message: payload })
          .then(function (res) {
            if (res.status === 403 && !retried) {
              // The server no longer knows this conversation (it expired or was deleted): start a new one
              // and send the message there, so nothing the person wrote is lost.
              conversationId = null;
              forgetId();
              return deliver(true);
            }
            if (res.status >= 400) throw res;
            storeId();
            addBot(res.data.messages);
          });
      });
    };
    deliver(false).catch(function (res) { addError(res); }).then(function () {
      sending = false;
      busy.hidden = true;
      log.removeAttribute("aria-busy");
    });
  }

  // ---- what the person sees ----------------------------------------------------------------------------
  function addBot(messages) {
    (Array.isArray(messages) ? messages : []).forEach(function (m) {
      if (!m || typeof m !== "object") return;
      push({ from: "bot", text: typeof m.text === "string" ? m.text : null,
        buttons: Array.isArray(m.buttons) ? m.buttons : [], links: Array.isArray(m.links) ? m.links : [] });
    });
  }
  function addError(res) {
    if (res && res.name === "AbortError") return;
    var text = res && res.data && typeof res.data.error === "string" ? res.data.error
      : "Sorry, the chat could not be reached. Please check your connection and try again.";
    push({ from: "bot", text: text });
  }
  function push(message) {
    if (exited) return;  // a reply still in flight after quick exit shows and keeps nothing
    log.appendChild(render(message));
    log.scrollTop = log.scrollHeight;
  }
  function note(text) {
    log.appendChild(el("div", { "class": "msg bot note" }, text));
  }
  function disableChoices() {
    document.querySelectorAll(".choices button").forEach(function (b) { b.disabled = true; });
  }
  function link(href, title, service) {
    var a = el("a", { href: href, rel: "noopener noreferrer" }, typeof title === "string" && title ? title : href);
    if (/^https?:/i.test(href)) a.target = "_blank";
    a.addEventListener("click", function () { count("link", typeof service === "string" ? service : ""); });
    return a;
  }
  function render(m) {
    var box = el("div", { "class": "msg " + (m.from === "me" ? "me" : "bot") });
    box.appendChild(el("span", { "class": "sr" }, m.from === "me" ? "You said: " : nameEl.textContent + " said: "));
    if (m.text) box.appendChild(document.createTextNode(m.text));
    var links = (m.links || []).map(function (l) { return l && { title: l.title, href: safeUrl(l.url), service: l.service }; })
      .filter(function (l) { return l && l.href; });
    if (links.length) {
      var list = el("ul", { "class": "links" });
      links.forEach(function (l) { var li = el("li"); li.appendChild(link(l.href, l.title, l.service)); list.appendChild(li); });
      box.appendChild(list);
    }
    var choices = el("div", { "class": "choices", role: "group", "aria-label": "Choices" });
    (m.buttons || []).forEach(function (b) {
      if (!b || typeof b.payload !== "string") return;
      var title = typeof b.title === "string" && b.title ? b.title : b.payload;
      var payload = b.payload.trim();
      var href = safeUrl(payload);
      if (href) {
        var a = link(href, title);
        a.className = "btn";
        choices.appendChild(a);
      } else if (payload.charAt(0) === "/" || !/^[a-z][a-z0-9+.-]*:/i.test(payload)) {
        var button = el("button", { type: "button" }, title);
        button.addEventListener("click", function () { send(title, payload); input.focus(); });
        choices.appendChild(button);
      } // any other scheme (javascript:, data:, ...) is dropped
    });
    if (choices.childNodes.length) box.appendChild(choices);
    return box;
  }

  function applyTenant(t) {
    tenant = t;
    var c = t.colours || {};
    var root = document.documentElement.style;
    [["--p", c.primary], ["--pt", c.primary_text], ["--b", c.background], ["--t", c.text]].forEach(function (pair) {
      if (typeof pair[1] === "string" && /^#[0-9a-f]{3,6}$/i.test(pair[1])) root.setProperty(pair[0], pair[1]);
    });
    var name = typeof t.display_name === "string" && t.display_name ? t.display_name : "Support chat";
    nameEl.textContent = name;
    document.title = "Chat with " + name;
    var logo = safeUrl(t.logo_url);
    // Only this server may serve the logo: no third-party requests from the chat.
    if (logo && new URL(logo).origin === location.origin && !$("h1 img")) $("h1").prepend(el("img", { src: logo, alt: "" }));
    if (!t.continue_across_pages) forgetId();
    conversationId = t.continue_across_pages ? storedId() : null;
    if (conversationId) note(CARRIED_ON);
    toParent({ reclaim: "ready", tenant: { display_name: t.display_name, colours: t.colours, greeting: t.greeting, quick_exit_url: t.quick_exit_url } });
  }

  /* Quick exit: forget everything here at once; the page around us is then replaced. */
  function leave() {
    if (!exited) {
      exited = true;
      inFlight.forEach(function (controller) { controller.abort(); });
      document.body.textContent = "";
      forgetId();
      if (conversationId) {
        try { fetch(API + "conversations/" + encodeURIComponent(conversationId), { method: "DELETE", keepalive: true, credentials: "omit" }).catch(function () {}); } catch (e) { /* leaving anyway */ }
      }
      conversationId = null;
      count("quick_exit");
    }
    toParent({ reclaim: "exited" });
  }

  function deleteChat() {
    var id = conversationId;
    conversationId = null;
    forgetId();
    log.textContent = "";
    note(NOTICE);
    var done = function (ok) {
      push({ from: "bot", text: ok ? "This chat has been deleted from this device and from our server."
        : "This chat has been deleted from this device. Our server could not be reached; it deletes old chats on its own." });
      input.focus();
    };
    if (!id) return done(true);
    api("DELETE", "conversations/" + encodeURIComponent(id)).then(function (res) {
      done(res.status < 400 || res.status === 403);
    }, function () { done(false); });
  }

  // ---- wiring ------------------------------------------------------------------------------------------
  note(NOTICE);
  $(".exit").addEventListener("click", function () { leave(); toParent({ reclaim: "exit" }); });
  $(".delete").addEventListener("click", deleteChat);
  $(".close").addEventListener("click", function () { toParent({ reclaim: "close" }); });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text || sending) return;
    input.value = "";
    send(text, text);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
  });
  document.addEventListener("keydown", function (e) {
    // Every key goes to the page around us, which counts Shift presses from here and from itself.
    toParent({ reclaim: "key", shift: e.key === "Shift", repeat: e.repeat });
    if (e.key === "Escape") { toParent({ reclaim: "close" }); return; }
    if (e.key !== "Tab") return;
    // While open, Tab cycles through the chat; Escape or Close returns to the page.
    var all = [].filter.call(document.querySelectorAll("button,a[href],textarea,[tabindex='0']"), function (n) {
      return !n.disabled && n.offsetParent !== null;
    });
    var first = all[0], last = all[all.length - 1];
    if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
  }, true);
  window.addEventListener("message", function (e) {
    if (e.source !== window.parent || !e.data) return;
    if (e.data.reclaim === "open") {
      input.focus();
      // After the charity's settings are read: a conversation carried on from an earlier page is not restarted.
      configured.then(function () { if (!conversationId && !starting && !exited) start(); });
    } else if (e.data.reclaim === "exit") {
      leave();
    }
  });
  var configured = fetch(API + "tenants/" + encodeURIComponent(TENANT), { credentials: "omit" })
    .then(function (r) { return r.ok ? r.json() : {}; })
    .catch(function () { return {}; })
    .then(function (t) { applyTenant(t && typeof t === "object" ? t : {}); });
})();

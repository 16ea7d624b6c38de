// The authkit-emulator inspector: a dependency-free script over the
// inspector's JSON routes (/_emulator/ui/api/*) and the control plane's
// own routes (revoke, re-send, faults, clock, keys, reset). Everything it
// shows is put in the page as text (textContent), never as HTML.
"use strict";
(() => {
  // The page lives at <base>/_emulator/ui: base is "" for the default
  // environment and /env/<id> for one created at run time.
  const base = location.pathname.replace(/\/_emulator\/ui\/?$/, "");
  const TOKEN_KEY = "authkit-emulator.control-token";
  const POLL_MS = 1000;

  const $ = (id) => document.getElementById(id);
  const state = { panels: [], panel: "users", q: "", filters: {}, row: "", seen: null, rowIDs: new Set(), rows: new Map(), headFor: "", busy: false };

  // el builds an element; children are nodes or strings (as text).
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  // --- requests -----------------------------------------------------------

  class HTTPError extends Error {
    constructor(status, body) {
      super((body && (body.message || body.error_description || body.code)) || "HTTP " + status);
      this.status = status;
      this.body = body;
    }
  }

  // call sends a request with the control token (when one was given) as an
  // Authorization header. path is absolute ("/_emulator/...") and goes
  // through the environment's prefix unless root is set.
  async function call(method, path, body, root) {
    const headers = { Accept: "application/json" };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.Authorization = "Bearer " + token;
    const init = { method, headers, credentials: "omit", cache: "no-store" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const res = await fetch((root ? "" : base) + path, init);
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (_) { data = { message: text }; }
    if (res.status === 401 && path.startsWith("/_emulator")) {
      askToken(sessionStorage.getItem(TOKEN_KEY) ? "That token was refused." : "");
    }
    if (!res.ok) throw new HTTPError(res.status, data);
    return data;
  }
  const api = (path) => call("GET", "/_emulator/ui/api" + path);

  function toast(msg, bad) {
    const t = $("toast");
    t.textContent = msg;
    t.className = bad ? "bad" : "";
    t.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { t.hidden = true; }, bad ? 6000 : 2500);
  }

  // --- the control token ----------------------------------------------------

  function askToken(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    document.body.classList.add("locked");
    $("app").hidden = true;
    $("token-box").hidden = false;
    $("token-error").textContent = message || "";
    $("token-input").focus();
  }

  $("token-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = $("token-input").value.trim();
    if (!v) return;
    sessionStorage.setItem(TOKEN_KEY, v);
    $("token-input").value = "";
    $("token-box").hidden = true;
    start();
  });

  // --- location: #panel=...&q=...&row=...&<filter>=... ----------------------

  function readHash() {
    const h = new URLSearchParams(location.hash.slice(1));
    state.panel = h.get("panel") || "users";
    state.q = h.get("q") || "";
    state.row = h.get("row") || "";
    state.filters = {};
    for (const [k, v] of h) if (!["panel", "q", "row"].includes(k) && v) state.filters[k] = v;
    $("search").value = state.q;
  }

  function writeHash() {
    const h = new URLSearchParams();
    h.set("panel", state.panel);
    if (state.q) h.set("q", state.q);
    for (const [k, v] of Object.entries(state.filters)) if (v) h.set(k, v);
    if (state.row) h.set("row", state.row);
    history.replaceState(null, "", "#" + h.toString());
  }

  // --- rendering --------------------------------------------------------------

  function currentPanel() {
    return state.panels.find((p) => p.id === state.panel) || state.panels[0];
  }

  // renderTabs lists the panels under their groups' headings.
  function renderTabs() {
    const nav = $("tabs");
    const items = [];
    let group;
    for (const p of state.panels) {
      if (p.group && p.group !== group) items.push(el("h4", {}, p.group));
      group = p.group;
      items.push(el("a", {
        href: "#panel=" + p.id, id: "tab-" + p.id, class: p.id === state.panel ? "active" : "",
        onclick: (ev) => { ev.preventDefault(); selectPanel(p.id); },
      }, p.title, el("span", { class: "count" + (state.q && p.count ? " hit" : "") }, String(p.count))));
    }
    nav.replaceChildren(...items);
  }

  function selectPanel(id) {
    if (id !== state.panel) {
      state.panel = id;
      state.filters = {};
      state.row = "";
      state.rowIDs = new Set();
    }
    writeHash();
    renderTabs();
    renderPanelHead();
    loadRows();
    renderDetail();
  }

  function renderPanelHead() {
    const p = currentPanel();
    if (!p) return;
    state.headFor = p.id;
    $("panel-title").textContent = p.title;
    $("panel-filters").replaceChildren(...(p.filters || []).map((f) => {
      const onchange = (ev) => { state.filters[f.name] = ev.target.value; writeHash(); loadRows(); };
      if (f.options && f.options.length) {
        return el("select", { "data-filter": f.name, title: f.label, onchange },
          el("option", { value: "" }, "any " + f.label), f.options.map((o) => el("option", { value: o, selected: state.filters[f.name] === o }, o)));
      }
      const input = el("input", { "data-filter": f.name, placeholder: f.label, value: state.filters[f.name] || "", size: 28 });
      input.addEventListener("input", debounce(onchange, 250));
      return input;
    }));
    $("panel-actions").replaceChildren(...(p.actions || []).map(actionButton));
    renderForm(p.form);
  }

  function renderForm(form) {
    const f = $("panel-form");
    f.hidden = !form;
    if (!form) { f.replaceChildren(); return; }
    f.replaceChildren(...form.fields.map((fd) => el("label", {}, fd.label,
      el("input", { name: fd.name, "data-type": fd.type, placeholder: fd.placeholder || "" }))),
    el("button", { type: "submit" }, form.label));
    f.onsubmit = async (ev) => {
      ev.preventDefault();
      const body = {};
      try {
        for (const fd of form.fields) {
          const v = f.elements[fd.name].value.trim();
          if (!v) continue;
          if (fd.type === "number") body[fd.name] = Number(v);
          else if (fd.type === "json") body[fd.name] = JSON.parse(v);
          else body[fd.name] = v;
        }
      } catch (e) {
        toast("Invalid JSON: " + e.message, true);
        return;
      }
      if (await act({ label: form.label, method: form.method, path: form.path, body })) f.reset();
    };
  }

  function debounce(fn, ms) {
    let t;
    return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); };
  }

  function badge(status, text) {
    return el("span", { class: "badge status-" + status }, text || status);
  }

  function actionButton(a) {
    return el("button", { type: "button", "data-action": a.label, class: a.confirm ? "danger" : "",
      onclick: (ev) => { ev.stopPropagation(); act(a); } }, a.label);
  }

  // act runs an action: opens its link, or calls its control route.
  async function act(a) {
    if (a.href) {
      window.open(a.href, "_blank", "noopener,noreferrer");
      return true;
    }
    if (a.confirm && !confirm(a.confirm)) return false;
    try {
      await call(a.method, a.path, a.body);
      toast(a.label + ": done");
      await refresh();
      return true;
    } catch (e) {
      toast(a.label + ": " + e.message, true);
      return false;
    }
  }

  async function loadRows() {
    const p = currentPanel();
    if (!p) return;
    const params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    for (const [k, v] of Object.entries(state.filters)) if (v) params.set(k, v);
    let data;
    try {
      data = await api("/panels/" + encodeURIComponent(p.id) + "?" + params);
    } catch (e) {
      toast(e.message, true);
      return;
    }
    if (data.panel !== state.panel) return; // the user moved on
    // The row's status shows as a badge in its status, state or verdict column.
    const statusCol = p.columns.findIndex((c) => c === "status" || c === "state" || c === "verdict");
    $("rows").tHead.replaceChildren(el("tr", {}, p.columns.map((c) => el("th", {}, c)), el("th", {}, "")));
    const first = state.rowIDs.size === 0;
    const ids = new Set();
    const body = data.rows.map((r) => {
      ids.add(r.id);
      const cells = r.cells.map((c, i) => el("td", { title: c }, i === statusCol && r.status ? badge(r.status, c) : c));
      const tr = el("tr", { "data-id": r.id, "data-status": r.status || "", class: [r.id === state.row ? "selected" : "", !first && !state.rowIDs.has(r.id) ? "fresh" : ""].join(" ").trim(),
        onclick: () => { state.row = r.id; writeHash(); markSelected(); renderDetail(); } },
      cells, el("td", {}, (r.actions || []).map(actionButton)));
      return tr;
    });
    state.rowIDs = ids;
    state.rows = new Map(data.rows.map((r) => [r.id, r]));
    if (!body.length) body.push(el("tr", {}, el("td", { colspan: p.columns.length + 1, class: "empty" }, state.q ? "Nothing matches “" + state.q + "”." : "Nothing yet.")));
    $("rows").tBodies[0].replaceChildren(...body);
    $("panel-total").textContent = data.total > data.rows.length ? `newest ${data.rows.length} of ${data.total}` : `${data.total}`;
  }

  function markSelected() {
    for (const tr of $("rows").tBodies[0].rows) tr.classList.toggle("selected", tr.dataset.id === state.row);
  }

  async function renderDetail() {
    const aside = $("detail");
    if (!state.row) { aside.hidden = true; return; }
    const p = currentPanel();
    let data;
    try {
      data = await api("/panels/" + encodeURIComponent(p.id) + "/rows/" + encodeURIComponent(state.row));
    } catch (e) {
      if (e.status === 404) { aside.hidden = false; $("detail-title").textContent = state.row; $("detail-actions").replaceChildren(); $("detail-body").replaceChildren(el("p", { class: "empty" }, "Gone.")); }
      return;
    }
    if (data.id !== state.row) return;
    aside.hidden = false;
    const d = data.detail;
    $("detail-title").textContent = d && d.request ? "#" + data.id + " " + d.request.method + " " + d.request.path : data.id;
    const row = state.rows.get(data.id);
    $("detail-actions").replaceChildren(...((row && row.actions) || []).map(actionButton));
    $("detail-body").replaceChildren(...(d && d.request && d.response ? exchange(d) : [el("pre", { id: "detail-json" }, pretty(d))]));
  }

  // exchange renders a journal entry: the request, then the response.
  function exchange(d) {
    const rq = d.request, rs = d.response;
    const kv = (o) => el("div", { class: "kv" }, Object.keys(o || {}).sort().flatMap((k) => [el("span", {}, k), el("span", {}, o[k])]));
    const query = new URLSearchParams(rq.query || {}).toString();
    return [
      el("h4", {}, "Request"),
      el("pre", { id: "detail-request-line" }, rq.method + " " + rq.path + (query ? "?" + query : "")),
      el("h4", {}, "Request headers"), kv(rq.headers),
      el("h4", {}, "Request body" + (rq.truncated ? " (cut)" : "")), el("pre", { id: "detail-request-body" }, prettyText(rq.body) || "(none)"),
      el("h4", {}, "Response ", badge(rs.status >= 400 ? "refused" : rs.status >= 300 ? "redirect" : "ok", String(rs.status))),
      el("h4", {}, "Response headers"), kv(rs.headers),
      el("h4", {}, `Response body (${rs.size} bytes${rs.truncated ? ", the start kept" : ""})`),
      el("pre", { id: "detail-response-body" }, prettyText(rs.body) || "(none)"),
    ];
  }

  const pretty = (v) => JSON.stringify(v, null, 2);
  function prettyText(s) {
    if (!s) return "";
    try { return pretty(JSON.parse(s)); } catch (_) { return s; }
  }

  // --- loading and live updates ------------------------------------------------

  async function refresh() {
    try {
      const data = await api("/panels" + (state.q ? "?q=" + encodeURIComponent(state.q) : ""));
      state.panels = data.panels;
    } catch (e) {
      if (e.status === 404 && e.body && e.body.code === "environment_not_found") {
        toast("This environment no longer exists.", true);
      }
      throw e;
    }
    if (!state.panels.some((p) => p.id === state.panel)) state.panel = state.panels[0].id;
    renderTabs();
    if (state.headFor !== state.panel) renderPanelHead();
    await loadRows();
    if (state.row) await renderDetail();
  }

  function showClock(c) {
    $("clock-now").textContent = c.now.replace(/\.\d+Z$/, "Z");
    $("clock-mode").textContent = c.frozen ? "frozen" : "running";
  }

  // poll asks the cheap change counters; when the world or the journal
  // moved, the page reloads what it shows. Hidden tabs do not poll.
  async function poll() {
    if (state.busy || document.visibilityState !== "visible" || $("app").hidden) return;
    state.busy = true;
    try {
      const c = await api("/changes");
      showClock(c.clock);
      const seen = c.version + "/" + c.journal;
      $("live").className = "live on";
      if (seen !== state.seen) {
        state.seen = seen;
        await refresh();
      }
    } catch (_) {
      $("live").className = "live err";
    } finally {
      state.busy = false;
    }
  }

  async function loadEnvironments() {
    const picker = $("env-picker");
    let list = [];
    try {
      list = (await call("GET", "/_emulator/environments", undefined, true)).data || [];
    } catch (_) { /* an older server, or no token yet */ }
    const current = base.startsWith("/env/") ? base.slice(5) : "";
    picker.replaceChildren(el("option", { value: "" }, "default"),
      ...list.map((e) => el("option", { value: e.id, selected: e.id === current }, e.id + " (" + e.client_id + ")")));
    if (current && !list.some((e) => e.id === current)) picker.append(el("option", { value: current, selected: true }, current + " (gone)"));
  }

  $("env-picker").addEventListener("change", (ev) => {
    const id = ev.target.value;
    location.href = (id ? "/env/" + encodeURIComponent(id) : "") + "/_emulator/ui" + location.hash;
  });
  $("env-picker").addEventListener("focus", loadEnvironments);

  $("search").addEventListener("input", debounce((ev) => {
    state.q = ev.target.value.trim();
    state.rowIDs = new Set();
    writeHash();
    refresh().catch(() => {});
  }, 200));

  $("detail-close").addEventListener("click", () => { state.row = ""; writeHash(); markSelected(); renderDetail(); });

  const clockAct = (label, body) => act({ label, method: "POST", path: "/_emulator/clock", body });
  $("clock-set-btn").addEventListener("click", () => { const v = $("clock-set").value.trim(); if (v) clockAct("Set clock", { set: v }); });
  $("clock-advance-btn").addEventListener("click", () => { const v = $("clock-advance").value.trim(); if (v) clockAct("Advance clock", { advance: v }); });
  $("clock-real-btn").addEventListener("click", () => clockAct("Real time", { real: true }));
  $("reset-btn").addEventListener("click", () => act({ label: "Reset", method: "POST", path: "/_emulator/reset", body: {},
    confirm: "Reset this environment to its loaded fixtures (clock included)?" }));
  window.addEventListener("hashchange", () => { readHash(); selectPanel(state.panel); });

  async function start() {
    readHash();
    try {
      const c = await api("/changes");
      showClock(c.clock);
      state.seen = c.version + "/" + c.journal;
    } catch (e) {
      if (e.status !== 401) toast(e.message, true);
      return;
    }
    $("app").hidden = false;
    document.body.classList.remove("locked");
    loadEnvironments();
    await refresh();
    if (!start.timer) start.timer = setInterval(poll, POLL_MS);
  }

  start();
})();

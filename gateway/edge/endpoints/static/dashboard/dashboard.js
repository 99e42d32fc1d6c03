// Penghubung coordination dashboard: reads the gateway's own GraphQL API with the viewer's
// token (kept in this tab's sessionStorage only), drills down national -> province ->
// kab/kota by the URL hash (#/, #/16, #/16/16.05), and refreshes on live complaint updates
// (graphql-transport-ws). No libraries, no external assets: it works offline.
"use strict";

const TOKEN_KEY = "penghubung-token";
const VIEW_QUERY = `query Coordination($kode: String, $days: Int!) {
  coordination(kodeWilayah: $kode, days: $days) {
    level kodeWilayah name parentKodeWilayah parentName since until countsInScope
    summary { name regencyCount connectedCount connected connectedSince kind syncLagSeconds backlog deadLetters lastError complaints open overdue onTimeRate }
    rows { kodeWilayah agencyId name regencyCount connectedCount connected connectedSince kind source syncLagSeconds backlog deadLetters lastError complaints open overdue onTimeRate }
  }
}`;
const $ = (id) => document.getElementById(id);
let refreshTimer = null;
let socket = null;
let retryDelay = 1000;
let shown = 0;  // the number of the latest view asked for: an older answer arriving late is dropped

function token() { return sessionStorage.getItem(TOKEN_KEY) || ""; }

function route() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean);
  return parts.length ? parts[parts.length - 1] : null;
}

async function graphql(query, variables) {
  const headers = { "content-type": "application/json" };
  if (token()) headers.authorization = `Bearer ${token()}`;
  const response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  let body;
  try { body = await response.json(); } catch { throw new Error(`the gateway answered ${response.status} without JSON`); }
  if (body.errors && body.errors.length) {
    const e = body.errors[0];
    throw new Error(`${e.message}${e.extensions && e.extensions.code ? ` (${e.extensions.code})` : ""}`);
  }
  return body.data;
}

function text(value) { return value === null || value === undefined ? "—" : String(value); }
function day(iso) { return iso ? String(iso).slice(0, 10) : "—"; }
function percent(rate) { return rate === null || rate === undefined ? "—" : `${(rate * 100).toFixed(1)}%`; }
function lag(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}
function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (k === "text") node.textContent = v; else node.setAttribute(k, v);
  }
  for (const child of children) node.append(child);
  return node;
}

function crumbs(view) {
  const nav = $("crumbs");
  nav.replaceChildren();
  const trail = [["Indonesia", "#/"]];
  if (view.level === "PROVINCE") trail.push([view.name, `#/${view.kodeWilayah}`]);
  if (view.level === "REGENCY") {
    trail.push([view.parentName || view.parentKodeWilayah, `#/${view.parentKodeWilayah}`]);
    trail.push([view.name, `#/${view.parentKodeWilayah}/${view.kodeWilayah}`]);
  }
  trail.forEach(([label, href], i) => {
    if (i) nav.append(el("span", { class: "sep", text: "›" }));
    nav.append(i === trail.length - 1 ? el("strong", { text: label }) : el("a", { href, text: label }));
  });
}

function card(label, value, field) {
  return el("div", { class: "card" }, [el("div", { class: "label", text: label }), el("div", { class: "value", "data-field": field, text: value })]);
}

function summary(view) {
  const s = view.summary;
  const box = $("summary");
  box.replaceChildren();
  if (view.level !== "REGENCY") box.append(card("kab/kota connected", `${s.connectedCount} of ${s.regencyCount}`, "connected"));
  else box.append(card("its system", s.connected ? `connected (${s.kind})` : "not connected", "connected"));
  box.append(card("complaints", text(s.complaints), "complaints"));
  box.append(card("open", text(s.open), "open"));
  box.append(card("overdue", text(s.overdue), "overdue"));
  box.append(card("deadlines on time", percent(s.onTimeRate), "onTimeRate"));
  if (view.level === "REGENCY" && s.connected) {
    box.append(card("sync lag", lag(s.syncLagSeconds), "syncLag"));
    box.append(card("backlog / dead letters", `${text(s.backlog)} / ${text(s.deadLetters)}`, "backlog"));
  }
}

const COLUMNS = {
  NATIONAL: [["Province", "name"], ["Kab/kota connected", "connectedCount"], ["Complaints", "complaints"], ["Open", "open"], ["Overdue", "overdue"], ["On time", "onTimeRate"]],
  PROVINCE: [["Kab/kota", "name"], ["Connection", "connected"], ["Sync lag", "syncLagSeconds"], ["Backlog", "backlog"], ["Dead letters", "deadLetters"], ["Complaints", "complaints"], ["Open", "open"], ["Overdue", "overdue"], ["On time", "onTimeRate"]],
  REGENCY: [["Agency", "name"], ["Complaints", "complaints"], ["Open", "open"], ["Overdue", "overdue"], ["On time", "onTimeRate"]],
};

function cell(view, row, field) {
  const numeric = ["complaints", "open", "overdue", "onTimeRate", "backlog", "deadLetters", "syncLagSeconds", "connectedCount"].includes(field);
  const td = el("td", { class: numeric ? "num" : "", "data-field": field });
  if (field === "name") {
    const href = view.level === "NATIONAL" ? `#/${row.kodeWilayah}` : view.level === "PROVINCE" ? `#/${view.kodeWilayah}/${row.kodeWilayah}` : null;
    td.append(href ? el("a", { class: "name", href, text: row.name }) : document.createTextNode(row.name));
  } else if (field === "connected") {
    if (row.connected) td.append(el("span", { class: "badge connected", text: "connected" }), document.createTextNode(` since ${day(row.connectedSince)} · ${row.kind}`));
    else td.append(el("span", { class: "badge absent", text: "not yet connected" }));
  } else if (field === "connectedCount") {
    td.textContent = `${row.connectedCount} of ${row.regencyCount}`;
  } else if (field === "onTimeRate") {
    td.textContent = percent(row.onTimeRate);
    if (row.onTimeRate !== null && row.onTimeRate < 0.7) td.classList.add("bad");
  } else if (field === "syncLagSeconds") {
    td.textContent = row.connected && row.syncLagSeconds === null ? "never pulled" : lag(row.syncLagSeconds);
    if (row.syncLagSeconds !== null && row.syncLagSeconds > 600) td.classList.add("warn");
    if (row.lastError) td.title = row.lastError;
  } else {
    td.textContent = text(row[field]);
    if ((field === "overdue" || field === "deadLetters") && row[field] > 0) td.classList.add("bad");
  }
  return td;
}

function table(view) {
  const columns = COLUMNS[view.level];
  $("rows").querySelector("thead").replaceChildren(el("tr", {}, columns.map(([label, field]) => el("th", { class: field === "name" || field === "connected" ? "" : "num", text: label }))));
  const body = $("rows").querySelector("tbody");
  body.replaceChildren(...view.rows.map((row) => {
    const tr = el("tr", { "data-kode": row.kodeWilayah || "", "data-agency": row.agencyId || "" }, columns.map(([, field]) => cell(view, row, field)));
    if (view.level !== "REGENCY") {
      tr.classList.add("drill");
      tr.addEventListener("click", (event) => { if (event.target.tagName !== "A") tr.querySelector("a.name").click(); });
    }
    return tr;
  }));
}

async function show() {
  const message = $("message");
  if (!token()) {
    message.className = "info";
    message.textContent = "Paste a token above (national admin, regional coordinator or auditor) to see the coordination view.";
    $("summary").replaceChildren(); $("rows").querySelector("tbody").replaceChildren(); $("rows").querySelector("thead").replaceChildren();
    return;
  }
  const mine = ++shown;
  try {
    const data = await graphql(VIEW_QUERY, { kode: route(), days: Number($("days").value) });
    if (mine !== shown) return;  // the viewer has moved on meanwhile
    const view = data.coordination;
    message.className = "info";
    message.textContent = `${view.name}: ${view.rows.length} rows, complaints created since ${day(view.since)}.` +
      (view.countsInScope ? "" : " Your token's scope holds no complaints, so every count is 0.");
    document.body.dataset.level = view.level;
    crumbs(view); summary(view); table(view);
  } catch (error) {
    if (mine !== shown) return;
    message.className = "";
    message.textContent = `Could not load the view: ${error.message}`;
  }
}

function setLive(on, why) {
  $("live").textContent = on ? "live updates: on" : `live updates: off${why ? ` (${why})` : ""}`;
  $("live").className = on ? "on" : "";
}

function refreshSoon() {
  // At most one reload a second, however many changes arrive: a pending one is kept.
  if (refreshTimer === null) refreshTimer = setTimeout(() => { refreshTimer = null; show(); }, 1000);
}

function listen() {
  if (socket) { socket.onclose = null; socket.close(); socket = null; }
  if (!token() || !("WebSocket" in window)) { setLive(false); return; }
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
  const current = new WebSocket(url, "graphql-transport-ws");
  socket = current;
  current.onopen = () => current.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token()}` } }));
  current.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "connection_ack") {
      retryDelay = 1000;
      current.send(JSON.stringify({ id: "updates", type: "subscribe", payload: { query: "subscription { complaintUpdates { kind at complaint { id } } }" } }));
      setLive(true);
    } else if (message.type === "ping") {
      current.send(JSON.stringify({ type: "pong" }));
    } else if (message.type === "next" && message.payload && message.payload.errors) {
      const e = message.payload.errors[0];
      setLive(false, (e.extensions && e.extensions.code) || e.message);
    } else if (message.type === "next") {
      refreshSoon();
    } else if (message.type === "error" || message.type === "complete") {
      setLive(false, message.type);
    }
  };
  current.onclose = (event) => {
    if (socket !== current) return;
    setLive(false, event.code === 4403 ? "token refused" : "reconnecting");
    if (event.code !== 4403 && token()) {
      setTimeout(() => { if (socket === current) listen(); }, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    }
  };
}

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const value = $("token").value.trim().replace(/^Bearer\s+/i, "");
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  $("token").value = "";
  show(); listen();
});
$("forget").addEventListener("click", () => { sessionStorage.removeItem(TOKEN_KEY); listen(); show(); });
$("days").addEventListener("change", show);
window.addEventListener("hashchange", show);
show(); listen();

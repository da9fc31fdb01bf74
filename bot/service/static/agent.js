/*
 * Kestrel agent console (served at /agent): plain JavaScript, no dependencies, no build step.
 *
 * Sign in with an agent token (kept in sessionStorage for this tab only); every API call sends it as
 * `Authorization: Bearer <token>`. The queue updates live through WebSocket /v1/agent/ws (reconnecting with
 * backoff) and falls back to polling every 5 s while the socket is down.
 *
 * Safe under the page's strict Content-Security-Policy: no inline code, no eval, no HTML strings. Everything
 * that comes from the API (user text above all) is only ever inserted with textContent / createElement.
 */
(function () {
  "use strict";

  const TOKEN_KEY = "kestrel.agent.token";
  const NAME_KEY = "kestrel.agent.name";
  const POLL_MS = 5000;
  const BACKOFF_MIN_MS = 1000;
  const BACKOFF_MAX_MS = 30000;
  const CLOCK_MS = 30000;
  const URGENT_PRIORITY = 100;
  const VIP_PRIORITY = 10;
  const ROLE_LABELS = { user: "User", bot: "Assistant", agent: "Agent", system: "System" };
  const PACKET_KNOWN = new Set(["session_id", "reason", "language", "user", "intent", "confidence", "reasons",
    "flags", "candidates", "entities", "transcript", "summary", "route", "intake",
    "attachments"]);

  const $ = (id) => document.getElementById(id);
  const ui = {
    signin: $("signin"), signinForm: $("signin-form"), tokenInput: $("token-input"),
    signinError: $("signin-error"), signinButton: $("signin-button"),
    console: $("console"), signOut: $("sign-out"), whoami: $("whoami"), live: $("live-status"),
    tabs: Array.from(document.querySelectorAll(".ac-tab")), kindFilter: $("kind-filter"),
    queueList: $("queue-list"), queueEmpty: $("queue-empty"), queueError: $("queue-error"),
    placeholder: $("conv-placeholder"), convBody: $("conv-body"), convTitle: $("conv-title"),
    convMeta: $("conv-meta"), claim: $("claim-button"), resolve: $("resolve-button"),
    transferForm: $("transfer-form"), transferTeam: $("transfer-team"), transferButton: $("transfer-button"),
    teamOptions: $("team-options"), actionMessage: $("action-message"), packet: $("packet"),
    transcript: $("transcript"), replyForm: $("reply-form"), replyText: $("reply-text"),
    replyButton: $("reply-button"), replyHint: $("reply-hint")
  };

  const state = {
    token: null,
    name: null,
    status: "queued",
    kind: "",
    items: [],
    knownIds: null,          // ids of the last list, to mark rows that just arrived
    teams: new Set(),
    current: null,           // the open handoff (public fields)
    shownMessages: new Set(),
    socket: null,
    socketWanted: false,
    backoff: BACKOFF_MIN_MS,
    reconnectTimer: null,
    pollTimer: null,
    refreshTimer: null,
    clockTimer: null,
    listSeq: 0,
    detailSeq: 0
  };

  class AuthFailure extends Error {}

  class ApiError extends Error {
    constructor(status, detail) {
      super(detail);
      this.status = status;
    }
  }

  // ------------------------------------------------------------------ small DOM helpers (text only)

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  function show(node, visible) {
    node.hidden = !visible;
  }

  function say(node, text, kind) {
    node.textContent = text || "";
    node.hidden = !text;
    node.classList.toggle("ac-notice-error", kind === "error");
  }

  // ------------------------------------------------------------------ time formatting

  function parseTime(value) {
    if (!value) {
      return null;
    }
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? null : date;
  }

  function formatDuration(ms) {
    const minutes = Math.max(0, Math.floor(ms / 60000));
    if (minutes < 1) {
      return "under 1 min";
    }
    if (minutes < 60) {
      return minutes + " min";
    }
    const hours = Math.floor(minutes / 60);
    if (hours < 48) {
      return hours + " h " + String(minutes % 60).padStart(2, "0") + " min";
    }
    return Math.floor(hours / 24) + " d " + (hours % 24) + " h";
  }

  function formatTime(value) {
    const date = parseTime(value);
    if (!date) {
      return "";
    }
    const sameDay = date.toDateString() === new Date().toDateString();
    const options = sameDay ? { hour: "2-digit", minute: "2-digit" }
      : { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" };
    return date.toLocaleString(undefined, options);
  }

  function timeElement(value, className) {
    const node = el("time", className, formatTime(value));
    if (value) {
      node.dateTime = String(value);
      const date = parseTime(value);
      if (date) {
        node.title = date.toLocaleString();
      }
    }
    return node;
  }

  // ------------------------------------------------------------------ API

  async function api(method, path, body) {
    const token = state.token;
    const headers = { Authorization: "Bearer " + token, Accept: "application/json" };
    const init = { method: method, headers: headers, cache: "no-store" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (error) {
      throw new ApiError(0, "Can't reach the service. Check the connection; the console keeps retrying.");
    }
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    const detail = data && typeof data.detail === "string" ? data.detail : response.statusText || "error";
    if (response.status === 401 || response.status === 403) {
      if (state.token === token) {   // not a late answer to a token already signed out
        signOut(authMessage(response.status, detail));
      }
      throw new AuthFailure(detail);
    }
    if (!response.ok) {
      throw new ApiError(response.status, detail);
    }
    return data;
  }

  function authMessage(status, detail) {
    if (status === 403) {
      return "This token is not an agent token (403: " + detail + "). Sign in with an agent token.";
    }
    return "The token was not accepted (401: " + detail + "). Check it and sign in again.";
  }

  function describe(error) {
    if (error instanceof ApiError) {
      return error.status ? error.message + " (" + error.status + ")" : error.message;
    }
    return "Something went wrong: " + (error && error.message ? error.message : String(error));
  }

  // ------------------------------------------------------------------ sign in / out

  async function signIn(token) {
    state.token = token;
    ui.signinButton.disabled = true;
    say(ui.signinError, "");
    try {
      const data = await api("GET", "/v1/handoffs?status=queued");
      try {
        sessionStorage.setItem(TOKEN_KEY, token);
      } catch (error) { /* storage disabled: the console still works until the tab closes */ }
      ui.tokenInput.value = "";
      enterConsole(data);
    } catch (error) {
      if (!(error instanceof AuthFailure)) {
        state.token = null;
        say(ui.signinError, describe(error), "error");
      }
    } finally {
      ui.signinButton.disabled = false;
    }
  }

  function enterConsole(firstList) {
    show(ui.signin, false);
    show(ui.console, true);
    show(ui.signOut, true);
    updateWhoami();
    if (firstList && state.status === "queued" && !state.kind) {
      renderList(firstList.handoffs || []);
    } else {
      refreshList();
    }
    refreshCounts();
    state.socketWanted = true;
    connect();
    clearInterval(state.clockTimer);
    state.clockTimer = setInterval(updateClocks, CLOCK_MS);
  }

  function signOut(message) {
    state.token = null;
    state.name = null;
    state.socketWanted = false;
    try {
      sessionStorage.removeItem(TOKEN_KEY);
      sessionStorage.removeItem(NAME_KEY);
    } catch (error) { /* nothing stored */ }
    clearTimeout(state.reconnectTimer);
    clearTimeout(state.refreshTimer);
    clearInterval(state.clockTimer);
    stopPolling();
    if (state.socket) {
      const socket = state.socket;
      state.socket = null;
      socket.onclose = null;
      socket.close();
    }
    state.items = [];
    state.knownIds = null;
    state.teams.clear();
    closeConversation();
    clear(ui.queueList);
    clear(ui.teamOptions);
    show(ui.console, false);
    show(ui.signOut, false);
    show(ui.whoami, false);
    show(ui.live, false);
    show(ui.signin, true);
    say(ui.signinError, message || "", "error");
    document.title = "Kestrel agent console";
    ui.tokenInput.focus();
  }

  function updateWhoami() {
    show(ui.whoami, true);
    ui.whoami.textContent = state.name ? "Signed in as " + state.name : "Signed in";
  }

  function learnName(name) {
    if (!name || state.name === name) {
      return;
    }
    state.name = name;
    try {
      sessionStorage.setItem(NAME_KEY, name);
    } catch (error) { /* fine */ }
    updateWhoami();
  }

  // ------------------------------------------------------------------ live feed

  function connect() {
    if (!state.socketWanted || !state.token) {
      return;
    }
    if (typeof window.WebSocket !== "function") {
      setLive("polling", "Polling every 5 s");
      startPolling();
      return;
    }
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const url = scheme + "//" + window.location.host + "/v1/agent/ws?token=" + encodeURIComponent(state.token);
    let socket;
    try {
      socket = new WebSocket(url);
    } catch (error) {
      socketDown();
      return;
    }
    state.socket = socket;
    socket.onopen = function () {
      if (state.socket !== socket) {
        return;
      }
      state.backoff = BACKOFF_MIN_MS;
      stopPolling();
      setLive("live", "Live");
      // Catch up on anything missed while the socket was down.
      refreshList();
      refreshCounts();
      refreshDetail();
    };
    socket.onmessage = function (event) {
      if (state.socket !== socket) {
        return;
      }
      let data;
      try {
        data = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      onLiveEvent(data);
    };
    socket.onclose = function (event) {
      if (state.socket !== socket) {
        return;
      }
      state.socket = null;
      if (event.code === 4401 || event.code === 4403) {
        signOut(authMessage(event.code - 4000, "the live feed refused the token"));
        return;
      }
      socketDown();
    };
  }

  function socketDown() {
    if (!state.socketWanted) {
      return;
    }
    setLive("polling", "Reconnecting… (polling every 5 s)");
    startPolling();
    clearTimeout(state.reconnectTimer);
    const delay = state.backoff * (0.75 + Math.random() * 0.5);
    state.backoff = Math.min(state.backoff * 2, BACKOFF_MAX_MS);
    state.reconnectTimer = setTimeout(connect, delay);
  }

  function setLive(kind, text) {
    show(ui.live, true);
    ui.live.textContent = text;
    ui.live.dataset.state = kind;
  }

  function startPolling() {
    if (state.pollTimer) {
      return;
    }
    state.pollTimer = setInterval(function () {
      refreshList();
      refreshCounts();
      refreshDetail();
    }, POLL_MS);
  }

  function stopPolling() {
    clearInterval(state.pollTimer);
    state.pollTimer = null;
  }

  function onLiveEvent(data) {
    if (!data || typeof data !== "object") {
      return;
    }
    if (data.type === "error") {
      if (data.status === 401 || data.status === 403) {
        signOut(authMessage(data.status, String(data.detail || "the live feed refused the token")));
      }
      return;
    }
    if (data.type === "handoff" && data.handoff && typeof data.handoff === "object") {
      noteTeam(data.handoff.team);
      if (state.current && data.handoff.id === state.current.id) {
        state.current = Object.assign({}, state.current, data.handoff);
        renderHeader();
      }
      scheduleRefresh();
      return;
    }
    if (data.type === "message" && data.message && state.current && data.session_id === state.current.session_id) {
      addMessage(data.message);
      attachmentsNotice(data.message);
    }
  }

  function scheduleRefresh() {
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(function () {
      refreshList();
      refreshCounts();
    }, 120);
  }

  // ------------------------------------------------------------------ the list

  async function refreshList() {
    if (!state.token) {
      return;
    }
    const seq = ++state.listSeq;
    ui.queueList.setAttribute("aria-busy", "true");
    try {
      const data = await api("GET", listPath(state.status, state.kind));
      if (seq !== state.listSeq) {
        return;
      }
      say(ui.queueError, "");
      renderList(data.handoffs || []);
    } catch (error) {
      if (!(error instanceof AuthFailure) && seq === state.listSeq) {
        say(ui.queueError, "Could not load the list: " + describe(error), "error");
      }
    } finally {
      if (seq === state.listSeq) {
        ui.queueList.setAttribute("aria-busy", "false");
      }
    }
  }

  function listPath(status, kind) {
    const query = new URLSearchParams({ status: status });
    if (kind) {
      query.set("kind", kind);
    }
    return "/v1/handoffs?" + query.toString();
  }

  async function refreshCounts() {
    // The tab badges: how many handoffs are queued and claimed right now (same kind filter).
    for (const status of ["queued", "claimed"]) {
      if (!state.token) {
        return;
      }
      try {
        const data = await api("GET", listPath(status, state.kind));
        const items = data.handoffs || [];
        items.forEach(function (item) { noteTeam(item.team); });
        setCount(status, items.length);
        if (status === "queued") {
          document.title = (items.length ? "(" + items.length + ") " : "") + "Kestrel agent console";
        }
      } catch (error) {
        return;
      }
    }
  }

  function setCount(status, count) {
    const tab = ui.tabs.find(function (t) { return t.dataset.status === status; });
    if (tab) {
      tab.querySelector(".ac-count").textContent = count ? String(count) : "";
    }
  }

  function renderList(items) {
    const previous = state.knownIds;
    state.items = items;
    state.knownIds = new Set(items.map(function (item) { return item.id; }));
    items.forEach(function (item) { noteTeam(item.team); });
    if (state.status === "queued") {
      setCount("queued", items.length);
    } else if (state.status === "claimed") {
      setCount("claimed", items.length);
    }
    clear(ui.queueList);
    for (const item of items) {
      ui.queueList.appendChild(renderRow(item, previous !== null && !previous.has(item.id)));
    }
    show(ui.queueEmpty, items.length === 0);
  }

  function renderRow(item, isNew) {
    const li = el("li", "ac-item");
    li.dataset.id = item.id;
    const button = el("button", "ac-row");
    button.type = "button";
    button.dataset.id = item.id;
    if (isNew) {
      li.classList.add("ac-item-new");
    }
    if (state.current && state.current.id === item.id) {
      button.setAttribute("aria-current", "true");
    }
    const urgent = Number(item.priority) >= URGENT_PRIORITY;
    if (urgent) {
      li.classList.add("ac-item-urgent");
    }

    const top = el("span", "ac-row-top");
    top.appendChild(priorityBadges(item));
    if (item.kind === "ticket") {
      top.appendChild(el("span", "ac-badge ac-badge-ticket", "Ticket " + (item.ticket || "")));
    }
    top.appendChild(el("span", "ac-row-reason", humanize(item.reason)));
    const facts = el("span", "ac-row-facts");
    if (item.language) {
      facts.appendChild(el("span", "ac-lang", item.language));
    }
    if (item.team) {
      facts.appendChild(el("span", "ac-team", item.team));
    }
    top.appendChild(facts);
    button.appendChild(top);

    button.appendChild(el("span", "ac-row-summary", item.summary || ""));

    const bottom = el("span", "ac-row-bottom");
    const wait = el("span", "ac-wait");
    wait.dataset.since = item.created_at || "";
    wait.dataset.status = item.status || "";
    wait.dataset.resolved = item.resolved_at || "";
    wait.textContent = waitText(item);
    bottom.appendChild(wait);
    if (item.kind === "ticket" && item.due_at) {
      const due = el("span", "ac-due", "due ");
      due.appendChild(timeElement(item.due_at));
      if (parseTime(item.due_at) && parseTime(item.due_at).getTime() < Date.now() && item.status !== "resolved") {
        due.classList.add("ac-overdue");
        due.appendChild(document.createTextNode(" (overdue)"));
      }
      bottom.appendChild(due);
    }
    if (item.agent) {
      bottom.appendChild(el("span", "ac-agent", agentLabel(item.agent)));
    }
    button.appendChild(bottom);

    button.setAttribute("aria-label", rowLabel(item));
    button.addEventListener("click", function () { openConversation(item); });
    li.appendChild(button);
    return li;
  }

  function priorityBadges(item) {
    const wrap = el("span", "ac-badges");
    const rank = Number(item.priority) || 0;
    if (rank >= URGENT_PRIORITY) {
      wrap.appendChild(el("span", "ac-badge ac-badge-urgent", "urgent"));
    }
    const vip = rank % URGENT_PRIORITY;
    if (vip >= VIP_PRIORITY) {
      wrap.appendChild(el("span", "ac-badge ac-badge-vip", vip > VIP_PRIORITY ? "VIP " + (vip - VIP_PRIORITY) : "VIP"));
    }
    const number = el("span", "ac-badge ac-badge-priority", "P" + rank);
    number.title = "Priority " + rank;
    wrap.appendChild(number);
    return wrap;
  }

  function rowLabel(item) {
    const parts = [];
    if (Number(item.priority) >= URGENT_PRIORITY) {
      parts.push("Urgent");
    }
    parts.push(humanize(item.reason));
    if (item.language) {
      parts.push("language " + item.language);
    }
    if (item.team) {
      parts.push("team " + item.team);
    }
    if (item.ticket) {
      parts.push("ticket " + item.ticket);
    }
    parts.push(waitText(item));
    return parts.join(", ");
  }

  function waitText(item) {
    const created = parseTime(item.created_at);
    if (item.status === "resolved") {
      return item.resolved_at ? "resolved " + formatTime(item.resolved_at) : "resolved";
    }
    if (!created) {
      return "";
    }
    return (item.status === "claimed" ? "opened " : "waiting ") + formatDuration(Date.now() - created.getTime());
  }

  function updateClocks() {
    document.querySelectorAll(".ac-wait").forEach(function (node) {
      node.textContent = waitText({ created_at: node.dataset.since, status: node.dataset.status,
        resolved_at: node.dataset.resolved });
    });
    if (state.current) {
      renderHeader();
    }
  }

  function humanize(value) {
    if (!value) {
      return "";
    }
    const text = String(value).replace(/_/g, " ");
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function agentLabel(agent) {
    return state.name && agent === state.name ? "claimed by you" : "claimed by " + agent;
  }

  function noteTeam(team) {
    if (!team || state.teams.has(team)) {
      return;
    }
    state.teams.add(team);
    clear(ui.teamOptions);
    Array.from(state.teams).sort().forEach(function (name) {
      const option = document.createElement("option");
      option.value = name;
      ui.teamOptions.appendChild(option);
    });
  }

  function selectTab(status) {
    state.status = status;
    ui.tabs.forEach(function (tab) {
      const selected = tab.dataset.status === status;
      tab.setAttribute("aria-selected", selected ? "true" : "false");
      tab.tabIndex = selected ? 0 : -1;
      if (selected) {
        ui.queueList.setAttribute("aria-labelledby", tab.id);
      }
    });
    state.knownIds = null;
    refreshList();
  }

  // ------------------------------------------------------------------ one conversation

  function openConversation(item) {
    state.current = item;
    state.shownMessages = new Set();
    clear(ui.transcript);
    attachmentsReset();
    say(ui.actionMessage, "");
    show(ui.placeholder, false);
    show(ui.convBody, true);
    ui.queueList.querySelectorAll(".ac-row").forEach(function (row) {
      if (row.dataset.id === item.id) {
        row.setAttribute("aria-current", "true");
      } else {
        row.removeAttribute("aria-current");
      }
    });
    renderHeader();
    renderPacket(item.packet || {});
    refreshDetail();
  }

  function closeConversation() {
    state.current = null;
    state.shownMessages = new Set();
    clear(ui.transcript);
    clear(ui.packet);
    show(ui.convBody, false);
    show(ui.placeholder, true);
    kbSync();
    attachmentsReset();
  }

  async function refreshDetail() {
    if (!state.current || !state.token) {
      return;
    }
    const id = state.current.id;
    const seq = ++state.detailSeq;
    try {
      const data = await api("GET", "/v1/handoffs/" + encodeURIComponent(id));
      if (seq !== state.detailSeq || !state.current || state.current.id !== id) {
        return;
      }
      const transcript = Array.isArray(data.transcript) ? data.transcript : [];
      delete data.transcript;
      state.current = data;
      noteTeam(data.team);
      renderHeader();
      renderPacket(data.packet || {});
      transcript.forEach(addMessage);
      renderAttachments(id, data.attachments);
    } catch (error) {
      if (!(error instanceof AuthFailure) && state.current && state.current.id === id) {
        say(ui.actionMessage, "Could not load the conversation: " + describe(error), "error");
      }
    }
  }

  function renderHeader() {
    const item = state.current;
    if (!item) {
      return;
    }
    ui.convTitle.textContent = humanize(item.reason) + (item.ticket ? " · ticket " + item.ticket : "");
    clear(ui.convMeta);
    ui.convMeta.appendChild(priorityBadges(item));
    const status = el("span", "ac-status ac-status-" + (item.status || "unknown"), humanize(item.status));
    ui.convMeta.appendChild(status);
    const bits = [];
    if (item.language) {
      bits.push("language " + item.language);
    }
    if (item.team) {
      bits.push("team " + item.team);
    }
    if (item.agent) {
      bits.push(agentLabel(item.agent));
    }
    const wait = waitText(item);
    if (wait) {
      bits.push(wait);
    }
    ui.convMeta.appendChild(el("span", "ac-conv-facts", bits.join(" · ")));
    if (item.kind === "ticket" && item.due_at) {
      const due = el("span", "ac-due", "due ");
      due.appendChild(timeElement(item.due_at));
      ui.convMeta.appendChild(due);
    }

    const mine = item.status === "claimed" && (!state.name || item.agent === state.name);
    ui.claim.disabled = item.status !== "queued";
    ui.resolve.disabled = !mine;
    ui.transferButton.disabled = !mine;
    ui.transferTeam.disabled = !mine;
    ui.replyText.disabled = !mine;
    ui.replyButton.disabled = !mine;
    kbSync();
    if (item.status === "queued") {
      ui.replyHint.textContent = "Claim the conversation to reply.";
    } else if (item.status === "resolved") {
      ui.replyHint.textContent = "This conversation is resolved; the assistant answers the user again.";
    } else if (!mine) {
      ui.replyHint.textContent = "Claimed by " + item.agent + ".";
    } else {
      ui.replyHint.textContent = "";
    }
  }

  function renderPacket(packet) {
    clear(ui.packet);
    const list = el("dl", "ac-facts");
    const add = function (label, value) {
      if (value === null || value === undefined || value === "" ||
          (Array.isArray(value) && value.length === 0)) {
        return;
      }
      list.appendChild(el("dt", null, label));
      const dd = el("dd");
      if (value instanceof Node) {
        dd.appendChild(value);
      } else {
        dd.textContent = String(value);
      }
      list.appendChild(dd);
    };
    const item = state.current || {};
    add("Summary", packet.summary || item.summary);
    add("Reason", humanize(packet.reason || item.reason));
    add("Language", packet.language || item.language);
    const user = packet.user || {};
    add("User id", user.uid || "anonymous");
    add("Tier", user.tier);
    if (packet.intent) {
      const confidence = typeof packet.confidence === "number" ? " (confidence " + packet.confidence.toFixed(2) + ")"
        : "";
      add("Intent", packet.intent + confidence);
    }
    add("Reasons", chips(packet.reasons, "ac-chip"));
    add("Flags", chips(packet.flags, "ac-chip ac-chip-flag"));
    const route = packet.route || {};
    if (route.team || route.kind) {
      add("Route", [route.team, route.kind === "ticket" ? "ticket " + (route.ticket || "") : route.kind]
        .filter(Boolean).join(" · "));
    }
    ui.packet.appendChild(list);

    const candidates = Array.isArray(packet.candidates) ? packet.candidates : [];
    if (candidates.length) {
      ui.packet.appendChild(el("h4", "ac-mini-title", "FAQ candidates"));
      const ol = el("ol", "ac-candidates");
      candidates.forEach(function (candidate) {
        const li = el("li");
        li.appendChild(el("span", "ac-mono", candidate.faq_id));
        const score = typeof candidate.score === "number" ? candidate.score.toFixed(3) : String(candidate.score);
        li.appendChild(el("span", "ac-score", score));
        ol.appendChild(li);
      });
      ui.packet.appendChild(ol);
    }

    const entities = Array.isArray(packet.entities) ? packet.entities : [];
    if (entities.length) {
      ui.packet.appendChild(el("h4", "ac-mini-title", "Entities"));
      const table = el("table", "ac-entities");
      const head = el("tr");
      ["Kind", "Value", "Check"].forEach(function (label) {
        const th = el("th", null, label);
        th.scope = "col";
        head.appendChild(th);
      });
      const thead = el("thead");
      thead.appendChild(head);
      table.appendChild(thead);
      const tbody = el("tbody");
      entities.forEach(function (entity) {
        const row = el("tr");
        row.appendChild(el("td", null, humanize(entity.kind)));
        row.appendChild(el("td", "ac-mono ac-value", entity.value));
        row.appendChild(checkCell(entity));
        tbody.appendChild(row);
      });
      table.appendChild(tbody);
      ui.packet.appendChild(table);
    }

    renderIntake(packet.intake);

    const extra = Object.keys(packet).filter(function (key) { return !PACKET_KNOWN.has(key); });
    if (extra.length) {
      ui.packet.appendChild(el("h4", "ac-mini-title", "More"));
      const more = el("dl", "ac-facts");
      extra.forEach(function (key) {
        more.appendChild(el("dt", null, humanize(key)));
        const value = packet[key];
        more.appendChild(el("dd", "ac-mono", typeof value === "string" ? value : JSON.stringify(value)));
      });
      ui.packet.appendChild(more);
    }
  }

  // The guided intake's record: the facts the user gave (labels in English), what the checks found, changes.
  function renderIntake(intake) {
    if (!intake || typeof intake !== "object" || !intake.fields) {
      return;
    }
    const status = intake.interrupted ? "interrupted" : intake.confirmed ? "confirmed by the user" : "in progress";
    const title = el("h4", "ac-mini-title", "Intake: " + humanize(intake.form || "form") + " (" + status + ")");
    ui.packet.appendChild(title);
    const table = el("table", "ac-entities ac-intake");
    const tbody = el("tbody");
    const labels = intake.labels || {};
    const marks = intake.marks || {};
    Object.keys(intake.fields).forEach(function (name) {
      const row = el("tr");
      const th = el("th", null, labels[name] || humanize(name));
      th.scope = "row";
      row.appendChild(th);
      const value = intake.fields[name];
      row.appendChild(el("td", "ac-mono ac-value", value === null ? "—" : String(value)));
      row.appendChild(el("td", marks[name] ? "ac-intake-mark" : null, marks[name] ? humanize(marks[name]) : ""));
      tbody.appendChild(row);
    });
    table.appendChild(tbody);
    ui.packet.appendChild(table);
    const findings = Array.isArray(intake.findings) ? intake.findings : [];
    if (findings.length) {
      const ul = el("ul", "ac-intake-findings");
      findings.forEach(function (finding) {
        ul.appendChild(el("li", null, humanize(finding.check || "check") + " → " + (finding.faq_id || "") +
          (finding.solves ? " (answers the case)" : "")));
      });
      ui.packet.appendChild(ul);
    }
    const corrections = Array.isArray(intake.corrections) ? intake.corrections : [];
    if (corrections.length) {
      const ul = el("ul", "ac-intake-corrections");
      corrections.forEach(function (change) {
        ul.appendChild(el("li", null, "Changed " + (labels[change.field] || humanize(change.field)) + ": " +
          String(change.old) + " → " + String(change.new)));
      });
      ui.packet.appendChild(ul);
    }
  }

  function chips(values, className) {
    if (!Array.isArray(values) || values.length === 0) {
      return null;
    }
    const wrap = el("span", "ac-chips");
    values.forEach(function (value) { wrap.appendChild(el("span", className, value)); });
    return wrap;
  }

  function checkCell(entity) {
    // Addresses carry valid (checksum checked) and a detail: the address type, or why it failed.
    const td = el("td", "ac-check");
    const noun = entity.kind === "address" ? " address" : "";
    if (entity.valid === true) {
      td.appendChild(el("span", "ac-valid", "✓ valid" + noun));
    } else if (entity.valid === false) {
      const why = entity.detail === "checksum" ? "✗ invalid checksum" : "✗ invalid" + noun;
      td.appendChild(el("span", "ac-invalid", why));
    }
    Object.keys(entity).forEach(function (key) {
      const value = entity[key];
      if (["kind", "value", "valid"].includes(key) || value === null || value === undefined || value === "" ||
          (key === "detail" && entity.valid === false && value === "checksum")) {
        return;
      }
      td.appendChild(el("span", "ac-detail", typeof value === "string" ? value : JSON.stringify(value)));
    });
    return td;
  }

  function addMessage(message) {
    if (!message || typeof message !== "object" || message.id === undefined || message.id === null) {
      return;
    }
    const key = String(message.id);
    if (state.shownMessages.has(key)) {
      return;
    }
    state.shownMessages.add(key);
    const role = ROLE_LABELS[message.role] ? message.role : "other";
    const li = el("li", "ac-msg ac-msg-" + role);
    li.dataset.id = key;
    li.dataset.role = String(message.role || "");
    const head = el("div", "ac-msg-head");
    head.appendChild(el("span", "ac-msg-role", ROLE_LABELS[message.role] || humanize(message.role) || "Message"));
    if (message.title) {
      head.appendChild(el("span", "ac-msg-title", message.title));
    }
    head.appendChild(timeElement(message.created_at, "ac-msg-time"));
    li.appendChild(head);
    li.appendChild(el("p", "ac-msg-text", message.text || ""));
    // Keep server order even when a live event and a reload race.
    const id = Number(message.id);
    const after = Array.from(ui.transcript.children).find(function (node) { return Number(node.dataset.id) > id; });
    const stick = ui.transcript.scrollHeight - ui.transcript.scrollTop - ui.transcript.clientHeight < 60;
    ui.transcript.insertBefore(li, after || null);
    if (stick || !after) {
      ui.transcript.scrollTop = ui.transcript.scrollHeight;
    }
  }

  // ------------------------------------------------------------------ actions

  async function claim() {
    const item = state.current;
    if (!item) {
      return;
    }
    ui.claim.disabled = true;
    try {
      const record = await api("POST", "/v1/handoffs/" + encodeURIComponent(item.id) + "/claim");
      learnName(record.agent);
      say(ui.actionMessage, "You claimed this conversation.");
      state.current = Object.assign({}, state.current, record);
      renderHeader();
      ui.replyText.focus();
    } catch (error) {
      if (error instanceof AuthFailure) {
        return;
      }
      if (error.status === 409) {
        const who = /claimed by (.+)$/.exec(error.message);
        say(ui.actionMessage, who ? "Already claimed by " + who[1] + "." : describe(error), "error");
      } else {
        say(ui.actionMessage, "Could not claim: " + describe(error), "error");
      }
    }
    refreshDetail();
    scheduleRefresh();
  }

  async function sendReply() {
    const item = state.current;
    const text = ui.replyText.value.trim();
    if (!item || !text || ui.replyButton.disabled) {
      return;
    }
    ui.replyButton.disabled = true;
    try {
      const message = await api("POST", "/v1/handoffs/" + encodeURIComponent(item.id) + "/messages",
        { text: text });
      ui.replyText.value = "";
      say(ui.actionMessage, "");
      if (state.current && state.current.id === item.id) {
        addMessage(message);
      }
    } catch (error) {
      if (!(error instanceof AuthFailure)) {
        say(ui.actionMessage, "Could not send: " + describe(error), "error");
        refreshDetail();
      }
    } finally {
      if (state.current) {
        renderHeader();
      }
    }
    ui.replyText.focus();
  }

  async function resolve() {
    const item = state.current;
    if (!item) {
      return;
    }
    ui.resolve.disabled = true;
    try {
      const record = await api("POST", "/v1/handoffs/" + encodeURIComponent(item.id) + "/resolve");
      state.current = Object.assign({}, state.current, record);
      say(ui.actionMessage, "Resolved. The assistant answers this user again.");
    } catch (error) {
      if (!(error instanceof AuthFailure)) {
        say(ui.actionMessage, "Could not resolve: " + describe(error), "error");
      }
    }
    renderHeader();
    refreshDetail();
    scheduleRefresh();
  }

  async function transfer() {
    const item = state.current;
    const team = ui.transferTeam.value.trim();
    if (!item) {
      return;
    }
    if (!team) {
      say(ui.actionMessage, "Type the team to transfer to.", "error");
      ui.transferTeam.focus();
      return;
    }
    ui.transferButton.disabled = true;
    try {
      const record = await api("POST", "/v1/handoffs/" + encodeURIComponent(item.id) + "/transfer",
        { team: team });
      state.current = Object.assign({}, state.current, record);
      ui.transferTeam.value = "";
      say(ui.actionMessage, "Transferred to team " + record.team + "; it is back in the queue.");
    } catch (error) {
      if (!(error instanceof AuthFailure)) {
        say(ui.actionMessage, "Could not transfer: " + describe(error), "error");
      }
    }
    renderHeader();
    refreshDetail();
    scheduleRefresh();
  }

  // ------------------------------------------------------------------ knowledge base (canned replies)
  //
  // Search the knowledge base in any language, read the results in the agent's language, and insert the answer
  // worded for the user (the open handoff's language) into the reply box. Inserting never sends.

  const KB_LANG_KEY = "kestrel.agent.kblang";
  const KB_PREVIEW_CHARS = 220;
  const kbUi = {
    form: $("kb-form"), query: $("kb-query"), agentLang: $("kb-agent-lang"), button: $("kb-button"),
    target: $("kb-target"), message: $("kb-message"), results: $("kb-results")
  };
  const kb = {
    languages: null,         // codes the service words answers in, once loaded
    defaultLang: "en",
    loading: null,           // the languages request in flight
    handoffId: null,         // the handoff the shown results were worded for
    lastQuery: "",
    seq: 0
  };

  function kbLanguageName(code) {
    // Each language in its own name ("Español"); Chinese by script, as the service tells the two apart.
    const tag = code === "zh-CN" ? "zh-Hans" : code === "zh-TW" ? "zh-Hant" : code;
    try {
      const name = new Intl.DisplayNames([code], { type: "language" }).of(tag);
      if (name && name !== tag) {
        return name.charAt(0).toLocaleUpperCase(code) + name.slice(1);
      }
    } catch (error) { /* no Intl.DisplayNames: show the code */ }
    return code;
  }

  function kbMatchLanguage(code, supported) {
    const lower = String(code || "").trim().toLowerCase();
    if (!lower) {
      return null;
    }
    if (lower.indexOf("zh") === 0) {
      const chinese = /(tw|hk|mo|hant)/.test(lower) ? "zh-TW" : "zh-CN";
      return supported.includes(chinese) ? chinese : null;
    }
    const base = lower.split(/[-_]/)[0];
    return supported.find(function (item) { return item.toLowerCase() === base; }) || null;
  }

  function kbInitialAgentLang(supported) {
    let saved = null;
    try {
      saved = sessionStorage.getItem(KB_LANG_KEY);
    } catch (error) { /* storage disabled */ }
    const candidates = [saved].concat(navigator.languages || [], [navigator.language]);
    for (const candidate of candidates) {
      const match = kbMatchLanguage(candidate, supported);
      if (match) {
        return match;
      }
    }
    return supported.includes("en") ? "en" : kb.defaultLang;
  }

  async function kbLoadLanguages() {
    if (kb.languages || kb.loading || !state.token) {
      return kb.loading;
    }
    kb.loading = (async function () {
      try {
        const data = await api("GET", "/v1/agent/kb/languages");
        kb.languages = Array.isArray(data.languages) ? data.languages : [];
        kb.defaultLang = data.default || kb.defaultLang;
        clear(kbUi.agentLang);
        kb.languages.forEach(function (code) {
          const option = el("option", null, kbLanguageName(code));
          option.value = code;
          option.lang = code;
          kbUi.agentLang.appendChild(option);
        });
        kbUi.agentLang.value = kbInitialAgentLang(kb.languages);
        kbRenderTarget();
      } catch (error) {
        if (!(error instanceof AuthFailure)) {
          kbSay("Could not load the knowledge-base languages: " + describe(error), "error");
        }
      } finally {
        kb.loading = null;
      }
    })();
    return kb.loading;
  }

  function kbUserLang() {
    return (state.current && state.current.language) || kb.defaultLang;
  }

  function kbSay(text, kind) {
    kbUi.message.textContent = text || "";
    kbUi.message.hidden = !text;
    kbUi.message.classList.toggle("ac-kb-error", kind === "error");
  }

  function kbRenderTarget() {
    clear(kbUi.target);
    if (!state.current) {
      return;
    }
    const lang = kbUserLang();
    kbUi.target.appendChild(document.createTextNode("Inserting in: "));
    const name = el("strong", "ac-kb-target-lang", kbLanguageName(lang));
    name.lang = lang;
    kbUi.target.appendChild(name);
  }

  // Called whenever the open conversation is drawn or closed: results belong to one handoff's language.
  function kbSync() {
    const id = state.current ? state.current.id : null;
    if (id !== kb.handoffId) {
      kb.handoffId = id;
      kb.seq++;
      clear(kbUi.results);
      kbSay("");
    }
    kbRenderTarget();
    kbLoadLanguages();
  }

  async function kbSearch() {
    const query = kbUi.query.value.trim();
    if (!state.current) {
      return;
    }
    if (!query) {
      kbSay("Type a few words to search for.", "error");
      kbUi.query.focus();
      return;
    }
    await kbLoadLanguages();
    const handoffId = state.current.id;
    const params = new URLSearchParams({ q: query, lang: kbUserLang(), limit: "5" });
    if (kbUi.agentLang.value) {
      params.set("agent_lang", kbUi.agentLang.value);
    }
    const seq = ++kb.seq;
    kb.lastQuery = query;
    kbUi.results.setAttribute("aria-busy", "true");
    kbSay("Searching…");
    try {
      const data = await api("GET", "/v1/agent/kb/search?" + params.toString());
      if (seq !== kb.seq || !state.current || state.current.id !== handoffId) {
        return;
      }
      const results = Array.isArray(data.results) ? data.results : [];
      clear(kbUi.results);
      results.forEach(function (result) { kbUi.results.appendChild(kbRenderResult(result)); });
      kbSay(results.length ? results.length + (results.length === 1 ? " answer" : " answers") + " found."
        : "No answers found.");
    } catch (error) {
      if (!(error instanceof AuthFailure) && seq === kb.seq) {
        kbSay("Could not search: " + describe(error), "error");
      }
    } finally {
      if (seq === kb.seq) {
        kbUi.results.setAttribute("aria-busy", "false");
      }
    }
  }

  function kbPreview(text) {
    const flat = String(text || "").replace(/\s+/g, " ").trim();
    return flat.length > KB_PREVIEW_CHARS ? flat.slice(0, KB_PREVIEW_CHARS).trimEnd() + "…" : flat;
  }

  function kbRenderResult(result) {
    const agent = result.agent || {};
    const user = result.user || {};
    const li = el("li", "ac-kb-item");
    li.dataset.faqId = String(result.faq_id || "");

    const head = el("div", "ac-kb-head");
    const title = el("span", "ac-kb-title", agent.title || result.faq_id);
    title.lang = agent.language || "";
    head.appendChild(title);
    if (typeof result.score === "number") {
      const score = el("span", "ac-score", result.score.toFixed(2));
      score.title = "Retrieval score";
      head.appendChild(score);
    }
    li.appendChild(head);

    const preview = el("p", "ac-kb-preview", kbPreview(agent.answer));
    preview.lang = agent.language || "";
    li.appendChild(preview);

    if (user.language && user.language !== agent.language) {
      // What the user will read, so the agent can tell the right entry from its title in their language.
      const note = el("p", "ac-kb-user", "Inserts: ");
      const userTitle = el("span", null, user.title);
      userTitle.lang = user.language;
      note.appendChild(userTitle);
      if (user.language !== kbUserLang()) {
        note.appendChild(document.createTextNode(" (no " + kbLanguageName(kbUserLang()) + " version; " +
          kbLanguageName(user.language) + ")"));
      }
      li.appendChild(note);
    }
    const foot = el("div", "ac-kb-foot");
    foot.appendChild(el("span", "ac-mono ac-kb-id", result.faq_id));
    const actions = el("span", "ac-kb-actions");
    if (kbPreview(agent.answer) !== String(agent.answer || "").replace(/\s+/g, " ").trim()) {
      const more = el("button", "ac-btn ac-kb-more", "Show all");
      more.type = "button";
      more.setAttribute("aria-expanded", "false");
      more.addEventListener("click", function () {
        const open = more.getAttribute("aria-expanded") !== "true";
        more.setAttribute("aria-expanded", open ? "true" : "false");
        more.textContent = open ? "Show less" : "Show all";
        preview.textContent = open ? String(agent.answer || "") : kbPreview(agent.answer);
        preview.classList.toggle("ac-kb-full", open);
      });
      actions.appendChild(more);
    }
    const insert = el("button", "ac-btn ac-btn-primary ac-kb-insert", "Insert");
    insert.type = "button";
    insert.setAttribute("aria-label", "Insert: " + (agent.title || result.faq_id));
    insert.addEventListener("click", function () { kbInsert(user.answer || ""); });
    actions.appendChild(insert);
    foot.appendChild(actions);
    li.appendChild(foot);
    return li;
  }

  function kbInsert(text) {
    if (!text) {
      return;
    }
    if (ui.replyText.disabled) {
      kbSay("Claim the conversation first; then the answer can go into the reply box.", "error");
      return;
    }
    // Appended after what the agent already typed (a greeting, say), never sent: the agent reviews it first.
    const before = ui.replyText.value.replace(/\s+$/, "");
    ui.replyText.value = before ? before + "\n\n" + text : text;
    ui.replyText.focus();
    const end = ui.replyText.value.length;
    ui.replyText.setSelectionRange(end, end);
    kbSay("Inserted into the reply box. Edit it if needed, then press Send.");
  }

  kbUi.form.addEventListener("submit", function (event) {
    event.preventDefault();
    kbSearch();
  });
  kbUi.agentLang.addEventListener("change", function () {
    try {
      sessionStorage.setItem(KB_LANG_KEY, kbUi.agentLang.value);
    } catch (error) { /* not remembered */ }
    if (kb.lastQuery && kbUi.results.childElementCount) {
      kbSearch();
    }
  });

  // ------------------------------------------------------------------ attachments
  //
  // The open conversation's files: kind, size and name (as text), a download fetched with the agent token and
  // handed to the browser as a blob: URL, and for images a thumbnail from the same kind of URL (the page's CSP
  // allows blob: images for this). The list comes with the handoff detail; a new file's transcript line
  // ("[attachment] ...") arriving live reloads it.

  const ATTACHMENT_PREFIX = "[attachment]";
  const attachmentUi = {
    list: $("attachment-list"), empty: $("attachments-empty"), message: $("attachments-message")
  };
  const attachmentState = {
    shown: "",               // handoff id and attachment ids of the list on screen
    thumbnails: new Map()    // attachment id -> blob: URL of its thumbnail
  };

  function attachmentsReset() {
    attachmentState.thumbnails.forEach(function (url) { URL.revokeObjectURL(url); });
    attachmentState.thumbnails.clear();
    attachmentState.shown = "";
    clear(attachmentUi.list);
    show(attachmentUi.empty, true);
    say(attachmentUi.message, "");
  }

  function attachmentsNotice(message) {
    if (message && (typeof message.attachment_id === "string" ||
        (typeof message.text === "string" && message.text.indexOf(ATTACHMENT_PREFIX) === 0))) {
      refreshDetail();
    }
  }

  function formatSize(bytes) {
    const size = Number(bytes) || 0;
    if (size < 1024) {
      return size + " B";
    }
    if (size < 1024 * 1024) {
      return (size / 1024).toFixed(1) + " KB";
    }
    return (size / (1024 * 1024)).toFixed(1) + " MB";
  }

  function attachmentPath(handoffId, item) {
    return "/v1/handoffs/" + encodeURIComponent(handoffId) + "/attachments/" + encodeURIComponent(item.id);
  }

  // The file's bytes as a Blob of its stored type; ApiError / AuthFailure like api().
  async function fetchAttachment(handoffId, item) {
    const token = state.token;
    let response;
    try {
      response = await fetch(attachmentPath(handoffId, item),
        { headers: { Authorization: "Bearer " + token }, cache: "no-store" });
    } catch (error) {
      throw new ApiError(0, "Can't reach the service. Check the connection and try again.");
    }
    if (!response.ok) {
      let detail = response.statusText || "error";
      try {
        const data = await response.json();
        detail = data && typeof data.detail === "string" ? data.detail : detail;
      } catch (error) { /* not JSON */ }
      if ((response.status === 401 || response.status === 403) && state.token === token) {
        signOut(authMessage(response.status, detail));
        throw new AuthFailure(detail);
      }
      throw new ApiError(response.status, detail);
    }
    const bytes = await response.arrayBuffer();
    return new Blob([bytes], { type: String(item.content_type || "application/octet-stream").split(";")[0] });
  }

  function renderAttachments(handoffId, items) {
    const list = Array.isArray(items) ? items : [];
    const shown = handoffId + ":" + list.map(function (item) { return item.id; }).join(",");
    if (shown === attachmentState.shown) {
      return;   // unchanged: keep the thumbnails already loaded
    }
    attachmentState.shown = shown;
    clear(attachmentUi.list);
    list.forEach(function (item) { attachmentUi.list.appendChild(attachmentRow(handoffId, item)); });
    show(attachmentUi.empty, list.length === 0);
  }

  function attachmentRow(handoffId, item) {
    const li = el("li", "ac-attachment");
    li.dataset.id = String(item.id);
    li.dataset.kind = String(item.kind || "");
    const name = String(item.filename || "attachment");
    if (item.kind === "image") {
      const image = el("img", "ac-thumb");
      image.alt = "Preview of " + name;
      li.appendChild(image);
      loadThumbnail(handoffId, item, image);
    } else {
      li.appendChild(el("span", "ac-file-icon", item.kind === "pdf" ? "PDF" : "TXT"));
    }
    const info = el("div", "ac-attachment-info");
    info.appendChild(el("span", "ac-attachment-name", name));
    const meta = el("span", "ac-attachment-meta", humanize(item.kind) + " · " + formatSize(item.size) + " · ");
    meta.appendChild(timeElement(item.created_at));
    info.appendChild(meta);
    li.appendChild(info);
    const download = el("button", "ac-btn ac-attachment-download", "Download");
    download.type = "button";
    download.setAttribute("aria-label", "Download " + name);
    download.addEventListener("click", function () { downloadAttachment(handoffId, item, name, download); });
    li.appendChild(download);
    return li;
  }

  async function loadThumbnail(handoffId, item, image) {
    let url = attachmentState.thumbnails.get(item.id);
    if (!url) {
      try {
        url = URL.createObjectURL(await fetchAttachment(handoffId, item));
      } catch (error) {
        if (!(error instanceof AuthFailure)) {
          image.alt = "No preview: " + describe(error);
        }
        return;
      }
      if (!state.current || state.current.id !== handoffId) {
        URL.revokeObjectURL(url);   // the agent moved on while it loaded
        return;
      }
      attachmentState.thumbnails.set(item.id, url);
    }
    image.src = url;
  }

  async function downloadAttachment(handoffId, item, name, button) {
    button.disabled = true;
    say(attachmentUi.message, "");
    try {
      const url = URL.createObjectURL(await fetchAttachment(handoffId, item));
      const link = el("a");
      link.href = url;
      link.download = name;
      link.hidden = true;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
    } catch (error) {
      if (!(error instanceof AuthFailure)) {
        say(attachmentUi.message, "Could not download " + name + ": " + describe(error), "error");
      }
    } finally {
      button.disabled = false;
    }
  }

  // ------------------------------------------------------------------ wiring

  ui.signinForm.addEventListener("submit", function (event) {
    event.preventDefault();
    const token = ui.tokenInput.value.trim();
    if (!token) {
      say(ui.signinError, "Paste your agent token first.", "error");
      ui.tokenInput.focus();
      return;
    }
    signIn(token);
  });
  ui.signOut.addEventListener("click", function () { signOut(""); });
  ui.tabs.forEach(function (tab, index) {
    tab.addEventListener("click", function () { selectTab(tab.dataset.status); });
    tab.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") {
        return;
      }
      event.preventDefault();
      const next = ui.tabs[(index + (event.key === "ArrowRight" ? 1 : ui.tabs.length - 1)) % ui.tabs.length];
      next.focus();
      selectTab(next.dataset.status);
    });
  });
  ui.kindFilter.addEventListener("change", function () {
    state.kind = ui.kindFilter.value;
    state.knownIds = null;
    refreshList();
    refreshCounts();
  });
  ui.claim.addEventListener("click", claim);
  ui.resolve.addEventListener("click", resolve);
  ui.transferForm.addEventListener("submit", function (event) {
    event.preventDefault();
    transfer();
  });
  ui.replyForm.addEventListener("submit", function (event) {
    event.preventDefault();
    sendReply();
  });
  ui.replyText.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendReply();
    }
  });

  let saved = null;
  try {
    saved = sessionStorage.getItem(TOKEN_KEY);
    state.name = sessionStorage.getItem(NAME_KEY);
  } catch (error) {
    saved = null;
  }
  if (saved) {
    signIn(saved);
  } else {
    ui.tokenInput.focus();
  }
})();

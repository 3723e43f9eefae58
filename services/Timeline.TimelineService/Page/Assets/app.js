// The page (docs/PAGE.md): a chronology and its deadlines, live. Every text from the data is put
// into the page with textContent, never parsed as HTML; the service's Content-Security-Policy
// forbids inline script and any other origin.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const OPEN_START = "-9999-01-01";
  const OPEN_END = "9999-12-31";
  const PAGE_SIZE = 200;
  const FILTERS = ["q", "tag", "actor", "country", "kind", "from", "to", "asof"];
  const STATE_NAMES = {
    ON_TRACK: "On track", AT_RISK: "At risk", MET: "Met", MET_LATE: "Met late", MISSED: "Missed", CANCELLED: "Cancelled",
  };

  // The HTML export (`timeline export --format html`) is this page with its data embedded: it reads
  // that and never asks a service (its Content-Security-Policy allows no request at all).
  const embedded = (() => {
    const node = document.getElementById("timeline-data");
    return node ? JSON.parse(node.textContent) : null;
  })();

  function storedToken() {
    try { return sessionStorage.getItem("timeline-token") || ""; } catch (error) { return ""; }
  }

  const page = {
    view: {},            // the filters, period, as-of day and selection, as in the address
    token: storedToken(),
    entries: new Map(),  // event id -> { event, displayDate, serverMark, live }
    nextToken: "",
    loading: null,
    deadlines: new Map(),
    feed: null,
    generation: 0,       // bumped on every new view, so answers for an old one are dropped
    received: 0,         // entries the live feed delivered (tests read it: data-feed-entries)
    canWrite: false,     // the caller has events:write: the form is shown (GET /page/me)
  };

  // ---- small helpers -------------------------------------------------------------------------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null && text !== "") node.textContent = String(text);
    return node;
  }

  /** Days since 1970-01-01 of an ISO day, years -9999..9999 (EDTF numbering: 0000 is 1 BCE). */
  function dayNumber(text) {
    const m = /^(-?\d{4,})-(\d\d)-(\d\d)$/.exec(text || "");
    if (!m) return null;
    const d = new Date(0);
    d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    d.setUTCHours(0, 0, 0, 0);
    return Math.round(d.getTime() / 86400000);
  }

  function dayText(n) {
    const d = new Date(n * 86400000);
    const y = d.getUTCFullYear();
    const year = y < 0 ? "-" + String(-y).padStart(4, "0") : String(y).padStart(4, "0");
    return `${year}-${String(d.getUTCMonth() + 1).padStart(2, "0")}-${String(d.getUTCDate()).padStart(2, "0")}`;
  }

  function stateOf(status) {
    return (status.state || "DEADLINE_STATE_UNSPECIFIED").replace("DEADLINE_STATE_", "");
  }

  function effectName(effect) {
    return (effect || "").replace("DEADLINE_EFFECT_TYPE_", "").toLowerCase().replace("_", " ");
  }

  function interval(event) {
    const occurred = event.occurred || {};
    return {
      earliest: dayNumber(occurred.earliest), latest: dayNumber(occurred.latest),
      openStart: occurred.earliest === OPEN_START, openEnd: occurred.latest === OPEN_END,
    };
  }

  /** The chronology's order: earliest, latest, log position (as storage sorts). */
  function compareEvents(a, b) {
    const x = interval(a); const y = interval(b);
    return (x.earliest - y.earliest) || (x.latest - y.latest) || (Number(a.position) - Number(b.position));
  }

  // ---- the address ---------------------------------------------------------------------------

  function readAddress() {
    const params = new URLSearchParams(location.search);
    const view = {};
    for (const name of FILTERS.concat(["sel", "known"])) {
      const value = params.get(name);
      if (value) view[name] = value;
    }
    return view;
  }

  function writeAddress() {
    const params = new URLSearchParams();
    for (const name of FILTERS.concat(["sel", "known"])) {
      if (page.view[name]) params.set(name, page.view[name]);
    }
    const search = params.toString();
    try {
      history.replaceState(null, "", location.pathname + (search ? "?" + search : ""));
    } catch (error) {
      // A file:// page may refuse to change its address; the view still works.
    }
  }

  function fillForm() {
    const form = $("filters");
    for (const name of FILTERS) form.elements[name].value = page.view[name] || "";
  }

  /** The service's filter as query parameters (GetTimeline's names); several values separated by commas. */
  function filterQuery() {
    const params = new URLSearchParams();
    const lists = { tag: "filter.tags", actor: "filter.actors", country: "filter.countries", kind: "filter.kinds" };
    for (const [name, parameter] of Object.entries(lists)) {
      for (const value of (page.view[name] || "").split(",")) {
        const trimmed = value.trim();
        if (trimmed) params.append(parameter, name === "tag" ? trimmed.toLowerCase() : name === "country" ? trimmed.toUpperCase() : trimmed);
      }
    }
    if (page.view.from) params.set("filter.occurred_from", page.view.from);
    if (page.view.to) params.set("filter.occurred_to", page.view.to);
    return params;
  }

  // ---- requests ------------------------------------------------------------------------------

  class Refusal extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  function headers(accept) {
    const result = { Accept: accept };
    if (page.token) result.Authorization = "Bearer " + page.token;
    return result;
  }

  async function getJson(path, params) {
    const response = await fetch(path + (params && params.toString() ? "?" + params : ""), { headers: headers("application/json"), cache: "no-store" });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Refusal(response.status, body.message || `the service answered ${response.status}`);
    return body;
  }

  function askForToken(message) {
    $("token-form").hidden = false;
    $("token-reason").textContent = message;
    setConnection("refused", page.token ? "The token was refused" : "A token is needed");
    $("token").focus();
  }

  function showProblem(error) {
    if (error instanceof Refusal && (error.status === 401 || error.status === 403)) {
      askForToken(error.status === 401
        ? "This service needs a token with the timeline:read scope: " + error.message
        : "This token does not carry the timeline:read scope: " + error.message);
      return;
    }
    $("problem").hidden = false;
    $("problem").textContent = error.message;
  }

  // ---- loading a view ------------------------------------------------------------------------

  function start() {
    page.generation++;
    page.entries.clear();
    page.deadlines.clear();
    page.nextToken = "";
    page.loading = null;
    page.overview = null;
    $("problem").hidden = true;
    if (page.feed) page.feed.stop();
    page.feed = null;
    drawAll();
    if (embedded) {
      loadEmbedded();
      return;
    }
    loadOverview();
    if (page.view.asof || page.view.known) {
      setConnection("as-of", `As of ${page.view.asof || "today"}${page.view.known ? ", as recorded by " + page.view.known : ""}: not live`);
      loadPage();
      loadDeadlinesAsOf();
    } else {
      // The feed says from which position it follows; the first page is read once it has.
      page.feed = new Feed(page.generation);
      page.feed.connect();
    }
  }

  /** An export: the embedded entries that match the filters (as the service's filter would), all at once. */
  function loadEmbedded() {
    const lists = { tag: (e) => e.tags || [], actor: (e) => e.actors || [], country: (e) => [(e.location || {}).country], kind: (e) => [e.kind] };
    const wanted = {};
    for (const name of Object.keys(lists)) {
      const values = (page.view[name] || "").split(",").map((v) => v.trim().toLowerCase()).filter(Boolean);
      if (values.length) wanted[name] = values;
    }
    const from = dayNumber(page.view.from); const to = dayNumber(page.view.to);
    page.overview = { months: new Map(), total: 0 };
    for (const entry of embedded.entries || []) {
      const event = entry.event || {};
      const i = interval(event);
      if (!Object.entries(wanted).every(([name, values]) => lists[name](event).some((v) => values.includes(String(v || "").toLowerCase())))) continue;
      countOverview(event);
      if (from !== null && i.latest < from) continue;
      if (to !== null && i.earliest > to) continue;
      upsert(event, entry.displayDate, Boolean(entry.orderUncertain), false);
    }
    for (const status of embedded.deadlines || []) page.deadlines.set(status.deadlineId, status);
    // What the export holds and as of when is written in the status line by the export itself.
    setConnection("exported", $("connection").textContent);
    document.body.dataset.loaded = "true";
    drawAll();
    if (page.view.sel) showSelection(false);
  }

  async function loadPage() {
    if (page.loading) return page.loading;
    const generation = page.generation;
    const params = filterQuery();
    params.set("page_size", String(PAGE_SIZE));
    if (page.nextToken) params.set("page_token", page.nextToken);
    // As of a day (valid time); known=INSTANT in the address also reads the log as it was recorded then.
    if (page.view.asof) params.set("as_of", page.view.asof);
    if (page.view.known) params.set("known_at", page.view.known);
    page.loading = (async () => {
      try {
        const body = await getJson("/v1/timeline", params);
        if (generation !== page.generation) return;
        for (const entry of body.entries || []) {
          upsert(entry.event, entry.displayDate, Boolean(entry.orderUncertain), false);
        }
        page.nextToken = body.nextPageToken || "";
        document.body.dataset.loaded = "true";
        drawAll();
        if (page.view.sel) showSelection(false);
      } catch (error) {
        if (generation === page.generation) showProblem(error);
      } finally {
        if (generation === page.generation) page.loading = null;
      }
    })();
    return page.loading;
  }

  async function loadDeadlinesAsOf() {
    const generation = page.generation;
    try {
      let token = "";
      do {
        const params = new URLSearchParams({ page_size: "1000" });
        if (page.view.asof) params.set("as_of", page.view.asof);
        if (token) params.set("page_token", token);
        const body = await getJson("/v1/deadlines", params);
        if (generation !== page.generation) return;
        for (const status of body.deadlines || []) page.deadlines.set(status.deadlineId, status);
        token = body.nextPageToken || "";
      } while (token);
      drawDeadlines();
      if (page.view.sel) showSelection(false);
    } catch (error) {
      if (generation === page.generation) showProblem(error);
    }
  }

  /** Adds or replaces an event; an older revision never replaces a newer one. */
  function upsert(event, displayDate, serverMark, live) {
    const known = page.entries.get(event.eventId);
    if (known && Number(known.event.revision) > Number(event.revision)) return;
    if (event.retracted) {
      page.entries.delete(event.eventId);
      return;
    }
    // Past the last loaded entry while more pages remain: it arrives with those pages.
    if (live && page.nextToken) {
      const last = lastLoaded();
      if (last && compareEvents(event, last) > 0) {
        page.entries.delete(event.eventId);
        return;
      }
    }
    const occurred = event.occurred || {};
    page.entries.set(event.eventId, { event, displayDate: displayDate || occurred.display || occurred.edtf || "", serverMark, live });
  }

  function lastLoaded() {
    let last = null;
    for (const entry of page.entries.values()) {
      if (!entry.live && (!last || compareEvents(entry.event, last) > 0)) last = entry.event;
    }
    return last;
  }

  // ---- the live feed -------------------------------------------------------------------------

  /** Server-sent events read with fetch (EventSource cannot send a token), resumed from the last id. */
  class Feed {
    constructor(generation) {
      this.generation = generation;
      this.lastId = null;
      this.stopped = false;
      this.controller = null;
      this.retries = 0;
      this.caughtUp = false;
      this.behindSince = 0;
      this.timer = 0;
    }

    stop() {
      this.stopped = true;
      clearTimeout(this.timer);
      if (this.controller) this.controller.abort();
    }

    async connect() {
      if (this.stopped) return;
      const controller = new AbortController();
      this.controller = controller;
      const requestHeaders = headers("text/event-stream");
      if (this.lastId !== null) requestHeaders["Last-Event-ID"] = String(this.lastId);
      let watchdog = 0;
      const arm = () => {
        clearTimeout(watchdog);
        // The feed says something every second; five silent seconds is a dead connection.
        watchdog = setTimeout(() => controller.abort(), 5000);
      };
      try {
        setConnection(this.lastId === null ? "connecting" : "disconnected", this.lastId === null ? "Connecting…" : "Reconnecting…");
        const response = await fetch("/page/live?" + filterQuery(), { headers: requestHeaders, signal: controller.signal, cache: "no-store" });
        if (!response.ok) {
          const body = await response.json().catch(() => ({}));
          throw new Refusal(response.status, body.message || `the service answered ${response.status}`);
        }
        arm();
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          arm();
          buffer += value.replace(/\r\n?/g, "\n");
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            this.dispatch(block);
          }
        }
        throw new Error("the service closed the live feed");
      } catch (error) {
        clearTimeout(watchdog);
        if (this.stopped) return;
        if (error instanceof Refusal && error.status >= 400 && error.status < 500 && error.status !== 429 && error.status !== 408) {
          this.stopped = true;
          showProblem(error);
          if (error.status !== 401 && error.status !== 403) setConnection("refused", "Not live: " + error.message);
          return;
        }
        const delay = Math.min(5000, 250 * Math.pow(2, this.retries++));
        setConnection("disconnected", `Disconnected (${error.name === "AbortError" ? "no answer" : error.message}); retrying in ${Math.ceil(delay / 1000)} s. Showing what arrived until then.`);
        this.timer = setTimeout(() => this.connect(), delay);
      }
    }

    dispatch(block) {
      let type = "message"; let data = ""; let id = null;
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") type = value;
        else if (field === "data") data += value;
        else if (field === "id") id = value;
      }
      if (this.stopped || this.generation !== page.generation) return;
      const message = data ? JSON.parse(data) : {};
      this.handle(type, message);
      if (id !== null && /^\d+$/.test(id)) {
        this.lastId = Number(id);
        document.body.dataset.lastEventId = id;
      }
    }

    handle(type, message) {
      switch (type) {
        case "hello":
          this.retries = 0;
          this.caughtUp = false;
          setConnection("catching-up", message.resumed ? "Reconnected; catching up…" : "Catching up…");
          if (!message.resumed) loadPage();
          break;
        case "entry":
          page.received++;
          document.body.dataset.feedEntries = String(page.received);
          if (Number(message.revision) === 1 && !message.retracted) countOverview(message);
          upsert(message, null, false, true);
          scheduleDraw();
          break;
        case "caught-up":
          this.caughtUp = true;
          setConnection("live", "Live");
          break;
        case "checkpoint":
          break;
        case "deadline":
          if (message.status) {
            page.deadlines.set(message.status.deadlineId, message.status);
            scheduleDraw();
          }
          break;
        case "deadlines-caught-up":
          break;
        case "progress":
          this.progress(message);
          break;
        case "feed-error":
          setConnection("disconnected", "The live feed stopped: " + message.message);
          if (!message.retry) this.stop();
          break;
        default:
          break;
      }
    }

    /** Behind: storage's log has gone past what this page has for three seconds running. */
    progress(message) {
      if (!this.caughtUp) return;
      const head = Number(message.storageHead || 0);
      const lag = Number(message.projectionLag || 0);
      const behind = this.lastId !== null && head > this.lastId;
      if ((behind || lag > 0) && !this.behindSince) this.behindSince = Date.now();
      if (!behind && lag === 0) this.behindSince = 0;
      if (this.behindSince && Date.now() - this.behindSince >= 3000) {
        setConnection("behind", `Behind: ${Math.max(head - (this.lastId || 0), lag)} revisions not shown yet`);
      } else if (!message.live) {
        setConnection("behind", "Live, but the service has lost storage for now: statuses may be out of date");
      } else {
        setConnection("live", "Live");
      }
    }
  }

  function setConnection(state, text) {
    const node = $("connection");
    node.dataset.connection = state;
    if (node.textContent !== text) node.textContent = text;
  }

  // ---- drawing -------------------------------------------------------------------------------

  let drawPending = false;
  function scheduleDraw() {
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(() => { drawPending = false; drawAll(); });
  }

  function sortedEntries() {
    return [...page.entries.values()].sort((a, b) => compareEvents(a.event, b.event));
  }

  /** An entry's order is uncertain when its interval overlaps another's (the service marks its pages; live ones are marked here). */
  function orderMarks(entries) {
    const marks = entries.map((e) => e.serverMark && !e.live);
    let maxLatest = -Infinity; let maxIndex = -1;
    entries.forEach((entry, i) => {
      const { earliest, latest } = interval(entry.event);
      if (earliest <= maxLatest) { marks[i] = true; marks[maxIndex] = true; }
      if (latest > maxLatest) { maxLatest = latest; maxIndex = i; }
    });
    return marks;
  }

  /** The period drawn: the From..To filter, else what is loaded (open ends left out), padded a little. */
  function period(entries) {
    let from = dayNumber(page.view.from); let to = dayNumber(page.view.to);
    if (from === null || to === null) {
      let low = Infinity; let high = -Infinity;
      for (const entry of entries) {
        const i = interval(entry.event);
        if (!i.openStart) low = Math.min(low, i.earliest);
        if (!i.openEnd) high = Math.max(high, i.latest);
        if (i.openStart && !i.openEnd) low = Math.min(low, i.latest);
        if (i.openEnd && !i.openStart) high = Math.max(high, i.earliest);
      }
      for (const status of page.deadlines.values()) {
        const due = dayNumber((status.due || {}).latest);
        if (due !== null && (status.due || {}).latest !== OPEN_END) { low = Math.min(low, due); high = Math.max(high, due); }
      }
      if (low === Infinity) { const today = Math.floor(Date.now() / 86400000); low = today - 30; high = today + 30; }
      const pad = Math.max(1, Math.round((high - low) * 0.03));
      if (from === null) from = low - pad;
      if (to === null) to = high + pad;
    }
    if (to <= from) to = from + 1;
    return { from, to: to + 1 };
  }

  function percent(day, span) {
    return ((day - span.from) / (span.to - span.from)) * 100;
  }

  function drawAll() {
    const entries = sortedEntries();
    const span = period(entries);
    drawAxis(span);
    drawOverview(entries, span);
    drawEntries(entries, span);
    drawDeadlines(span);
    document.body.dataset.drawn = "true";
  }

  function drawAxis(span) {
    const axis = $("axis");
    axis.replaceChildren();
    const days = span.to - span.from;
    const width = Math.max(200, axis.clientWidth || 600);
    const most = Math.max(2, Math.floor(width / 70));
    const steps = [[1, "day"], [7, "day"], [14, "day"], [1, "month"], [3, "month"], [6, "month"], [1, "year"], [2, "year"], [5, "year"], [10, "year"], [20, "year"], [50, "year"], [100, "year"], [500, "year"], [1000, "year"]];
    const approx = { day: 1, month: 30.44, year: 365.25 };
    const [size, unit] = steps.find(([n, u]) => days / (n * approx[u]) <= most) || steps[steps.length - 1];
    const first = new Date(span.from * 86400000);
    let cursor = new Date(0);
    cursor.setUTCFullYear(first.getUTCFullYear(), unit === "year" ? 0 : first.getUTCMonth(), unit === "day" ? first.getUTCDate() : 1);
    if (unit === "year") cursor.setUTCFullYear(Math.floor(first.getUTCFullYear() / size) * size, 0, 1);
    for (let guard = 0; guard < 200; guard++) {
      const day = Math.round(cursor.getTime() / 86400000);
      if (day >= span.to) break;
      if (day >= span.from) {
        const text = dayText(day);
        // Years before 1 CE read as a person writes them (EDTF -0043 is 44 BCE).
        const year = cursor.getUTCFullYear();
        const label = unit === "year" ? (year > 0 ? String(year) : `${1 - year} BCE`) : unit === "month" ? text.slice(0, text.length - 3) : text;
        const at = percent(day, span);
        // Labels at either end are kept inside the axis, so nothing sticks out sideways.
        const tick = el("span", at < 6 ? "near-start" : at > 94 ? "near-end" : "", label);
        tick.style.left = at + "%";
        axis.append(tick);
      }
      if (unit === "day") cursor.setUTCDate(cursor.getUTCDate() + size);
      else if (unit === "month") cursor.setUTCMonth(cursor.getUTCMonth() + size);
      else cursor.setUTCFullYear(cursor.getUTCFullYear() + size);
    }
  }

  /**
   * Where the entries are dense over the whole period: from the service's counts per month for the
   * current filter (GET /page/overview, or the export's own entries), so not only the loaded pages;
   * until they arrive, from the loaded entries. Each column zooms to its period (a service filter);
   * the columns of the period on view are marked.
   */
  function drawOverview(entries, span) {
    const overview = $("overview");
    let bins;
    if (page.overview && page.overview.months.size) {
      // By day, not as text: "-0217-01" is before "-0044-03".
      const keys = [...page.overview.months.keys()].sort((a, b) => dayNumber(a + "-01") - dayNumber(b + "-01"));
      const first = dayNumber(keys[0] + "-01");
      const end = nextMonth(keys[keys.length - 1]);
      const columns = Math.min(48, monthsBetween(keys[0], keys[keys.length - 1]) + 1);
      bins = columnBins(first, end, columns);
      for (const [month, count] of page.overview.months) {
        const day = dayNumber(month + "-01");
        bins[Math.min(columns - 1, Math.floor(((day - first) / (end - first)) * columns))].count += count;
      }
      overview.dataset.source = "store";
      overview.dataset.total = String(page.overview.total);
    } else {
      bins = columnBins(span.from, span.to, 48);
      for (const entry of entries) {
        const { earliest, latest } = interval(entry.event);
        const middle = Math.min(Math.max(Math.floor((earliest + latest) / 2), span.from), span.to - 1);
        bins[Math.min(47, Math.floor(((middle - span.from) / (span.to - span.from)) * 48))].count++;
      }
      overview.dataset.source = "loaded";
      overview.dataset.total = String(entries.length);
    }
    const most = Math.max(1, ...bins.map((b) => b.count));
    const whole = overview.dataset.source === "store";
    $("overview-caption").textContent = whole
      ? `Overview: all ${page.overview.total} ${page.overview.total === 1 ? "event" : "events"}, ${dayText(bins[0].from).slice(0, -3)} to ${dayText(bins[bins.length - 1].to).slice(0, -3)}; the darker columns are the period below`
      : "Overview of the loaded entries";
    overview.replaceChildren(...bins.map((bin) => {
      const column = el("button", whole && bin.from < span.to && bin.to >= span.from ? "in-view" : "");
      column.type = "button";
      column.style.height = (bin.count === 0 ? 2 : 15 + (85 * bin.count) / most) + "%";
      column.title = `${dayText(bin.from)} to ${dayText(bin.to)}: ${bin.count} ${overview.dataset.source === "store" ? "events" : "loaded"}`;
      column.dataset.count = String(bin.count);
      column.setAttribute("aria-label", column.title);
      column.addEventListener("click", () => { page.view.from = dayText(bin.from); page.view.to = dayText(bin.to); apply(); });
      return column;
    }));
  }

  /** Columns of equal length from `from` (a day) to before `end`, each with its first and last day. */
  function columnBins(from, end, columns) {
    return Array.from({ length: columns }, (_, i) => {
      const start = from + Math.floor(((end - from) * i) / columns);
      return { from: start, to: Math.max(start, from + Math.floor(((end - from) * (i + 1)) / columns) - 1), count: 0 };
    });
  }

  /** The first day after a month ("2020-07" or "-0043-03"), as a day number. */
  function nextMonth(month) {
    const d = new Date(dayNumber(month + "-01") * 86400000);
    d.setUTCMonth(d.getUTCMonth() + 1);
    return Math.round(d.getTime() / 86400000);
  }

  function monthsBetween(a, b) {
    const [ya, ma] = a.split(/-(?=\d\d$)/).map(Number); const [yb, mb] = b.split(/-(?=\d\d$)/).map(Number);
    return (yb - ya) * 12 + (mb - ma);
  }

  /** The month an event is counted in, as the service counts it: its interval's middle, or its one closed end. */
  function monthOf(event) {
    const i = interval(event);
    if (i.openStart && i.openEnd) return null;
    const day = i.openStart ? i.latest : i.openEnd ? i.earliest : i.earliest + Math.floor((i.latest - i.earliest) / 2);
    return dayText(day).slice(0, -3);
  }

  function countOverview(event) {
    const month = monthOf(event);
    if (!page.overview || month === null) return;
    page.overview.months.set(month, (page.overview.months.get(month) || 0) + 1);
    page.overview.total++;
  }

  async function loadOverview() {
    const generation = page.generation;
    const params = filterQuery();
    params.delete("filter.occurred_from");
    params.delete("filter.occurred_to");
    try {
      const body = await getJson("/page/overview", params);
      if (generation !== page.generation) return;
      page.overview = { months: new Map(body.months || []), total: Number(body.total || 0) };
      scheduleDraw();
    } catch (error) {
      // The overview of loaded entries stays; the problem, if it matters, shows on the other requests.
    }
  }

  function drawEntries(entries, span) {
    const list = $("entries");
    const marks = orderMarks(entries);
    const words = (page.view.q || "").toLowerCase().split(/\s+/).filter(Boolean);
    const rows = entries.map((entry, i) => {
      const event = entry.event;
      const row = el("li", "entry" + (page.view.sel === event.eventId ? " selected" : ""));
      row.dataset.eventId = event.eventId;
      row.dataset.revision = String(event.revision);
      const label = el("button", "entry-label");
      label.type = "button";
      label.dataset.eventId = event.eventId;
      if (marks[i]) {
        const mark = el("span", "uncertain-mark", "~");
        mark.title = "order uncertain: this entry's dates overlap another's";
        label.append(mark);
      }
      label.append(el("span", "entry-date", entry.displayDate), el("span", "entry-title", event.title));
      label.title = `${entry.displayDate}: ${event.title}`;
      label.addEventListener("click", () => select(event.eventId));
      const track = el("div", "track");
      const i2 = interval(event);
      const left = i2.openStart ? 0 : Math.max(0, percent(i2.earliest, span));
      const right = i2.openEnd ? 100 : Math.min(100, percent(i2.latest + 1, span));
      const bar = el("div", "bar" + (marks[i] ? " uncertain" : "") + (i2.openStart || percent(i2.earliest, span) < 0 ? " open-start" : "") + (i2.openEnd || percent(i2.latest + 1, span) > 100 ? " open-end" : ""));
      bar.style.left = left + "%";
      bar.style.width = Math.max(0, right - left) + "%";
      track.append(bar);
      track.addEventListener("click", () => select(event.eventId));
      row.append(label, track);
      if (words.length) {
        const haystack = [event.title, event.summary, event.kind, (event.location || {}).name, (event.tags || []).join(" "), (event.actors || []).join(" "), event.eventId].join(" ").toLowerCase();
        row.hidden = !words.every((w) => haystack.includes(w));
      }
      return row;
    });
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.eventId : null;
    list.replaceChildren(...rows);
    if (focused) {
      const again = list.querySelector(`button.entry-label[data-event-id="${CSS.escape(focused)}"]`);
      if (again) again.focus();
    }
    const shown = rows.filter((r) => !r.hidden).length;
    $("count").textContent = `${shown} of ${entries.length} loaded entries shown` + (page.nextToken ? "; more in this period" : "");
    $("more").hidden = !page.nextToken;
  }

  function drawDeadlines(span) {
    span = span || period(sortedEntries());
    const list = $("deadline-list");
    const lane = $("deadline-lane");
    const statuses = [...page.deadlines.values()].sort((a, b) => (dayNumber((a.due || {}).latest) || 0) - (dayNumber((b.due || {}).latest) || 0));
    list.replaceChildren(...statuses.map((status) => {
      const state = stateOf(status);
      const item = el("li", "deadline");
      item.dataset.deadlineId = status.deadlineId;
      item.dataset.state = state;
      const button = el("button", "deadline-button");
      button.type = "button";
      const due = status.due || {};
      const days = Number(status.daysRemaining || 0);
      const when = state === "ON_TRACK" || state === "AT_RISK" ? (days >= 0 ? `${days} days remaining` : `${-days} days past due`) : `since ${status.since || ""}`;
      button.append(el("span", "state", STATE_NAMES[state] || state), el("span", "deadline-title", status.title || status.deadlineId),
        el("span", "deadline-due", ` — due ${due.display || due.edtf || ""}, ${when}`));
      button.addEventListener("click", () => select("deadline:" + status.deadlineId));
      item.append(button);
      return item;
    }));
    lane.replaceChildren(...statuses.map((status) => {
      const due = dayNumber((status.due || {}).latest);
      const marker = el("div", "marker");
      marker.dataset.deadlineId = status.deadlineId;
      marker.dataset.state = stateOf(status);
      marker.title = `${status.title}: ${STATE_NAMES[stateOf(status)] || ""}`;
      marker.style.left = (due === null ? 0 : Math.min(100, Math.max(0, percent(due, span)))) + "%";
      return marker;
    }));
    if (page.view.sel && page.view.sel.startsWith("deadline:")) showSelection(false);
  }

  // ---- details -------------------------------------------------------------------------------

  function select(selection) {
    page.view.sel = selection;
    writeAddress();
    for (const row of document.querySelectorAll(".entry.selected")) row.classList.remove("selected");
    const row = document.querySelector(`.entry[data-event-id="${CSS.escape(selection)}"]`);
    if (row) row.classList.add("selected");
    showSelection(true);
  }

  function closeDetails() {
    const selection = page.view.sel;
    delete page.view.sel;
    writeAddress();
    $("details").hidden = true;
    for (const row of document.querySelectorAll(".entry.selected")) row.classList.remove("selected");
    const back = selection && (document.querySelector(`button.entry-label[data-event-id="${CSS.escape(selection)}"]`));
    if (back) back.focus();
  }

  function facts(pairs) {
    const list = el("dl");
    for (const [name, value] of pairs) {
      if (value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0)) continue;
      list.append(el("dt", "", name));
      const dd = el("dd");
      if (value instanceof Node) dd.append(value); else dd.textContent = Array.isArray(value) ? value.join(", ") : String(value);
      list.append(dd);
    }
    return list;
  }

  function link(url, text) {
    // Only web addresses become links; anything else (javascript:, data:) stays text.
    if (!/^https?:\/\//i.test(url || "")) return document.createTextNode(text || url || "");
    const a = el("a", "", text || url);
    a.href = url;
    a.rel = "noopener noreferrer";
    a.target = "_blank";
    return a;
  }

  function dateFacts(date) {
    date = date || {};
    const from = date.earliest === OPEN_START ? "open" : date.earliest;
    const to = date.latest === OPEN_END ? "open" : date.latest;
    return `${date.display || date.edtf || ""} (${from} .. ${to}${date.edtf ? ", EDTF " + date.edtf : ""})`;
  }

  function showSelection(focus) {
    const selection = page.view.sel;
    const body = $("details-body");
    if (!selection) return;
    if (selection.startsWith("deadline:")) {
      const status = page.deadlines.get(selection.slice("deadline:".length));
      if (!status) return;
      body.replaceChildren(...deadlineDetails(status));
    } else {
      const entry = page.entries.get(selection);
      if (!entry) return;
      body.replaceChildren(...entryDetails(entry));
      loadRevisions(entry.event.eventId);
    }
    $("details").hidden = false;
    if (focus) $("close").focus();
  }

  function entryDetails(entry) {
    const e = entry.event;
    const location = e.location || {};
    const place = [location.name, location.admin2, location.admin1, location.country].filter(Boolean).join(", ");
    const source = e.source || {};
    const parts = [el("h2", "", e.title), facts([
      ["When", dateFacts(e.occurred)],
      ["Written", (e.occurred || {}).text ? `“${e.occurred.text}” read against ${e.occurred.reference}` : ""],
      ["Place", place],
      ["Kind", e.kind],
      ["Actors", e.actors || []],
      ["Tags", e.tags || []],
      ["Event id", e.eventId],
    ])];
    if (e.summary) parts.push(el("p", "summary", e.summary));
    if (source.name || source.url || source.quote) {
      parts.push(el("h3", "", "Source"));
      parts.push(facts([["Name", source.name], ["Link", source.url ? link(source.url) : ""], ["Published", source.published]]));
      if (source.quote) parts.push(el("blockquote", "", source.quote));
    }
    if (e.deadline) {
      parts.push(el("h3", "", "Deadline"));
      parts.push(facts([["Deadline", e.deadline.deadlineId], ["Effect", effectName(e.deadline.effect)], ["Due", e.deadline.due ? dateFacts(e.deadline.due) : ""], ["Promise", e.deadline.title], ["Responsible", e.deadline.responsible]]));
    }
    const attributes = Object.entries(e.attributes || {});
    if (attributes.length) parts.push(el("h3", "", "Attributes"), facts(attributes));
    if (page.canWrite) {
      const correct = el("button", "correct", "Correct this event");
      correct.type = "button";
      correct.id = "correct";
      correct.addEventListener("click", () => openEditor(entry.event));
      parts.push(correct);
    }
    parts.push(el("h3", "", "Revisions"));
    const revisions = el("ol", "revisions");
    revisions.id = "revisions";
    revisions.append(el("li", "", `revision ${e.revision}, recorded ${e.recordedAt || ""} by ${e.recordedBy || ""}`));
    parts.push(revisions);
    return parts;
  }

  async function loadRevisions(eventId) {
    if (embedded) return;
    try {
      const body = await getJson("/page/history/" + encodeURIComponent(eventId));
      if (page.view.sel !== eventId || !$("revisions")) return;
      $("revisions").replaceChildren(...(body.revisions || []).map((r) => el("li", "",
        `revision ${r.revision} (position ${r.position}), recorded ${r.recordedAt || ""} by ${r.recordedBy || ""}${r.retracted ? ": retracted" : `: “${r.title}”, ${(r.occurred || {}).display || (r.occurred || {}).edtf || ""}`}`)));
    } catch (error) {
      if ($("revisions")) $("revisions").append(el("li", "", "The revisions could not be read: " + error.message));
    }
  }

  function deadlineDetails(status) {
    const state = stateOf(status);
    const parts = [el("h2", "", status.title || status.deadlineId), facts([
      ["Status", `${STATE_NAMES[state] || state} since ${status.since || ""} (as of ${status.asOf || ""})`],
      ["Due", dateFacts(status.due)],
      ["First due", status.originalDue && status.originalDue.edtf !== (status.due || {}).edtf ? dateFacts(status.originalDue) : ""],
      ["Days remaining", String(status.daysRemaining || 0)],
      ["Responsible", status.responsible],
      ["Deadline id", status.deadlineId],
    ])];
    parts.push(el("h3", "", "Why"));
    const reasons = el("ol", "reasons");
    for (const reason of status.reasons || []) {
      const item = el("li");
      const button = el("button", "reason-link", reason.title || reason.eventId);
      button.type = "button";
      button.addEventListener("click", () => { if (page.entries.has(reason.eventId)) select(reason.eventId); });
      item.append(button, el("span", "", ` — ${effectName(reason.effect)}, ${((reason.occurred || {}).display) || ""}: ${reason.explanation || ""}`));
      reasons.append(item);
    }
    parts.push(reasons);
    parts.push(el("h3", "", "History"));
    const history = el("ol", "status-history");
    history.id = "status-history";
    parts.push(history);
    loadStatusHistory(status.deadlineId);
    return parts;
  }

  /** How the deadline's status moved up to today (or the as-of day), from ReplayDeadlines. */
  async function loadStatusHistory(deadlineId) {
    if (embedded) {
      setTimeout(() => { if ($("status-history")) $("status-history").replaceChildren(el("li", "", "The status history is not in the export (timeline deadlines shows it).")); });
      return;
    }
    try {
      const body = await getJson("/page/deadline-history/" + encodeURIComponent(deadlineId));
      const list = $("status-history");
      if (!list || page.view.sel !== "deadline:" + deadlineId) return;
      const limit = page.view.asof ? dayNumber(page.view.asof) : Infinity;
      list.replaceChildren(...(body.changes || []).filter((c) => dayNumber(c.since) <= limit).map((change) => {
        const state = stateOf(change);
        const item = el("li", "", `${change.since}: ${STATE_NAMES[state] || state}, due ${(change.due || {}).display || (change.due || {}).edtf || ""}`);
        item.dataset.state = state;
        return item;
      }));
    } catch (error) {
      if ($("status-history")) $("status-history").replaceChildren(el("li", "", "The history could not be read: " + error.message));
    }
  }

  // ---- adding and correcting ----------------------------------------------------------------

  /** Whether the caller may write (events:write): only then is the form offered. */
  async function checkWriter() {
    if (embedded) return;
    try {
      const me = await getJson("/page/me");
      page.canWrite = (me.scopes || []).includes("events:write");
    } catch (error) {
      page.canWrite = false;
    }
    $("add-event").hidden = !page.canWrite;
    if (!page.canWrite) $("editor").hidden = true;
    document.body.dataset.canWrite = String(page.canWrite);
    if (page.view.sel && !$("details").hidden) showSelection(false);
  }

  const FORM_FIELDS = ["title", "when", "reference", "summary", "kind", "place", "country", "actors", "tags", "sourceName", "sourceUrl", "sourcePublished", "sourceQuote"];

  function today() {
    const now = new Date();
    return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${String(now.getDate()).padStart(2, "0")}`;
  }

  /** Opens the form empty (a new event) or filled from the event being corrected (a new revision of it). */
  function openEditor(event) {
    const form = $("write-form");
    editor.correcting = event || null;
    editor.readBack = null;
    clearWriteErrors();
    $("write-result").textContent = "";
    $("date-readback").textContent = "";
    const e = event || {};
    const occurred = e.occurred || {};
    const location = e.location || {};
    const source = e.source || {};
    const values = {
      title: e.title, when: occurred.text || occurred.edtf, reference: occurred.reference || today(), summary: e.summary, kind: e.kind,
      place: location.name, country: location.country, actors: (e.actors || []).join(", "), tags: (e.tags || []).join(", "),
      sourceName: source.name, sourceUrl: source.url, sourcePublished: source.published, sourceQuote: source.quote,
    };
    for (const name of FORM_FIELDS) form.elements[name].value = values[name] || "";
    $("editor-title").textContent = event ? `Correct “${event.title}” (now revision ${event.revision})` : "Add an event";
    $("write-submit").textContent = event ? "Store the correction" : "Store";
    $("details").hidden = true;
    $("editor").hidden = false;
    form.elements.title.focus();
    if (values.when) readDate();
  }

  const editor = { correcting: null, readBack: null, timer: 0, asked: "" };

  function clearWriteErrors() {
    for (const node of document.querySelectorAll("#write-form .field-error")) { node.hidden = true; node.textContent = ""; }
    for (const input of document.querySelectorAll("#write-form [aria-invalid]")) input.removeAttribute("aria-invalid");
  }

  /** Puts a refusal beside the field it names (occurred.text beside When, source.url beside Link...). */
  function showFieldError(field, message) {
    const path = field.replace(/\[\d+\]/g, "");
    let best = null;
    for (const input of document.querySelectorAll("#write-form [data-field]")) {
      const name = input.dataset.field;
      if ((path === name || path.startsWith(name + ".")) && (!best || name.length > best.dataset.field.length)) best = input;
    }
    const target = best ? $("error-" + best.name) : $("write-problem");
    if (best) best.setAttribute("aria-invalid", "true");
    target.hidden = false;
    target.textContent = (target.textContent ? target.textContent + " " : "") + (best ? message : `${field}: ${message}`);
  }

  function showRefusal(body, status) {
    const details = body.details || [];
    const bad = details.find((d) => (d["@type"] || "").endsWith("google.rpc.BadRequest"));
    if (bad && (bad.fieldViolations || []).length) {
      for (const v of bad.fieldViolations) showFieldError(v.field || "", v.description || "");
    } else {
      const problem = $("write-problem");
      problem.hidden = false;
      problem.textContent = status === 401 || status === 403 ? "Not stored: this token may not write (events:write): " + (body.message || status) : "Not stored: " + (body.message || `the service answered ${status}`);
    }
  }

  /** The date as the service reads it: "late August 2023 = 2023-08-21 .. 2023-08-31". */
  async function readDate() {
    const form = $("write-form");
    const text = form.elements.when.value.trim();
    const reference = form.elements.reference.value;
    const asked = text + "|" + reference;
    editor.asked = asked;
    editor.readBack = null;
    for (const id of ["error-when", "error-reference"]) { $(id).hidden = true; $(id).textContent = ""; }
    form.elements.when.removeAttribute("aria-invalid");
    $("date-readback").textContent = "";
    if (!text) return null;
    const params = new URLSearchParams({ text, reference });
    const response = await fetch("/page/date?" + params, { headers: headers("application/json"), cache: "no-store" });
    const body = await response.json().catch(() => ({}));
    if (editor.asked !== asked) return null;
    if (!response.ok) {
      showRefusal(body, response.status);
      return null;
    }
    editor.readBack = { asked, date: body };
    const from = body.earliest === OPEN_START ? "open" : body.earliest;
    const to = body.latest === OPEN_END ? "open" : body.latest;
    $("date-readback").textContent = `${text} = ${from === to ? from : `${from} .. ${to}`}` + (body.display && body.display !== text ? ` (${body.display}; EDTF ${body.edtf})` : ` (EDTF ${body.edtf})`);
    return editor.readBack;
  }

  function list(text) {
    return text.split(",").map((v) => v.trim()).filter(Boolean);
  }

  /** The event the form describes; a correction keeps what the form does not show (deadline effect, attributes, coordinates). */
  function formEvent() {
    const f = $("write-form").elements;
    const value = (name) => f[name].value.trim();
    const base = editor.correcting || {};
    const event = {};
    if (base.eventId) {
      event.eventId = base.eventId;
      event.expectedRevision = String(base.revision);
    }
    event.title = value("title");
    const was = base.occurred || {};
    // An EDTF date left as it was stays EDTF (a correction of the title does not restate its date as text).
    event.occurred = !was.text && was.edtf && value("when") === was.edtf ? { edtf: was.edtf } : { text: value("when"), reference: f.reference.value };
    if (value("summary")) event.summary = value("summary");
    if (value("kind")) event.kind = value("kind");
    event.actors = list(f.actors.value);
    event.tags = list(f.tags.value);
    const location = Object.assign({}, base.location || {}, { name: value("place"), country: value("country") });
    if (Object.values(location).some((v) => v !== "" && v !== undefined && v !== null)) event.location = location;
    const source = { name: value("sourceName"), url: value("sourceUrl"), published: f.sourcePublished.value, quote: value("sourceQuote") };
    if (Object.values(source).some(Boolean)) event.source = source;
    if (base.deadline) {
      const effect = Object.assign({}, base.deadline);
      const due = effect.due;
      if (due) effect.due = due.text ? { text: due.text, reference: due.reference } : { edtf: due.edtf };
      event.deadline = effect;
    }
    if (base.attributes && Object.keys(base.attributes).length) event.attributes = base.attributes;
    return event;
  }

  /** Stores only once the person has seen the date read back for what the form now says. */
  async function submitEvent() {
    const form = $("write-form");
    clearWriteErrors();
    $("write-result").textContent = "";
    const asked = form.elements.when.value.trim() + "|" + form.elements.reference.value;
    if (!editor.readBack || editor.readBack.asked !== asked) {
      if (!form.elements.when.value.trim()) {
        showFieldError("occurred", "required: when it happened, e.g. “late August 2023” or 2023-08-21");
        return;
      }
      if (await readDate()) $("write-result").textContent = "Check the date as read above, then store.";
      return;
    }
    $("write-submit").disabled = true;
    try {
      const requestHeaders = headers("application/json");
      requestHeaders["Content-Type"] = "application/json";
      const response = await fetch("/page/events", { method: "POST", headers: requestHeaders, body: JSON.stringify(formEvent()), cache: "no-store" });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        showRefusal(body, response.status);
        return;
      }
      const result = `Stored: ${body.eventId}, revision ${body.revision}${body.noOp ? " (unchanged: the same as the current revision)" : ""}.`;
      document.body.dataset.lastStored = `${body.eventId}@${body.revision}`;
      editor.correcting = null;
      editor.readBack = null;
      for (const name of FORM_FIELDS) if (name !== "reference") form.elements[name].value = "";
      $("date-readback").textContent = "";
      $("editor-title").textContent = "Add an event";
      $("write-submit").textContent = "Store";
      $("write-result").textContent = result;
    } catch (error) {
      showRefusal({ message: error.message }, 0);
    } finally {
      $("write-submit").disabled = false;
    }
  }

  // ---- controls ------------------------------------------------------------------------------

  function apply() {
    delete page.view.sel;
    $("details").hidden = true;
    writeAddress();
    fillForm();
    start();
  }

  function wire() {
    $("filters").addEventListener("submit", (event) => {
      event.preventDefault();
      const form = event.target;
      for (const name of FILTERS) {
        const value = form.elements[name].value.trim();
        if (value) page.view[name] = value; else delete page.view[name];
      }
      apply();
    });
    // Find narrows the loaded entries as it is typed (the other filters go to the service).
    $("filters").elements.q.addEventListener("input", (event) => {
      const value = event.target.value.trim();
      if (value) page.view.q = value; else delete page.view.q;
      writeAddress();
      drawEntries(sortedEntries(), period(sortedEntries()));
    });
    $("clear").addEventListener("click", () => { page.view = {}; apply(); });
    $("copy-link").addEventListener("click", () => {
      const done = () => { $("copy-link").textContent = "Link copied"; };
      if (navigator.clipboard) navigator.clipboard.writeText(location.href).then(done, () => {});
    });
    $("more").addEventListener("click", () => loadPage());
    $("add-event").addEventListener("click", () => openEditor(null));
    $("editor-close").addEventListener("click", () => { $("editor").hidden = true; $("add-event").focus(); });
    $("write-form").addEventListener("submit", (event) => { event.preventDefault(); submitEvent(); });
    for (const name of ["when", "reference"]) {
      $("write-form").elements[name].addEventListener("input", () => {
        clearTimeout(editor.timer);
        editor.timer = setTimeout(readDate, 300);
      });
    }
    $("close").addEventListener("click", closeDetails);
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !$("editor").hidden) { $("editor").hidden = true; return; }
      if (event.key === "Escape" && !$("details").hidden) closeDetails();
      if ((event.key === "ArrowDown" || event.key === "ArrowUp") && event.target.classList && event.target.classList.contains("entry-label")) {
        event.preventDefault();
        const labels = [...document.querySelectorAll(".entry:not([hidden]) .entry-label")];
        const next = labels[labels.indexOf(event.target) + (event.key === "ArrowDown" ? 1 : -1)];
        if (next) next.focus();
      }
    });
    $("token-form").addEventListener("submit", (event) => {
      event.preventDefault();
      page.token = $("token").value.trim();
      try { sessionStorage.setItem("timeline-token", page.token); } catch (error) { /* kept for this page only */ }
      $("token").value = "";
      $("token-form").hidden = true;
      start();
      checkWriter();
    });
    window.addEventListener("resize", scheduleDraw);
  }

  function onReady() {
    page.view = readAddress();
    if (embedded) {
      // An export has its own as-of day and nothing to ask a service for.
      delete page.view.asof;
      delete page.view.known;
      $("filters").elements.asof.closest("label").hidden = true;
      document.title = embedded.title || document.title;
    }
    fillForm();
    wire();
    start();
    checkWriter();
  }

  // Served, the script is deferred; embedded in an export it runs inline at the end of the body.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", onReady);
  else onReady();
})();

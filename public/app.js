// The live seat map. A snapshot from GET /v1/events/:id/live draws the event; the coalesced changes that
// follow (at most one flush per 100 ms) recolour seats and move the counters. Plain script, no build step.
// Every seat carries data-seat and data-status, so tests and assistive tools read state, not colour.
(() => {
  const RECONNECT_DELAY_MS_MIN = 500;
  const RECONNECT_DELAY_MS_MAX = 10_000;
  /** Holds per second are averaged over this window: long enough to be steady, short enough to feel live. */
  const RATE_WINDOW_MS = 5_000;
  const EVENTS_PAGE_SIZE = 1_000;

  const page = {
    select: byId('event-select'),
    status: byId('connection-status'),
    name: byId('event-name'),
    meta: byId('event-meta'),
    available: byId('count-available'),
    held: byId('count-held'),
    sold: byId('count-sold'),
    rate: byId('holds-per-second'),
    poolsPanel: byId('pools-panel'),
    pools: byId('pools'),
    sectionsPanel: byId('sections-panel'),
    sections: byId('sections'),
  };

  /** seat id → its element; pool or section id → the elements showing its counts. */
  const seatElements = new Map();
  const poolViews = new Map();
  const sectionViews = new Map();
  /** [receivedAtMs, holds placed] per availability message inside the rate window. */
  const placedSamples = [];
  const numberFormat = new Intl.NumberFormat();

  let socket;
  let eventId = '';
  let connectedAtMs = 0;
  let reconnectAttempts = 0;
  let reconnectTimer;

  function byId(id) {
    return document.getElementById(id);
  }

  function setConnection(state, text) {
    document.body.dataset.connection = state;
    page.status.textContent = text;
  }

  async function loadEvents() {
    const wanted = new URLSearchParams(location.search).get('event') ?? '';
    let events = [];
    try {
      const response = await fetch(`/v1/events?limit=${EVENTS_PAGE_SIZE}`);
      events = (await response.json()).events ?? [];
    } catch {
      setConnection('idle', 'Could not load the list of events.');
    }
    page.select.replaceChildren(new Option('Choose an event…', ''));
    for (const event of events) page.select.add(new Option(`${event.name} — ${event.venue}`, event.id));
    if (wanted !== '' && !events.some((event) => event.id === wanted))
      page.select.add(new Option(wanted, wanted));
    // Without ?event=, open the only event or the soonest, so the page is never empty when there is one.
    const shown = wanted !== '' ? wanted : eventToOpen(events);
    page.select.value = shown;
    if (shown !== '') watch(shown);
  }

  /** The soonest event that has not started; when all have started, the one that started last. */
  function eventToOpen(events) {
    const now = Date.now();
    let upcoming;
    let latestStarted;
    for (const event of events) {
      const startsAt = Date.parse(event.startsAt);
      if (startsAt >= now) {
        if (upcoming === undefined || startsAt < Date.parse(upcoming.startsAt)) upcoming = event;
      } else if (latestStarted === undefined || startsAt > Date.parse(latestStarted.startsAt)) {
        latestStarted = event;
      }
    }
    return (upcoming ?? latestStarted)?.id ?? '';
  }

  function watch(id) {
    eventId = id;
    const url = new URL(location.href);
    if (id === '') url.searchParams.delete('event');
    else url.searchParams.set('event', id);
    history.replaceState(null, '', url);
    reconnectAttempts = 0;
    connect();
  }

  function connect() {
    clearTimeout(reconnectTimer);
    if (socket !== undefined) {
      const previous = socket;
      socket = undefined;
      previous.close(1000, 'event_changed');
    }
    if (eventId === '') return setConnection('idle', 'Not connected');
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const current = new WebSocket(
      `${scheme}://${location.host}/v1/events/${encodeURIComponent(eventId)}/live`,
    );
    socket = current;
    setConnection('connecting', 'Connecting…');
    current.addEventListener('message', (message) => {
      if (socket === current) onMessage(JSON.parse(message.data));
    });
    current.addEventListener('close', (close) => {
      if (socket === current) scheduleReconnect(close.reason);
    });
  }

  /** Exponential backoff with jitter, so a restarted server is not met by every page at the same instant. */
  function scheduleReconnect(reason) {
    socket = undefined;
    const ceilingMs = Math.min(RECONNECT_DELAY_MS_MAX, RECONNECT_DELAY_MS_MIN * 2 ** reconnectAttempts);
    const delayMs = Math.round(ceilingMs * (0.5 + Math.random() / 2));
    reconnectAttempts++;
    const why = reason ? ` (${reason})` : '';
    setConnection('reconnecting', `Disconnected${why}; reconnecting in ${(delayMs / 1000).toFixed(1)} s`);
    reconnectTimer = setTimeout(connect, delayMs);
  }

  function onMessage(message) {
    if (message.type === 'snapshot') {
      reconnectAttempts = 0;
      connectedAtMs = performance.now();
      placedSamples.length = 0;
      drawEvent(message.event);
      applySeatChanges(snapshotSeats(message));
      showCounts(message);
      setConnection('live', 'Live');
    } else if (message.type === 'availability') {
      placedSamples.push([performance.now(), message.activity.placed]);
      showCounts(message);
    } else if (message.type === 'seats') {
      applySeatChanges(message.changes);
    }
  }

  function drawEvent(event) {
    page.name.textContent = event.name;
    document.title = `${event.name} — boxoffice live seat map`;
    page.meta.textContent = `${event.venue} · ${new Date(event.startsAt).toLocaleString()}`;
    drawPools(event.pools);
    drawSections(event.sections);
  }

  function drawPools(pools) {
    poolViews.clear();
    page.pools.replaceChildren();
    page.poolsPanel.hidden = pools.length === 0;
    for (const pool of pools) {
      const label = element('div', 'pool-label');
      const name = element('span', '', displayName(pool, 'Pool'));
      const numbers = element('span');
      label.append(name, numbers);
      const bar = element('div', 'bar');
      bar.setAttribute('role', 'img');
      const sold = element('div', 'bar-part');
      sold.dataset.status = 'sold';
      const held = element('div', 'bar-part');
      held.dataset.status = 'held';
      bar.append(sold, held);
      const view = element('div', 'pool');
      view.dataset.pool = pool.id;
      view.append(label, bar);
      page.pools.append(view);
      poolViews.set(pool.id, { name: displayName(pool, 'Pool'), numbers, bar, sold, held });
    }
  }

  function drawSections(sections) {
    seatElements.clear();
    sectionViews.clear();
    page.sections.replaceChildren();
    page.sectionsPanel.hidden = sections.length === 0;
    const fragment = document.createDocumentFragment();
    for (const section of sections) {
      const view = element('div', 'section');
      view.dataset.section = section.id;
      const counts = element('span', 'section-counts');
      const heading = element('h3', '', `${displayName(section, 'Section')} `);
      heading.append(counts);
      const grid = element('div', 'seat-grid');
      // The counts in the heading say the same for screen readers; the grid is for the eye.
      grid.setAttribute('aria-hidden', 'true');
      for (const row of section.rows) grid.append(drawRow(section.id, row));
      view.append(heading, grid);
      fragment.append(view);
      sectionViews.set(section.id, counts);
    }
    page.sections.append(fragment);
  }

  function drawRow(sectionId, row) {
    const line = element('div', 'seat-row');
    line.append(element('span', 'row-label', row.id));
    for (let n = 1; n <= row.seats; n++) {
      const id = `${sectionId}-${row.id}-${n}`;
      const seat = element('span', 'seat');
      seat.dataset.seat = id;
      seat.dataset.status = 'available';
      seat.title = `${id}: available`;
      seatElements.set(id, seat);
      line.append(seat);
    }
    return line;
  }

  const STATUS_OF_CHARACTER = { 0: 'available', h: 'held', s: 'sold' };

  /** The snapshot's `seatStates`, one character per seat in the definition's seat order, as seat changes. */
  function snapshotSeats(snapshot) {
    const seats = [];
    for (const section of snapshot.event.sections)
      for (const row of section.rows)
        for (let n = 1; n <= row.seats; n++) {
          const status = STATUS_OF_CHARACTER[snapshot.seatStates[seats.length]] ?? 'available';
          seats.push({ id: `${section.id}-${row.id}-${n}`, status });
        }
    return seats;
  }

  function applySeatChanges(changes) {
    for (const change of changes) {
      const seat = seatElements.get(change.id);
      if (seat === undefined || seat.dataset.status === change.status) continue;
      seat.dataset.status = change.status;
      seat.title = `${change.id}: ${change.status}`;
    }
  }

  function showCounts(message) {
    page.available.textContent = numberFormat.format(message.available);
    page.held.textContent = numberFormat.format(message.held);
    page.sold.textContent = numberFormat.format(message.sold);
    for (const pool of message.pools) {
      const view = poolViews.get(pool.id);
      if (view === undefined) continue;
      const text = `${count(pool.available)} available · ${count(pool.held)} held · ${count(pool.sold)} sold of ${count(pool.capacity)}`;
      view.numbers.textContent = text;
      view.bar.setAttribute('aria-label', `${view.name}: ${text}`);
      view.sold.style.width = percent(pool.sold, pool.capacity);
      view.held.style.width = percent(pool.held, pool.capacity);
    }
    for (const section of message.sections) {
      const counts = sectionViews.get(section.id);
      if (counts !== undefined)
        counts.textContent = `${count(section.available)} available · ${count(section.held)} held · ${count(section.sold)} sold`;
    }
  }

  function showRate() {
    const now = performance.now();
    while (placedSamples.length > 0 && placedSamples[0][0] < now - RATE_WINDOW_MS) placedSamples.shift();
    if (socket === undefined || connectedAtMs === 0) {
      page.rate.textContent = '–';
      return;
    }
    let placed = 0;
    for (const [, n] of placedSamples) placed += n;
    const seconds = Math.max(1, Math.min(RATE_WINDOW_MS, now - connectedAtMs) / 1000);
    const rate = placed / seconds;
    page.rate.textContent = rate < 10 ? rate.toFixed(1) : numberFormat.format(Math.round(rate));
  }

  function element(tag, className = '', text = '') {
    const node = document.createElement(tag);
    if (className !== '') node.className = className;
    if (text !== '') node.textContent = text;
    return node;
  }

  /** Names are optional when an event is created: fall back to the id. */
  function displayName(part, noun) {
    return part.name ?? `${noun} ${part.id}`;
  }

  function count(n) {
    return numberFormat.format(n);
  }

  function percent(part, whole) {
    return whole === 0 ? '0%' : `${(100 * part) / whole}%`;
  }

  page.select.addEventListener('change', () => watch(page.select.value));
  setInterval(showRate, 1_000);
  loadEvents();
})();

// The waiting room page: /queue.html?event=<id>&queueToken=<token> (the token from joining; in `open` mode
// `&userId=<buyer>` joins from the page). It follows the buyer's status over the live WebSocket's queue
// channel — pushed, never polled — and sends the buyer on to the seat map once admitted, with the pass in
// the URL fragment (never sent to a server). Plain script, no build step; state is in data-queue-state.
(() => {
  const RECONNECT_DELAY_MS = 1_000;
  const params = new URLSearchParams(location.search);
  const eventId = params.get('event') ?? '';
  const page = {
    status: document.getElementById('connection-status'),
    message: document.getElementById('queue-message'),
    position: document.getElementById('queue-position'),
    ahead: document.getElementById('queue-ahead'),
    wait: document.getElementById('queue-wait'),
    next: document.getElementById('queue-continue'),
  };
  const MESSAGES = {
    waiting: 'Please keep this page open: leaving it gives up your place.',
    admitted: 'It is your turn. Taking you to the seat map…',
    sold_out: 'Sold out: nothing is left or held. Keep the page open in case tickets come back.',
    closed: 'Sales of this event are closed.',
    not_in_queue: 'You are not in line any more: join again.',
  };

  function show(view) {
    document.body.dataset.queueState = view.state;
    page.message.textContent = MESSAGES[view.state] ?? view.state;
    page.position.textContent = view.position ?? (view.state === 'waiting' ? 'drawn at the start' : '–');
    page.ahead.textContent = view.ahead ?? '–';
    page.wait.textContent = view.estimatedWaitSeconds == null ? '–' : duration(view.estimatedWaitSeconds);
    if (view.state === 'admitted' && view.pass) {
      const target = `/?event=${encodeURIComponent(eventId)}#pass=${encodeURIComponent(view.pass)}`;
      page.next.href = target;
      page.next.hidden = false;
      location.assign(target);
    }
  }

  function duration(seconds) {
    if (seconds < 60) return `${seconds} s`;
    const minutes = Math.round(seconds / 60);
    return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  }

  async function queueToken() {
    const given = params.get('queueToken');
    if (given) return given;
    const userId = params.get('userId');
    if (!userId) throw new Error('Open this page with ?event=…&queueToken=… (or &userId=… in open mode).');
    const response = await fetch(`/v1/events/${encodeURIComponent(eventId)}/queue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId }),
    });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error?.message ?? `HTTP ${response.status}`);
    show(body);
    return body.queueToken;
  }

  function connect(token) {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${scheme}://${location.host}/v1/events/${encodeURIComponent(eventId)}/live?queueToken=${encodeURIComponent(token)}`;
    const socket = new WebSocket(url);
    socket.onopen = () => {
      page.status.textContent = 'Live';
    };
    socket.onmessage = (message) => {
      const data = JSON.parse(message.data);
      if (data.type === 'queue') show(data);
    };
    socket.onclose = () => {
      page.status.textContent = 'Reconnecting…';
      if (document.body.dataset.queueState !== 'admitted')
        setTimeout(() => connect(token), RECONNECT_DELAY_MS);
    };
  }

  queueToken().then(connect, (error) => {
    document.body.dataset.queueState = 'error';
    page.message.textContent = error.message;
  });
})();

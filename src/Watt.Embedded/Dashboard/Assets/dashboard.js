// Watt's dashboard: reads the management API's overview stream (server-sent events: 'overview' every second, 'log'
// for each new log line) and acts through the API. Plain script, no build step, nothing from outside this host.
'use strict';

(() => {
  const api = document.querySelector('meta[name="watt-api"]').content;
  const svgNs = 'http://www.w3.org/2000/svg';
  const historySeconds = 180; // what the charts show: the last three minutes
  const maxLogLines = 500;
  const levels = ['Trace', 'Debug', 'Information', 'Warning', 'Error', 'Critical'];

  const state = {
    services: new Map(),   // name -> { view, seconds: Map(at -> point), summary }
    pending: new Map(),    // service name -> what is being done to it
    logsPaused: false,
  };

  const $ = (id) => document.getElementById(id);

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'text') node.textContent = value;
      else if (name === 'className') node.className = value;
      else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  function svg(tag, attributes = {}) {
    const node = document.createElementNS(svgNs, tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
    return node;
  }

  // ---- formatting ----------------------------------------------------------------------------------------------
  const number = (value, digits = 0) => Number(value || 0).toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  function bytes(value) {
    if (value === undefined || value === null) return '–';
    const units = ['B', 'KiB', 'MiB', 'GiB'];
    let v = value, i = 0;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return `${number(v, i === 0 ? 0 : 1)} ${units[i]}`;
  }
  function duration(seconds) {
    if (seconds === undefined || seconds === null) return '–';
    if (seconds < 60) return `${Math.floor(seconds)} s`;
    if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.floor(seconds % 60)} s`;
    if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
    return `${Math.floor(seconds / 86400)} d ${Math.floor((seconds % 86400) / 3600)} h`;
  }
  const time = (iso) => new Date(iso).toLocaleTimeString('en-GB', { hour12: false });

  // ---- theme ---------------------------------------------------------------------------------------------------
  function applyTheme(theme) {
    document.documentElement.dataset.theme = theme;
    const dark = theme === 'dark';
    $('theme').setAttribute('aria-pressed', String(dark));
    $('theme').textContent = dark ? 'Light theme' : 'Dark theme';
  }
  function initTheme() {
    let saved = null;
    try { saved = localStorage.getItem('watt-theme'); } catch { /* storage may be off */ }
    applyTheme(saved || (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
    $('theme').addEventListener('click', () => {
      const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
      applyTheme(next);
      try { localStorage.setItem('watt-theme', next); } catch { /* storage may be off */ }
    });
  }

  // ---- toasts and confirmation ---------------------------------------------------------------------------------
  function toast(text, kind = 'info') {
    const item = el('div', { className: `toast ${kind}`, text });
    $('toasts').append(item);
    setTimeout(() => item.remove(), kind === 'error' ? 10000 : 5000);
  }

  function confirmAction(text) {
    const dialog = $('confirm');
    $('confirm-text').textContent = text;
    return new Promise((resolve) => {
      const done = (answer) => {
        $('confirm-ok').removeEventListener('click', ok);
        $('confirm-cancel').removeEventListener('click', cancel);
        dialog.removeEventListener('cancel', cancel);
        if (dialog.open) dialog.close();
        resolve(answer);
      };
      const ok = () => done(true);
      const cancel = (event) => { if (event) event.preventDefault(); done(false); };
      $('confirm-ok').addEventListener('click', ok);
      $('confirm-cancel').addEventListener('click', cancel);
      dialog.addEventListener('cancel', cancel);
      dialog.showModal();
      $('confirm-ok').focus();
    });
  }

  async function post(path, body) {
    const response = await fetch(api + path, {
      method: 'POST',
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const type = response.headers.get('Content-Type') || '';
    const payload = type.includes('json') ? await response.json() : null;
    if (!response.ok) throw new Error((payload && (payload.detail || payload.title)) || `HTTP ${response.status}`);
    return payload;
  }

  // An action: confirmed, marked on the service while it runs, its outcome told.
  async function act(service, label, question, path, body) {
    if (!(await confirmAction(question))) return;
    state.pending.set(service, label);
    renderServices();
    toast(`${label} ${service}…`);
    try {
      await post(path, body);
      toast(`${service}: ${label.toLowerCase()} done`, 'success');
    } catch (error) {
      toast(`${service}: ${error.message}`, 'error');
    } finally {
      state.pending.delete(service);
      renderServices();
    }
  }

  // ---- charts --------------------------------------------------------------------------------------------------
  function chart(service, kind, label, points, value, format) {
    const width = 300, height = 60, pad = 2;
    const figure = el('figure', { className: 'chart' });
    const now = Math.floor(Date.now() / 1000);
    const max = Math.max(1e-9, ...points.map(value));
    const box = svg('svg', { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': `${label} of ${service}`,
      'data-chart': kind, 'data-service': service, 'data-sum': points.reduce((sum, p) => sum + value(p), 0), 'data-points': points.length });
    box.append(svg('line', { x1: 0, y1: height - pad, x2: width, y2: height - pad, class: 'axis' }));
    if (points.length > 0) {
      const coordinates = points.map((p) => {
        const x = ((p.at - (now - historySeconds)) / historySeconds) * width;
        const y = height - pad - (value(p) / max) * (height - 2 * pad);
        return `${x.toFixed(1)},${y.toFixed(1)}`;
      });
      box.append(svg('polyline', { points: coordinates.join(' '), class: `line ${kind}` }));
    }
    const latest = points.length ? value(points[points.length - 1]) : 0;
    figure.append(box, el('figcaption', {}, el('span', { text: label }), el('strong', { text: format(latest) })));
    return figure;
  }

  // ---- services ------------------------------------------------------------------------------------------------
  function resource(worker, name, format) {
    const value = worker.resources && worker.resources[name];
    return value === undefined ? '–' : format(value);
  }

  // Cards are built once per service and updated in place each second, so a button keeps its element (and focus)
  // while the numbers around it change.
  const cards = new Map();

  function workerCells(worker) {
    return [
      `#${worker.index}`,
      null, // the state badge
      duration(worker.uptimeSeconds),
      number(worker.restarts),
      worker.processId ?? '–',
      resource(worker, 'watt_worker_event_loop_utilization', (v) => `${number(v * 100, 0)} %`),
      resource(worker, 'watt_worker_heap_used_bytes', bytes),
      resource(worker, 'watt_worker_rss_bytes', bytes),
      worker.lastError ? 'last error' : '',
    ];
  }

  function updateWorkers(tbody, service) {
    for (const worker of service.workers) {
      let row = tbody.querySelector(`tr[data-worker="${worker.index}"]`);
      if (!row) {
        row = el('tr', { 'data-worker': worker.index });
        for (let i = 0; i < 9; i++) row.append(el('td'));
        const restart = el('button', { type: 'button', className: 'small', text: 'Restart', 'aria-label': `Restart worker ${worker.index} of ${service.name}`,
          onclick: () => act(service.name, 'Restarting worker', `Restart worker ${worker.index} of ${service.name}? A new worker starts, then this one drains.`,
            `/services/${encodeURIComponent(service.name)}/workers/${worker.index}/restart`) });
        row.append(el('td', {}, restart));
        tbody.append(row);
      }
      row.dataset.state = worker.state;
      row.dataset.since = worker.runningSince || '';
      const cells = row.children;
      workerCells(worker).forEach((text, i) => { if (text !== null) cells[i].textContent = text; });
      cells[1].replaceChildren(el('span', { className: `badge state-${worker.state}`, text: worker.state }));
      cells[8].title = worker.lastError || '';
      cells[8].className = 'error-text';
      row.lastElementChild.firstElementChild.disabled = state.pending.has(service.name);
    }
    for (const row of [...tbody.children]) {
      if (!service.workers.some((w) => String(w.index) === row.dataset.worker)) row.remove();
    }
  }

  function createCard(name) {
    const restart = el('button', { type: 'button', text: 'Restart', 'aria-label': `Restart ${name}`,
      onclick: () => act(name, 'Restarting', `Restart every worker of ${name}, one at a time? Requests keep being answered.`, `/services/${encodeURIComponent(name)}/restart`) });
    const revive = el('button', { type: 'button', className: 'warn', text: 'Revive', 'aria-label': `Revive ${name}`,
      onclick: () => act(name, 'Reviving', `Replace the failed workers of ${name}?`, `/services/${encodeURIComponent(name)}/revive`) });
    const card = el('article', { className: 'service', 'data-service': name, 'aria-labelledby': `service-${name}` },
      el('header', {}, el('h3', { id: `service-${name}`, text: name }), el('span', { className: 'badges' }), el('div', { className: 'actions' }, restart, revive)),
      el('div', { className: 'numbers' }),
      el('div', { className: 'charts' }),
      el('div', { className: 'table-frame' },
        el('table', { className: 'workers' },
          el('caption', { className: 'visually-hidden', text: `Workers of ${name}` }),
          el('thead', {}, el('tr', {}, ...['Worker', 'State', 'Uptime', 'Restarts', 'PID', 'Event loop', 'Heap', 'RSS', 'Error', 'Action'].map((h) => el('th', { scope: 'col', text: h })))),
          el('tbody'))));
    return { card, restart, revive };
  }

  function updateCard(parts, entry) {
    const service = entry.view;
    const { card, restart, revive } = parts;
    const failed = service.state === 'Failed' || service.workers.some((w) => w.state === 'Failed');
    const pending = state.pending.get(service.name);
    card.dataset.state = service.state;
    card.querySelector('.badges').replaceChildren(
      el('span', { className: `badge state-${service.state}`, text: service.state }),
      pending ? el('span', { className: 'badge pending', text: `${pending}…` }) : '',
      el('span', { className: 'meta', text: service.kind }),
      service.mount ? el('code', { className: 'meta', text: service.mount }) : '',
      service.optional ? el('span', { className: 'meta', text: 'optional' }) : '');
    restart.disabled = Boolean(pending);
    revive.hidden = !failed;
    revive.disabled = Boolean(pending);
    const summary = entry.summary;
    card.querySelector('.numbers').replaceChildren(
      el('span', {}, el('strong', { text: number(summary.requestsPerSecond, 1) }), ' req/s'),
      el('span', {}, el('strong', { text: number(summary.p95Ms, 1) }), ' ms p95'),
      el('span', {}, el('strong', { text: number(summary.errorRate * 100, 1) }), ' % errors'),
      el('span', {}, el('strong', { text: number(service.inFlight) }), ' in flight'),
      el('span', { className: 'meta', text: 'over the last minute' }));
    const points = [...entry.seconds.values()].sort((a, b) => a.at - b.at);
    card.querySelector('.charts').replaceChildren(
      chart(service.name, 'requests', 'Requests/s', points, (p) => p.requests, (v) => number(v)),
      chart(service.name, 'latency', 'p95 latency (ms)', points, (p) => p.p95Ms, (v) => number(v, 1)),
      chart(service.name, 'errors', 'Errors (%)', points, (p) => (p.requests ? (p.errors / p.requests) * 100 : 0), (v) => number(v, 1)));
    updateWorkers(card.querySelector('tbody'), service);
  }

  function renderServices() {
    const container = $('services');
    for (const [name, entry] of state.services) {
      if (!entry.view) continue;
      let parts = cards.get(name);
      if (!parts) {
        parts = createCard(name);
        cards.set(name, parts);
        container.append(parts.card);
      }
      updateCard(parts, entry);
    }
    for (const [name, parts] of cards) {
      if (!state.services.has(name)) { parts.card.remove(); cards.delete(name); }
    }
  }

  // ---- service map ---------------------------------------------------------------------------------------------
  function renderMap(services, edges) {
    const map = $('map');
    const names = new Set(services.map((s) => s.service.name));
    for (const edge of edges) { names.add(edge.caller); names.add(edge.callee); }
    const entry = '⇢ HTTP';
    const depth = new Map([...names].map((n) => [n, 1]));
    for (let pass = 0; pass < names.size; pass++) {
      for (const edge of edges) {
        if (edge.caller !== edge.callee && depth.get(edge.callee) < depth.get(edge.caller) + 1 && depth.get(edge.caller) < names.size) {
          depth.set(edge.callee, depth.get(edge.caller) + 1);
        }
      }
    }
    const columns = new Map([[0, [entry]]]);
    for (const name of [...names].sort()) {
      const d = depth.get(name);
      if (!columns.has(d)) columns.set(d, []);
      columns.get(d).push(name);
    }
    const nodeWidth = 120, nodeHeight = 34, columnGap = 90, rowGap = 26;
    const columnCount = Math.max(...columns.keys()) + 1;
    const rows = Math.max(...[...columns.values()].map((c) => c.length));
    const width = columnCount * nodeWidth + (columnCount - 1) * columnGap + 20;
    const height = rows * nodeHeight + (rows - 1) * rowGap + 20;
    const position = new Map();
    for (const [d, column] of columns) {
      const offset = (height - (column.length * nodeHeight + (column.length - 1) * rowGap)) / 2;
      column.forEach((name, i) => position.set(name, { x: 10 + d * (nodeWidth + columnGap), y: offset + i * (nodeHeight + rowGap) }));
    }

    const defs = svg('defs');
    const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
    marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow-head' }));
    defs.append(marker);
    const drawn = [defs];

    const link = (from, to, label, kind, key) => {
      const a = position.get(from), b = position.get(to);
      const group = svg('g', { class: `edge ${kind}`, 'data-edge': key });
      const x1 = a.x + nodeWidth, y1 = a.y + nodeHeight / 2, x2 = b.x, y2 = b.y + nodeHeight / 2;
      const path = from === to
        ? `M ${a.x + nodeWidth - 20} ${a.y} C ${a.x + nodeWidth + 30} ${a.y - 40}, ${a.x + nodeWidth + 30} ${a.y + nodeHeight + 40}, ${a.x + nodeWidth - 20} ${a.y + nodeHeight}`
        : `M ${x1} ${y1} C ${(x1 + x2) / 2} ${y1}, ${(x1 + x2) / 2} ${y2}, ${x2} ${y2}`;
      group.append(svg('path', { d: path, 'marker-end': 'url(#arrow)' }));
      const text = svg('text', { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 6, 'text-anchor': 'middle' });
      text.textContent = label;
      group.append(text);
      const title = svg('title');
      title.textContent = `${from} → ${to}: ${label}`;
      group.append(title);
      drawn.push(group);
    };

    for (const s of services) {
      if (s.service.mount) link(entry, s.service.name, s.service.mount, 'mount', `mount→${s.service.name}`);
    }
    for (const edge of edges) {
      link(edge.caller, edge.callee, `${number(edge.requestsPerSecond, 1)} req/s · ${number(edge.meanMs, 1)} ms`, edge.errors > 0 ? 'mesh has-errors' : 'mesh', `${edge.caller}→${edge.callee}`);
    }
    for (const [name, p] of position) {
      const known = services.find((s) => s.service.name === name);
      const group = svg('g', { class: `node ${name === entry ? 'entry' : ''} ${known ? `state-${known.service.state}` : 'external'}`, 'data-node': name });
      group.append(svg('rect', { x: p.x, y: p.y, width: nodeWidth, height: nodeHeight, rx: 6 }));
      const text = svg('text', { x: p.x + nodeWidth / 2, y: p.y + nodeHeight / 2 + 4, 'text-anchor': 'middle' });
      text.textContent = name.length > 16 ? `${name.slice(0, 15)}…` : name;
      group.append(text);
      drawn.push(group);
    }
    map.setAttribute('viewBox', `0 0 ${width} ${height}`);
    map.replaceChildren(...drawn);
  }

  // ---- cache ---------------------------------------------------------------------------------------------------
  function renderCache(cache) {
    const figures = [
      ['Hit ratio', `${number(cache.hitRatio * 100, 1)} %`, 'hit-ratio'],
      ['Hits', number(cache.hits), 'hits'],
      ['Misses', number(cache.misses), 'misses'],
      ['Stored', bytes(cache.storedBytes), 'stored'],
    ];
    $('cache').replaceChildren(...figures.flatMap(([label, value, key]) => [el('dt', { text: label }), el('dd', { text: value, 'data-figure': key })]));
  }

  function initInvalidate() {
    $('invalidate').addEventListener('submit', async (event) => {
      event.preventDefault();
      const tag = $('tag').value.trim();
      if (!tag) { toast('Type the cache tag to invalidate.', 'error'); $('tag').focus(); return; }
      if (!(await confirmAction(`Invalidate every cached response tagged '${tag}'?`))) return;
      try {
        await post('/cache/invalidate', { tags: [tag] });
        toast(`Cache tag '${tag}' invalidated`, 'success');
        $('tag').value = '';
      } catch (error) {
        toast(`Cache: ${error.message}`, 'error');
      }
    });
  }

  // ---- logs ----------------------------------------------------------------------------------------------------
  function logVisible(item) {
    const service = $('log-service').value;
    const minimum = Number($('log-level').value);
    return (!service || item.dataset.service === service) && Number(item.dataset.rank) >= minimum;
  }

  function addLog(entry) {
    if (state.logsPaused) return;
    const line = entry.line;
    const rank = Math.max(0, levels.indexOf(line.level));
    const item = el('li', { className: `log level-${line.level}`, 'data-service': entry.service, 'data-rank': rank },
      el('time', { datetime: line.timestamp, text: time(line.timestamp) }),
      el('span', { className: 'log-service', text: entry.service + (line.worker > 0 ? `#${line.worker}` : '') }),
      el('span', { className: 'log-level', text: line.level }),
      el('span', { className: 'log-message', text: line.message + (line.exception ? ` — ${line.exception}` : '') }));
    item.hidden = !logVisible(item);
    const list = $('logs');
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
    list.append(item);
    while (list.children.length > maxLogLines) list.firstElementChild.remove();
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  function initLogs() {
    const refilter = () => { for (const item of $('logs').children) item.hidden = !logVisible(item); };
    $('log-service').addEventListener('change', refilter);
    $('log-level').addEventListener('change', refilter);
    $('log-pause').addEventListener('click', () => {
      state.logsPaused = !state.logsPaused;
      $('log-pause').setAttribute('aria-pressed', String(state.logsPaused));
      $('log-pause').textContent = state.logsPaused ? 'Resume' : 'Pause';
    });
    $('log-clear').addEventListener('click', () => $('logs').replaceChildren());
  }

  function syncLogServices(names) {
    const select = $('log-service');
    const present = new Set([...select.options].map((o) => o.value));
    for (const name of [...names, 'host']) {
      if (!present.has(name)) select.append(el('option', { value: name, text: name }));
    }
  }

  // ---- the stream ----------------------------------------------------------------------------------------------
  function onOverview(overview) {
    const cutoff = Math.floor(Date.now() / 1000) - historySeconds;
    for (const s of overview.services) {
      const name = s.service.name;
      const entry = state.services.get(name) || { seconds: new Map() };
      entry.view = s.service;
      entry.summary = s;
      for (const point of s.seconds) entry.seconds.set(point.at, point);
      for (const at of entry.seconds.keys()) if (at < cutoff) entry.seconds.delete(at);
      state.services.set(name, entry);
    }
    for (const name of [...state.services.keys()]) {
      if (!overview.services.some((s) => s.service.name === name)) state.services.delete(name);
    }
    const running = overview.services.filter((s) => s.service.state === 'Running').length;
    $('summary').textContent = `${overview.services.length} services · ${running} running` + (overview.metrics ? '' : ' · metrics off');
    syncLogServices(overview.services.map((s) => s.service.name));
    renderServices();
    renderMap(overview.services, overview.edges);
    renderCache(overview.cache);
  }

  function setLive(kind, text) {
    $('live').dataset.state = kind;
    $('live').textContent = text;
  }

  function connect() {
    const source = new EventSource(`${api}/overview/stream`);
    source.addEventListener('open', () => setLive('live', 'Live'));
    source.addEventListener('overview', (event) => onOverview(JSON.parse(event.data)));
    source.addEventListener('log', (event) => addLog(JSON.parse(event.data)));
    source.addEventListener('error', () => setLive('lost', source.readyState === EventSource.CLOSED ? 'Disconnected' : 'Reconnecting…'));
  }

  document.addEventListener('DOMContentLoaded', () => {
    initTheme();
    initInvalidate();
    initLogs();
    connect();
  });
})();

'use strict';
// Watt.Stackables preload, loaded into every Node worker (and its child processes) with --require.
// 1. Mesh: fetch() and http.request() to http://NAME.<domain>/ go to the host's mesh ingress with the run's
//    secret; the incoming request's traceparent/tracestate are kept on those calls.
// 2. Parent watch: the process exits when the Watt host or its own parent is gone, even after SIGKILL (no orphans).
// 3. Health: the direct child reports event-loop utilisation, heap and RSS every second on stdout.
const http = require('node:http');
const { AsyncLocalStorage } = require('node:async_hooks');
const { performance } = require('node:perf_hooks');

const env = process.env;
const parentPid = Number(env.WATT_PARENT_PID || 0);
const isWorker = parentPid > 0 && parentPid === process.ppid;

// ---- parent watch -------------------------------------------------------------------------------------
if (parentPid > 0) {
  const startPpid = process.ppid;
  const watch = setInterval(() => {
    let gone = false;
    try { process.kill(parentPid, 0); } catch (e) { gone = e.code === 'ESRCH'; }
    // Every process of the tree watches its own parent too: when it is gone, the process was re-parented.
    if (gone || process.ppid !== startPpid) {
      clearInterval(watch);
      try { process.kill(process.pid, 'SIGTERM'); } catch { /* already exiting */ }
      setTimeout(() => process.exit(1), 700).unref();
    }
  }, 250);
  watch.unref();
}

// ---- health reports -------------------------------------------------------------------------------------
if (isWorker && env.WATT_HEALTH_INTERVAL_MS !== '0') {
  const interval = Number(env.WATT_HEALTH_INTERVAL_MS || 1000);
  let lastElu = performance.eventLoopUtilization();
  let lastCpu = process.cpuUsage();
  let lastTime = process.hrtime.bigint();
  const report = setInterval(() => {
    const elu = performance.eventLoopUtilization(lastElu);
    lastElu = performance.eventLoopUtilization();
    const now = process.hrtime.bigint();
    const cpu = process.cpuUsage(lastCpu);
    lastCpu = process.cpuUsage();
    const elapsedUs = Number(now - lastTime) / 1000;
    lastTime = now;
    const mem = process.memoryUsage();
    const line = '\u001ewatt:health ' + JSON.stringify({
      elu: elu.utilization,
      heapUsed: mem.heapUsed,
      heapTotal: mem.heapTotal,
      rss: mem.rss,
      cpu: elapsedUs > 0 ? ((cpu.user + cpu.system) / elapsedUs) * 100 : 0,
    }) + '\n';
    try { process.stdout.write(line); } catch { /* stdout closed */ }
  }, interval);
  report.unref();
}

// ---- mesh ---------------------------------------------------------------------------------------------------
const meshUrl = env.WATT_MESH_URL ? new URL(env.WATT_MESH_URL) : null;
const secret = env.WATT_MESH_SECRET || '';
const domain = '.' + (env.WATT_MESH_DOMAIN || 'plt.local').toLowerCase();
const caller = env.WATT_SERVICE || '';
const context = new AsyncLocalStorage();

const isMeshHost = (hostname) => typeof hostname === 'string' && hostname.toLowerCase().endsWith(domain);

// Remember the trace context of the request being handled, for the mesh calls made while handling it.
const originalEmit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req) {
  if (event === 'request' && req && req.headers && req.headers.traceparent) {
    const store = { traceparent: req.headers.traceparent, tracestate: req.headers.tracestate };
    return context.run(store, () => originalEmit.apply(this, arguments));
  }
  return originalEmit.apply(this, arguments);
};

function meshHeaders(set, has, host) {
  set('x-watt-mesh-secret', secret);
  set('x-watt-mesh-host', host);
  if (caller) set('x-watt-caller', caller);
  const store = context.getStore();
  if (store && !has('traceparent')) {
    set('traceparent', store.traceparent);
    if (store.tracestate) set('tracestate', store.tracestate);
  }
}

// console.* while a request is handled: one JSON line with the request's trace, so the host logs the line
// in that trace (pino users: add traceId/spanId to the line, or use OpenTelemetry's pino instrumentation).
{
  const util = require('node:util');
  const levels = { debug: 20, log: 30, info: 30, warn: 40, error: 50 };
  for (const [method, level] of Object.entries(levels)) {
    const original = console[method];
    console[method] = function (...args) {
      const store = context.getStore();
      const parts = store && typeof store.traceparent === 'string' ? store.traceparent.split('-') : null;
      if (!parts || parts.length < 4) return original.apply(this, args);
      const line = JSON.stringify({ level, msg: util.format(...args), traceId: parts[1], spanId: parts[2] }) + '\n';
      (level >= 40 ? process.stderr : process.stdout).write(line);
    };
  }
}

if (meshUrl && typeof globalThis.fetch === 'function') {
  const originalFetch = globalThis.fetch;
  globalThis.fetch = function fetch(input, init) {
    let url;
    try {
      url = new URL(typeof input === 'string' || input instanceof URL ? String(input) : input.url);
    } catch {
      return originalFetch(input, init);
    }
    if (url.protocol !== 'http:' || !isMeshHost(url.hostname)) return originalFetch(input, init);
    const request = new Request(input, init);
    const headers = new Headers(request.headers);
    meshHeaders((k, v) => headers.set(k, v), (k) => headers.has(k), url.host);
    const target = new URL(url.pathname + url.search, meshUrl);
    const options = { method: request.method, headers, redirect: request.redirect, signal: request.signal };
    if (request.body) { options.body = request.body; options.duplex = 'half'; }
    return originalFetch(target, options);
  };
}

if (meshUrl) {
  const port = Number(meshUrl.port);
  const originalRequest = http.request;
  const originalGet = http.get;
  function rewrite(args) {
    let url = null;
    let options = {};
    let rest = args;
    if (typeof args[0] === 'string' || args[0] instanceof URL) {
      url = new URL(String(args[0]));
      rest = args.slice(1);
    }
    if (rest.length > 0 && rest[0] && typeof rest[0] === 'object') {
      options = rest[0];
      rest = rest.slice(1);
    }
    const hostname = url ? url.hostname : (options.hostname || (options.host || '').split(':')[0]);
    if (!isMeshHost(hostname)) return args;
    const host = url ? url.host : (options.host || options.hostname) + (options.port ? ':' + options.port : '');
    const merged = {
      method: 'GET',
      ...options,
      protocol: 'http:',
      hostname: meshUrl.hostname,
      host: undefined,
      port,
      path: url ? url.pathname + url.search : (options.path || '/'),
      headers: { ...(options.headers || {}) },
      agent: options.agent === false ? false : undefined,
    };
    const lower = Object.fromEntries(Object.keys(merged.headers).map((k) => [k.toLowerCase(), k]));
    meshHeaders((k, v) => { merged.headers[k] = v; }, (k) => k in lower, host);
    merged.headers.host = host;
    return [merged, ...rest];
  }
  http.request = function request(...args) { return originalRequest.apply(this, rewrite(args)); };
  http.get = function get(...args) { return originalGet.apply(this, rewrite(args)); };
  try { require('node:module').syncBuiltinESMExports(); } catch { /* older Node */ }
}

// The aligner-sync status console. Reads only GET /api/sync/status (the same JSON scripts and
// the status command read) and draws it: the public summary (states only) until the operator
// secret is entered, then the detail; replays dead letters with the same secret, which lives in
// this closure only: never a cookie, the URL or storage.
(function () {
  'use strict';

  var REFRESH_MS = 5000;
  var INPUTS = ['cdc', 'webhook', 'poll'];
  var INPUT_COLOURS = { cdc: 'c-cdc', webhook: 'c-webhook', poll: 'c-poll' };
  // Parts drawn by name; any other object section (reconcile, verify, ...) gets a generic card.
  var KNOWN = { summary: true, history: true, cdc: true, webhook: true, poll: true, sink: true, freshness: true };
  var GOOD = ['ok', 'streaming', 'accepting', 'scheduled', 'reachable', 'running', 'ready', 'clean', 'done', 'idle', 'listening'];
  var BAD = ['failed', 'unavailable', 'unreachable', 'not_ready', 'lost', 'error', 'drift', 'misconfigured'];
  var OFF = ['disabled', 'off', 'skipped', 'absent', 'not configured'];

  var secret = null;
  var last = null;

  function $(id) { return document.getElementById(id); }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function isObject(v) { return v !== null && typeof v === 'object' && !Array.isArray(v); }

  function get(obj, path) {
    var cur = obj;
    for (var i = 0; i < path.length; i++) {
      if (!isObject(cur)) { return undefined; }
      cur = cur[path[i]];
    }
    return cur;
  }

  function stateClass(state) {
    var s = String(state || 'unknown').toLowerCase();
    if (GOOD.indexOf(s) >= 0) { return 'state-good'; }
    if (BAD.indexOf(s) >= 0) { return 'state-bad'; }
    if (OFF.indexOf(s) >= 0) { return 'state-off'; }
    return 'state-warn';
  }

  function age(iso, now) {
    if (!iso) { return null; }
    var t = Date.parse(iso);
    if (isNaN(t)) { return null; }
    var s = Math.round((now - t) / 1000);
    var future = s < 0;
    s = Math.abs(s);
    var text = s < 60 ? s + ' s' : s < 3600 ? Math.round(s / 60) + ' min' : s < 172800 ? Math.round(s / 3600) + ' h'
      : Math.round(s / 86400) + ' d';
    return future ? 'in ' + text : text + ' ago';
  }

  function bytes(n) {
    if (n === null || n === undefined || isNaN(n)) { return '–'; }
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    var i = 0;
    var v = Number(n);
    while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return (i === 0 ? v : v.toFixed(1)) + ' ' + units[i];
  }

  function num(n) { return typeof n === 'number' ? n.toLocaleString('en') : '–'; }

  function timeOf(iso) {
    if (!iso) { return ''; }
    var d = new Date(iso);
    return isNaN(d) ? String(iso) : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  }

  // ---- cards ----------------------------------------------------------------------------

  function card(name, title, state) {
    var c = el('article', 'card ' + stateClass(state));
    c.setAttribute('data-part', name);
    var head = el('div', 'card-head');
    head.appendChild(el('h3', null, title));
    var pill = el('span', 'pill ' + stateClass(state), state || 'unknown');
    pill.setAttribute('data-field', 'state');
    head.appendChild(pill);
    c.appendChild(head);
    return c;
  }

  function facts(c, rows) {
    var dl = el('dl', 'facts');
    rows.forEach(function (r) {
      if (r[1] === undefined) { return; }
      var dt = el('dt', null, r[0]);
      var dd = el('dd', r[2] || null, r[1] === null || r[1] === '' ? '–' : r[1]);
      if (r[3]) { dd.setAttribute('data-field', r[3]); }
      dl.appendChild(dt);
      dl.appendChild(dd);
    });
    c.appendChild(dl);
  }

  function counts(c, events) {
    var row = el('div', 'counts');
    [['applied', 'applied'], ['duplicate', 'duplicate'], ['stale', 'stale'], ['dead_letter', 'dead letters']]
      .forEach(function (k) {
        var box = el('div', 'count' + (k[0] === 'dead_letter' && events && events[k[0]] > 0 ? ' count-bad' : ''));
        var value = el('strong', null, num(events ? events[k[0]] : undefined));
        value.setAttribute('data-count', k[0]);
        box.appendChild(value);
        box.appendChild(el('span', null, k[1]));
        row.appendChild(box);
      });
    c.appendChild(row);
  }

  function warningsOf(c, part) {
    var list = part && Array.isArray(part.warnings) ? part.warnings : [];
    if (part && part.lastError && typeof part.lastError === 'string') { list = list.concat(['last error: ' + part.lastError]); }
    if (part && part.alarm) { list = list.concat(['alarm: ' + part.alarm]); }
    if (list.length) {
      var ul = el('ul', 'card-warnings');
      list.forEach(function (w) { ul.appendChild(el('li', null, typeof w === 'string' ? w : JSON.stringify(w))); });
      c.appendChild(ul);
      c.classList.add('has-warnings');
    }
  }

  function cdcCard(status, now) {
    var cdc = status.cdc;
    if (!isObject(cdc)) {
      var off = card('cdc', 'CDC', 'disabled');
      off.appendChild(el('p', 'muted small', 'Not running in this daemon (cdc.enabled=false).'));
      return off;
    }
    var c = card('cdc', 'CDC', cdc.state);
    var slot = isObject(cdc.slot) ? cdc.slot : {};
    facts(c, [
      ['last event', cdc.lastBatchAt ? age(cdc.lastBatchAt, now) : 'none yet', null, 'last-event'],
      ['source commit', cdc.lastSourceCommitAt ? age(cdc.lastSourceCommitAt, now) : null],
      ['slot lag (WAL kept)', bytes(slot.retainedWalBytes), null, 'lag'],
      ['wal_status', slot.walStatus === undefined ? null : slot.walStatus,
        slot.walStatus && slot.walStatus !== 'reserved' ? 'bad-text' : null, 'wal-status'],
      ['LSN', cdc.lastCommittedLsn || null, 'mono'],
      ['restarts', cdc.restarts === undefined ? undefined : num(cdc.restarts)]
    ]);
    counts(c, get(status, ['sink', 'events', 'cdc']));
    warningsOf(c, cdc);
    return c;
  }

  function webhookCard(status, now) {
    var w = status.webhook;
    if (!isObject(w)) { return null; }
    var c = card('webhook', 'Webhook', w.state);
    facts(c, [
      ['last event', w.lastEventAt ? age(w.lastEventAt, now) : 'none yet', null, 'last-event'],
      ['last change', w.lastEvent || null, 'wrap'],
      ['auth', w.authentication || null],
      ['refused', get(w, ['counts', 'failed']) === undefined ? undefined : num(get(w, ['counts', 'failed']))],
      ['last refusal', w.lastRefusal ? w.lastRefusal + ' (' + age(w.lastRefusalAt, now) + ')' : undefined, 'wrap']
    ]);
    counts(c, get(status, ['sink', 'events', 'webhook']));
    warningsOf(c, w);
    return c;
  }

  function pollCard(status, now) {
    var p = status.poll;
    if (!isObject(p)) {
      var off = card('poll', 'Poll', 'disabled');
      off.appendChild(el('p', 'muted small', 'Not running in this daemon (poll.enabled=false or no supabase.url).'));
      return off;
    }
    var c = card('poll', 'Poll', p.lastError ? 'error' : p.state);
    facts(c, [
      ['last poll', p.lastSuccessfulPoll ? age(p.lastSuccessfulPoll, now) : 'none yet', null, 'last-event'],
      ['next poll', p.nextRun ? age(p.nextRun, now) : null, null, 'next-poll'],
      ['every', p.intervalMinutes === undefined ? undefined : p.intervalMinutes + ' min'],
      ['fetched', get(p, ['lastResult', 'fetched']) === undefined ? undefined : num(get(p, ['lastResult', 'fetched']))]
    ]);
    counts(c, get(status, ['sink', 'events', 'poll']));
    if (isObject(p.lastError)) {
      warningsOf(c, { warnings: [(p.lastError.kind || 'error') + ': ' + (p.lastError.message || '')] });
    } else {
      warningsOf(c, p);
    }
    return c;
  }

  function sinkCard(status) {
    var s = status.sink;
    if (!isObject(s)) { return null; }
    var c = card('sink', 'Sink', s.state);
    // Totals over the inputs; none at all when this daemon publishes no counts (shown as dashes).
    var total = isObject(s.events) ? { applied: 0, duplicate: 0, stale: 0, dead_letter: 0 } : undefined;
    INPUTS.forEach(function (i) {
      var e = get(s, ['events', i]) || {};
      Object.keys(total || {}).forEach(function (k) { total[k] += typeof e[k] === 'number' ? e[k] : 0; });
    });
    facts(c, [
      ['ready', get(status, ['summary', 'ready']) === undefined ? undefined : String(get(status, ['summary', 'ready']))],
      ['waiting to replay', num(s.deadLetters), s.deadLetters > 0 ? 'bad-text' : null, 'dead-letters'],
      ['conflicts', s.conflicts === undefined ? undefined : num(s.conflicts)],
      ['failed batches', s.failedBatches === undefined ? undefined : num(s.failedBatches)]
    ]);
    counts(c, total);
    warningsOf(c, s);
    return c;
  }

  // A section another part of the daemon adds later (reconcile, verify): its scalar facts as they come.
  function genericCard(name, part, now) {
    var c = card(name, name.charAt(0).toUpperCase() + name.slice(1), part.state);
    var rows = [];
    Object.keys(part).forEach(function (k) {
      var v = part[k];
      if (k === 'state' || k === 'warnings' || isObject(v) || Array.isArray(v)) { return; }
      var text = v === null ? null : String(v);
      if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)) { text = age(v, now) + ' (' + timeOf(v) + ')'; }
      rows.push([k, text, 'wrap']);
    });
    facts(c, rows.slice(0, 8));
    warningsOf(c, part);
    return c;
  }

  function renderCards(status, now) {
    var box = $('cards');
    var cards = [cdcCard(status, now), webhookCard(status, now), pollCard(status, now), sinkCard(status)];
    Object.keys(status).forEach(function (k) {
      if (!KNOWN[k] && isObject(status[k])) { cards.push(genericCard(k, status[k], now)); }
    });
    box.replaceChildren.apply(box, cards.filter(Boolean));
  }

  // ---- header and warnings ----------------------------------------------------------------

  function renderSummary(status, now) {
    var summary = isObject(status.summary) ? status.summary : {};
    var overall = $('overall');
    overall.textContent = summary.state || 'unknown';
    overall.className = 'pill ' + stateClass(summary.state);
    // The first figure an operator reads: how far behind the portal SQL Server is, at most.
    var fresh = $('freshness');
    if (typeof summary.freshnessSeconds === 'number') {
      fresh.textContent = 'behind the portal ≤ ' + Math.round(summary.freshnessSeconds) + ' s';
      fresh.className = 'pill ' + stateClass(summary.freshnessSeconds > 600 ? 'degraded' : 'ok');
    } else {
      fresh.textContent = 'freshness not known yet';
      fresh.className = 'pill state-unknown';
    }
    var up = typeof summary.uptimeSeconds === 'number' ? ' · up ' + age(new Date(now - summary.uptimeSeconds * 1000).toISOString(), now).replace(' ago', '') : '';
    $('updated').textContent = 'updated ' + (summary.time ? timeOf(summary.time) : new Date(now).toISOString()) + up;
    // The public summary counts warnings; only the detail names them.
    var warnings = Array.isArray(summary.warnings) ? summary.warnings.slice()
      : (typeof summary.warnings === 'number' && summary.warnings > 0
        ? [summary.warnings + ' warning(s): enter the operator secret to read them'] : []);
    if (summary.notReadyReason) { warnings.unshift('not ready: ' + summary.notReadyReason); }
    var ul = $('warnings');
    ul.replaceChildren.apply(ul, warnings.map(function (w) { return el('li', null, w); }));
    ul.hidden = warnings.length === 0;
  }

  // ---- chart ------------------------------------------------------------------------------

  var SVG = 'http://www.w3.org/2000/svg';

  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  // The smallest of 4, 10, 20, 50, 100, ... at or above n: round, even tick labels.
  function niceCeiling(n) {
    if (n <= 4) { return 4; }
    var step = Math.pow(10, Math.floor(Math.log10(n)));
    var choices = [1, 2, 5, 10];
    for (var i = 0; i < choices.length; i++) {
      if (choices[i] * step >= n) { return choices[i] * step; }
    }
    return 10 * step;
  }

  function renderLegend() {
    var legend = $('legend');
    if (legend.childElementCount) { return; }
    INPUTS.forEach(function (i) {
      var item = el('span', 'legend-item');
      item.appendChild(el('span', 'swatch ' + INPUT_COLOURS[i]));
      item.appendChild(document.createTextNode(i + ' applied/min'));
      legend.appendChild(item);
    });
    var lag = el('span', 'legend-item');
    lag.appendChild(el('span', 'swatch line c-lag'));
    lag.appendChild(document.createTextNode('CDC slot lag'));
    legend.appendChild(lag);
  }

  function renderChart(status) {
    renderLegend();
    var minutes = get(status, ['history', 'minutes']);
    var box = $('chart');
    if (!Array.isArray(minutes) || minutes.length === 0) {
      box.replaceChildren(el('p', 'muted small', 'No history in this status (the daemon keeps the last hour in memory).'));
      return;
    }
    // Drawn in CSS pixels at the box's width, so text stays readable on a phone and a wide screen.
    var W = Math.max(300, Math.floor(box.clientWidth || 600)), H = 180, L = 34, R = 60, T = 10, B = 22, SLOTS = 60;
    var plotW = W - L - R, plotH = H - T - B, slot = plotW / SLOTS;
    var maxApplied = 0, maxLag = 0;
    minutes.forEach(function (m) {
      var sum = 0;
      INPUTS.forEach(function (i) { sum += Number(get(m, ['applied', i]) || 0); });
      maxApplied = Math.max(maxApplied, sum);
      if (typeof m.cdcLagBytes === 'number') { maxLag = Math.max(maxLag, m.cdcLagBytes); }
    });
    maxApplied = niceCeiling(maxApplied);
    var chart = svg('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'events applied per minute and CDC lag, last hour', id: 'history-chart' });
    // grid and axes
    [0, 0.5, 1].forEach(function (f) {
      var y = T + plotH - f * plotH;
      chart.appendChild(svg('line', { x1: L, x2: W - R, y1: y, y2: y, 'class': 'grid' }));
      chart.appendChild(svg('text', { x: L - 4, y: y + 3, 'class': 'axis', 'text-anchor': 'end' }, String(Math.round(maxApplied * f))));
      if (maxLag > 0) {
        chart.appendChild(svg('text', { x: W - R + 4, y: y + 3, 'class': 'axis lag-axis' }, bytes(maxLag * f)));
      }
    });
    chart.appendChild(svg('text', { x: L, y: H - 6, 'class': 'axis' }, '−60 min'));
    chart.appendChild(svg('text', { x: W - R, y: H - 6, 'class': 'axis', 'text-anchor': 'end' }, 'now'));
    var offset = SLOTS - minutes.length;
    var lagPoints = [];
    var bars = svg('g', { 'class': 'bars' });
    minutes.forEach(function (m, idx) {
      var x = L + (offset + idx) * slot;
      var base = T + plotH;
      INPUTS.forEach(function (i) {
        var n = Number(get(m, ['applied', i]) || 0);
        if (n <= 0) { return; }
        var h = n / maxApplied * plotH;
        base -= h;
        var r = svg('rect', { x: (x + slot * 0.12).toFixed(1), y: base.toFixed(1), width: (slot * 0.76).toFixed(1), height: h.toFixed(1), 'class': INPUT_COLOURS[i] });
        r.appendChild(svg('title', {}, timeOf(m.minute) + ': ' + n + ' ' + i));
        bars.appendChild(r);
      });
      if (typeof m.cdcLagBytes === 'number' && maxLag > 0) {
        lagPoints.push({ x: x + slot / 2, y: T + plotH - m.cdcLagBytes / maxLag * plotH, title: timeOf(m.minute) + ': lag ' + bytes(m.cdcLagBytes) });
      }
    });
    chart.appendChild(bars);
    if (lagPoints.length > 1) {
      chart.appendChild(svg('polyline', {
        points: lagPoints.map(function (p) { return p.x.toFixed(1) + ',' + p.y.toFixed(1); }).join(' '), 'class': 'lag'
      }));
    }
    // A dot per minute: the first minute after a start has a single reading and no line yet.
    lagPoints.forEach(function (p) {
      var dot = svg('circle', { cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: 3, 'class': 'lag-dot' });
      dot.appendChild(svg('title', {}, p.title));
      chart.appendChild(dot);
    });
    var total = 0;
    minutes.forEach(function (m) { INPUTS.forEach(function (i) { total += Number(get(m, ['applied', i]) || 0); }); });
    box.setAttribute('data-applied-last-hour', String(total));
    box.replaceChildren(chart);
  }

  // ---- dead letters -----------------------------------------------------------------------

  function renderDeadLetters(status, now) {
    var count = get(status, ['sink', 'deadLetters']);
    $('dl-count').textContent = typeof count === 'number' ? String(count) : '–';
    $('dl-count').className = 'count-badge' + (count > 0 ? ' count-bad' : '');
    var list = get(status, ['sink', 'recentDeadLetters']);
    var body = $('dead-letters').tBodies[0];
    var rows = [];
    if (!Array.isArray(list) || list.length === 0) {
      var tr = el('tr', 'empty');
      var td = el('td', 'muted', typeof count === 'number' && count > 0 ? 'Parked changes exist; this daemon does not list them.' : 'Nothing parked.');
      td.colSpan = 4;
      tr.appendChild(td);
      rows.push(tr);
    } else {
      list.forEach(function (d) {
        var tr = el('tr');
        tr.setAttribute('data-dead-letter', '');
        var when = el('td', 'nowrap', age(d.at, now) || d.at);
        when.title = d.at || '';
        tr.appendChild(when);
        tr.appendChild(el('td', null, d.input ? String(d.input).toLowerCase() : '–'));
        var change = d.table ? d.table + ' #' + d.key + (d.op ? ' ' + d.op : '') : 'raw record (not replayable)';
        tr.appendChild(el('td', 'mono', change));
        tr.appendChild(el('td', 'reason', d.reason));
        rows.push(tr);
      });
      if (typeof count === 'number' && count > list.length) {
        var more = el('tr', 'empty');
        var mtd = el('td', 'muted', (count - list.length) + ' older not shown: aligner-sync dead-letters list');
        mtd.colSpan = 4;
        more.appendChild(mtd);
        rows.push(more);
      }
    }
    body.replaceChildren.apply(body, rows);
  }

  function unlock(event) {
    event.preventDefault();
    var field = $('secret');
    if (field.value) {
      secret = field.value;
      field.value = '';
    }
    if (!secret) {
      $('unlock-result').textContent = 'Enter the operator secret (OPERATOR_SECRET).';
      field.focus();
      return;
    }
    showSecretHeld(true);
    $('unlock-result').textContent = 'Checking the secret…';
    refresh();
  }

  function replay(event) {
    event.preventDefault();
    if (!secret) {
      $('replay-result').textContent = 'Enter the operator secret (OPERATOR_SECRET) above to replay.';
      $('secret').focus();
      return;
    }
    $('replay').disabled = true;
    $('replay-result').textContent = 'Replaying…';
    fetch('/api/sync/dead-letters/replay', {
      method: 'POST', cache: 'no-store', credentials: 'omit',
      headers: { 'Authorization': 'Bearer ' + secret }
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) { return { status: r.status, body: body }; });
    }).then(function (res) {
      if (res.status === 200) {
        $('replay-result').textContent = 'Replayed: ' + res.body.resolved + ' resolved, ' + res.body.stillParked
          + ' still parked, ' + res.body.notReplayable + ' not replayable.';
      } else {
        if (res.status === 401) { forget(); }
        $('replay-result').textContent = 'Replay refused (' + res.status + '): ' + (res.body.message || res.body.error || 'no reason given');
      }
      refresh();
    }).catch(function (e) {
      $('replay-result').textContent = 'Replay failed: ' + e;
    }).finally(function () {
      $('replay').disabled = false;
    });
  }

  function showSecretHeld(held) {
    $('forget').hidden = !held;
    $('unlock').hidden = held;
    $('secret').hidden = held;
  }

  function forget() {
    secret = null;
    showSecretHeld(false);
  }

  // ---- refresh ----------------------------------------------------------------------------

  function render(status) {
    var now = Date.now();
    renderSummary(status, now);
    renderCards(status, now);
    renderChart(status);
    renderDeadLetters(status, now);
    document.body.setAttribute('data-rendered', String(now));
  }

  var timer = null;

  function refresh() {
    if (timer) { clearTimeout(timer); }
    var headers = secret ? { 'Authorization': 'Bearer ' + secret } : {};
    return fetch('/api/sync/status', { cache: 'no-store', credentials: 'omit', headers: headers })
      .then(function (r) {
        if (r.status === 401 && secret) {
          // A wrong secret: forget it and show the summary again.
          forget();
          $('unlock-result').textContent = 'The operator secret was refused (401); showing the summary only.';
          return fetch('/api/sync/status', { cache: 'no-store', credentials: 'omit' }).then(function (again) { return again.json(); });
        }
        if (!r.ok) { throw new Error('status answered ' + r.status); }
        return r.json();
      })
      .then(function (status) {
        if (status.detail === true) {
          $('unlock-result').textContent = 'Showing the detail (operator secret held in this page).';
        } else if (status.detailUnavailable) {
          $('unlock-result').textContent = 'Summary only, for everyone: ' + status.detailUnavailable;
        }
        last = status;
        $('offline').hidden = true;
        render(status);
      })
      .catch(function (e) {
        var off = $('offline');
        off.textContent = 'The daemon does not answer (' + e.message + '); showing the last status. Is it running?';
        off.hidden = false;
        if (last) { render(last); }
      })
      .finally(function () {
        timer = setTimeout(refresh, REFRESH_MS);
      });
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('unlock-form').addEventListener('submit', unlock);
    $('replay-form').addEventListener('submit', replay);
    $('forget').addEventListener('click', function () {
      forget();
      $('unlock-result').textContent = 'Secret forgotten; showing the summary only.';
      refresh();
    });
    window.addEventListener('resize', function () { if (last) { renderChart(last); } });
    refresh();
  });
}());

/**
 * The page's inline script, as the source of one function the page calls with its configuration.
 * Once a second it asks `dashboard.json?fragments=1` for the server-rendered sections and swaps
 * those that changed, and it reads the auth server's own journal from `GET /__mock/journal` of
 * the same origin (the providers' journals come with the JSON). The journal rows are built with
 * DOM calls and `textContent`, so no journalled value is ever parsed as markup. Plain ES5, no
 * dependencies; polling pauses while the tab is hidden.
 */
export const DASHBOARD_SCRIPT = `function (cfg) {
  var last = {};
  var live = document.getElementById('live');
  var timer = null;

  function pad(n) {
    return (n < 10 ? '0' : '') + n;
  }

  // Times are rendered in UTC on the server; show them in the browser's time zone.
  function localize(root) {
    var nodes = root.querySelectorAll('time[datetime]');
    for (var i = 0; i < nodes.length; i++) {
      var d = new Date(nodes[i].getAttribute('datetime'));
      if (isNaN(d.getTime())) continue;
      var t = pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
      nodes[i].textContent =
        nodes[i].getAttribute('data-format') === 'time'
          ? t
          : d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + t;
      nodes[i].title = d.toISOString();
    }
  }

  function getJson(url) {
    return fetch(url, { cache: 'no-store', headers: { accept: 'application/json' } }).then(
      function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      },
    );
  }

  function cell(row, text, className, title) {
    var td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    if (title) td.title = title;
    row.appendChild(td);
    return td;
  }

  function statusClass(line) {
    if (line.status === 0 || line.status >= 500) return 'st-bad';
    if (line.status >= 400 || line.note) return 'st-warn';
    if (line.status >= 300) return 'st-redirect';
    return 'st-ok';
  }

  // The auth server's own journal, in the shape the providers' lines come in.
  function authLines(journal) {
    var lines = [];
    var entries = (journal && journal.entries) || [];
    for (var i = entries.length - 1; i >= 0; i--) {
      var e = entries[i];
      var target = e.url;
      try {
        var u = new URL(e.url);
        target = u.pathname + u.search;
      } catch (err) {}
      var body = (e.response.body && e.response.body.text) || '';
      lines.push({
        service: 'auth',
        seq: e.seq,
        time: e.time,
        mockTime: e.mockTime,
        method: e.method,
        target: target,
        status: e.response.status,
        route: e.route,
        durationMs: e.durationMs,
        faults: e.faults || [],
        note: /"error":\\s*\\{/.test(body) ? 'error' : null,
      });
    }
    return lines;
  }

  function renderJournal(lines) {
    var key = JSON.stringify(lines);
    if (key === last.journal) return;
    last.journal = key;
    var body = document.getElementById('journal-rows');
    body.textContent = '';
    if (lines.length === 0) {
      var row = document.createElement('tr');
      row.className = 'empty';
      cell(row, cfg.text.empty).colSpan = 7;
      body.appendChild(row);
      return;
    }
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i];
      var tr = document.createElement('tr');
      tr.setAttribute('data-service', line.service);
      tr.setAttribute('data-route', line.route || '');
      var when = cell(tr, '', 'muted');
      var time = document.createElement('time');
      time.setAttribute('datetime', line.mockTime || line.time);
      time.setAttribute('data-format', 'time');
      when.appendChild(time);
      var badge = document.createElement('span');
      badge.className = 'badge svc-' + line.service;
      badge.textContent = cfg.services[line.service] || line.service;
      cell(tr, '').appendChild(badge);
      cell(tr, line.method, 'mono');
      cell(tr, line.target, 'mono ellipsis', line.target);
      var status = String(line.status) + (line.note ? ' · ' + line.note : '');
      if (line.faults.length) status += ' · ' + line.faults.join(', ');
      cell(tr, status, 'status ' + statusClass(line));
      cell(tr, line.route || '', 'mono muted');
      cell(tr, line.durationMs + ' ms', 'num muted');
      body.appendChild(tr);
    }
    localize(body);
  }

  function apply(data, journal) {
    var sections = data.fragments || {};
    for (var name in sections) {
      if (!Object.prototype.hasOwnProperty.call(sections, name)) continue;
      if (last[name] === sections[name]) continue;
      var nodes = document.querySelectorAll('[data-live="' + name + '"]');
      for (var i = 0; i < nodes.length; i++) {
        nodes[i].innerHTML = sections[name];
        localize(nodes[i]);
      }
      last[name] = sections[name];
    }
    var lines = []
      .concat(data.journals.wechat || [], data.journals.qq || [], authLines(journal))
      .sort(function (a, b) {
        return a.time < b.time ? 1 : a.time > b.time ? -1 : 0;
      });
    renderJournal(lines.slice(0, cfg.journalLines));
  }

  function setLive(ok) {
    live.className = ok ? 'live' : 'live down';
    live.textContent = ok ? cfg.text.live : cfg.text.stale;
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(tick, cfg.intervalMs);
  }

  function tick() {
    if (document.hidden) return schedule();
    Promise.all([
      getJson(cfg.json),
      getJson(cfg.journal).catch(function () {
        return null;
      }),
    ])
      .then(function (answers) {
        apply(answers[0], answers[1]);
        setLive(true);
      })
      .catch(function () {
        setLive(false);
      })
      .then(schedule);
  }

  document.addEventListener('visibilitychange', function () {
    if (!document.hidden) tick();
  });
  localize(document);
  tick();
}`;

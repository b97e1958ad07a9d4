// The supervisor wallboard: a tile per queue, service level and calls waiting over the day (SVG), and the agent grid
// with listen / whisper / barge and pause / log out. Live state from the CtiClient; figures from the kpi event.
import { act, duration, h, loginFlow, Messages, showLink, since } from './ui.js';

const $ = id => document.getElementById(id);
const messages = new Messages($('messages'));
const SVG = 'http://www.w3.org/2000/svg';
let settings = { serviceLevelTargetPercent: 80, pauseReasons: [], agentUsers: [] };
let kpis = null;        // the KPI engine's snapshot (payload.kpis of the kpi event, or GET /api/kpis)
let live = null;        // the kpi event's live counts
let media = null;       // chat, email and voice per medium (payload.media of the kpi event, or media of GET /api/kpis)
let scheduled = false;

const cti = loginFlow({ form: $('login'), messages, onReady: ready });
showLink(cti, $('link'));
window.__ctiBoard = { client: cti };

async function ready(client) {
  $('board').hidden = false;
  $('logout').hidden = false;
  $('who').textContent = client.user ? client.user.username + ' (' + client.user.role + ')' : '';
  $('logout').onclick = async () => { await client.logout(); location.reload(); };
  client.on('state', schedule);
  client.on('kpi', e => {
    live = e.payload;
    if (e.payload.kpis) kpis = e.payload.kpis;
    if (e.payload.media) media = e.payload.media;
    sample();
    schedule();
  });
  setInterval(() => { schedule(); tickSince(); }, 1000); // waits and times in state move on
  try {
    settings = Object.assign(settings, await client.get('/api/desktop/settings'));
  } catch (err) {
    messages.error('Loading the settings', err);
  }
  $('sup-reason').replaceChildren(...settings.pauseReasons.map(r => h('option', { value: r }, r)));
  $('sl-rule').textContent = '(service level target ' + settings.serviceLevelTargetPercent + ' %)';
  try {
    const k = await client.get('/api/kpis');
    if (k && k.queues) kpis = k;
    if (k && k.media) media = k.media;
  } catch (err) {
    if (err.status !== 404) messages.error('Loading the KPIs', err);
  }
  sample();
  schedule();
}

/** Renders at most once per frame, however many events arrive. */
function schedule() {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    renderTiles();
    renderAgents();
    renderChart();
  });
}

// ---- tiles --------------------------------------------------------------------------------------------------------

function queueKpis(name) {
  return kpis && kpis.queues ? kpis.queues.find(q => q.queue === name) : null;
}

/**
 * Erlang C from the KPI engine (the queue's `staffing`, docs/kpis.md): {needed, staffed}, staffed being the members
 * logged in and not paused, as Erlang C counts them; null before the window has an answered call.
 */
function staffing(qk) {
  const s = qk ? qk.staffing : null;
  if (!s || typeof s.agentsNeeded !== 'number') return null;
  return { needed: s.agentsNeeded, staffed: s.agentsStaffed };
}

function slLevel(sl) {
  const target = settings.serviceLevelTargetPercent;
  if (sl === null || sl === undefined) return 'none';
  return sl >= target ? 'good' : sl >= target - 10 ? 'warn' : 'bad';
}

function pct(v) {
  return v === null || v === undefined ? '—' : Math.round(v) + ' %';
}

function secs(v) {
  return v === null || v === undefined ? '—' : duration(v);
}

const MEDIA = [['voice', 'Voice'], ['chat', 'Chat'], ['email', 'Email']];

/** The window's figures of one medium in one queue (media.figures), or null. */
function mediumFigures(medium, queue) {
  return media ? (media.figures || []).find(f => f.medium === medium && f.queue === queue) || null : null;
}

/** Today's figures of one medium in one queue (media.today.figures: since midnight in the KPI zone), or null. */
function mediumToday(medium, queue) {
  const today = media && media.today ? media.today.figures || [] : [];
  return today.find(f => f.medium === medium && f.queue === queue) || null;
}

/** A service-level cell: coloured against the target, T and the target in its title. */
function slCell(cls, f) {
  const sl = f ? f.serviceLevelPercent : null;
  return h('td', { class: cls, dataset: { level: slLevel(sl) },
    title: f ? 'within ' + duration(f.thresholdSeconds) + ', target ' + settings.serviceLevelTargetPercent + ' %' : null },
    pct(sl));
}

/**
 * Chats and emails beside the calls of one queue: waiting, in progress and the service level per medium over the
 * KPI window and today (voice: calls waiting and agents on a call). Null without omnichannel (no media in the kpi
 * event).
 */
function mediaTable(name, waitingCalls, onCall) {
  if (!media) return null;
  const live = m => (media.live || []).find(l => l.medium === m && l.queue === name) || { waiting: 0, inProgress: 0 };
  const minutes = Math.round((media.windowSeconds || 0) / 60);
  const rows = MEDIA.map(([m, label]) => {
    const l = m === 'voice' ? { waiting: waitingCalls, inProgress: onCall } : live(m);
    return h('tr', { dataset: { medium: m } },
      h('th', { scope: 'row' }, label),
      h('td', { class: 'waiting' }, String(l.waiting)),
      h('td', { class: 'in-progress' }, String(l.inProgress)),
      slCell('sl', mediumFigures(m, name)),
      slCell('sl-today', mediumToday(m, name)));
  });
  return h('table', { class: 'table media' },
    h('caption', {}, 'By medium (service level: last ' + minutes + ' min, and today)'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Medium'), h('th', { scope: 'col' }, 'Waiting'),
      h('th', { scope: 'col' }, 'In progress'), h('th', { scope: 'col' }, 'Service level'),
      h('th', { scope: 'col' }, 'Today'))),
    h('tbody', {}, rows));
}

/** Chats and emails waiting in a queue now (media.live). */
function contactsWaiting(name) {
  return media ? (media.live || []).filter(l => l.queue === name).reduce((n, l) => n + l.waiting, 0) : 0;
}

function renderTiles() {
  const names = new Set([...cti.queueStats.keys()]);
  if (kpis && kpis.queues) kpis.queues.forEach(q => names.add(q.queue));
  // a queue that only chats or emails reach has a tile too
  if (media) (media.live || []).concat(media.figures || []).forEach(f => { if (f.queue) names.add(f.queue); });
  const tiles = [...names].sort().map(name => {
    const qs = cti.queueStats.get(name);
    const stats = qs ? qs.stats : { waiting: 0, longestWaitSeconds: 0 };
    const qk = queueKpis(name);
    const today = qk ? qk.today : null;
    // The longest wait grows between events: count it from the entries' join times.
    const entries = qs && qs.queue ? qs.queue.entries || [] : [];
    const longest = entries.reduce((m, e) => Math.max(m, e.joinedAt ? (Date.now() - Date.parse(e.joinedAt)) / 1000 : 0),
      stats.longestWaitSeconds || 0);
    const byState = {};
    for (const a of cti.agents.values()) {
      if ((a.queues || []).includes(name) && a.state !== 'logged_out') byState[a.state] = (byState[a.state] || 0) + 1;
    }
    const erlang = staffing(qk);
    const sl = today ? today.serviceLevelPercent : null;
    const fig = (label, value, attrs = {}) => h('div', attrs, h('dt', {}, label), h('dd', {}, value));
    return h('article', { class: 'card tile', 'aria-labelledby': 'tile-' + name, dataset: { queue: name } },
      h('h2', { id: 'tile-' + name }, name, h('span', { class: 'muted' },
        entries.length || stats.waiting || contactsWaiting(name) ? '' : 'no one waiting')),
      h('dl', { class: 'figures' },
        fig('Waiting', String(stats.waiting), { class: 'waiting' }),
        fig('Longest wait', duration(longest), { class: 'longest' }),
        fig('Service level', pct(sl), { class: 'sl', dataset: { level: slLevel(sl) },
          title: 'target ' + settings.serviceLevelTargetPercent + ' %' }),
        fig('ASA', secs(today ? today.asaSeconds : null), { class: 'asa' }),
        fig('Abandoned', pct(today ? today.abandonRatePercent : null), { class: 'abandon' }),
        fig('Answered', String(today ? today.answered : 0), { class: 'answered' })),
      h('p', { class: 'agents-line' },
        ['available', 'ringing', 'on_call', 'wrap_up', 'paused'].map(s => h('span', { class: 'badge', dataset: { state: s } },
          s.replace('_', ' ') + ' ' + (byState[s] || 0))).flatMap(b => [b, ' '])),
      erlang ? h('p', { class: 'agents-line staffing' },
        'Agents needed (Erlang C): ' + erlang.needed + ' — staffed: ' + erlang.staffed) : null,
      mediaTable(name, stats.waiting, byState.on_call || 0));
  });
  $('tiles').replaceChildren(...tiles);
}

// ---- chart --------------------------------------------------------------------------------------------------------

function dayKey() {
  return 'cti.wallboard.' + new Date().toISOString().slice(0, 10);
}

/** Keeps one point a minute of today's service level and calls waiting (this browser's samples, kept for the day). */
function sample() {
  const waiting = live ? live.waitingCalls : [...cti.queueStats.values()].reduce((n, q) => n + (q.stats.waiting || 0), 0);
  const sl = kpis && kpis.today ? kpis.today.serviceLevelPercent : null;
  let points;
  try { points = JSON.parse(localStorage.getItem(dayKey()) || '[]'); } catch (e) { points = []; }
  const now = Date.now();
  const p = { t: now, sl: sl === undefined ? null : sl, w: waiting };
  if (points.length && now - points[points.length - 1].t < 60000 && points.length > 1
      && now - points[points.length - 2].t < 60000) points[points.length - 1] = p; // same minute: replace
  else points.push(p);
  if (points.length > 1500) points = points.slice(-1500);
  localStorage.setItem(dayKey(), JSON.stringify(points));
}

function renderChart() {
  let points;
  try { points = JSON.parse(localStorage.getItem(dayKey()) || '[]'); } catch (e) { points = []; }
  const W = 800, H = 220, L = 40, R = 40, T = 10, B = 25;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('role', 'img');
  const last = points[points.length - 1];
  svg.setAttribute('aria-label', last ? `Service level ${pct(last.sl)}, ${last.w} calls waiting now; ${points.length} samples today`
    : 'No samples yet');
  const el = (tag, attrs, text) => {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    svg.append(e);
    return e;
  };
  const t0 = points.length ? points[0].t : Date.now();
  const t1 = Math.max(t0 + 60000, points.length ? points[points.length - 1].t : Date.now());
  const x = t => L + (t - t0) / (t1 - t0) * (W - L - R);
  const maxW = Math.max(5, ...points.map(p => p.w));
  const ySl = v => T + (1 - v / 100) * (H - T - B);
  const yW = v => T + (1 - v / maxW) * (H - T - B);
  el('rect', { x: L, y: T, width: W - L - R, height: H - T - B, fill: '#fafbfc', stroke: '#d0d6dc' });
  for (const v of [0, 50, 100]) el('text', { x: L - 4, y: ySl(v) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#1d6b33' }, v + '%');
  for (const v of [0, Math.round(maxW / 2), maxW]) el('text', { x: W - R + 4, y: yW(v) + 4, 'font-size': 11, fill: '#0b5cad' }, String(v));
  const target = settings.serviceLevelTargetPercent;
  el('line', { x1: L, x2: W - R, y1: ySl(target), y2: ySl(target), stroke: '#8a5300', 'stroke-dasharray': '4 4' });
  el('text', { x: L + 4, y: ySl(target) - 3, 'font-size': 11, fill: '#8a5300' }, 'target ' + target + '%');
  const fmt = t => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  el('text', { x: L, y: H - 6, 'font-size': 11, fill: '#555d66' }, fmt(t0));
  el('text', { x: W - R, y: H - 6, 'font-size': 11, 'text-anchor': 'end', fill: '#555d66' }, fmt(t1));
  const slPts = points.filter(p => p.sl !== null).map(p => `${x(p.t).toFixed(1)},${ySl(p.sl).toFixed(1)}`).join(' ');
  const wPts = points.map(p => `${x(p.t).toFixed(1)},${yW(p.w).toFixed(1)}`).join(' ');
  if (slPts) el('polyline', { points: slPts, fill: 'none', stroke: '#1d6b33', 'stroke-width': 2, class: 'sl-line' });
  if (wPts) el('polyline', { points: wPts, fill: 'none', stroke: '#0b5cad', 'stroke-width': 2, class: 'wait-line' });
  // The latest value of each line as a dot: a line of one sample (the first minutes) draws nothing by itself.
  const lastSl = points.filter(p => p.sl !== null).pop();
  if (lastSl) el('circle', { cx: x(lastSl.t).toFixed(1), cy: ySl(lastSl.sl).toFixed(1), r: 3.5, fill: '#1d6b33', class: 'sl-now' });
  if (last) el('circle', { cx: x(last.t).toFixed(1), cy: yW(last.w).toFixed(1), r: 3.5, fill: '#0b5cad', class: 'wait-now' });
  $('chart').replaceChildren(svg);
  $('chart-note').textContent = points.some(p => p.sl !== null) ? '' : '(service level shows once calls have ended today)';
}

// ---- agent grid ---------------------------------------------------------------------------------------------------

function username(agent) {
  const u = (settings.agentUsers || []).find(x => x.iface.toLowerCase() === agent.iface.toLowerCase() && x.pbx === agent.pbx);
  return u ? u.username : null;
}

function handled(agent) {
  const a = kpis && kpis.agents ? kpis.agents.find(k => k.iface === agent.iface && k.pbx === agent.pbx) : null;
  return a && a.today ? a.today.handled : 0;
}

function tickSince() {
  const now = Date.now();
  for (const el of document.querySelectorAll('#agents [data-since]')) el.textContent = since(el.dataset.since, now);
}

const rowCache = new Map(); // iface -> {sig, row}: a row is rebuilt only when what it shows changed

function renderAgents() {
  const agents = [...cti.agents.values()].sort((a, b) => (a.memberName || a.iface).localeCompare(b.memberName || b.iface));
  const rows = agents.map(a => {
    const call = a.callId ? cti.calls.get(a.callId) : null;
    const sig = JSON.stringify([a, call && call.callerNumber, call && call.callerName, handled(a), username(a)]);
    const cached = rowCache.get(a.iface);
    if (cached && cached.sig === sig) return cached.row;
    const row = agentRow(a, call);
    rowCache.set(a.iface, { sig, row });
    return row;
  });
  const body = $('agents');
  if (rows.length !== body.children.length || rows.some((r, i) => body.children[i] !== r)) {
    const focused = document.activeElement && document.activeElement.closest('#agents') ? document.activeElement.getAttribute('aria-label') : null;
    body.replaceChildren(...rows);
    if (focused) {
      const again = [...body.querySelectorAll('button')].find(b => b.getAttribute('aria-label') === focused);
      if (again) again.focus();
    }
  }
}

function agentRow(a, call) {
  const name = a.memberName || a.iface;
  const user = username(a);
  const spy = (what, f) => h('button', { type: 'button', disabled: !a.callId, 'aria-label': what + ' ' + name,
    onclick: () => act(messages, what + ' ' + name, f(a.callId)).then(r => r && messages.note(what + ': ' + name)) }, what);
  const needUser = f => () => user ? f() : messages.error('', { message: 'no user name is configured for ' + name });
  const paused = a.state === 'paused';
  return h('tr', { dataset: { iface: a.iface, state: a.state } },
    h('th', { scope: 'row' }, name),
    h('td', {}, h('span', { class: 'badge', dataset: { state: a.state } }, a.state.replace('_', ' ')),
      a.pausedReason && paused ? ' ' + a.pausedReason : ''),
    h('td', { dataset: { since: a.since || '' } }, since(a.since)),
    h('td', {}, call ? (call.callerName || '') + ' ' + (call.callerNumber || '') + (call.queue ? ' (' + call.queue + ')' : '') : a.callId || ''),
    h('td', {}, String(handled(a))),
    h('td', {}, (a.queues || []).join(', ')),
    h('td', { class: 'actions' }, h('div', { class: 'grid-actions' },
      spy('Listen', id => cti.listen(id)), spy('Whisper', id => cti.whisper(id)), spy('Barge', id => cti.barge(id)),
      paused
        ? h('button', { type: 'button', class: 'secondary', 'aria-label': 'Unpause ' + name,
          onclick: needUser(() => act(messages, 'Unpause ' + name, cti.unpause({ agent: user }))) }, 'Unpause')
        : h('button', { type: 'button', class: 'secondary', 'aria-label': 'Pause ' + name, disabled: a.state === 'logged_out',
          onclick: needUser(() => act(messages, 'Pause ' + name, cti.pause($('sup-reason').value, { agent: user }))) }, 'Pause'),
      h('button', { type: 'button', class: 'secondary', 'aria-label': 'Log out ' + name, disabled: !(a.queues || []).length,
        onclick: needUser(() => Promise.all((a.queues || []).map(q =>
          act(messages, 'Log ' + name + ' out of ' + q, cti.queueLogout(q, { agent: user }))))) }, 'Log out'))));
}

// The agent desktop: state bar, screen pop with call controls, the after-call form and the agent's recent calls.
// Everything comes from the CtiClient's live state and events; every command's refusal is shown in words.
import { agentExtension, LinkState } from './cti-client.js';
import { act, clock, duration, h, loginFlow, Messages, showLink, since } from './ui.js';
import { mountPresencePanel } from './presence-panel.js';
import { mountChatPanel } from './chat-panel.js';

const $ = id => document.getElementById(id);
const messages = new Messages($('messages'));
const cards = new Map();          // callId -> Card
const handedAway = new Set();     // calls this agent transferred away: no card again, their disposition was asked
const RECENT_KEY = 'cti.recentCalls';
let cti;
let settings = { pauseReasons: [], wrapUpCodes: [], salesOutcomes: [], salesQueues: [], crmUrlTemplate: '' };
let directory = { agents: [], queues: [] };
let historyAvailable = true;
let historyRows = [];             // the agent's calls from the history API, below the session's own

/** Render timings the browser test reads: event arrival (performance.now()) to card in the DOM and to the next frame. */
const perf = { renders: [] };
window.__ctiDesk = perf;

cti = loginFlow({ form: $('login'), messages, onReady: ready });
showLink(cti, $('link'));
perf.client = cti;

async function ready(client) {
  $('desk').hidden = false;
  $('logout').hidden = false;
  $('who').textContent = client.user ? client.user.username + ' (' + client.user.role + ')' : '';
  $('logout').onclick = async () => { await client.logout(); location.reload(); };
  client.once('snapshot').then(() => loadHistory()); // the agent's interface is known from the snapshot
  client.on('snapshot', () => renderAll());
  client.on('snapshot', () => mountPanels(client));
  client.on('call.offered', e => onCallEvent(e));
  for (const t of ['call.answered', 'call.held', 'call.retrieved', 'call.conferenced', 'call.transferred']) {
    client.on(t, e => onCallEvent(e));
  }
  client.on('call.ended', e => onEnded(e));
  client.on('agent.state', () => renderState());
  client.on('monitoring.started', e => onMonitoring(e.payload, true));
  client.on('monitoring.stopped', e => onMonitoring(e.payload, false));
  client.on('pbx.status', e => {
    if (e.payload.state === 'DISCONNECTED') messages.error('', { message: 'the CTI server lost its link to the PBX: ' + (e.payload.detail || '') });
  });
  client.on('link', e => { if (e.state === LinkState.RECONNECTING) document.body.classList.add('offline'); else document.body.classList.remove('offline'); });
  wireStateBar();
  renderRecent();
  setInterval(tick, 1000);
  try {
    settings = Object.assign(settings, await client.get('/api/desktop/settings'));
  } catch (err) {
    messages.error('Loading the desktop settings', err);
  }
  fillPauseReasons();
  refreshDirectory();
  setInterval(refreshDirectory, 5000);
}

/**
 * The phones' presence list (click-to-dial, transfer) and the chat and email panel, mounted once the first snapshot
 * shows the link is up (the presence panel subscribes as it mounts). Both use the same client as the rest of the page.
 */
let panelsMounted = false;
function mountPanels(client) {
  if (panelsMounted) return;
  panelsMounted = true;
  mountPresencePanel($('presence'), client, {
    currentCallId: () => { const live = [...cards.keys()]; return live.length ? live[live.length - 1] : null; },
  });
  mountChatPanel($('chats'), client, { agent: client.user ? client.user.username : '' });
}

/** Recording shows on the card (the tracker reports it as monitoring); a supervisor's spying is announced. */
function onMonitoring(p, started) {
  const card = cards.get(p.callId);
  if (p.kind === 'recording') {
    if (card) {
      card.call = Object.assign({}, card.call, { recording: started });
      card.update(card.call, null);
    }
    return;
  }
  if (started && card && card.mine) {
    const word = { listen: 'listening to', whisper: 'whispering on', barge: 'barging into' }[p.kind] || 'monitoring';
    messages.note('A supervisor is ' + word + ' your call with ' + (card.call.callerNumber || p.callId));
  }
}

// ---- who am I -----------------------------------------------------------------------------------------------------

/** The agent behind this login: agents see only their own agent in the snapshot and events. */
function myAgent() {
  if (!cti.user || cti.user.role !== 'agent') return null;
  for (const a of cti.agents.values()) return a;
  return null;
}

function isMine(call) {
  if (!cti.user) return false;
  if (cti.user.role === 'admin') return true;
  const me = myAgent();
  if (!me) return cti.user.role === 'agent';
  const iface = me.iface.toLowerCase();
  if ((call.agentInterface || '').toLowerCase() === iface) return true;
  return (call.parties || []).some(p => (p.iface || '').toLowerCase() === iface);
}

// ---- state bar ----------------------------------------------------------------------------------------------------

function wireStateBar() {
  $('available').onclick = () => {
    const me = myAgent();
    if (me && me.state === 'wrap_up') act(messages, 'End wrap-up', cti.endWrapUp());
    else act(messages, 'Available', cti.unpause());
  };
  $('pause').onclick = () => act(messages, 'Pause', cti.pause($('pause-reason').value));
  $('end-wrapup').onclick = () => act(messages, 'End wrap-up', cti.endWrapUp());
  $('queue-login').onclick = () => act(messages, 'Log in to ' + $('queue-pick').value, cti.queueLogin($('queue-pick').value));
  $('queue-logout').onclick = () => act(messages, 'Log out of ' + $('queue-pick').value, cti.queueLogout($('queue-pick').value));
  $('dial-form').addEventListener('submit', e => {
    e.preventDefault();
    dial($('dial-number').value.trim());
  });
}

async function dial(number) {
  if (!/^[0-9+*#]{1,32}$/.test(number)) {
    messages.error('Dial', { message: 'a number is digits, +, * or # (at most 32)' });
    return;
  }
  if (await act(messages, 'Dial ' + number, cti.dial(number))) messages.note('Dialling ' + number + '…');
}

function fillPauseReasons() {
  const sel = $('pause-reason');
  sel.replaceChildren(...settings.pauseReasons.map(r => h('option', { value: r }, r)));
}

function renderState() {
  const me = myAgent();
  const badge = $('agent-state');
  const state = me ? me.state : (cti.user && cti.user.role !== 'agent' ? 'supervisor' : 'logged_out');
  badge.dataset.state = state;
  badge.textContent = state.replace('_', ' ');
  $('agent-reason').textContent = me && me.state === 'paused' && me.pausedReason ? '(' + me.pausedReason + ')' : '';
  $('agent-since').dataset.since = me ? me.since || '' : '';
  $('wrapup').hidden = !(me && me.state === 'wrap_up');
  $('wrapup-timer').dataset.since = me && me.state === 'wrap_up' ? me.since : '';
  const queues = me ? me.queues || [] : [];
  renderQueuePicker(queues);
  $('my-queues').replaceChildren(...(queues.length ? queues.map(q => h('span', { class: 'chip' }, q))
    : [h('span', { class: 'muted' }, 'none')]));
  tick();
}

async function refreshDirectory() {
  if (!cti.token || cti.link === LinkState.CLOSED) return;
  try {
    // Agents read their own entry of /api/agents; colleagues come from presence (which lines an agent sees is the
    // server's phones.agentPresence), supervisors get both.
    const [agents, queues, presence] = await Promise.all([cti.get('/api/agents'), cti.get('/api/queues'),
      cti.get('/api/presence').catch(() => null)]);
    directory = { agents, queues, presence };
  } catch (err) {
    return; // the directory is a help; the link indicator already tells about a lost server
  }
  renderQueuePicker();
  const list = $('directory');
  list.replaceChildren(...directoryEntries().map(d => h('option', { value: d.target }, d.label)));
  for (const card of cards.values()) card.renderDirectory();
}

/**
 * The queues an agent may log in to or out of: those the PBX has them in (their agent's `queues`, from the snapshot
 * and agent.state), those seen so in this tab (so a queue logged out of stays to log back in to), and those the
 * server lists for them (/api/queues: the configured ones; every queue for supervisors). No queue subscription is
 * made for it: the agent's screen pops stay their own calls.
 */
function renderQueuePicker(memberOf = (myAgent() || {}).queues || []) {
  const key = 'cti.knownQueues.' + (cti.user ? cti.user.username : '');
  let known = [];
  try { known = JSON.parse(sessionStorage.getItem(key) || '[]'); } catch (e) { /* start afresh */ }
  const names = [...new Set([...memberOf, ...known, ...directory.queues.map(q => q.name)])].sort();
  sessionStorage.setItem(key, JSON.stringify(names));
  const pick = $('queue-pick');
  const shown = [...pick.options].map(o => o.value + (o.dataset.member || ''));
  const wanted = names.map(n => n + (memberOf.includes(n) ? '1' : ''));
  if (shown.join('\n') === wanted.join('\n')) return; // unchanged: keep the choice and the focus
  const chosen = pick.value;
  pick.replaceChildren(...names.map(n => memberOf.includes(n)
    ? h('option', { value: n, dataset: { member: '1' } }, n + ' (logged in)')
    : h('option', { value: n }, n)));
  if (chosen && names.includes(chosen)) pick.value = chosen;
  $('queue-login').disabled = $('queue-logout').disabled = names.length === 0;
}

function directoryEntries() {
  const me = myAgent();
  const agents = directory.agents.filter(a => !me || a.iface !== me.iface).map(a => ({
    target: agentExtension(a.iface), label: (a.memberName || a.iface) + ' — ' + a.state.replace('_', ' '), state: a.state,
  }));
  const p = directory.presence;
  const mine = me ? agentExtension(me.iface) : null;
  for (const line of (p && p.entries) || []) {
    const target = agentExtension(line.id);
    if (line.kind !== 'device' || !(p.names || {})[line.id] || target === mine
        || agents.some(a => a.target === target)) continue;
    agents.push({ target, label: p.names[line.id] + ' — ' + String(line.state).replace(/_/g, ' '), state: line.state });
  }
  const queues = directory.queues.map(q => ({
    target: q.name, label: 'Queue ' + q.name + ' — ' + q.entries.length + ' waiting, '
      + q.members.filter(m => !m.paused && !m.inCall && m.status === 1).length + ' free', state: 'queue',
  }));
  return agents.concat(queues);
}

// ---- call cards ---------------------------------------------------------------------------------------------------

function renderAll() {
  const live = new Set(cti.calls.keys());
  for (const [id, card] of cards) {
    if (!live.has(id)) { card.el.remove(); cards.delete(id); }
  }
  for (const call of cti.calls.values()) if (!handedAway.has(call.callId)) upsert(call, null);
  renderState();
  countCalls();
}

function onCallEvent(e) {
  const p = e.payload;
  if (handedAway.has(p.call.callId)) return;
  const before = cards.get(p.call.callId);
  const wasMine = before ? before.mine : false;
  const card = upsert(p.call, e.type === 'call.offered' && p.agentInterface ? p : null, e.type);
  if (e.type === 'call.transferred' && p.transfer) card.note('Transferred (' + p.transfer.kind + ') to ' + p.transfer.target);
  if (card.mine && (!isMine(p.call) || handedOn(e, wasMine))) {
    // The call left this agent (transferred away): its card goes; the disposition is asked now.
    card.el.remove();
    cards.delete(p.call.callId);
    handedAway.add(p.call.callId);
    askDisposition(Object.assign({ endedAt: e.time, result: 'answered' }, p.call), card.pop);
  }
  countCalls();
  const domMs = performance.now() - e.receivedAt;
  const entry = { callId: p.call.callId, type: e.type, domMs, cards: cards.size };
  requestAnimationFrame(() => { entry.frameMs = performance.now() - e.receivedAt; perf.renders.push(entry); });
}

/**
 * A blind or attended transfer by this agent to a target that is not an agent: the call still names this agent
 * (`agentInterface`), but the agent's leg is gone. (To another agent, the call names that agent: isMine sees it.)
 */
function handedOn(e, wasMine) {
  const t = e.payload.transfer;
  const me = myAgent();
  return e.type === 'call.transferred' && wasMine && !!me && !!t && (t.kind === 'blind' || t.kind === 'attended')
    && t.target !== agentExtension(me.iface);
}

function onEnded(e) {
  const id = e.payload.callId;
  const away = handedAway.delete(id);
  const card = cards.get(id);
  const record = e.payload.record;
  const mine = card ? card.mine : false;
  if (card) { card.el.remove(); cards.delete(id); }
  countCalls();
  const me = myAgent();
  if (record && me && (record.agentInterface || '').toLowerCase() === me.iface.toLowerCase()) {
    remember(record);
    if (!away && (record.result === 'answered' || mine)) askDisposition(record, card ? card.pop : null);
  }
}

function countCalls() {
  $('call-count').textContent = cards.size ? '(' + cards.size + ')' : '';
  $('no-calls').hidden = cards.size > 0;
}

function upsert(call, pop, type) {
  let card = cards.get(call.callId);
  if (!card) {
    card = new Card(call, pop);
    cards.set(call.callId, card);
    // Own calls first, newest first among them.
    const cont = $('cards');
    if (card.mine) cont.prepend(card.el); else cont.append(card.el);
  } else {
    card.update(call, pop, type);
  }
  return card;
}

/** CTI_CUSTOMER_NAME -> name, as the gateway's default CustomerLookup does. */
function customerFromData(data) {
  const c = {};
  for (const [k, v] of Object.entries(data || {})) {
    if (k.startsWith('CTI_CUSTOMER_')) {
      const key = k.slice(13).toLowerCase().replace(/_([a-z])/g, (m, x) => x.toUpperCase());
      c[key === 'id' ? 'customerId' : key] = v;
    }
  }
  return c;
}

function crmUrl(call, customer) {
  const t = settings.crmUrlTemplate;
  if (!t) return null;
  const id = customer.customerId || customer.id || (call.data || {}).CTI_CUSTOMER_ID;
  return t.replace(/\{([A-Za-z0-9_.]+)\}/g, (m, name) => {
    const v = { customerId: id, callerNumber: call.callerNumber, callerName: call.callerName, dialed: call.dialed,
      callId: call.callId, queue: call.queue }[name] ?? (name.startsWith('data.') ? (call.data || {})[name.slice(5)] : null);
    return v === null || v === undefined ? '' : encodeURIComponent(v);
  });
}

const STATE_WORDS = { dialplan: 'in IVR', queued: 'waiting', ringing: 'ringing', connected: 'talking', held: 'on hold', ended: 'ended' };

class Card {
  constructor(call, pop) {
    this.call = call;
    this.pop = pop;
    this.mine = isMine(call);
    this.consulting = false;
    this.held = false; // set when our hold was accepted: the PBX may not report the hold as a call state
    const id = 'call-' + call.callId.replace(/[^A-Za-z0-9_-]/g, '_');
    this.titleId = id + '-title';
    this.el = h('article', { class: 'card call' + (this.mine ? ' mine' : ''), 'aria-labelledby': this.titleId,
      dataset: { callId: call.callId } });
    this.head = h('header', { class: 'call-head' });
    this.info = h('div', { class: 'call-info' });
    this.history = h('div', { class: 'call-history' });
    this.noteEl = h('p', { class: 'muted call-note', 'aria-live': 'polite' });
    this.el.append(this.head, this.info, this.noteEl);
    if (this.mine) {
      this.controls = this.buildControls();
      this.el.append(this.controls, this.history);
      this.loadHistory();
    }
    this.update(call, pop);
  }

  note(text) {
    this.noteEl.textContent = text;
  }

  update(call, pop, type) {
    if (type === 'call.held') this.held = true;
    if (type === 'call.retrieved') this.held = false;
    this.call = call;
    if (pop) this.pop = pop;
    const data = call.data || {};
    const customer = this.pop && this.pop.customer && Object.keys(this.pop.customer).length
      ? this.pop.customer : customerFromData(data);
    const vip = this.pop ? this.pop.vip : /^(1|true|yes|y)$/i.test(data.CTI_VIP || '');
    const name = call.callerName || customer.name || '';
    this.head.replaceChildren(...[
      h('h3', { id: this.titleId, class: 'caller' }, h('span', { class: 'caller-name' }, name || 'Unknown caller'), ' ',
        h('span', { class: 'caller-number' }, call.callerNumber || '')),
      vip ? h('span', { class: 'badge vip', title: 'VIP customer' }, 'VIP') : null,
      h('span', { class: 'badge', dataset: { state: call.state } }, STATE_WORDS[call.state] || call.state),
      call.recording ? h('span', { class: 'badge rec' }, 'recording') : null,
      h('span', { class: 'muted timer', dataset: { since: call.answeredAt || call.startedAt || '' } })].filter(Boolean));
    const wait = this.pop ? this.pop.waitSeconds
      : call.queuedAt ? Math.max(0, ((call.answeredAt ? Date.parse(call.answeredAt) : Date.now()) - Date.parse(call.queuedAt)) / 1000) : null;
    const rows = [];
    const row = (k, v) => { if (v !== null && v !== undefined && v !== '') rows.push(h('dt', {}, k), h('dd', {}, v)); };
    row('Queue', call.queue);
    row('Waited', wait === null ? null : duration(wait));
    row('Dialled', call.dialed);
    row('Agent', call.agentName);
    row('Routing', data.CTI_ROUTE_REASON);
    for (const [k, v] of Object.entries(data)) if (k.startsWith('IVR_')) row('IVR ' + k.slice(4).toLowerCase(), v);
    const custRows = [];
    for (const [k, v] of Object.entries(customer)) {
      if (v !== null && typeof v !== 'object') custRows.push(h('dt', {}, k), h('dd', {}, String(v)));
    }
    const url = (this.pop && this.pop.crmUrl) || crmUrl(call, customer);
    this.info.replaceChildren(...[
      h('dl', { class: 'facts' }, rows),
      custRows.length ? h('section', { class: 'customer', 'aria-label': 'Customer record' },
        h('h4', {}, 'Customer'), h('dl', { class: 'facts' }, custRows)) : null,
      url ? h('p', {}, h('a', { href: url, target: '_blank', rel: 'noopener', class: 'crm-link' }, 'Open in CRM')) : null,
    ].filter(Boolean));
    if (this.mine) this.renderControls();
    tickOne(this.el);
  }

  buildControls() {
    const c = this.call.callId;
    const sfx = c.replace(/[^A-Za-z0-9_-]/g, '_');
    const run = (what, f) => async () => {
      const r = await act(messages, what, f());
      if (r) this.note(what + ': done');
      return r;
    };
    this.targetInput = h('input', { id: 'target-' + sfx, class: 'target', list: 'directory', inputmode: 'text',
      pattern: '[0-9A-Za-z+*#_-]{1,40}', autocomplete: 'off' });
    const target = () => this.targetInput.value.trim();
    const needTarget = (what, f) => () => {
      if (!/^[0-9A-Za-z+*#_-]{1,40}$/.test(target())) {
        messages.error(what, { message: 'enter a target: an extension, an agent or a queue from the directory' });
        this.targetInput.focus();
        return null;
      }
      return run(what, f)();
    };
    this.btn = {
      hangup: h('button', { type: 'button', class: 'danger', onclick: run('Hang up', () => cti.hangup(c)) }, 'Hang up'),
      hold: h('button', { type: 'button', onclick: run('Hold', async () => {
        const r = await cti.hold(c);
        this.held = true;
        this.renderControls();
        this.btn.retrieve.focus();
        return r;
      }) }, 'Hold'),
      retrieve: h('button', { type: 'button', onclick: run('Retrieve', async () => {
        const r = await cti.unhold(c);
        this.held = false;
        this.renderControls();
        this.btn.hold.focus();
        return r;
      }) }, 'Retrieve'),
      blind: h('button', { type: 'button', onclick: needTarget('Blind transfer', () => cti.transferBlind(c, target())) }, 'Blind transfer'),
      attended: h('button', { type: 'button', onclick: needTarget('Attended transfer', async () => {
        const r = await cti.transferAttended(c, target());
        this.consulting = true;
        this.renderControls();
        return r;
      }) }, 'Attended transfer'),
      complete: h('button', { type: 'button', onclick: run('Complete transfer', () => cti.transferComplete(c)) }, 'Complete transfer'),
      cancel: h('button', { type: 'button', onclick: run('Cancel consultation', async () => {
        const r = await cti.transferCancel(c);
        this.consulting = false;
        return r;
      }) }, 'Cancel consultation'),
      conference: h('button', { type: 'button', onclick: run('Conference', () => cti.conference(c, target() || undefined)) }, 'Conference'),
      recStart: h('button', { type: 'button', onclick: run('Start recording', () => cti.recordStart(c)) }, 'Start recording'),
      recStop: h('button', { type: 'button', onclick: run('Stop recording', () => cti.recordStop(c)) }, 'Stop recording'),
    };
    const pad = h('div', { class: 'pad', role: 'group', 'aria-label': 'DTMF keypad' },
      ...'123456789*0#'.split('').map(d => h('button', { type: 'button', 'aria-label': 'Send tone ' + d,
        onclick: () => act(messages, 'Tone ' + d, cti.dtmf(c, d)) }, d)));
    this.dirList = h('ul', { class: 'directory' });
    // Built when opened, refreshed only while open: 50 cards would otherwise rebuild 50 lists every 5 s.
    this.dirDetails = h('details', { class: 'dir', ontoggle: () => this.renderDirectory() },
      h('summary', {}, 'Directory: agents and queues'), this.dirList);
    return h('div', { class: 'controls' },
      h('div', { class: 'row' }, this.btn.hangup, this.btn.hold, this.btn.retrieve, this.btn.recStart, this.btn.recStop),
      h('div', { class: 'row transfer' },
        h('label', { for: this.targetInput.id }, 'Transfer or conference target'), this.targetInput,
        this.btn.blind, this.btn.attended, this.btn.complete, this.btn.cancel, this.btn.conference),
      this.dirDetails,
      h('details', { class: 'dtmf' }, h('summary', {}, 'Keypad (DTMF)'), pad));
  }

  renderControls() {
    const s = this.call.state;
    const held = s === 'held' || this.held;
    const live = s === 'connected' || held;
    const consult = this.consulting || (this.call.parties || []).some(p => p.role === 'transfer_target');
    this.btn.hold.hidden = held;
    this.btn.retrieve.hidden = !held;
    this.btn.hold.disabled = !live;
    this.btn.blind.disabled = !live;
    this.btn.attended.disabled = !live || consult;
    this.btn.complete.disabled = !consult;
    this.btn.cancel.disabled = !consult;
    this.btn.conference.disabled = !live;
    this.btn.recStart.hidden = !!this.call.recording;
    this.btn.recStop.hidden = !this.call.recording;
    this.btn.recStart.disabled = !live;
  }

  renderDirectory() {
    if (!this.dirList || !this.dirDetails.open) return;
    this.dirList.replaceChildren(...directoryEntries().map(d => h('li', {},
      h('button', { type: 'button', class: 'link', dataset: { state: d.state },
        onclick: () => { this.targetInput.value = d.target; this.targetInput.focus(); } }, d.target + ': ' + d.label))));
  }

  /** The customer's last calls: from the pop when the server sends them, else the history API when it exists. */
  async loadHistory() {
    const number = this.call.callerNumber;
    const show = (items, text) => this.history.replaceChildren(h('h4', {}, 'Recent calls of this customer'),
      text ? h('p', { class: 'muted' }, text) : h('ul', {}, items.map(r => h('li', {},
        clock(r.startedAt || r.endedAt || r.date) + ' ' + (r.agentName || r.agent || '') + ' ' + (r.result || '')
        + (r.disposition ? ' — ' + (r.disposition.code || r.disposition) : '')))));
    if (this.pop && Array.isArray(this.pop.recentCalls) && this.pop.recentCalls.length) {
      show(this.pop.recentCalls, null);
      return;
    }
    // No pop (a card built from the snapshot after a reload, a call that did not ring here), or an empty list in it
    // (the server's lookup may have missed its deadline): the history API.
    if (!number || !historyAvailable) {
      show([], 'No call history on this server.');
      return;
    }
    try {
      const r = await cti.get('/api/history/calls?number=' + encodeURIComponent(number) + '&limit=5');
      const items = historyItems(r).filter(c => c.callId !== this.call.callId);
      show(items, items.length ? null : 'No earlier calls.');
    } catch (err) {
      if (err.status === 404) historyAvailable = false;
      show([], err.status === 404 ? 'No call history on this server.' : 'History unavailable: ' + err.message);
    }
  }
}

// ---- after the call -------------------------------------------------------------------------------------------------

function askDisposition(record, pop) {
  const id = 'disp-' + record.callId.replace(/[^A-Za-z0-9_-]/g, '_');
  if (document.getElementById(id)) return;
  const sales = settings.salesOutcomes.length > 0
    && (settings.salesQueues.length === 0 || settings.salesQueues.includes(record.queue));
  const form = h('form', { id, class: 'card disposition', 'aria-labelledby': id + '-t', dataset: { callId: record.callId } },
    h('h3', { id: id + '-t' }, 'Disposition: ' + (record.callerName || record.callerNumber || record.callId)
      + ' at ' + clock(record.endedAt)),
    h('label', { for: id + '-code' }, 'Wrap-up code'),
    h('select', { id: id + '-code', name: 'code', required: true },
      settings.wrapUpCodes.map(c => h('option', { value: c }, c))),
    h('div', { class: 'check' }, h('input', { type: 'checkbox', id: id + '-resolved', name: 'resolved' }),
      h('label', { for: id + '-resolved' }, 'Resolved on this call')),
    sales ? [h('label', { for: id + '-outcome' }, 'Sales outcome'),
      h('select', { id: id + '-outcome', name: 'outcome' }, settings.salesOutcomes.map(o => h('option', { value: o }, o.replace('_', '-')))),
      // the server takes 0..999999999.99 with at most two decimals; the browser checks the same before sending
      h('label', { for: id + '-amount' }, 'Sale amount'),
      h('input', { id: id + '-amount', name: 'amount', type: 'number', min: '0', max: '999999999.99', step: '0.01',
        inputmode: 'decimal' })] : null,
    h('label', { for: id + '-notes' }, 'Notes'),
    h('textarea', { id: id + '-notes', name: 'notes', rows: 2, maxlength: 256 }),
    h('button', { type: 'submit' }, 'Save disposition'));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    const fd = new FormData(form);
    const notes = String(fd.get('notes') || '').replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
    const ok = await act(messages, 'Disposition', cti.disposition(record.callId, {
      code: fd.get('code'), resolved: fd.get('resolved') === 'on', notes: notes || undefined,
      outcome: sales ? fd.get('outcome') : undefined,
      amount: sales && fd.get('amount') ? String(fd.get('amount')) : undefined,
    }));
    if (ok) {
      messages.note('Disposition saved: ' + fd.get('code'));
      form.remove();
      $('aftercall').hidden = $('dispositions').children.length === 0;
      remember(record, String(fd.get('code')));
    }
  });
  $('dispositions').prepend(form);
  $('aftercall').hidden = false;
  form.querySelector('select').focus();
}

// ---- recent calls ---------------------------------------------------------------------------------------------------

function recent() {
  try { return JSON.parse(sessionStorage.getItem(RECENT_KEY) || '[]'); } catch (e) { return []; }
}

function remember(record, disposition) {
  const list = recent().filter(r => r.callId !== record.callId);
  const old = recent().find(r => r.callId === record.callId);
  list.unshift({ callId: record.callId, endedAt: record.endedAt, callerNumber: record.callerNumber,
    callerName: record.callerName, queue: record.queue, result: record.result, talkSeconds: record.talkSeconds,
    disposition: disposition || (old && old.disposition) || null });
  sessionStorage.setItem(RECENT_KEY, JSON.stringify(list.slice(0, 20)));
  renderRecent();
}

function renderRecent() {
  const seen = new Set();
  const rows = recent().concat(historyRows).filter(r => !seen.has(r.callId) && seen.add(r.callId)).slice(0, 20);
  $('recent-calls').replaceChildren(...(rows.length ? rows.map(r => h('tr', {},
    h('td', {}, clock(r.endedAt || r.startedAt)),
    h('td', {}, (r.callerName ? r.callerName + ' ' : '') + (r.callerNumber || '')),
    h('td', {}, r.queue || ''),
    h('td', {}, (r.result || '') + (r.disposition ? ' — ' + r.disposition : '')),
    h('td', {}, r.talkSeconds !== undefined && r.talkSeconds !== null ? duration(r.talkSeconds) : ''),
    h('td', {}, /^[0-9+*#]{1,32}$/.test(r.callerNumber || '')
      ? h('button', { type: 'button', class: 'secondary', 'aria-label': 'Call back ' + r.callerNumber,
        onclick: () => dial(r.callerNumber) }, 'Call back') : '')))
    : [h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No calls yet in this session.'))]));
}

/**
 * GET /api/history/calls answers {calls: [{record, disposition}], nextCursor}: each item as the rows here read it,
 * the stored call record's fields with the disposition's code.
 */
function historyItems(answer) {
  return ((answer && answer.calls) || []).map(c => Object.assign({}, c.record,
    { disposition: c.disposition ? c.disposition.code : null }));
}

/**
 * The agent's own calls from the history API (those taken at their interface), when the server has one (404: it
 * has not; the session's calls remain). Supervisors and admins have no calls of their own here.
 */
async function loadHistory() {
  if (!cti.user || cti.user.role !== 'agent') return;
  const me = myAgent();
  try {
    const r = await cti.get('/api/history/calls?limit=20' + (me ? '&agent=' + encodeURIComponent(me.iface) : ''));
    historyRows = historyItems(r);
    renderRecent();
  } catch (err) {
    if (err.status === 404) historyAvailable = false;
  }
}

// ---- timers ---------------------------------------------------------------------------------------------------------

function tickOne(root) {
  const now = Date.now();
  for (const el of root.querySelectorAll('[data-since]')) el.textContent = el.dataset.since ? since(el.dataset.since, now) : '';
}

function tick() {
  tickOne(document);
}

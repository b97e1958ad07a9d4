// cti-client.js: the JavaScript client of the CTI server's desktop gateway. One ES module, no dependencies.
//
//   import { CtiClient } from '/js/cti-client.js';
//   const cti = new CtiClient();                 // same origin; new CtiClient({ baseUrl: 'https://cti.example' })
//   await cti.login('agent201', 'secret');
//   cti.on('call.offered', e => console.log(e.payload.callerNumber));
//   cti.connect();
//   await cti.hold(callId);                      // resolves with the result's data, rejects with a CtiError
//
// Every command has a helper (COMMAND_HELPERS lists them by command name).
// Protocol: docs/gateway.md and docs/desktop-protocol.asyncapi.yaml. Guide: docs/js-client.md.

/** A refused command or request: `code` is the gateway's (forbidden, pbx_refused, ...), `asteriskMessage` Asterisk's. */
export class CtiError extends Error {
  constructor(code, message, asteriskMessage) {
    super(message || code);
    this.name = 'CtiError';
    this.code = code;
    this.asteriskMessage = asteriskMessage || null;
  }

  /** "pbx_refused: the PBX refused Hangup (Asterisk: No such channel)" */
  describe() {
    return this.code + ': ' + this.message + (this.asteriskMessage ? ' (Asterisk: ' + this.asteriskMessage + ')' : '');
  }
}

/** Link states, in the order a connection goes through them. */
export const LinkState = Object.freeze({
  IDLE: 'idle',                 // not connected yet
  CONNECTING: 'connecting',     // first connection under way
  CONNECTED: 'connected',       // up; events flow (after a resume: nothing was missed)
  RESYNCED: 'resynced',         // up again, but the server could not replay what was missed: state was replaced
  RECONNECTING: 'reconnecting', // lost; retrying with backoff
  CLOSED: 'closed',             // logged out, or the token was refused: no more retries
});

const COMMAND_TIMEOUT_MS = 15000;
const PING_EVERY_MS = 20000;
const PONG_WITHIN_MS = 10000;
const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 8000, 15000];

/**
 * One desktop's connection: login, the WebSocket with auth, resume after a lost link, the live state (calls, agents,
 * queues) kept from the snapshot and the events, command helpers and an event emitter.
 *
 * Events emitted (`on(type, fn)`): every gateway event type (`call.offered`, `call.answered`, `call.held`,
 * `call.retrieved`, `call.conferenced`, `call.transferred`, `call.ended`, `agent.state`, `queue.stats`, `kpi`,
 * `pbx.status`, `monitoring.started`, `monitoring.stopped`, `state.reconciled`; `presence.snapshot` and `presence`
 * after subscribePresence(); `phone.dnd`, `phone.forward`; `contact.offered`, `contact.accepted`, `contact.withdrawn`,
 * `contact.message`, `contact.typing`, `contact.closed`, `agent.load`) with the whole message
 * `{seq, type, time, pbx, payload}` and the time it arrived (`receivedAt`, performance.now()); `snapshot` (the
 * message); `welcome`; `link` ({state, previous, attempt, delayMs, reason}); `state` (after any change of calls,
 * agents or queues); `error` (a protocol error message); and `*` for every event.
 */
export class CtiClient {
  constructor(options = {}) {
    this.baseUrl = (options.baseUrl || '').replace(/\/$/, '');
    this.storage = options.storage === undefined ? globalThis.sessionStorage : options.storage;
    this.WebSocketImpl = options.WebSocket || globalThis.WebSocket;
    this.token = options.token || (this.storage ? this.storage.getItem('cti.token') : null);
    this.user = this.storage && this.storage.getItem('cti.user') ? JSON.parse(this.storage.getItem('cti.user')) : null;
    this.link = LinkState.IDLE;
    this.sessionId = null;
    this.lastSeq = null;
    this.queues = [];
    /** Live state: callId -> Call, "pbx|iface" -> Agent, queue name -> {stats, queue}. */
    this.calls = new Map();
    this.agents = new Map();
    this.queueStats = new Map();
    /** With subscribePresence(): "pbx|id" -> presence line, and display names by line id. */
    this.presence = new Map();
    this.presenceNames = {};
    this.listeners = new Map();
    this.pending = new Map();
    this.nextId = 1;
    this.ws = null;
    this.attempt = 0;
    this.retryTimer = null;
    this.pingTimer = null;
    this.pongTimer = null;
  }

  // ---- events --------------------------------------------------------------------------------------------------

  /** Calls fn for each event of that type ('*' for all); returns a function that removes it. */
  on(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(fn);
    return () => this.off(type, fn);
  }

  off(type, fn) {
    const set = this.listeners.get(type);
    if (set) set.delete(fn);
  }

  /** Resolves with the next event of that type (optionally one that `test` accepts). */
  once(type, test = () => true) {
    return new Promise(resolve => {
      const off = this.on(type, e => {
        if (test(e)) { off(); resolve(e); }
      });
    });
  }

  emit(type, value) {
    for (const key of [type, '*']) {
      const set = this.listeners.get(key);
      if (!set) continue;
      for (const fn of [...set]) {
        try { fn(value); } catch (err) { console.error('cti-client listener for ' + type + ' failed', err); }
      }
    }
  }

  // ---- REST ----------------------------------------------------------------------------------------------------

  /** POST /api/login; keeps the token (sessionStorage by default) for connect() and the REST helpers. */
  async login(username, password) {
    const body = await this.request('POST', '/api/login', { username, password }, false);
    this.token = body.token;
    this.user = body.user;
    if (this.storage) {
      this.storage.setItem('cti.token', body.token);
      this.storage.setItem('cti.user', JSON.stringify(body.user));
    }
    return body.user;
  }

  /** Revokes the token, closes the link and forgets the state. */
  async logout() {
    const token = this.token;
    this.close();
    this.token = null;
    this.user = null;
    if (this.storage) {
      this.storage.removeItem('cti.token');
      this.storage.removeItem('cti.user');
    }
    if (token) {
      try {
        await fetch(this.baseUrl + '/api/logout', { method: 'POST', headers: { Authorization: 'Bearer ' + token } });
      } catch (e) { /* the token expires anyway */ }
    }
  }

  /** GET a REST path (e.g. '/api/agents'); rejects with a CtiError (status kept in `status`). */
  get(path) {
    return this.request('GET', path);
  }

  async request(method, path, body, auth = true) {
    const headers = {};
    if (auth && this.token) headers.Authorization = 'Bearer ' + this.token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw new CtiError('network', 'no answer from the server (' + e.message + ')');
    }
    let json = null;
    try { json = await res.json(); } catch (e) { /* not JSON */ }
    if (!res.ok) {
      const err = json && json.error ? json.error : { code: 'http_' + res.status, message: res.statusText };
      const e = new CtiError(err.code, err.message, err.asteriskMessage);
      e.status = res.status;
      throw e;
    }
    return json;
  }

  // ---- the WebSocket -------------------------------------------------------------------------------------------

  /** Opens the WebSocket (after login). Reconnects by itself until close() or logout(). */
  connect() {
    if (!this.token) throw new CtiError('unauthenticated', 'log in first');
    this.closedByUser = false;
    this.open();
  }

  /** Closes the link for good (no reconnect). */
  close() {
    this.closedByUser = true;
    clearTimeout(this.retryTimer);
    this.stopPing();
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.close(1000, 'closed by the desktop');
    }
    this.failPending('link_lost', 'the link was closed');
    this.setLink(LinkState.CLOSED, { reason: 'closed' });
  }

  open() {
    const url = new URL(this.baseUrl + '/ws', globalThis.location ? globalThis.location.href : undefined);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    this.setLink(this.sessionId ? LinkState.RECONNECTING : LinkState.CONNECTING, { attempt: this.attempt });
    const ws = new this.WebSocketImpl(url.toString());
    this.ws = ws;
    ws.onopen = () => {
      const auth = { type: 'auth', token: this.token };
      if (this.sessionId && this.lastSeq !== null) {
        auth.session = this.sessionId;
        auth.lastSeq = this.lastSeq;
      }
      ws.send(JSON.stringify(auth));
    };
    ws.onmessage = m => {
      if (ws !== this.ws) return;
      const receivedAt = performance.now();
      let msg;
      try { msg = JSON.parse(m.data); } catch (e) { return; }
      this.onMessage(msg, receivedAt);
    };
    ws.onclose = e => {
      if (ws !== this.ws) return;
      this.ws = null;
      this.stopPing();
      this.failPending('link_lost', 'the link dropped before the answer came; check the call before retrying');
      if (this.closedByUser) return;
      if (e.code === 4401) {
        this.setLink(LinkState.CLOSED, { reason: 'unauthenticated' });
        return;
      }
      this.scheduleReconnect(e.code + (e.reason ? ' ' + e.reason : ''));
    };
  }

  scheduleReconnect(reason) {
    const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    const delayMs = Math.round(base * (0.75 + Math.random() * 0.5));
    this.attempt++;
    this.setLink(LinkState.RECONNECTING, { attempt: this.attempt, delayMs, reason });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.open(), delayMs);
  }

  /** Drops the current connection as a network failure would; the client reconnects and resumes. */
  reconnect() {
    if (this.ws) this.ws.close(4000, 'reconnect');
  }

  setLink(state, detail = {}) {
    if (state === this.link && state !== LinkState.RECONNECTING) return;
    const previous = this.link;
    this.link = state;
    this.emit('link', Object.assign({ state, previous }, detail));
  }

  startPing() {
    this.stopPing();
    this.pingTimer = setInterval(() => {
      if (!this.ws || this.ws.readyState !== 1) return;
      this.ws.send('{"type":"ping"}');
      clearTimeout(this.pongTimer);
      // No pong: the link is dead even if the socket has not noticed yet.
      this.pongTimer = setTimeout(() => { if (this.ws) this.ws.close(4000, 'no pong'); }, PONG_WITHIN_MS);
    }, PING_EVERY_MS);
  }

  stopPing() {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
  }

  onMessage(msg, receivedAt) {
    switch (msg.type) {
      case 'welcome': {
        const resumed = this.sessionId === msg.session;
        this.replaced = this.sessionId !== null && !resumed; // the server forgot our session: a snapshot follows
        if (!resumed) this.lastSeq = null;
        this.sessionId = msg.session;
        this.queues = msg.queues || [];
        this.startPing();
        this.emit('welcome', msg);
        // Resumed: the missed events follow (or, when the server no longer holds them, a resync snapshot).
        if (resumed) { this.attempt = 0; this.setLink(LinkState.CONNECTED, { resumed: true }); }
        return;
      }
      case 'pong':
        clearTimeout(this.pongTimer);
        return;
      case 'result': {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        clearTimeout(p.timer);
        if (msg.ok) p.resolve(msg.data || {});
        else p.reject(new CtiError(msg.error.code, msg.error.message, msg.error.asteriskMessage));
        return;
      }
      case 'error':
        if (msg.id && this.pending.has(msg.id)) {
          const p = this.pending.get(msg.id);
          this.pending.delete(msg.id);
          clearTimeout(p.timer);
          p.reject(new CtiError(msg.error.code, msg.error.message, msg.error.asteriskMessage));
        }
        this.emit('error', new CtiError(msg.error.code, msg.error.message, msg.error.asteriskMessage));
        return;
      case 'snapshot':
        this.applySnapshot(msg);
        return;
      default:
        if (typeof msg.seq !== 'number') return;
        if (this.lastSeq !== null && msg.seq <= this.lastSeq) return; // already seen (a replay overlapping)
        this.lastSeq = msg.seq;
        msg.receivedAt = receivedAt;
        this.applyEvent(msg);
        this.emit(msg.type, msg);
        this.emit('state', msg);
    }
  }

  applySnapshot(msg) {
    this.lastSeq = msg.seq;
    this.calls = new Map(msg.calls.map(c => [c.callId, c]));
    this.agents = new Map(msg.agents.map(a => [agentKey(a), a]));
    this.queueStats = new Map(msg.queues.map(q => [q.stats.queue, q]));
    if (Array.isArray(msg.presence)) this.presence = new Map(msg.presence.map(l => [presenceKey(l), l]));
    const resynced = msg.resync || this.replaced;
    this.replaced = false;
    this.attempt = 0;
    this.emit('snapshot', msg);
    this.emit('state', msg);
    this.setLink(resynced ? LinkState.RESYNCED : LinkState.CONNECTED);
  }

  applyEvent(msg) {
    const p = msg.payload || {};
    switch (msg.type) {
      case 'call.offered': case 'call.answered': case 'call.held': case 'call.retrieved':
      case 'call.conferenced': case 'call.transferred':
        if (p.call) this.calls.set(p.call.callId, p.call);
        break;
      case 'call.ended':
        this.calls.delete(p.callId);
        break;
      case 'agent.state':
        if (p.agent) this.agents.set(agentKey(p.agent), p.agent);
        break;
      case 'queue.stats':
        if (p.stats) this.queueStats.set(p.stats.queue, p);
        break;
      case 'presence.snapshot':
        this.presence = new Map((p.entries || []).map(l => [presenceKey(l), l]));
        Object.assign(this.presenceNames, p.names || {});
        break;
      case 'presence': {
        // A change can arrive just before a snapshot that already holds it: the larger version wins.
        const held = this.presence.get(presenceKey(p));
        if (!held || held.version < p.version) this.presence.set(presenceKey(p), p);
        break;
      }
      default:
    }
  }

  // ---- commands ------------------------------------------------------------------------------------------------

  /** Sends a command; resolves with the result's data, rejects with a CtiError (code, message, asteriskMessage). */
  command(name, fields = {}) {
    return this.send(Object.assign({ type: 'command', command: name }, fields), name);
  }

  /** Sends a message that the gateway answers with a `result` of the same id. */
  send(message, what) {
    if (!this.ws || this.ws.readyState !== 1 || !this.sessionId) {
      return Promise.reject(new CtiError('not_connected', 'not connected to the CTI server; ' + what + ' was not sent'));
    }
    const id = 'c' + (this.nextId++);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new CtiError('timeout', 'no answer to ' + what + ' within ' + COMMAND_TIMEOUT_MS / 1000 + ' s'));
      }, COMMAND_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      this.ws.send(JSON.stringify(Object.assign({ id }, message)));
    });
  }

  failPending(code, message) {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new CtiError(code, message));
    }
    this.pending.clear();
  }

  // ---- one helper per gateway command (COMMAND_HELPERS below names them; a browser test keeps the two in step) --

  // Agent state
  queueLogin(queue, { penalty, agent } = {}) { return this.command('queue.login', { queue, penalty, agent }); }
  queueLogout(queue, { agent } = {}) { return this.command('queue.logout', { queue, agent }); }
  pause(reason, { queue, agent } = {}) { return this.command('pause', { reason, queue, agent }); }
  unpause({ queue, agent, reason } = {}) { return this.command('unpause', { queue, agent, reason }); }
  endWrapUp({ agent } = {}) { return this.command('wrapup.end', { agent }); }
  // Calls
  dial(number, { agent } = {}) { return this.command('dial', { number, agent }); }
  hangup(callId) { return this.command('hangup', { callId }); }
  hold(callId) { return this.command('hold', { callId }); }
  unhold(callId) { return this.command('unhold', { callId }); }
  transferBlind(callId, target, { context } = {}) { return this.command('transfer.blind', { callId, target, context }); }
  transferAttended(callId, target, { context } = {}) { return this.command('transfer.attended', { callId, target, context }); }
  transferComplete(callId) { return this.command('transfer.complete', { callId }); }
  transferCancel(callId) { return this.command('transfer.cancel', { callId }); }
  conference(callId, target) { return this.command('conference', { callId, target }); }
  dtmf(callId, digits) { return this.command('dtmf', { callId, digits }); }
  recordStart(callId) { return this.command('record.start', { callId }); }
  recordStop(callId) { return this.command('record.stop', { callId }); }
  // Supervision
  listen(callId) { return this.command('monitor.listen', { callId }); }
  whisper(callId) { return this.command('monitor.whisper', { callId }); }
  barge(callId) { return this.command('monitor.barge', { callId }); }
  // After the call
  disposition(callId, { code, resolved, notes, outcome, amount } = {}) {
    return this.command('disposition', { callId, code, resolved: !!resolved, notes, outcome, amount });
  }
  attachData(callId, data) { return this.command('data.attach', { callId, data }); }

  // The phone itself (docs/phones.md). `agent`: a supervisor acting on an agent's phone.
  /** Answers the ringing phone by a NOTIFY (vendors that support it); resolves with {device, event}. */
  phoneAnswer({ agent } = {}) { return this.command('phone.answer', { agent }); }
  /** Click-to-dial with auto-answer: the phone picks up by itself, then dials; resolves with {device, autoAnswer}. */
  phoneDial(number, { agent } = {}) { return this.command('phone.dial', { number, agent }); }
  /** Hangs up only your own leg of the call (never the customer's). */
  phoneHangup(callId) { return this.command('phone.hangup', { callId }); }
  /** Hold through the phone where it can (NOTIFY), else by Redirect; resolves with {method: 'notify'|'redirect'}. */
  phoneHold(callId) { return this.command('phone.hold', { callId }); }
  phoneUnhold(callId) { return this.command('phone.unhold', { callId }); }
  /** Do not disturb on or off; a `phone.dnd` event follows. */
  setDnd(enabled, { agent } = {}) { return this.command('phone.dnd.set', { enabled: !!enabled, agent }); }
  /** Forwarding: kind 'unconditional' | 'busy' | 'noanswer'; target a number, or null/'' to switch it off. */
  setForward(kind, target, { agent } = {}) {
    return this.command('phone.forward.set', { kind, target: target || undefined, agent });
  }
  /** DND, the three forwards, vendor and capabilities: {extension, device, dnd, forward, vendor, capabilities}. */
  phoneSettings({ agent } = {}) { return this.command('phone.settings', { agent }); }

  // Chats and emails (docs/omnichannel.md)
  /** Ready (or not) for chats and emails; queues: names (array or comma-separated), default the user's. */
  contactReady(ready, { queues } = {}) {
    return this.command('contact.ready', { ready: !!ready, queues: Array.isArray(queues) ? queues.join(',') : queues });
  }
  contactAccept(contactId) { return this.command('contact.accept', { contactId }); }
  contactDecline(contactId) { return this.command('contact.decline', { contactId }); }
  /** Sends a message to the customer (an email reply for email); resolves with {entry}. */
  contactReply(contactId, text) { return this.command('contact.reply', { contactId, text }); }
  contactTyping(contactId) { return this.command('contact.typing', { contactId }); }
  /** To another agent ({agent: 'ann'}) or back to a queue ({queue: 'support'}). */
  contactTransfer(contactId, { agent, queue } = {}) { return this.command('contact.transfer', { contactId, agent, queue }); }
  /** Ends the contact with a disposition code; resolves with {record}. */
  contactClose(contactId, { disposition, notes } = {}) {
    return this.command('contact.close', { contactId, disposition, notes });
  }
  contactGet(contactId) { return this.command('contact.get', { contactId }); }
  /** The contacts offered to or owned by you, each as contactGet gives it (a reloaded desktop restores them). */
  contactList() { return this.command('contact.list'); }
  /** A stored (closed) contact: {record, transcript}. */
  contactRecord(contactId) { return this.command('contact.record', { contactId }); }
  /** Supervisors: {kpis, agents} per medium and queue. */
  contactKpis() { return this.command('contact.kpis'); }
  /** The knowledge base: {results: [{id, score, question, answer, links}]}. */
  kbSearch(q) { return this.command('kb.search', { q }); }

  /** Adds queues to this session's subscriptions (their calls and stats); resolves with the full list. */
  async subscribe(queues) {
    const d = await this.send({ type: 'subscribe', queues }, 'subscribe');
    return (this.queues = d.queues);
  }

  async unsubscribe(queues) {
    const d = await this.send({ type: 'unsubscribe', queues }, 'unsubscribe');
    return (this.queues = d.queues);
  }

  /**
   * Starts this session's presence stream: a `presence.snapshot` event (every line you may see), then a `presence`
   * event per change; `cti.presence` and `cti.presenceNames` follow them. A resumed session keeps it.
   */
  subscribePresence() { return this.send({ type: 'subscribe', presence: true }, 'subscribe presence'); }
  unsubscribePresence() { return this.send({ type: 'unsubscribe', presence: true }, 'unsubscribe presence'); }
}

/**
 * Every gateway command and the CtiClient method that sends it. `CtiClientCommandsBrowserTest` checks it against
 * the server's own list (CommandHandler.commands()), so a command without a helper fails the build.
 */
export const COMMAND_HELPERS = Object.freeze({
  'queue.login': 'queueLogin', 'queue.logout': 'queueLogout', 'pause': 'pause', 'unpause': 'unpause',
  'wrapup.end': 'endWrapUp',
  'dial': 'dial', 'hangup': 'hangup', 'hold': 'hold', 'unhold': 'unhold',
  'transfer.blind': 'transferBlind', 'transfer.attended': 'transferAttended',
  'transfer.complete': 'transferComplete', 'transfer.cancel': 'transferCancel',
  'conference': 'conference', 'dtmf': 'dtmf', 'record.start': 'recordStart', 'record.stop': 'recordStop',
  'monitor.listen': 'listen', 'monitor.whisper': 'whisper', 'monitor.barge': 'barge',
  'disposition': 'disposition', 'data.attach': 'attachData',
  'phone.answer': 'phoneAnswer', 'phone.dial': 'phoneDial', 'phone.hangup': 'phoneHangup',
  'phone.hold': 'phoneHold', 'phone.unhold': 'phoneUnhold', 'phone.dnd.set': 'setDnd',
  'phone.forward.set': 'setForward', 'phone.settings': 'phoneSettings',
  'contact.ready': 'contactReady', 'contact.accept': 'contactAccept', 'contact.decline': 'contactDecline',
  'contact.reply': 'contactReply', 'contact.typing': 'contactTyping', 'contact.transfer': 'contactTransfer',
  'contact.close': 'contactClose', 'contact.get': 'contactGet', 'contact.list': 'contactList',
  'contact.record': 'contactRecord', 'contact.kpis': 'contactKpis', 'kb.search': 'kbSearch',
});

/** The key of a line in `CtiClient.presence`. */
export function presenceKey(line) {
  return line.pbx + '|' + line.id;
}

/** The key of an agent in `CtiClient.agents`. */
export function agentKey(a) {
  return a.pbx + '|' + a.iface;
}

/** The extension of an agent's interface, for transfers: Local/201@agents/n -> 201, PJSIP/agent1 -> agent1. */
export function agentExtension(iface) {
  const m = /^(?:Local\/)?(?:[A-Za-z]+\/)?([^@/]+)/.exec(iface || '');
  return m ? m[1] : '';
}

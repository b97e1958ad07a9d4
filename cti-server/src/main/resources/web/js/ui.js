// What the agent desktop and the wallboard share: element building, the login form, the link indicator, the
// message area that puts every refusal into words, and time formatting.
import { CtiClient, CtiError, LinkState } from './cti-client.js';

/** h('button', {class: 'x', onclick: f}, 'text', child...) -> an element. Attributes starting with "on" are listeners. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** 75 -> "1:15", 3725 -> "1:02:05" */
export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? hh + ':' + String(mm).padStart(2, '0') + ':' + ss : mm + ':' + ss;
}

export function since(iso, now = Date.now()) {
  return iso ? duration((now - Date.parse(iso)) / 1000) : '';
}

export function clock(iso) {
  return iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
}

/** "forbidden: only supervisors may ..." / "pbx_refused: ... (Asterisk: Interface not found)" */
export function describe(err) {
  if (err instanceof CtiError) return err.describe();
  return String(err && err.message ? err.message : err);
}

/** The message area (role=alert): errors stay until dismissed, notes fade. */
export class Messages {
  constructor(el) {
    this.el = el;
  }

  error(what, err) {
    this.show('error', (what ? what + ' failed: ' : '') + describe(err), err && err.code);
  }

  note(text) {
    this.show('note', text);
  }

  show(kind, text, code) {
    const item = h('div', { class: 'msg ' + kind, dataset: { code: code || '' } },
      h('span', { class: 'msg-text' }, text),
      h('button', { type: 'button', class: 'link', 'aria-label': 'Dismiss message', onclick: () => item.remove() }, '×'));
    this.el.prepend(item);
    while (this.el.children.length > 5) this.el.lastElementChild.remove();
    if (kind === 'note') setTimeout(() => item.remove(), 4000);
  }
}

/** Runs a command promise; a refusal is shown in words, never swallowed. Resolves with the data or null. */
export async function act(messages, what, promise) {
  try {
    return await promise;
  } catch (err) {
    messages.error(what, err);
    return null;
  }
}

const LINK_TEXT = {
  [LinkState.IDLE]: 'Not connected',
  [LinkState.CONNECTING]: 'Connecting…',
  [LinkState.CONNECTED]: 'Connected',
  [LinkState.RESYNCED]: 'Connected (resynced)',
  [LinkState.RECONNECTING]: 'Link lost — reconnecting…',
  [LinkState.CLOSED]: 'Disconnected',
};

/** Keeps the link indicator (an aria-live status) in step with the client. */
export function showLink(cti, el) {
  const paint = e => {
    el.dataset.state = e.state;
    let text = LINK_TEXT[e.state] || e.state;
    if (e.state === LinkState.RECONNECTING && e.delayMs) text += ' (retry in ' + Math.ceil(e.delayMs / 1000) + ' s)';
    if (e.state === LinkState.CLOSED && e.reason === 'unauthenticated') text = 'Session expired — log in again';
    el.textContent = text;
  };
  paint({ state: cti.link });
  cti.on('link', paint);
}

/**
 * The login form: returns the client, and calls onReady(client) once the user logged in (at once with a token kept
 * in this browser tab) and the WebSocket is opening.
 */
export function loginFlow({ form, messages, onReady }) {
  const cti = new CtiClient();
  const start = () => {
    form.hidden = true;
    cti.connect();
    queueMicrotask(() => onReady(cti)); // after the caller has its client in hand
  };
  form.addEventListener('submit', async e => {
    e.preventDefault();
    const fd = new FormData(form);
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await cti.login(String(fd.get('username')).trim(), String(fd.get('password')));
      form.reset();
      start();
    } catch (err) {
      messages.error('Login', err);
    } finally {
      button.disabled = false;
    }
  });
  cti.on('link', e => {
    if (e.state === LinkState.CLOSED && e.reason === 'unauthenticated') {
      cti.logout();
      location.reload();
    }
  });
  if (cti.token) start();
  else {
    form.hidden = false;
    form.querySelector('input').focus();
  }
  return cti;
}

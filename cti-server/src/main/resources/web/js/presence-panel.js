// Presence panel: every phone and extension the user may see, with a name filter, click-to-dial and transfer.
// Built on the public API of cti-client.js, as a CRM plugin would be. Protocol: docs/phones.md.
//
//   import { CtiClient } from './js/cti-client.js';
//   import { mountPresencePanel } from './js/presence-panel.js';
//   const panel = mountPresencePanel(container, cti, { names, currentCallId });   // cti: a connected CtiClient
//
// It uses cti.on (presence.snapshot, presence, snapshot), cti.subscribePresence(), cti.unsubscribePresence(),
// cti.phoneDial(number) and cti.transferBlind(callId, target).

const STATE_TEXT = {
  not_in_use: 'Available',
  in_use: 'On a call',
  busy: 'Busy',
  ringing: 'Ringing',
  ringing_in_use: 'Ringing (on a call)',
  on_hold: 'On hold',
  unavailable: 'Unavailable',
  invalid: 'Invalid',
  unknown: 'Unknown',
};

/** The number to dial for a line: 201 of PJSIP/201 or of 201@agents. */
export function extensionOf(id) {
  if (id.includes('@')) {
    return id.slice(0, id.indexOf('@'));
  }
  const slash = id.indexOf('/');
  return slash >= 0 ? id.slice(slash + 1) : id;
}

/** Lines by id; a change is kept only when newer (its version is larger) than the line held. */
export class PresenceLines {
  constructor() {
    this.byKey = new Map();
  }

  static key(line) {
    return `${line.pbx}|${line.id}`;
  }

  replaceAll(lines) {
    this.byKey.clear();
    for (const line of lines || []) {
      this.byKey.set(PresenceLines.key(line), line);
    }
  }

  apply(line) {
    const key = PresenceLines.key(line);
    const held = this.byKey.get(key);
    if (held && held.version >= line.version) {
      return false;
    }
    this.byKey.set(key, line);
    return true;
  }

  /** Sorted by display name; {@code filter} matches the name, the id or the extension, case-insensitively. */
  list(filter, nameOf) {
    const f = (filter || '').trim().toLowerCase();
    return [...this.byKey.values()]
      .filter((l) => !f || nameOf(l).toLowerCase().includes(f) || l.id.toLowerCase().includes(f))
      .sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
  }
}

export function mountPresencePanel(container, client, options = {}) {
  const names = { ...(options.names || {}) };
  const currentCallId = options.currentCallId || (() => null);
  const nameOf = (line) => names[line.id] || line.id;
  const lines = new PresenceLines();
  const doc = container.ownerDocument;

  const root = doc.createElement('section');
  root.className = 'presence-panel';
  root.setAttribute('aria-labelledby', 'presence-panel-title');
  const title = doc.createElement('h2');
  title.id = 'presence-panel-title';
  title.textContent = 'Presence';
  const label = doc.createElement('label');
  label.textContent = 'Filter by name ';
  const filter = doc.createElement('input');
  filter.type = 'search';
  filter.autocomplete = 'off';
  label.append(filter);
  const status = doc.createElement('p');
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  const list = doc.createElement('ul');
  list.className = 'presence-list';
  list.setAttribute('aria-label', 'Phones and extensions');
  root.append(title, label, list, status);
  container.append(root);

  function say(text) {
    status.textContent = text;
  }

  function button(text, aria, onClick) {
    const b = doc.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.setAttribute('aria-label', aria);
    b.addEventListener('click', onClick);
    return b;
  }

  /** Runs a client helper; says it worked, or why not (the CtiError's message). */
  async function run(sent, done) {
    try {
      await sent();
      say(`${done}.`);
    } catch (e) {
      say(`${done} failed: ${e && e.message ? e.message : e}`);
    }
  }

  function render() {
    const shown = lines.list(filter.value, nameOf);
    const callId = currentCallId();
    list.replaceChildren(...shown.map((line) => {
      const li = doc.createElement('li');
      li.className = `presence-line state-${line.state}`;
      li.dataset.id = line.id;
      const name = nameOf(line);
      const text = doc.createElement('span');
      const registered = line.registration === 'unregistered' ? ', not registered' : '';
      text.textContent = `${name}: ${STATE_TEXT[line.state] || line.state}${registered}`;
      li.append(text);
      const number = extensionOf(line.id);
      li.append(button('Call', `Call ${name}`, () => run(() => client.phoneDial(number), `Calling ${name}`)));
      if (callId) {
        li.append(button('Transfer', `Transfer the call to ${name}`,
          () => run(() => client.transferBlind(callId, number), `Transferred to ${name}`)));
      }
      return li;
    }));
    if (shown.length === 0) {
      say(lines.byKey.size === 0 ? 'No presence yet.' : 'No line matches the filter.');
    }
  }

  const offs = [
    client.on('presence.snapshot', (ev) => {
      // The server's display names (member names), unless the page gave its own.
      for (const [id, name] of Object.entries((ev.payload && ev.payload.names) || {})) {
        if (!(options.names && options.names[id])) {
          names[id] = name;
        }
      }
      lines.replaceAll(ev.payload && ev.payload.entries);
      render();
    }),
    client.on('presence', (ev) => {
      if (ev.payload && lines.apply(ev.payload)) {
        render();
      }
    }),
    // A resync snapshot of a subscribed session carries the lines as they are now.
    client.on('snapshot', (ev) => {
      if (Array.isArray(ev.presence)) {
        lines.replaceAll(ev.presence);
        render();
      }
    }),
  ];
  filter.addEventListener('input', render);
  render();
  client.subscribePresence().catch((e) => say(`Presence unavailable: ${e && e.message ? e.message : e}`));

  return {
    render,
    lines,
    destroy() {
      for (const off of offs) {
        if (typeof off === 'function') {
          off();
        }
      }
      client.unsubscribePresence().catch(() => { /* the link is gone: nothing to stop */ });
      root.remove();
    },
  };
}

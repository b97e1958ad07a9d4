// Agent-side chat and email panel for the web desktop (docs/omnichannel.md, "Agent panel"), built on the public API
// of cti-client.js, as a CRM plugin would be:
//
//   import { CtiClient } from '/js/cti-client.js';
//   import { mountChatPanel } from '/js/chat-panel.js';
//   const panel = mountChatPanel(document.querySelector('#chats'), cti, { agent: cti.user.username });
//
// It uses cti.on for the contact.* and agent.load events and the contact helpers (contactReady, contactAccept,
// contactDecline, contactReply, contactTyping, contactTransfer, contactClose, contactList, kbSearch).
// Everything a customer, an agent or a bot wrote is put on the page with textContent, never as HTML.

const CANNED = [
  'Hello, my name is {agent}. How can I help you?',
  'Thank you for waiting. Let me check that for you.',
  'Is there anything else I can help you with?',
  'Thank you for contacting us. Have a nice day!',
];
const DISPOSITIONS = ['solved', 'follow-up', 'transferred', 'no-answer', 'spam'];

function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text != null) e.textContent = text;
  return e;
}

/** Mounts the panel in {@code root}; returns {unmount}. */
export function mountChatPanel(root, cti, { canned = CANNED, dispositions = DISPOSITIONS, agent = '' } = {}) {
  const contacts = new Map(); // id -> {view, customer, transcript, tab, pane, log}
  let active = null;

  root.replaceChildren();
  root.classList.add('chat-panel');
  const bar = el('div', { class: 'chat-bar' });
  const ready = el('button', { type: 'button', 'aria-pressed': 'false' }, 'Ready for chats and emails');
  const load = el('span', { class: 'chat-load', 'aria-live': 'polite' });
  bar.append(ready, load);
  const offers = el('ul', { class: 'chat-offers', 'aria-label': 'Offered contacts', 'aria-live': 'assertive' });
  const tabs = el('div', { role: 'tablist', 'aria-label': 'Your chats and emails' });
  const panes = el('div', { class: 'chat-panes' });
  const status = el('p', { class: 'chat-status', role: 'status' });
  const kb = el('form', { class: 'chat-kb', role: 'search', 'aria-label': 'Knowledge base' });
  const kbQ = el('input', { type: 'search', 'aria-label': 'Search the knowledge base', maxlength: '200' });
  const kbOut = el('ul', { class: 'chat-kb-results', 'aria-live': 'polite' });
  kb.append(kbQ, el('button', { type: 'submit' }, 'Search'), kbOut);
  root.append(bar, offers, tabs, panes, kb, status);

  const say = (t) => { status.textContent = t; };
  /** The helper's data, or null when it was refused (the reason is said in the status line). */
  async function run(what, sent) {
    try {
      return await sent;
    } catch (e) {
      say(`${what}: ${e && e.message ? e.message : 'refused'}`);
      return null;
    }
  }

  ready.addEventListener('click', async () => {
    const on = ready.getAttribute('aria-pressed') !== 'true';
    if (await run('contact.ready', cti.contactReady(on))) ready.setAttribute('aria-pressed', String(on));
  });

  kb.addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = await run('kb.search', cti.kbSearch(kbQ.value));
    kbOut.replaceChildren();
    for (const h of (r ? r.results : [])) {
      const li = el('li');
      li.append(el('strong', {}, h.question), el('p', {}, h.answer));
      const use = el('button', { type: 'button' }, 'Use in reply');
      use.addEventListener('click', () => { if (active) contacts.get(active).text.value = h.answer + (h.links.length ? '\n' + h.links.join('\n') : ''); });
      li.append(use);
      kbOut.append(li);
    }
    if (!kbOut.children.length) kbOut.append(el('li', {}, 'No article found.'));
  });

  function describe(view, customer) {
    const c = view.contact;
    return `${c.medium} from ${customer && customer.name ? customer.name : 'a customer'}` + (c.subject ? ` – ${c.subject}` : '');
  }

  function offer(p) {
    const id = p.contact.contact.id;
    const li = el('li', { 'data-id': id });
    li.append(el('span', {}, describe(p.contact, p.customer) + ' '));
    const data = p.contact.contact.routingData || {};
    if (data.intent || data.account || data.handover) {
      li.append(el('small', {}, ` (${['intent ' + (data.intent || '?'), data.account ? 'account ' + data.account : null, data.handover].filter(Boolean).join(', ')})`));
    }
    const acc = el('button', { type: 'button' }, 'Accept');
    const dec = el('button', { type: 'button' }, 'Decline');
    acc.addEventListener('click', () => run('contact.accept', cti.contactAccept(id)));
    dec.addEventListener('click', () => run('contact.decline', cti.contactDecline(id)).then(() => li.remove()));
    li.append(acc, dec);
    offers.append(li);
  }

  function entryLine(e) {
    const li = el('li', { class: 'from-' + e.from });
    if (e.from !== 'system') li.append(el('span', { class: 'who' }, (e.name || e.from) + ': '));
    li.append(document.createTextNode(e.text));
    return li;
  }

  function open(p) {
    const id = p.contact.contact.id;
    offers.querySelector(`[data-id="${CSS.escape(id)}"]`)?.remove();
    if (contacts.has(id)) return;
    const tab = el('button', { role: 'tab', id: 'tab-' + id, 'aria-controls': 'pane-' + id, 'aria-selected': 'false' }, describe(p.contact, p.customer));
    const pane = el('section', { role: 'tabpanel', id: 'pane-' + id, 'aria-labelledby': 'tab-' + id, hidden: '' });
    const card = el('dl', { class: 'chat-customer' });
    const cust = p.customer || {};
    const facts = { Name: cust.name, Email: cust.email, Phone: cust.phone, ...(p.contact.contact.routingData || {}) };
    for (const [k, v] of Object.entries(facts)) if (v) card.append(el('dt', {}, k), el('dd', {}, v));
    const log = el('ol', { role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation' });
    (p.transcript || []).forEach((e) => log.append(entryLine(e)));
    const form = el('form', { 'aria-label': 'Reply' });
    const text = el('textarea', { rows: '3', 'aria-label': 'Your reply', maxlength: '20000' });
    const cannedSel = el('select', { 'aria-label': 'Canned replies' });
    cannedSel.append(el('option', { value: '' }, 'Canned reply…'));
    canned.forEach((c) => cannedSel.append(el('option', { value: c }, c.replace('{agent}', agent))));
    cannedSel.addEventListener('change', () => { if (cannedSel.value) text.value = cannedSel.value.replace('{agent}', agent); cannedSel.value = ''; text.focus(); });
    form.append(text, cannedSel, el('button', { type: 'submit' }, 'Send'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!text.value.trim()) return;
      if (await run('contact.reply', cti.contactReply(id, text.value))) text.value = '';
    });
    let typed = 0;
    text.addEventListener('input', () => { const now = Date.now(); if (now - typed > 2000) { typed = now; cti.contactTyping(id).catch(() => {}); } });
    const tr = el('form', { 'aria-label': 'Transfer' });
    const to = el('input', { 'aria-label': 'Transfer to agent or queue:NAME', placeholder: 'agent, or queue:NAME', maxlength: '70' });
    tr.append(to, el('button', { type: 'submit' }, 'Transfer'));
    tr.addEventListener('submit', (e) => {
      e.preventDefault();
      const v = to.value.trim();
      run('contact.transfer', cti.contactTransfer(id, v.startsWith('queue:') ? { queue: v.slice(6) } : { agent: v }));
    });
    const cl = el('form', { 'aria-label': 'Close' });
    const disp = el('select', { 'aria-label': 'Disposition' });
    dispositions.forEach((d) => disp.append(el('option', { value: d }, d)));
    const notes = el('input', { 'aria-label': 'Notes', maxlength: '256' });
    cl.append(disp, notes, el('button', { type: 'submit' }, 'Close'));
    cl.addEventListener('submit', (e) => { e.preventDefault(); run('contact.close', cti.contactClose(id, { disposition: disp.value, notes: notes.value || undefined })); });
    const typing = el('p', { class: 'chat-typing', 'aria-live': 'polite' });
    pane.append(card, log, typing, form, tr, cl);
    tab.addEventListener('click', () => select(id));
    tabs.append(tab);
    panes.append(pane);
    contacts.set(id, { tab, pane, log, text, typing });
    select(id);
  }

  function select(id) {
    for (const [cid, c] of contacts) {
      c.tab.setAttribute('aria-selected', String(cid === id));
      c.pane.hidden = cid !== id;
    }
    active = id;
  }

  function closed(id) {
    const c = contacts.get(id);
    offers.querySelector(`[data-id="${CSS.escape(id)}"]`)?.remove();
    if (!c) return;
    c.tab.remove();
    c.pane.remove();
    contacts.delete(id);
    if (active === id) { active = null; const first = contacts.keys().next(); if (!first.done) select(first.value); }
  }

  const byType = {
    'contact.offered': (p) => offer(p),
    'contact.accepted': (p) => open(p),
    'contact.withdrawn': (p) => closed(p.contactId),
    'contact.closed': (p) => { closed(p.record.contactId); say(`Closed ${p.record.contactId} (${p.record.disposition || ''})`); },
    'contact.message': (p) => {
      const c = contacts.get(p.contactId);
      if (c) { c.log.append(entryLine(p.entry)); c.typing.textContent = ''; }
    },
    'contact.typing': (p) => {
      const c = contacts.get(p.contactId);
      if (c) { c.typing.textContent = 'The customer is typing…'; setTimeout(() => { c.typing.textContent = ''; }, 3000); }
    },
    'agent.load': (l) => {
      if (!l || !l.load || (agent && l.agent !== agent)) return;
      load.textContent = `voice ${l.load.voice}/${l.capacity.voice} · chat ${l.load.chat}/${l.capacity.chat} · email ${l.load.email}/${l.capacity.email}` + (l.voiceBlocked ? ' · calls paused (busy:chat)' : '');
      ready.setAttribute('aria-pressed', String(l.ready));
    },
  };
  const offs = Object.entries(byType).map(([type, fn]) => cti.on(type, (m) => fn(m.payload || {})));

  // A reloaded desktop gets back the contacts it holds (offers and active ones, with their transcripts).
  cti.contactList().then((r) => {
    for (const p of r.contacts) (p.contact.state === 'active' ? open : offer)(p);
  }, (e) => say(`contact.list: ${e && e.message ? e.message : 'refused'}`));

  return { unmount() { offs.forEach((off) => off()); root.replaceChildren(); } };
}

// Customer chat widget: <script src="https://cti.example.com:8081/chat/widget.js" defer></script> on any page.
// Optional attributes on the script tag: data-topics="billing,sales,support" data-title="Chat with us".
// Everything the customer or an agent writes is shown with textContent (never as HTML).
(function () {
  'use strict';
  if (window.__ctiChatWidget) return;
  window.__ctiChatWidget = true;

  var script = document.currentScript;
  var base = new URL(script ? script.src : location.href);
  var wsUrl = (base.protocol === 'https:' ? 'wss://' : 'ws://') + base.host + '/chat/ws';
  var topics = ((script && script.dataset.topics) || 'support,sales').split(',').map(function (t) { return t.trim(); });
  var title = (script && script.dataset.title) || 'Chat with us';
  var KEY = 'cti-chat:' + base.host;

  var saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(KEY) || 'null'); } catch (e) { saved = null; }
  var ws = null, lastSeq = saved ? saved.lastSeq || 0 : 0, chat = saved, retry = 0, ended = false, typingTimer = 0;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text != null) e.textContent = text;
    return e;
  }

  var root = el('div', { 'class': 'cti-chat', 'aria-live': 'off' });
  var css = el('style', null,
    '.cti-chat{position:fixed;right:16px;bottom:16px;font:14px/1.4 system-ui,sans-serif;z-index:2147483000}' +
    '.cti-chat [hidden]{display:none !important}.cti-chat .convo{display:flex;flex-direction:column}' +
    '.cti-chat button{font:inherit;cursor:pointer}' +
    '.cti-chat .open{background:#0b5cad;color:#fff;border:0;border-radius:20px;padding:10px 16px}' +
    '.cti-chat .panel{width:320px;max-height:480px;display:flex;flex-direction:column;background:#fff;color:#111;' +
    'border:1px solid #888;border-radius:8px;box-shadow:0 4px 16px rgba(0,0,0,.25)}' +
    '.cti-chat header{display:flex;justify-content:space-between;align-items:center;padding:8px;background:#0b5cad;color:#fff;border-radius:8px 8px 0 0}' +
    '.cti-chat header button{background:none;border:0;color:#fff;font-size:18px}' +
    '.cti-chat form{display:flex;flex-direction:column;gap:6px;padding:8px}' +
    '.cti-chat label{display:flex;flex-direction:column;font-size:12px}' +
    '.cti-chat ol{list-style:none;margin:0;padding:8px;overflow-y:auto;flex:1;min-height:160px}' +
    '.cti-chat li{margin:4px 0;white-space:pre-wrap;word-wrap:break-word}' +
    '.cti-chat li.customer{text-align:right}.cti-chat li.system{color:#555;font-style:italic}' +
    '.cti-chat .who{font-weight:600;margin-right:4px}.cti-chat .status{font-size:12px;color:#555;padding:0 8px;min-height:1.4em}' +
    '.cti-chat .error{color:#a00000}');
  document.head.appendChild(css);

  var openBtn = el('button', { 'class': 'open', 'type': 'button', 'aria-expanded': 'false' }, title);
  var panel = el('div', { 'class': 'panel', 'role': 'dialog', 'aria-label': title, 'hidden': '' });
  var header = el('header');
  header.appendChild(el('strong', null, title));
  var closeBtn = el('button', { 'type': 'button', 'aria-label': 'Close the chat window' }, '\u00d7');
  header.appendChild(closeBtn);
  panel.appendChild(header);

  // Pre-chat form.
  var form = el('form', { 'aria-label': 'Start a chat' });
  function field(label, input) { var l = el('label', null, label); l.appendChild(input); form.appendChild(l); return input; }
  var nameIn = field('Your name', el('input', { 'name': 'name', 'required': '', 'maxlength': '100', 'autocomplete': 'name' }));
  var emailIn = field('Email', el('input', { 'name': 'email', 'type': 'email', 'maxlength': '254', 'autocomplete': 'email' }));
  var phoneIn = field('or phone', el('input', { 'name': 'phone', 'type': 'tel', 'maxlength': '32', 'autocomplete': 'tel' }));
  var topicIn = field('Topic', el('select', { 'name': 'topic' }));
  topics.forEach(function (t) { topicIn.appendChild(el('option', { 'value': t }, t)); });
  form.appendChild(el('button', { 'type': 'submit' }, 'Start chat'));

  // Conversation.
  var convo = el('div', { 'class': 'convo', 'hidden': '' });
  var log = el('ol', { 'role': 'log', 'aria-live': 'polite', 'aria-label': 'Messages' });
  var status = el('div', { 'class': 'status', 'aria-live': 'polite' });
  var sendForm = el('form', { 'aria-label': 'Send a message' });
  var text = el('textarea', { 'rows': '2', 'maxlength': '2000', 'aria-label': 'Your message' });
  var row = el('div');
  row.appendChild(el('button', { 'type': 'submit' }, 'Send'));
  var agentBtn = el('button', { 'type': 'button' }, 'Talk to a person');
  row.appendChild(agentBtn);
  var endBtn = el('button', { 'type': 'button' }, 'End chat');
  row.appendChild(endBtn);
  sendForm.appendChild(text);
  sendForm.appendChild(row);
  convo.appendChild(log);
  convo.appendChild(status);
  convo.appendChild(sendForm);
  panel.appendChild(form);
  panel.appendChild(convo);
  root.appendChild(openBtn);
  root.appendChild(panel);
  document.body.appendChild(root);

  function show(open) {
    panel.hidden = !open;
    openBtn.hidden = open;
    openBtn.setAttribute('aria-expanded', String(open));
    if (open) (chat ? text : nameIn).focus();
  }
  function conversation() { form.hidden = true; convo.hidden = false; }
  function save() { try { sessionStorage.setItem(KEY, JSON.stringify(chat ? { chat: chat.chat, resume: chat.resume, lastSeq: lastSeq } : null)); } catch (e) { /* private mode */ } }
  function say(msg, cls) { status.textContent = msg; status.className = 'status' + (cls ? ' ' + cls : ''); }

  function add(m) {
    if (m.seq && m.seq <= lastSeq) return;
    if (m.seq) lastSeq = m.seq;
    var li = el('li', { 'class': m.from });
    if (m.from !== 'customer' && m.from !== 'system') li.appendChild(el('span', { 'class': 'who' }, (m.name || m.from) + ':'));
    li.appendChild(document.createTextNode(m.text));
    if (m.links) m.links.split(' ').forEach(function (href) {
      if (/^https?:\/\//.test(href)) { li.appendChild(document.createTextNode(' ')); li.appendChild(el('a', { 'href': href, 'target': '_blank', 'rel': 'noopener noreferrer' }, href)); }
    });
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
    save();
  }

  function connect(first) {
    ws = new WebSocket(wsUrl);
    ws.onopen = function () {
      retry = 0;
      ws.send(JSON.stringify(chat ? { type: 'resume', chat: chat.chat, token: chat.resume, lastSeq: lastSeq } : first));
    };
    ws.onmessage = function (ev) {
      var m = JSON.parse(ev.data);
      if (m.type === 'welcome') { chat = { chat: m.chat, resume: m.resume }; save(); conversation(); say(''); }
      else if (m.type === 'message') add(m);
      else if (m.type === 'typing') { say('The agent is typing\u2026'); clearTimeout(typingTimer); typingTimer = setTimeout(function () { say(''); }, 3000); }
      else if (m.type === 'error') { say(m.message, 'error'); if (m.code === 'not_found') { chat = null; lastSeq = 0; save(); form.hidden = false; convo.hidden = true; } }
      else if (m.type === 'closed') { ended = true; say('The chat has ended.'); chat = null; lastSeq = 0; save(); }
    };
    ws.onclose = function () {
      if (ended || !chat) return;
      retry = Math.min(retry + 1, 6);
      say('Reconnecting\u2026');
      setTimeout(function () { connect(null); }, 500 * Math.pow(2, retry - 1));
    };
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    if (!emailIn.value && !phoneIn.value) { say('Please give an email address or a phone number.', 'error'); emailIn.focus(); return; }
    ended = false;
    connect({ type: 'start', name: nameIn.value, email: emailIn.value, phone: phoneIn.value, topic: topicIn.value });
  });
  sendForm.addEventListener('submit', function (e) {
    e.preventDefault();
    var t = text.value.trim();
    if (!t || !ws || ws.readyState !== 1) return;
    ws.send(JSON.stringify({ type: 'message', text: t }));
    text.value = '';
  });
  text.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); sendForm.requestSubmit(); return; }
    if (ws && ws.readyState === 1 && !text.dataset.typed) { ws.send('{"type":"typing"}'); text.dataset.typed = '1'; setTimeout(function () { delete text.dataset.typed; }, 2000); }
  });
  agentBtn.addEventListener('click', function () { if (ws && ws.readyState === 1) ws.send('{"type":"agent"}'); });
  endBtn.addEventListener('click', function () { if (ws && ws.readyState === 1) ws.send('{"type":"close"}'); });
  openBtn.addEventListener('click', function () { show(true); });
  closeBtn.addEventListener('click', function () { show(false); });
  panel.addEventListener('keydown', function (e) { if (e.key === 'Escape') show(false); });

  if (chat) { conversation(); connect(null); }
})();

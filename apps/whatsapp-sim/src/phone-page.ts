/**
 * The customer's phone: pick a customer, read the business's messages (left, white), write your
 * own (right, green, with ticks). Plain HTML, CSS and JS, no build step. Message text is only ever
 * set through textContent.
 */
export const PHONE_PAGE_HTML = /* html */ `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parlo WhatsApp simulator - phone</title>
<style>
  :root { --bg: #efeae2; --head: #075e54; --out: #d9fdd3; --in: #fff; --tick: #8696a0; --read: #53bdeb; }
  * { box-sizing: border-box; }
  [hidden] { display: none !important; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #d1d7db;
         font: 15px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  .phone { width: 380px; height: 720px; max-height: 100vh; display: flex; flex-direction: column; background: var(--bg);
           border-radius: 28px; overflow: hidden; box-shadow: 0 10px 40px rgba(0,0,0,.25); border: 10px solid #111; }
  header { background: var(--head); color: #fff; padding: 10px 12px; display: flex; flex-direction: column; gap: 6px; }
  header .who { font-weight: 600; }
  header .sub { font-size: 12px; opacity: .85; }
  header select { width: 100%; padding: 4px; border-radius: 6px; border: 0; font: inherit; }
  .row { display: flex; gap: 6px; align-items: center; }
  .row label { font-size: 12px; white-space: nowrap; }
  #chat { flex: 1; overflow-y: auto; padding: 10px 8px; display: flex; flex-direction: column; gap: 4px; }
  .bubble { max-width: 80%; padding: 6px 8px 4px; border-radius: 8px; box-shadow: 0 1px .5px rgba(0,0,0,.13);
            white-space: pre-wrap; word-wrap: break-word; }
  .in { align-self: flex-start; background: var(--in); border-top-left-radius: 0; }
  .out { align-self: flex-end; background: var(--out); border-top-right-radius: 0; }
  .meta { display: block; text-align: right; font-size: 11px; color: #667781; margin-top: 2px; }
  .ticks { margin-left: 4px; font-size: 13px; color: var(--tick); letter-spacing: -3px; }
  .ticks.read { color: var(--read); }
  .empty { text-align: center; color: #667781; font-size: 13px; margin-top: 40%; }
  form { display: flex; gap: 6px; padding: 8px; background: #f0f2f5; }
  form input { flex: 1; min-width: 0; border: 0; border-radius: 20px; padding: 10px 14px; font: inherit; }
  form button { border: 0; border-radius: 20px; padding: 0 16px; background: #00a884; color: #fff; font-weight: 600; cursor: pointer; }
  form button:disabled { opacity: .5; cursor: default; }
  form select { border: 0; border-radius: 20px; padding: 0 6px; font: inherit; max-width: 92px; }
  .react { margin-left: 6px; border: 0; background: none; cursor: pointer; font-size: 13px; padding: 0; }
  .system { align-self: center; background: #fff5c4; color: #54656f; font-size: 12.5px; text-align: center; max-width: 90%; }
  .actions { display: flex; gap: 6px; flex-wrap: wrap; }
  .actions button { border: 0; border-radius: 12px; padding: 3px 10px; font: inherit; font-size: 12px; cursor: pointer; background: #e7f5f1; color: #075e54; }
  #typing { font-size: 12px; font-style: italic; }
  #rename { padding: 0; background: none; }
  #rename input { padding: 3px 8px; border-radius: 6px; font-size: 13px; }
  #rename button { padding: 3px 10px; border-radius: 12px; font-size: 12px; background: #e7f5f1; color: #075e54; }
  .choices { display: flex; flex-direction: column; gap: 4px; margin-top: 6px; }
  .choices button { border: 0; border-top: 1px solid #e9edef; background: none; color: #027eb5; font: inherit; padding: 6px 4px; cursor: pointer; }
  .choices button:disabled { color: #8696a0; cursor: default; }
  .choices details summary { color: #027eb5; cursor: pointer; text-align: center; padding: 6px 4px; border-top: 1px solid #e9edef; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
</style>
</head>
<body>
<main class="phone">
  <header>
    <div class="row">
      <label for="customer">Customer</label>
      <select id="customer" aria-label="Customer"></select>
    </div>
    <div class="row" id="number-row" hidden>
      <label for="number">Business</label>
      <select id="number" aria-label="Business number"></select>
    </div>
    <div><span class="who" id="business-name">Business</span> <span class="sub" id="business-number"></span></div>
    <div class="sub" id="customer-identity" data-testid="customer-identity"></div>
    <form class="row" id="rename" title="The name the business sees on this customer's next message">
      <label for="profile-name">Name</label>
      <input id="profile-name" type="text" maxlength="100" autocomplete="off" required>
      <button type="submit">Rename</button>
    </form>
    <div class="sub" id="typing" role="status" hidden>typing…</div>
    <div class="actions" role="group" aria-label="Actions on this chat">
      <button type="button" id="change-number" title="The customer changes phone number (or, without one, their user ID)">Change number</button>
      <button type="button" id="marketing" aria-pressed="false">Stop marketing</button>
    </div>
  </header>
  <section id="chat" role="log" aria-label="Chat" aria-live="polite"></section>
  <form id="composer">
    <label for="kind" class="visually-hidden">Send as</label>
    <select id="kind" aria-label="Send as" title="What to send">
      <option value="text">Text</option>
      <option value="image">Image</option>
      <option value="voice">Voice note</option>
      <option value="video">Video</option>
      <option value="document">Document</option>
      <option value="sticker">Sticker</option>
      <option value="location">Location</option>
      <option value="contacts">Contact</option>
      <option value="forwarded">Forwarded text</option>
      <option value="ad">Reply to an ad</option>
      <option value="product">Ask about a product</option>
      <option value="order">Order</option>
      <option value="unsupported">Unsupported</option>
    </select>
    <label for="message" class="visually-hidden">Message</label>
    <input id="message" name="message" type="text" autocomplete="off" placeholder="Message" aria-label="Message">
    <button type="submit">Send</button>
  </form>
</main>
<script>
(() => {
  const $ = (id) => document.getElementById(id);
  const customerSelect = $('customer'), numberSelect = $('number'), chat = $('chat');
  const input = $('message'), form = $('composer');
  let numbers = [], messages = [], source = null, customers = new Map(), optedOut = false, typingTimer = null;

  const current = () => ({ waId: customerSelect.value, phoneNumberId: numberSelect.value });
  const time = (ts) => new Date(ts * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const TICKS = { sent: ['✓', 'sent'], delivered: ['✓✓', 'delivered'], read: ['✓✓', 'read'] };

  function render() {
    chat.replaceChildren();
    // The phone shows the business's messages once they reached it, never ones that failed.
    const visible = messages.filter((m) => m.direction === 'in' || (m.status !== 'accepted' && m.status !== 'failed'));
    if (visible.length === 0) {
      const p = document.createElement('p');
      p.className = 'empty';
      p.textContent = 'No messages yet';
      chat.append(p);
      return;
    }
    for (const m of visible) {
      const own = m.direction === 'in';
      const bubble = document.createElement('div');
      bubble.className = 'bubble ' + (m.type === 'system' ? 'system' : own ? 'out' : 'in');
      // Every bubble is a phone-message; data-from tells the customer's own from the business's.
      bubble.dataset.testid = 'phone-message';
      bubble.dataset.from = own ? 'me' : 'business';
      bubble.dataset.wamid = m.wamid;
      bubble.dataset.status = m.status;
      const text = document.createElement('span');
      text.className = 'text';
      text.textContent = m.text;
      const meta = document.createElement('span');
      meta.className = 'meta';
      meta.textContent = time(m.timestamp);
      if (own && TICKS[m.status]) {
        const [mark, label] = TICKS[m.status];
        const ticks = document.createElement('span');
        ticks.className = 'ticks' + (m.status === 'read' ? ' read' : '');
        ticks.textContent = mark;
        ticks.setAttribute('aria-label', label);
        ticks.setAttribute('role', 'img');
        meta.append(ticks);
      }
      if (!own) {
        // The customer can react to the business's messages, as on WhatsApp.
        const react = document.createElement('button');
        react.type = 'button';
        react.className = 'react';
        react.textContent = '👍';
        react.setAttribute('aria-label', 'React with thumbs up');
        react.addEventListener('click', () => void sendInput({ type: 'reaction', messageId: m.wamid, emoji: '👍' }));
        meta.append(react);
      }
      bubble.append(text);
      // Reply buttons or a list (an interactive message): the customer taps one, as on WhatsApp.
      if (!own && m.choices) bubble.append(choicesOf(m));
      bubble.append(meta);
      chat.append(bubble);
    }
    chat.scrollTop = chat.scrollHeight;
  }

  // The reply a tap sends is Meta's interactive button_reply / list_reply, in reply to the message.
  function choicesOf(m) {
    const box = document.createElement('div');
    box.className = 'choices';
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', 'Choices');
    const tap = (o) => void sendInput({ type: 'interactive', reply: m.choices.reply, id: o.id, title: o.title,
      ...(o.description ? { description: o.description } : {}), replyTo: m.wamid });
    const buttons = m.choices.options.map((o) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = o.title;
      b.dataset.testid = 'phone-choice';
      b.addEventListener('click', () => tap(o));
      return b;
    });
    if (m.choices.reply === 'list_reply') {
      const details = document.createElement('details');
      const summary = document.createElement('summary');
      summary.textContent = m.choices.button || 'Choose';
      summary.dataset.testid = 'phone-list-button';
      const list = document.createElement('div');
      list.className = 'choices';
      list.append(...buttons);
      details.append(summary, list);
      box.append(details);
    } else {
      box.append(...buttons);
    }
    return box;
  }

  function showTyping(indicator) {
    const { waId, phoneNumberId } = current();
    if (indicator.waId !== waId || indicator.phoneNumberId !== phoneNumberId) return;
    $('typing').hidden = false;
    clearTimeout(typingTimer);
    // WhatsApp drops it after 25 s, or when the reply arrives (see upsert).
    typingTimer = setTimeout(() => { $('typing').hidden = true; }, Math.max(0, indicator.until - indicator.at));
  }

  function showMarketing() {
    $('marketing').textContent = optedOut ? 'Resume marketing' : 'Stop marketing';
    $('marketing').setAttribute('aria-pressed', String(optedOut));
  }

  function upsert(message) {
    const { waId, phoneNumberId } = current();
    if (message.waId !== waId || message.phoneNumberId !== phoneNumberId) return;
    if (message.direction === 'out') { $('typing').hidden = true; clearTimeout(typingTimer); }
    const i = messages.findIndex((m) => m.wamid === message.wamid);
    if (i === -1) messages.push(message); else messages[i] = message;
    render();
  }

  async function openChat() {
    const { waId, phoneNumberId } = current();
    if (source) source.close();
    messages = [];
    $('typing').hidden = true;
    showIdentity();
    render();
    if (!waId) return;
    const params = new URLSearchParams({ waId, phoneNumberId });
    const res = await fetch('/sim/customers/' + encodeURIComponent(waId) + '/thread?' + new URLSearchParams({ phoneNumberId }));
    if (res.ok) {
      const thread = await res.json();
      messages = thread.messages;
      optedOut = thread.optedOut;
      showMarketing();
    }
    render();
    source = new EventSource('/sim/events?' + params);
    source.addEventListener('message', (e) => upsert(JSON.parse(e.data).message));
    source.addEventListener('message.updated', (e) => upsert(JSON.parse(e.data).message));
    source.addEventListener('customer.added', (e) => addCustomerOption(JSON.parse(e.data).customer));
    source.addEventListener('customer.changed', (e) => changeCustomer(JSON.parse(e.data)));
    source.addEventListener('typing', (e) => showTyping(JSON.parse(e.data).indicator));
    source.addEventListener('preference', (e) => {
      const p = JSON.parse(e.data);
      const { waId: key, phoneNumberId: number } = current();
      if (p.waId === key && p.phoneNumberId === number) { optedOut = p.optedOut; showMarketing(); }
    });
  }

  // A customer without a phone number shows their username: that is all the business sees of them.
  const handle = (c) => c.waId ? '+' + c.waId : '@' + (c.username || c.userId);

  function showIdentity() {
    const c = customers.get(customerSelect.value);
    $('customer-identity').textContent = !c ? '' : c.waId
      ? '+' + c.waId + (c.username ? ' · @' + c.username : '')
      : '@' + (c.username || '?') + ' · no phone number';
    $('change-number').textContent = c && !c.waId ? 'Change user ID' : 'Change number';
    $('profile-name').value = c ? c.name : '';
  }

  function addCustomerOption(customer) {
    customers.set(customer.key, customer);
    if ([...customerSelect.options].some((o) => o.value === customer.key)) return;
    // The option's label is the name alone, so tests can select it by name.
    const option = new Option(customer.name, customer.key);
    option.title = handle(customer);
    customerSelect.append(option);
  }

  function changeCustomer({ previousKey, customer }) {
    customers.delete(previousKey);
    customers.set(customer.key, customer);
    const option = [...customerSelect.options].find((o) => o.value === previousKey);
    if (option) { option.value = customer.key; option.title = handle(customer); option.text = customer.name; }
    if (customerSelect.value !== customer.key) return;
    if (previousKey === customer.key) return showIdentity();
    history.replaceState(null, '', '?customer=' + encodeURIComponent(customer.key));
    void openChat();
  }

  function showNumber() {
    const n = numbers.find((x) => x.phoneNumberId === numberSelect.value);
    $('business-name').textContent = (n && n.verifiedName) || 'Business';
    $('business-number').textContent = n ? '+' + n.displayPhoneNumber : '';
  }

  async function sendInput(body) {
    const { waId, phoneNumberId } = current();
    if (!waId) return;
    await fetch('/sim/customers/' + encodeURIComponent(waId) + '/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, phoneNumberId }),
    });
  }

  // What the "Send as" menu sends; the text box is the caption, place or contact name.
  function inputOf(kind, text) {
    const caption = text ? { caption: text } : {};
    switch (kind) {
      case 'text': return text ? { text } : null;
      case 'voice': return { type: 'audio', voice: true };
      case 'image': case 'video': return { type: kind, ...caption };
      case 'document': return { type: 'document', filename: 'document.pdf', ...caption };
      case 'sticker': return { type: 'sticker' };
      case 'location': return { type: 'location', latitude: 41.8902, longitude: 12.4922, name: text || 'Colosseo', address: 'Piazza del Colosseo, Roma' };
      case 'contacts': return { type: 'contacts', contacts: [{ name: text || 'Mario Rossi', phones: ['+39 06 1234 5678'] }] };
      case 'forwarded': return { type: 'text', text: text || 'Look what my friend sent me: 20% off this week?', forwarded: true };
      case 'ad': return { type: 'text', text: text || 'Hi! I saw your ad. Do you have it in size 42?', referral: {} };
      case 'product': return { type: 'product_enquiry', text: text || 'Is this one available in blue?' };
      case 'order': return { type: 'order', ...(text ? { text } : {}) };
      case 'unsupported': return { type: 'unsupported' };
      default: return null;
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = inputOf($('kind').value, input.value.trim());
    if (!body) return;
    input.value = '';
    await sendInput(body);
  });
  customerSelect.addEventListener('change', () => { history.replaceState(null, '', '?customer=' + encodeURIComponent(customerSelect.value)); void openChat(); });

  async function post(path, body) {
    const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) alert((await res.json()).error?.message || 'refused');
  }

  $('change-number').addEventListener('click', async () => {
    const c = customers.get(customerSelect.value);
    if (!c) return;
    const base = '/sim/customers/' + encodeURIComponent(c.key);
    if (!c.waId) return post(base + '/change-user-id', {});
    const newWaId = prompt('New phone number (digits, with country code)', '1650555' + String(Math.floor(1000 + Math.random() * 9000)));
    if (newWaId) await post(base + '/change-number', { newWaId: newWaId.replace(/\\D/g, '') });
  });

  // The customer changes their profile name: the business sees it on their next message.
  $('rename').addEventListener('submit', async (e) => {
    e.preventDefault();
    const c = customers.get(customerSelect.value);
    const name = $('profile-name').value.trim();
    if (!c || !name || name === c.name) return;
    const res = await fetch('/sim/customers/' + encodeURIComponent(c.key), {
      method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }),
    });
    if (!res.ok) alert((await res.json()).error?.message || 'refused');
  });

  $('marketing').addEventListener('click', async () => {
    const { waId, phoneNumberId } = current();
    if (waId) await post('/sim/customers/' + encodeURIComponent(waId) + '/marketing', { optOut: !optedOut, phoneNumberId });
  });
  numberSelect.addEventListener('change', () => { showNumber(); void openChat(); });

  (async () => {
    const data = await (await fetch('/sim/customers')).json();
    numbers = data.numbers;
    for (const n of numbers) numberSelect.append(new Option('+' + n.displayPhoneNumber, n.phoneNumberId));
    $('number-row').hidden = numbers.length < 2;
    for (const c of data.customers) addCustomerOption(c);
    const wanted = new URLSearchParams(location.search).get('customer');
    if (wanted && data.customers.some((c) => c.key === wanted)) customerSelect.value = wanted;
    showNumber();
    await openChat();
  })();
})();
</script>
</body>
</html>
`;

// imagine's web chat: plain JavaScript, no build step. It talks to the JSON API of the same origin.
'use strict';

const state = { csrf: null, next: null, cards: new Map(), events: null, picked: null };
const $ = (id) => document.getElementById(id);

async function api(method, url, body) {
  const headers = {};
  if (state.csrf) headers['X-CSRF-Token'] = state.csrf;
  let payload;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(url, { method, headers, body: payload, credentials: 'same-origin' });
  let data = null;
  if ((response.headers.get('Content-Type') || '').startsWith('application/json')) {
    data = await response.json();
  }
  return { status: response.status, data };
}

function el(tag, props, children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const child of children || []) node.append(child);
  return node;
}

// ----- start: signed in or not

async function start() {
  const { data } = await api('GET', '/api/session');
  state.csrf = data.csrf;
  if (data.signIn && !data.user) {
    $('chat').hidden = true;
    $('login').hidden = false;
    $('logout').hidden = true;
    $('who').textContent = '';
    $('login-name').focus();
    return;
  }
  $('login').hidden = true;
  $('chat').hidden = false;
  $('logout').hidden = !data.signIn;
  $('who').textContent = data.signIn ? 'Signed in as ' + data.user : '';
  $('timeline').replaceChildren();
  state.cards.clear();
  state.next = null;
  await loadHistory();
  listen();
  $('prompt').focus();
}

$('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('login-error').textContent = '';
  const { status, data } = await api('POST', '/api/login',
    { name: $('login-name').value, password: $('login-password').value });
  if (status !== 200) {
    $('login-error').textContent = data && data.error ? data.error : 'Signing in failed.';
    return;
  }
  $('login-password').value = '';
  await start();
});

$('logout').addEventListener('click', async () => {
  await api('POST', '/api/logout');
  if (state.events) state.events.close();
  state.csrf = null;
  await start();
});

// ----- history

async function loadHistory() {
  const url = '/api/generations?limit=10' + (state.next ? '&before=' + state.next : '');
  const { status, data } = await api('GET', url);
  if (status !== 200) return;
  for (const generation of data.items) {
    render(card(generation.id, 'append'), generation);
  }
  state.next = data.next;
  $('older').hidden = !data.next;
}

$('older').addEventListener('click', loadHistory);

// ----- cards

function card(id, where) {
  let node = state.cards.get(id);
  if (node) return node;
  node = el('li', { className: 'card' });
  node.dataset.id = id;
  node.append(
    el('p', { className: 'ask' }),
    el('p', { className: 'status' }),
    el('progress', { max: 1, value: 0, hidden: true }),
    el('p', { className: 'caption reply', hidden: true }),
    el('div', { className: 'pictures' }),
    el('div', { className: 'actions card-actions' }));
  node.querySelector('.status').setAttribute('role', 'status');
  node.querySelector('progress').setAttribute('aria-label', 'Progress of #' + id);
  state.cards.set(id, node);
  if (where === 'append') $('timeline').append(node); else $('timeline').prepend(node);
  return node;
}

function buttons(list) {
  return list.map((button) => {
    const node = el('button', { type: 'button', textContent: button.label });
    node.addEventListener('click', () => press(button.id));
    return node;
  });
}

const FINAL = ['done', 'failed', 'cancelled'];

function render(node, g) {
  if (g.deleted) { node.remove(); state.cards.delete(g.id); return; }
  // Answers arrive on two connections (the event stream and fetches), so an older view of a job can come after a
  // newer one: a card that shows a finished job never goes back to queued or running.
  if (node.dataset.final === 'true' && !FINAL.includes(g.status)) return;
  if (FINAL.includes(g.status)) node.dataset.final = 'true';
  node.querySelector('.ask').textContent = g.prompt;
  const status = node.querySelector('.status');
  const progress = node.querySelector('progress');
  const caption = node.querySelector('.caption');
  if (g.status === 'done') {
    status.textContent = '';
    status.hidden = true;
    progress.hidden = true;
  } else if (g.status === 'failed' || g.status === 'cancelled') {
    status.hidden = false;
    status.textContent = g.error ? 'Failed: ' + g.error : 'This job ' + g.status + '.';
    progress.hidden = true;
  } else if (!status.textContent) {
    status.hidden = false;
    status.textContent = g.status === 'running' ? 'Generating…' : 'Queued.';
  }
  caption.hidden = !g.caption;
  caption.textContent = g.caption || '';
  node.querySelector('.ask').hidden = Boolean(g.caption); // the caption starts with the prompt
  const pictures = node.querySelector('.pictures');
  const shown = g.images.map((image) => image.url).join(' ');
  if (pictures.dataset.shown === shown) {
    node.querySelector('.card-actions').replaceChildren(...buttons(g.buttons));
    return;
  }
  pictures.dataset.shown = shown;
  pictures.replaceChildren(...g.images.map((image) => {
    if (image.withheld) {
      return el('figure', {}, [el('p', { className: 'withheld',
        textContent: 'Picture ' + (image.index + 1) + ' was withheld by the safety checker.' })]);
    }
    const img = image.video
      ? el('video', { src: image.url, autoplay: true, loop: true, muted: true, playsInline: true, controls: true,
        title: image.alt })
      : el('img', { src: image.url, alt: image.alt, loading: 'lazy' });
    if (image.spoiler) {
      img.classList.add('nsfw');
      img.title = 'Flagged by the safety check; click to show it';
      img.addEventListener('click', () => img.classList.remove('nsfw'), { once: true });
    }
    const download = el('a', { href: image.download, textContent: 'Download' });
    download.setAttribute('download', image.fileName);
    download.setAttribute('aria-label', (image.video ? 'Download the video' : 'Download picture '
      + (image.index + 1)) + ' of #' + g.id);
    const own = image.buttons.filter((button) => !button.id.startsWith('im:png:'));
    return el('figure', {}, [img, el('div', { className: 'actions' }, [...buttons(own), download])]);
  }));
  node.querySelector('.card-actions').replaceChildren(...buttons(g.buttons));
}

function say(text, refused) {
  const node = el('li', { className: 'card' + (refused ? ' refused' : '') },
    [el('p', { className: 'reply', textContent: text })]);
  node.querySelector('.reply').setAttribute('role', refused ? 'alert' : 'status');
  $('timeline').prepend(node);
}

async function fill(id) {
  const { status, data } = await api('GET', '/api/generations/' + id);
  if (status === 200) render(card(id), data);
}

function handle(reply) {
  if (!reply) { say('Something went wrong; please try again.', true); return; }
  if (reply.error) { say(reply.error, true); return; }
  switch (reply.kind) {
    case 'queued': {
      const node = card(reply.id);
      const status = node.querySelector('.status');
      if (!status.textContent) status.textContent = reply.text;
      node.querySelector('.card-actions').replaceChildren(...buttons(reply.buttons));
      if (!node.querySelector('.ask').textContent) fill(reply.id);
      break;
    }
    case 'deleted': {
      const node = state.cards.get(reply.id);
      if (node) { node.remove(); state.cards.delete(reply.id); }
      say(reply.text, false);
      break;
    }
    case 'document': {
      const link = el('a', { href: 'data:image/png;base64,' + reply.png, textContent: reply.fileName });
      link.setAttribute('download', reply.fileName);
      say(reply.text, false);
      $('timeline').firstChild.append(link);
      break;
    }
    default:
      say(reply.text, reply.kind === 'refused');
  }
}

async function press(id) {
  const { data } = await api('POST', '/api/buttons', { button: id });
  handle(data);
}

// ----- the live stream of the user's jobs

function listen() {
  if (state.events) state.events.close();
  const events = new EventSource('/api/events');
  state.events = events;
  const on = (name, apply) => events.addEventListener(name, (message) => {
    const data = JSON.parse(message.data);
    const node = card(data.id);
    if (!node.querySelector('.ask').textContent) fill(data.id);
    apply(node, data);
  });
  const status = (node, text) => { const s = node.querySelector('.status'); s.hidden = false; s.textContent = text; };
  on('queued', (node, data) => status(node, data.text));
  on('started', (node, data) => status(node, data.text));
  on('progress', (node, data) => {
    const bar = node.querySelector('progress');
    bar.hidden = false;
    bar.max = data.total;
    bar.value = data.step;
    bar.setAttribute('aria-valuetext', 'step ' + data.step + ' of ' + data.total);
    status(node, data.text + ' · step ' + data.step + '/' + data.total);
  });
  on('done', (node, data) => { if (data.generation) render(node, data.generation); });
  on('failed', (node, data) => { status(node, data.text); node.querySelector('progress').hidden = true; fill(data.id); });
  on('cancelled', (node, data) => { status(node, data.text); node.querySelector('progress').hidden = true; fill(data.id); });
  events.addEventListener('error', async () => {
    if (events.readyState === EventSource.CLOSED) {
      const { data } = await api('GET', '/api/session');
      if (data && data.signIn && !data.user) start();
      else setTimeout(listen, 2000);
    }
  });
}

// ----- composing: Enter sends; a picture comes from the file input, a drop or a paste

const compose = $('compose');
// A flag as the bot reads it: a word starting with -- or an em dash (phones make one of --), then the name.
const STRENGTH_FLAG = /(^|\s)(--|\u2014)strength(?![\p{L}\p{N}-])/iu;
const prompt = $('prompt');

function pick(file) {
  state.picked = file || null;
  $('dropped').hidden = !file;
  if (file) $('dropped-preview').src = URL.createObjectURL(file);
}

$('image').addEventListener('change', () => pick($('image').files[0]));
$('dropped-clear').addEventListener('click', () => { $('image').value = ''; pick(null); });
$('strength').addEventListener('input', () => { $('strength-value').textContent = $('strength').value; });
prompt.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    compose.requestSubmit();
  }
});
prompt.addEventListener('paste', (event) => {
  const file = [...(event.clipboardData ? event.clipboardData.files : [])].find((f) => f.type.startsWith('image/'));
  if (file) { event.preventDefault(); pick(file); }
});
compose.addEventListener('dragover', (event) => { event.preventDefault(); compose.classList.add('compose-drag'); });
compose.addEventListener('dragleave', () => compose.classList.remove('compose-drag'));
compose.addEventListener('drop', (event) => {
  event.preventDefault();
  compose.classList.remove('compose-drag');
  const file = [...event.dataTransfer.files].find((f) => f.type.startsWith('image/'));
  if (file) pick(file);
});

compose.addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = prompt.value.trim();
  if (!text) return;
  $('generate').disabled = true;
  try {
    let result;
    if (state.picked) {
      const form = new FormData();
      form.append('text', text);
      // A --strength typed in the prompt is the user's choice; the slider is for when none is typed.
      if (!STRENGTH_FLAG.test(text)) form.append('strength', $('strength').value);
      form.append('image', state.picked, state.picked.name || 'picture.png');
      result = await api('POST', '/api/prompts', form);
    } else {
      result = await api('POST', '/api/prompts', { text });
    }
    if (result.status === 401) { await start(); return; }
    handle(result.data);
    if (result.status === 202) {
      prompt.value = '';
      $('image').value = '';
      pick(null);
    }
  } catch (e) {
    say('The server cannot be reached; is imagine still running?', true);
  } finally {
    $('generate').disabled = false;
    prompt.focus();
  }
});

start();

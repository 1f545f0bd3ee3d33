/**
 * The app's single web page: search both knowledge bases, see which one each hit comes from,
 * add notes and private files/folders, list and remove what was added. No external resources
 * (the CSP allows nothing but this origin), no storage in the browser.
 */

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The HTML of the page; `token` authorises its API calls, `nonce` its inline script and style. */
export function renderPage(options: { token: string; nonce: string; coreLabel: string }): string {
  const { token, nonce } = options;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>momo — local knowledge</title>
<style nonce="${nonce}">
  :root { font-family: system-ui, sans-serif; color: #1d2330; background: #f6f7f9; }
  body { max-width: 980px; margin: 0 auto; padding: 1.2rem; }
  header h1 { font-size: 1.35rem; margin: 0 0 .2rem; }
  #status { color: #566; font-size: .85rem; margin-bottom: 1rem; }
  section { background: #fff; border: 1px solid #dde1e6; border-radius: 8px; padding: .9rem 1rem; margin-bottom: 1rem; }
  h2 { font-size: 1rem; margin: 0 0 .6rem; }
  form { display: flex; gap: .5rem; flex-wrap: wrap; }
  input[type=text], textarea { flex: 1 1 16rem; padding: .45rem .55rem; border: 1px solid #c5ccd5; border-radius: 6px; font: inherit; }
  textarea { min-height: 5rem; flex-basis: 100%; }
  button { padding: .45rem .9rem; border: 0; border-radius: 6px; background: #2857c5; color: #fff; font: inherit; cursor: pointer; }
  button.secondary { background: #e4e8ee; color: #1d2330; }
  ol#results { list-style: none; padding: 0; margin: .6rem 0 0; }
  li.hit { border-top: 1px solid #eef0f3; padding: .55rem 0; }
  .kb { display: inline-block; font-size: .72rem; font-weight: 600; padding: .1rem .45rem; border-radius: 999px; margin-right: .4rem; }
  .kb-core { background: #e3ecff; color: #1f47a8; }
  .kb-user { background: #e4f6e8; color: #1e6b35; }
  .where { font-family: ui-monospace, monospace; font-size: .82rem; color: #445; }
  .score { float: right; color: #889; font-size: .78rem; }
  pre { white-space: pre-wrap; background: #f7f8fa; padding: .4rem .55rem; border-radius: 6px; font-size: .8rem; margin: .35rem 0 0; max-height: 9rem; overflow: auto; }
  form.gap { margin-top: .6rem; }
  #message { min-height: 1.2rem; font-size: .85rem; color: #1e6b35; }
  #message.error { color: #a12a2a; }
  ul#sources { padding-left: 1.1rem; margin: .4rem 0 0; font-size: .88rem; }
  ul#sources button { margin-left: .5rem; padding: .1rem .5rem; font-size: .75rem; }
</style>
</head>
<body>
<header>
  <h1>momo — local knowledge</h1>
  <div id="status">${esc(options.coreLabel)}</div>
</header>
<section>
  <h2>Search both knowledge bases</h2>
  <form id="search-form">
    <input type="text" id="q" name="q" placeholder="What are you looking for?" autocomplete="off">
    <button type="submit" id="search">Search</button>
  </form>
  <ol id="results"></ol>
</section>
<section>
  <h2>Add to your private knowledge base <small>(encrypted on this machine)</small></h2>
  <form id="note-form">
    <input type="text" id="note-title" placeholder="Title">
    <textarea id="note-text" placeholder="Write a note…"></textarea>
    <button type="submit" id="add-note">Add note</button>
  </form>
  <form id="path-form" class="gap">
    <input type="text" id="path" placeholder="/path/to/a/file/or/folder on this machine">
    <button type="submit" id="add-path" class="secondary">Add file or folder</button>
  </form>
  <div id="message" role="status"></div>
  <ul id="sources"></ul>
</section>
<script nonce="${nonce}">
(() => {
  const TOKEN = ${JSON.stringify(token)};
  const $ = (id) => document.getElementById(id);
  async function api(method, path, body) {
    const res = await fetch(path, { method, headers: { 'x-momo-token': TOKEN, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
    const data = await res.json();
    if (!res.ok) throw new Error(data.error || res.statusText);
    return data;
  }
  function say(text, error) {
    const m = $('message');
    m.textContent = text;
    m.className = error ? 'error' : '';
  }
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  async function refreshStatus() {
    const s = await api('GET', '/api/status');
    $('status').textContent = s.label;
    const list = $('sources');
    list.replaceChildren();
    for (const src of s.user.sources) {
      const li = el('li', 'source', src.kind + ': ' + src.label + ' (' + src.chunks + ' pieces)');
      li.dataset.id = src.id;
      const rm = el('button', 'secondary', 'remove');
      rm.addEventListener('click', async () => {
        try { await api('DELETE', '/api/sources/' + encodeURIComponent(src.id)); say('Removed ' + src.label); await refreshStatus(); }
        catch (e) { say(e.message, true); }
      });
      li.append(rm);
      list.append(li);
    }
  }
  $('search-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const out = $('results');
    out.replaceChildren();
    try {
      const { hits } = await api('POST', '/api/search', { query: $('q').value, limit: 12 });
      if (!hits.length) out.append(el('li', 'empty', 'No matches.'));
      for (const h of hits) {
        const li = el('li', 'hit');
        li.dataset.kb = h.kb;
        li.append(el('span', 'kb kb-' + h.kb, h.kb === 'core' ? 'Core KB' : 'Your KB'));
        li.append(el('strong', 'title', h.title));
        li.append(el('span', 'score', h.score.toFixed(3)));
        li.append(el('div', 'where', h.path + ':' + h.startLine + '-' + h.endLine + (h.module ? '  [' + h.module + ']' : '')));
        li.append(el('pre', 'snippet', h.snippet));
        out.append(li);
      }
    } catch (e) { say(e.message, true); }
  });
  $('note-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await api('POST', '/api/notes', { title: $('note-title').value, text: $('note-text').value });
      say('Added note "' + r.source.label + '" (' + r.source.chunks + ' pieces), encrypted.');
      $('note-title').value = ''; $('note-text').value = '';
      await refreshStatus();
    } catch (e) { say(e.message, true); }
  });
  $('path-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await api('POST', '/api/paths', { path: $('path').value });
      say('Added ' + r.source.kind + ' ' + r.source.label + ': ' + r.source.files + ' files, ' + r.source.chunks + ' pieces, encrypted.');
      $('path').value = '';
      await refreshStatus();
    } catch (e) { say(e.message, true); }
  });
  refreshStatus().catch((e) => say(e.message, true));
})();
</script>
</body>
</html>
`;
}

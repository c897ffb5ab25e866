/** The voting page: the emoji to vote for and the leaderboard, fed by the JSON API. */
export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Emoji Vote</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 48rem; padding: 0 1rem; }
  h1 { font-size: 1.5rem; }
  #emoji { display: grid; grid-template-columns: repeat(auto-fill, minmax(4rem, 1fr)); gap: .5rem; }
  #emoji button { font-size: 2rem; padding: .5rem; border: 1px solid #ccc; border-radius: .5rem; background: none; cursor: pointer; }
  #status { min-height: 1.5rem; }
  .error { color: #b00020; }
</style>
</head>
<body>
<h1>🗳 Emoji Vote</h1>
<p>Vote for your favourite emoji. Votes for 🍩 fail part of the time, on purpose.</p>
<div id="emoji"></div>
<p id="status" role="status"></p>
<h2>Leaderboard</h2>
<ol id="leaderboard"></ol>
<script type="module">
const status = document.getElementById('status');
async function leaderboard() {
  const res = await fetch('api/leaderboard');
  const rows = res.ok ? await res.json() : [];
  document.getElementById('leaderboard').replaceChildren(...rows.map((r) => {
    const li = document.createElement('li');
    li.textContent = r.unicode + ' ' + r.votes;
    return li;
  }));
}
async function vote(e) {
  const res = await fetch('api/vote?choice=' + encodeURIComponent(e.shortcode));
  status.className = res.ok ? '' : 'error';
  status.textContent = res.ok ? 'You voted for ' + e.unicode : 'Your vote for ' + e.unicode + ' failed: ' + (await res.json()).error;
  await leaderboard();
}
const list = await (await fetch('api/list')).json();
document.getElementById('emoji').replaceChildren(...list.map((e) => {
  const b = document.createElement('button');
  b.textContent = e.unicode;
  b.title = e.shortcode;
  b.addEventListener('click', () => vote(e));
  return b;
}));
await leaderboard();
</script>
</body>
</html>
`;

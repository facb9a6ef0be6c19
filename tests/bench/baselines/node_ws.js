// Baseline: a Zoom WebSocket client written the way Zoom's public Node.js samples are
// (fetch a Server-to-Server OAuth token, open wss://…/ws?subscriptionId&access_token with the
// `ws` package, heartbeat every 30 s, JSON.parse the envelope and then its "content").
//
//   node node_ws.js throughput COUNT | latency COUNT SKIP FILE | idle
//
// Configuration: ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET, ZOOM_SUBSCRIPTION_ID,
// ZOOM_OAUTH_URL, ZOOM_WS_URL; the simulator's CA comes in through NODE_EXTRA_CA_CERTS.
'use strict';
const fs = require('fs');
const { performance } = require('perf_hooks');
const WebSocket = require('ws');

const env = process.env;
const [mode, a1, a2, a3] = process.argv.slice(2);
const want = Number(a1 || 0);
const skip = Number(a2 || 0);

async function getAccessToken() {
  const basic = Buffer.from(`${env.ZOOM_CLIENT_ID}:${env.ZOOM_CLIENT_SECRET}`).toString('base64');
  const url = `${env.ZOOM_OAUTH_URL}?grant_type=account_credentials&account_id=${env.ZOOM_ACCOUNT_ID}`;
  const res = await fetch(url, { method: 'POST', headers: { Authorization: `Basic ${basic}` } });
  if (!res.ok) throw new Error(`token endpoint: HTTP ${res.status}`);
  return (await res.json()).access_token;
}

const nowUs = () => (performance.timeOrigin + performance.now()) * 1000;
const cpuS = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

let seen = 0, bad = 0, t0 = 0, t1 = 0, cpu0 = 0, cpu1 = 0, wakeups = 0;
const lat = mode === 'latency' ? new Float64Array(Math.max(want - skip, 0)) : null;
const sent = mode === 'latency' ? new Float64Array(Math.max(want - skip, 0)) : null;
let nlat = 0;

let done = false;
function finish(ws) {
  if (done) return;
  done = true;
  if (mode === 'throughput') {
    console.log(JSON.stringify({ client: 'node-ws', events: seen, bad, wall_s: t1 - t0,
      cpu_s: cpu1 - cpu0, max_rss_kb: Math.round(process.resourceUsage().maxRSS) }));
  } else if (mode === 'latency') {
    const lines = [];
    for (let i = 0; i < nlat; i++) lines.push(`${sent[i]} ${Math.round(lat[i])}\n`);
    fs.writeFileSync(a3, lines.join(''));
    console.log(JSON.stringify({ client: 'node-ws', events: seen, bad, samples: nlat }));
  } else {
    console.log(JSON.stringify({ client: 'node-ws', cpu_s: cpuS(),
      max_rss_kb: Math.round(process.resourceUsage().maxRSS) }));
  }
  ws.close(1000);
  setTimeout(() => process.exit(0), 50);
}

async function main() {
  const token = await getAccessToken();
  const ws = new WebSocket(`${env.ZOOM_WS_URL}?subscriptionId=${env.ZOOM_SUBSCRIPTION_ID}&access_token=${token}`);
  let heartbeat;
  ws.on('open', () => {
    heartbeat = setInterval(() => ws.send(JSON.stringify({ module: 'heartbeat' })), 30000);
  });
  ws.on('message', (data) => {
    const t = mode === 'latency' ? nowUs() : 0;
    const msg = JSON.parse(data);
    if (msg.module === 'build_connection') {
      if (!msg.success) { console.error('refused:', msg.content); process.exit(1); }
      console.log('OPEN');
      return;
    }
    if (msg.module !== 'message') return;
    const event = JSON.parse(msg.content);
    if (mode === 'throughput') {
      if (seen === 0) { t0 = performance.now() / 1000; cpu0 = cpuS(); }
      const who = event.payload && event.payload.object && event.payload.object.participant &&
        event.payload.object.participant.user_name;
      if (event.event !== 'meeting.participant_joined' || !who) bad++;
      if (++seen === want) { t1 = performance.now() / 1000; cpu1 = cpuS(); finish(ws); }
    } else if (mode === 'latency') {
      if (!event.payload.object.participant.user_name || !event.sent_us) bad++;
      if (seen >= skip && nlat < lat.length) { sent[nlat] = event.sent_us; lat[nlat++] = t - event.sent_us; }
      if (++seen === want) finish(ws);
    }
  });
  ws.on('close', (code) => {
    clearInterval(heartbeat);
    if (!done) { console.error('closed', code); process.exit(1); }
  });
  ws.on('error', (e) => { console.error('error:', e.message); process.exit(1); });
  process.on('SIGTERM', () => finish(ws));
}

main().catch((e) => { console.error(e.message); process.exit(1); });

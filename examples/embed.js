// The example host page's script: each way of embedding Tally.
import * as Tally from '../tally-widget.js';

const AS_OF = '2026-11-23T12:00:00Z';

// The iframe reports its height; size the frame to it.
window.addEventListener('message', (e) => {
  if (e.source === document.getElementById('frame').contentWindow && e.data?.type === 'tally:height') {
    document.getElementById('frame').height = String(Math.ceil(e.data.height));
  }
});
// The frame may have reported before this script ran: ask again, now and whenever it reloads.
const frame = document.getElementById('frame');
const askSize = () => frame.contentWindow?.postMessage({ type: 'tally:size?' }, '*');
frame.addEventListener('load', askSize);
askSize();

const a = await Tally.mount(document.getElementById('widget-a'), { view: 'summary', sample: 'aether', theme: 'light', asOf: AS_OF });
document.getElementById('update-a').addEventListener('click', () => a.update({ view: 'breakdown' }));
document.getElementById('destroy-a').addEventListener('click', () => a.destroy());

const hyperstack = await (await fetch('../fixtures/hyperstack/usage.json')).text();
window.widgetB = await Tally.mount(document.getElementById('widget-b'), { view: 'card', body: hyperstack, theme: 'dark', asOf: AS_OF });

const summary = await Tally.summarize(hyperstack, { asOf: AS_OF });
document.getElementById('summary-output').textContent = JSON.stringify({ total: summary.total, currency: summary.currency }, null, 1);

window.Tally = Tally;

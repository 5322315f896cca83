// Options page: reads and writes the settings in chrome.storage.local (keys in settings.js).
// Every change is saved at once; the service worker picks it up through storage.onChanged, so
// nothing needs reloading. The default statuses come from the crate (generated into settings.js).
import { defaultStatuses } from './settings.js';
import { CLEAR_ALL } from './messages.js';

const $ = (id) => document.getElementById(id);
const status = $('status');

function say(text) {
  status.textContent = text;
}

async function save(values, message = 'Saved.') {
  await chrome.storage.local.set(values);
  say(message);
}

/** Statuses from the text field: integers 100–599 other than 402; null when malformed. */
function parseStatuses(text) {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const out = [];
  for (const part of parts) {
    if (!/^\d{3}$/.test(part)) return null;
    const n = Number(part);
    if (n < 100 || n > 599) return null;
    if (n !== 402 && !out.includes(n)) out.push(n);
  }
  return out.sort((a, b) => a - b);
}

/** A host name from what the user typed (`example.com`, a URL, `Example.com:8080`). */
function siteFrom(text) {
  const t = text.trim();
  if (!t) return '';
  try {
    const u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? t : `https://${t}`);
    return u.hostname.toLowerCase();
  } catch {
    return '';
  }
}

function renderSites(sites) {
  const list = $('sites');
  list.replaceChildren();
  for (const site of sites) {
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.textContent = site;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'Resume';
    remove.setAttribute('aria-label', `Resume on ${site}`);
    remove.addEventListener('click', async () => {
      const { pausedSites = [] } = await chrome.storage.local.get('pausedSites');
      await save({ pausedSites: pausedSites.filter((s) => s !== site) }, `Resumed on ${site}.`);
    });
    li.append(name, remove);
    list.append(li);
  }
  $('sites-empty').hidden = sites.length > 0;
}

async function main() {
  const defaults = defaultStatuses();
  $('statuses-default').textContent = defaults.join(', ');

  const show = (v) => {
    $('consoleLines').checked = v.consoleLines !== false;
    $('bodyCapture').checked = v.bodyCapture !== false;
    $('pausedAll').checked = v.pausedAll === true;
    if (document.activeElement !== $('statuses')) {
      $('statuses').value = (Array.isArray(v.statuses) ? v.statuses : defaults).join(', ');
    }
    renderSites(Array.isArray(v.pausedSites) ? v.pausedSites : []);
  };
  const current = await chrome.storage.local.get(null);
  show(current);
  // The popup's pause switch may change things while this page is open.
  chrome.storage.onChanged.addListener(async (_changes, area) => {
    if (area === 'local') show(await chrome.storage.local.get(null));
  });

  for (const id of ['consoleLines', 'bodyCapture', 'pausedAll']) {
    $(id).addEventListener('change', (e) => save({ [id]: e.target.checked }));
  }
  $('statuses').addEventListener('change', (e) => {
    const list = parseStatuses(e.target.value);
    $('statuses-error').textContent = list
      ? ''
      : 'Not saved: use three-digit status codes separated by commas.';
    $('statuses').setAttribute('aria-invalid', String(!list));
    if (list) save({ statuses: list });
  });
  $('statuses-reset').addEventListener('click', async () => {
    await chrome.storage.local.remove('statuses');
    $('statuses').value = defaults.join(', ');
    $('statuses-error').textContent = '';
    say('Statuses reset to the default.');
  });
  $('add-site').addEventListener('submit', async (e) => {
    e.preventDefault();
    const site = siteFrom($('site').value);
    if (!site) {
      say('Enter a host name, such as example.com.');
      return;
    }
    const { pausedSites = [] } = await chrome.storage.local.get('pausedSites');
    if (!pausedSites.includes(site)) await save({ pausedSites: [...pausedSites, site] }, `Paused on ${site}.`);
    $('site').value = '';
  });
  $('clear').addEventListener('click', async () => {
    const answer = await chrome.runtime.sendMessage({ type: CLEAR_ALL });
    say(answer && answer.ok ? 'All records cleared.' : 'Could not clear the records.');
  });
}

main().catch((e) => say(`Settings could not load: ${e}`));

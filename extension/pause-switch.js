// The popup's pause controls: "Pause on this site" (the tab's host) and "Pause everywhere",
// stored in chrome.storage.local (see settings.js); the service worker reacts on its own.
// Plain DOM with labels; text nodes only.

function checkbox(id, label, checked, onChange) {
  const row = document.createElement('div');
  row.className = 'w-pause-row';
  const input = document.createElement('input');
  input.type = 'checkbox';
  input.id = id;
  input.setAttribute('role', 'switch');
  input.checked = checked;
  input.addEventListener('change', () => onChange(input.checked));
  const text = document.createElement('label');
  text.htmlFor = id;
  text.textContent = label;
  row.append(input, text);
  return { row, input };
}

async function siteOfTab(tabId) {
  try {
    const u = new URL((await chrome.tabs.get(tabId)).url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.hostname.toLowerCase() : '';
  } catch {
    return '';
  }
}

/** Fills `root` with the switches for tab `tabId`. */
export async function mountPauseSwitch(root, tabId) {
  if (!root) return;
  const site = tabId >= 0 ? await siteOfTab(tabId) : '';
  const { pausedSites = [], pausedAll = false } = await chrome.storage.local.get(['pausedSites', 'pausedAll']);
  const rows = [];
  let siteBox = null;
  if (site) {
    siteBox = checkbox('pause-site', `Pause on ${site}`, pausedSites.includes(site), async (on) => {
      const { pausedSites: now = [] } = await chrome.storage.local.get('pausedSites');
      const next = now.filter((s) => s !== site);
      if (on) next.push(site);
      await chrome.storage.local.set({ pausedSites: next });
    });
    siteBox.input.dataset.testid = 'pause-site';
    rows.push(siteBox.row);
  }
  const allBox = checkbox('pause-all', 'Pause everywhere', pausedAll, (on) =>
    chrome.storage.local.set({ pausedAll: on }));
  allBox.input.dataset.testid = 'pause-all';
  rows.push(allBox.row);
  const options = document.createElement('button');
  options.type = 'button';
  options.className = 'w-pause-options';
  options.textContent = 'Settings';
  options.addEventListener('click', () => chrome.runtime.openOptionsPage());
  const switches = document.createElement('div');
  switches.className = 'w-pause-switches';
  switches.append(...rows);
  root.replaceChildren(switches, options);
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local') return;
    if (siteBox && changes.pausedSites) siteBox.input.checked = (changes.pausedSites.newValue || []).includes(site);
    if (changes.pausedAll) allBox.input.checked = changes.pausedAll.newValue === true;
  });
}

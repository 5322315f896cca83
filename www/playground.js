// Playground glue: reads the dropped or chosen HAR file in slices into the wasm scanner (yielding
// to the event loop between slices so the page stays responsive), and passes pasted responses to
// the wasm core. Diagnosis, messages and rendering are all in the wasm; nothing here leaves the page.
import init, { HarScanner, explain_response, render_panel } from './pkg/why402.js';

const SLICE_BYTES = 1024 * 1024;
// Slices are scanned back to back for this long before the page gets a turn (input, painting,
// the progress bar): about a frame, so the bar moves smoothly without a pause per slice.
const BUDGET_MS = 12;

const $ = (id) => document.getElementById(id);
const root = $('root');
const statusLine = $('status');
const errorBox = $('error');
const progressBox = $('progress-box');
const progress = $('progress');
const progressText = $('progress-text');
const progressLabel = $('progress-label');
const fileInput = $('har-file');
const drop = $('drop');

// Each new file or paste bumps the run; an older read loop sees it and stops.
let run = 0;

function show({ status = '', error = '', records = null }) {
  statusLine.textContent = status;
  errorBox.textContent = error;
  if (records && records.length > 0) render_panel(root, records);
  else root.replaceChildren();
}

// A macrotask, so input, painting and the progress bar get their turn. A MessageChannel message
// rather than setTimeout(0), which browsers stretch to 4 ms once nested.
const channel = new MessageChannel();
const nextTask = () => new Promise((resolve) => {
  channel.port1.onmessage = () => resolve();
  channel.port2.postMessage(null);
});

function setProgress(read, total, entries) {
  const pct = total > 0 ? Math.min(100, Math.floor((read / total) * 100)) : 100;
  progress.value = pct;
  progressText.textContent = `${pct}% · ${entries} ${entries === 1 ? 'entry' : 'entries'} read`;
}

async function readHar(file) {
  const mine = ++run;
  show({ status: `Reading ${file.name}…` });
  progressBox.hidden = false;
  progressLabel.textContent = `Reading ${file.name}…`;
  setProgress(0, file.size, 0);
  const scanner = new HarScanner(Date.now());
  try {
    let ok = true;
    let turn = performance.now();
    for (let offset = 0; ok && offset < file.size; offset += SLICE_BYTES) {
      const bytes = new Uint8Array(await file.slice(offset, offset + SLICE_BYTES).arrayBuffer());
      if (mine !== run) return;
      ok = scanner.push(bytes);
      if (performance.now() - turn >= BUDGET_MS) {
        setProgress(offset + bytes.length, file.size, scanner.entries_read());
        await nextTask();
        if (mine !== run) return;
        turn = performance.now();
      }
    }
    if (ok) ok = scanner.finish();
    const entries = scanner.entries_read();
    progress.dataset.entries = String(entries);
    if (!ok) {
      show({ status: '', error: `${file.name}: ${scanner.error()}` });
      return;
    }
    setProgress(file.size, file.size, entries);
    show({ status: scanner.summary(), records: scanner.records() });
  } catch (e) {
    if (mine === run) show({ error: `${file.name}: cannot read the file (${e?.message ?? e})` });
  } finally {
    scanner.free();
    if (mine === run) {
      progressBox.dataset.done = 'true';
      progressLabel.textContent = `Read ${file.name}`;
    }
  }
}

function startFile(file) {
  if (!file) return;
  delete progressBox.dataset.done;
  readHar(file);
}

function explain(event) {
  event.preventDefault();
  run++;
  progressBox.hidden = true;
  const result = explain_response($('paste').value, $('paste-url').value, Date.now());
  if (!result) return show({ error: 'Cannot explain this text.' });
  show({
    status: result.summary,
    error: result.error ?? '',
    records: result.record ? [result.record] : null,
  });
}

async function main() {
  await init();
  fileInput.addEventListener('change', () => startFile(fileInput.files?.[0]));
  $('cancel').addEventListener('click', () => {
    run++;
    progressBox.hidden = true;
    show({ status: 'Reading cancelled.' });
  });
  $('paste-form').addEventListener('submit', explain);
  // The whole page accepts a drop; the card shows where.
  document.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('pg-dragging');
  });
  document.addEventListener('dragleave', (e) => {
    if (!e.relatedTarget) drop.classList.remove('pg-dragging');
  });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('pg-dragging');
    startFile(e.dataTransfer?.files?.[0]);
  });
  show({ status: 'Drop a HAR file or paste a response.' });
  document.body.dataset.ready = 'true';
}

main().catch((e) => show({ error: `The playground could not start: ${e?.message ?? e}` }));

// The console: hash routes (#/classify, #/train, #/jobs, #/jobs/<id>, #/files, #/models, #/models/<id>), the status
// line in the header, the API key dialog and the confirmation dialog.
import { api, onApiKeyNeeded, storedApiKey, storeApiKey } from './api.js';
import { h, replace, pct } from './dom.js';
import * as classify from './views/classify.js';
import * as train from './views/train.js';
import * as jobs from './views/jobs.js';
import * as models from './views/models.js';
import * as files from './views/files.js';

const routes = [
  { pattern: /^\/classify$/, section: 'classify', view: classify.render },
  { pattern: /^\/train$/, section: 'train', view: train.render },
  { pattern: /^\/jobs$/, section: 'jobs', view: jobs.renderList },
  { pattern: /^\/jobs\/([^/]+)$/, section: 'jobs', view: jobs.renderJob },
  { pattern: /^\/files$/, section: 'files', view: files.render },
  { pattern: /^\/models$/, section: 'models', view: models.renderList },
  { pattern: /^\/models\/([^/]+)$/, section: 'models', view: models.renderModel },
];

const main = document.getElementById('main');
let cleanup = null;
let firstRoute = true;

/** Shared with the views. */
export const ctx = {
  navigate(hash) {
    if (location.hash === hash) {
      route();
    } else {
      location.hash = hash;
    }
  },
  confirm: confirmDialog,
  refreshStatus,
};

function route() {
  const path = decodeURIComponent(location.hash.replace(/^#/, '')) || '/classify';
  const match = routes.map((r) => ({ r, m: r.pattern.exec(path) })).find((x) => x.m);
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  for (const link of document.querySelectorAll('.tabs a')) {
    if (match && link.dataset.section === match.r.section) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  const view = h('div', { class: 'view' });
  replace(main, view);
  if (!match) {
    replace(view, h('h1', { tabindex: -1 }, 'Not found'),
      h('p', null, 'There is no such page. ', h('a', { href: '#/classify' }, 'Go to Classify')));
  } else {
    const result = match.r.view(view, ctx, ...match.m.slice(1));
    cleanup = typeof result === 'function' ? result : null;
  }
  const heading = view.querySelector('h1');
  if (heading) {
    document.title = `${heading.textContent} · Sentiment service console`;
    if (!firstRoute) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: false });
    }
  }
  firstRoute = false;
}

// ---- status line -------------------------------------------------------------------------------------

const statusLine = document.getElementById('service-status');
let statusTimer = null;

async function refreshStatus() {
  clearTimeout(statusTimer);
  try {
    const status = await api.status();
    const parts = [];
    if (status.activeModel) {
      parts.push('Active model ', h('a', { href: `#/models/${encodeURIComponent(status.activeModel.id)}` },
        status.activeModel.id));
      if (status.activeModel.accuracy !== null && status.activeModel.accuracy !== undefined) {
        const a = status.activeModel;
        const se = a.accuracyStandardError != null ? ` ± ${(a.accuracyStandardError * 100).toFixed(1)}` : '';
        parts.push(' (', h('span', { id: 'active-accuracy' },
          `accuracy ${pct(a.accuracy)}${se} on ${a.accuracyMeasuredOn || 'held-out data'}`), ')');
      }
    } else {
      parts.push('No active model');
    }
    if (status.training && status.training.runningJobId) {
      parts.push(' · ', h('a', { href: `#/jobs/${encodeURIComponent(status.training.runningJobId)}` },
        `training ${Math.round(status.training.runningJobPercent || 0)} %`));
    }
    if (status.training && status.training.queuedJobs) {
      parts.push(` · ${status.training.queuedJobs} queued`);
    }
    parts.push(` · v${status.version}`);
    replace(statusLine, parts);
    statusLine.classList.remove('offline');
  } catch (e) {
    replace(statusLine, 'Service unreachable');
    statusLine.classList.add('offline');
  }
  statusTimer = setTimeout(refreshStatus, document.hidden ? 30000 : 5000);
}

// ---- API key dialog ----------------------------------------------------------------------------------

const keyDialog = document.getElementById('api-key-dialog');
const keyForm = document.getElementById('api-key-form');
const keyInput = document.getElementById('api-key-input');
const keyReason = document.getElementById('api-key-reason');
const keyButton = document.getElementById('api-key-button');

function updateKeyButton() {
  keyButton.textContent = storedApiKey() ? 'API key ✓' : 'API key';
  keyButton.setAttribute('aria-label', storedApiKey() ? 'API key (one is stored for this tab)' : 'API key (none stored)');
}

/** Opens the dialog; resolves to the key, or null when cancelled. */
function askKey(reason) {
  return new Promise((resolve) => {
    keyReason.textContent = reason || 'Enter the API key of this service.';
    keyInput.value = '';
    const returnFocus = document.activeElement;
    let done = false;
    const finish = (value) => {
      if (done) {
        return;
      }
      done = true;
      keyForm.removeEventListener('submit', onSubmit);
      document.getElementById('api-key-cancel').removeEventListener('click', onCancel);
      keyDialog.removeEventListener('cancel', onCancel);
      if (keyDialog.open) {
        keyDialog.close();
      }
      updateKeyButton();
      if (returnFocus && returnFocus.focus) {
        returnFocus.focus();
      }
      resolve(value);
    };
    const onSubmit = (event) => {
      event.preventDefault();
      const key = keyInput.value.trim();
      if (key) {
        finish(key);
      }
    };
    const onCancel = (event) => {
      event.preventDefault();
      finish(null);
    };
    keyForm.addEventListener('submit', onSubmit);
    document.getElementById('api-key-cancel').addEventListener('click', onCancel);
    keyDialog.addEventListener('cancel', onCancel);
    keyDialog.showModal();
    keyInput.focus();
  });
}

onApiKeyNeeded(async (reason) => {
  const key = await askKey(reason);
  if (key) {
    storeApiKey(key);
    updateKeyButton();
  }
  return key;
});

keyButton.addEventListener('click', async () => {
  const key = await askKey(storedApiKey()
    ? 'A key is stored for this tab. Enter another one to replace it.'
    : 'Enter the API key of this service; it is sent as X-API-Key with every request.');
  if (key) {
    storeApiKey(key);
    updateKeyButton();
  }
});

document.getElementById('api-key-forget').addEventListener('click', () => {
  storeApiKey('');
  updateKeyButton();
  keyReason.textContent = 'The stored key is forgotten.';
});

// ---- confirmation dialog -----------------------------------------------------------------------------

const confirmEl = document.getElementById('confirm-dialog');

/** Asks a yes/no question in a modal dialog; resolves to true for OK. */
function confirmDialog(message, { title = 'Are you sure?', ok = 'OK' } = {}) {
  if (typeof confirmEl.showModal !== 'function') {
    return Promise.resolve(window.confirm(message));
  }
  return new Promise((resolve) => {
    document.getElementById('confirm-title').textContent = title;
    document.getElementById('confirm-message').textContent = message;
    document.getElementById('confirm-ok').textContent = ok;
    const returnFocus = document.activeElement;
    confirmEl.returnValue = '';
    confirmEl.addEventListener('close', () => {
      if (returnFocus && returnFocus.isConnected && returnFocus.focus) {
        returnFocus.focus();
      }
      resolve(confirmEl.returnValue === 'ok');
    }, { once: true });
    confirmEl.showModal();
    document.getElementById('confirm-cancel').focus();
  });
}

// ---- start -------------------------------------------------------------------------------------------

window.addEventListener('hashchange', route);
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) {
    refreshStatus();
  }
});
updateKeyButton();
route();
refreshStatus();

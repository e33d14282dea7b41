// Classify: one text (label, a bar per label, the model that answered) or many texts, one per line (a table).
import { api, ApiError } from '../api.js';
import { h, replace, pct, problemBox, stackable } from '../dom.js';

const MAX_BATCH = 256;
let lastMode = 'single';
let lastText = '';
let lastLines = '';

export function render(view, ctx) {
  const modelSelect = h('select', { id: 'classify-model', name: 'modelId' },
    h('option', { value: '' }, 'The active model'));
  const single = h('textarea', {
    id: 'classify-text', name: 'text', rows: 5, required: true, spellcheck: true,
    'aria-describedby': 'classify-text-hint',
  });
  single.value = lastText;
  const many = h('textarea', {
    id: 'classify-lines', name: 'texts', rows: 8, required: true, spellcheck: true,
    'aria-describedby': 'classify-lines-hint',
  });
  many.value = lastLines;
  const singleField = h('div', { class: 'field', id: 'single-field' },
    h('label', { for: 'classify-text' }, 'Text to classify'),
    single,
    h('p', { class: 'hint', id: 'classify-text-hint' }, 'Ctrl+Enter classifies.'));
  const manyField = h('div', { class: 'field', id: 'many-field' },
    h('label', { for: 'classify-lines' }, 'Texts to classify, one per line'),
    many,
    h('p', { class: 'hint', id: 'classify-lines-hint' },
      `Up to ${MAX_BATCH} lines; empty lines are left out. Ctrl+Enter classifies.`));
  const submit = h('button', { type: 'submit', id: 'classify-submit' }, 'Classify');
  const result = h('div', { id: 'classify-result', class: 'result', 'aria-live': 'polite' });

  const modeRadio = (value, text) => h('label', { class: 'radio' },
    h('input', { type: 'radio', name: 'mode', value, checked: lastMode === value, onchange: () => setMode(value) }),
    text);

  const form = h('form', { class: 'card', id: 'classify-form', novalidate: true },
    h('fieldset', { class: 'mode' },
      h('legend', null, 'Mode'),
      modeRadio('single', 'One text'),
      modeRadio('batch', 'Many texts (one per line)')),
    singleField,
    manyField,
    h('div', { class: 'field' },
      h('label', { for: 'classify-model' }, 'Model version'),
      modelSelect),
    h('div', { class: 'actions' }, submit));

  function setMode(mode) {
    lastMode = mode;
    singleField.hidden = mode !== 'single';
    manyField.hidden = mode === 'single';
    replace(result);
  }
  setMode(lastMode);

  let busy = false;
  /** Runs one classification call with the button disabled, showing its result or its failure. */
  async function classifyWith(call) {
    busy = true;
    submit.disabled = true;
    submit.textContent = 'Classifying…';
    try {
      replace(result, await call());
    } catch (e) {
      replace(result, failure(e));
    } finally {
      busy = false;
      submit.disabled = false;
      submit.textContent = 'Classify';
    }
  }

  async function run() {
    if (busy) {
      return;
    }
    const modelId = modelSelect.value || undefined;
    replace(result);
    if (lastMode === 'single') {
      const text = single.value;
      lastText = text;
      if (!text.trim()) {
        replace(result, problemBox(new Error('Enter a text to classify.')));
        single.focus();
        return;
      }
      await classifyWith(async () => singleResult(await api.classify(text, modelId)));
    } else {
      lastLines = many.value;
      const texts = many.value.split('\n').map((t) => t.trim()).filter(Boolean);
      if (!texts.length) {
        replace(result, problemBox(new Error('Enter at least one line of text.')));
        many.focus();
        return;
      }
      if (texts.length > MAX_BATCH) {
        replace(result, problemBox(new Error(`${texts.length} lines: at most ${MAX_BATCH} can be classified at once.`)));
        return;
      }
      await classifyWith(async () => batchResult(texts, await api.classifyBatch(texts, modelId)));
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    run();
  });
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  });

  replace(view,
    h('h1', null, 'Classify'),
    h('p', { class: 'lead' }, 'Ask a model which label fits a text, with the probability of every label.'),
    form,
    result);

  // The model choice lists the usable versions; the active one is the default.
  api.models().then((list) => {
    for (const m of list.filter((x) => x.usable)) {
      modelSelect.append(h('option', { value: m.id },
        `${m.name ? `${m.name} · ` : ''}${m.id}${m.active ? ' (active)' : ''}`));
    }
  }).catch(() => { /* the list is a convenience; classify still works without it */ });

  if (lastMode === 'single') {
    single.focus();
  } else {
    many.focus();
  }
  return () => {
    lastText = single.value;
    lastLines = many.value;
  };

  function failure(e) {
    if (e instanceof ApiError && e.status === 503) {
      return problemBox(e, h('p', null, h('a', { href: '#/train' }, 'Train a model'), ' or ',
        h('a', { href: '#/models' }, 'activate one'), '.'));
    }
    return problemBox(e);
  }
}

function scoreBars(scores, winner) {
  const entries = Object.entries(scores).sort((a, b) => b[1] - a[1]);
  return h('ul', { class: 'bars', 'aria-label': 'Probability of every label' }, entries.map(([label, p]) =>
    h('li', { class: `bar-row${label === winner ? ' winner' : ''}`, dataset: { label } },
      h('span', { class: 'bar-label' }, label),
      h('span', { class: 'bar-track', 'aria-hidden': 'true' },
        h('span', { class: 'bar-fill', style: { width: `${Math.max(0, Math.min(1, p)) * 100}%` } })),
      h('span', { class: 'bar-value' }, pct(p)))));
}

function singleResult(r) {
  return h('section', { class: 'card prediction', 'aria-labelledby': 'prediction-title' },
    h('h2', { id: 'prediction-title', class: 'visually-hidden' }, 'Prediction'),
    h('p', { class: 'predicted' }, 'Label: ',
      h('strong', { id: 'predicted-label' }, r.label),
      h('span', { class: 'confidence' }, ` (${pct(r.confidence)} confidence)`)),
    scoreBars(r.scores, r.label),
    r.truncated ? h('p', { class: 'note', role: 'note', id: 'truncated-note' },
      `The text was truncated: the model reads ${r.tokens} tokens and ignored the rest.`) : null,
    h('p', { class: 'meta' }, 'Answered by model ',
      h('a', { href: `#/models/${encodeURIComponent(r.modelId)}`, id: 'answered-by' }, r.modelId),
      ` · ${r.tokens} token${r.tokens === 1 ? '' : 's'} read`));
}

function batchResult(texts, answer) {
  const truncated = answer.results.filter((r) => r.truncated).length;
  return h('section', { class: 'card', 'aria-labelledby': 'batch-title' },
    h('h2', { id: 'batch-title' }, `${answer.results.length} result${answer.results.length === 1 ? '' : 's'}`),
    h('p', { class: 'meta' }, 'Answered by model ',
      h('a', { href: `#/models/${encodeURIComponent(answer.modelId)}` }, answer.modelId)),
    truncated ? h('p', { class: 'note', role: 'note' },
      `${truncated} text${truncated === 1 ? ' was' : 's were'} truncated to the model's maximum length (marked ✂).`) : null,
    h('div', { class: 'table-wrap' },
      stackable(h('table', { id: 'batch-table', class: 'data' },
        h('thead', null, h('tr', null,
          h('th', { scope: 'col', class: 'num' }, '#'),
          h('th', { scope: 'col' }, 'Text'),
          h('th', { scope: 'col' }, 'Label'),
          h('th', { scope: 'col', class: 'num' }, 'Confidence'),
          h('th', { scope: 'col' }, 'All labels'))),
        h('tbody', null, answer.results.map((r, i) => h('tr', null,
          h('td', { class: 'num' }, i + 1),
          h('td', { class: 'text-cell' }, texts[i],
            r.truncated ? h('span', { class: 'truncated-mark', title: 'truncated' }, ' ✂',
              h('span', { class: 'visually-hidden' }, ' (truncated)')) : null),
          h('td', null, h('strong', null, r.label)),
          h('td', { class: 'num' }, pct(r.confidence)),
          h('td', { class: 'scores-cell' }, Object.entries(r.scores).sort((a, b) => b[1] - a[1])
            .map(([l, p]) => `${l} ${pct(p)}`).join(' · ')))))))));
}

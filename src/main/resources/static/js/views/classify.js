// Classify: one text (label, a bar per label, the model that answered) or many texts, one per line (a table).
// Optionally each token is highlighted by its weight (explain), the model abstains below a confidence, and a
// "Wrong label?" action stores a correction (POST /feedback).
import { api, ApiError } from '../api.js';
import { h, replace, num, pct, problemBox, stackable } from '../dom.js';

const MAX_BATCH = 256;
let lastMode = 'single';
let lastText = '';
let lastLines = '';
let lastExplain = false;
let lastMinConfidence = '';

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
  const explain = h('input', { type: 'checkbox', id: 'classify-explain', name: 'explain', checked: lastExplain });
  const minConfidence = h('input', {
    type: 'number', id: 'classify-min-confidence', name: 'minConfidence', min: 0, max: 1, step: 'any',
    placeholder: 'the model\'s default', value: lastMinConfidence, 'aria-describedby': 'classify-min-confidence-hint',
  });
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
    h('div', { class: 'grid-2' },
      h('div', { class: 'field' },
        h('label', { for: 'classify-model' }, 'Model version'),
        modelSelect),
      h('div', { class: 'field' },
        h('label', { for: 'classify-min-confidence' }, 'Abstain below confidence'),
        minConfidence,
        h('p', { class: 'hint', id: 'classify-min-confidence-hint' },
          'Greater than 0, at most 1: below it the answer has no label. Empty: the model version\'s default.'))),
    h('div', { class: 'field checkbox' }, explain,
      h('label', { for: 'classify-explain' }, 'Explain: weigh every word (leaving it out, how much does the label lose?)')),
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
    lastExplain = explain.checked;
    lastMinConfidence = minConfidence.value;
    const options = {
      explain: explain.checked,
      minConfidence: minConfidence.value.trim() === '' ? undefined : Number(minConfidence.value),
    };
    replace(result);
    if (lastMode === 'single') {
      const text = single.value;
      lastText = text;
      if (!text.trim()) {
        replace(result, problemBox(new Error('Enter a text to classify.')));
        single.focus();
        return;
      }
      await classifyWith(async () => singleResult(text, await api.classify(text, modelId, options)));
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
      await classifyWith(async () => batchResult(texts, await api.classifyBatch(texts, modelId, options)));
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
    lastExplain = explain.checked;
    lastMinConfidence = minConfidence.value;
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
    h('li', { class: `bar-row${(Array.isArray(winner) ? winner.includes(label) : label === winner) ? ' winner' : ''}`,
      dataset: { label } },
      h('span', { class: 'bar-label' }, label),
      h('span', { class: 'bar-track', 'aria-hidden': 'true' },
        h('span', { class: 'bar-fill', style: { width: `${Math.max(0, Math.min(1, p)) * 100}%` } })),
      h('span', { class: 'bar-value' }, pct(p)))));
}

function singleResult(text, r) {
  return h('section', { class: 'card prediction', 'aria-labelledby': 'prediction-title' },
    h('h2', { id: 'prediction-title', class: 'visually-hidden' }, 'Prediction'),
    r.abstained
      ? h('p', { class: 'predicted abstained', id: 'abstained-note' }, 'No label: ',
        h('strong', { id: 'predicted-label' }, 'the model abstained'),
        h('span', { class: 'confidence' }, ` (its best guess has only ${pct(r.confidence)} confidence, below the threshold)`))
      : Array.isArray(r.labels)
        ? h('p', { class: 'predicted' }, 'Labels: ',
          h('strong', { id: 'predicted-labels' }, r.labels.length ? r.labels.join(', ') : 'none over their thresholds'),
          h('span', { class: 'confidence' }, ' (each label has its own probability)'))
        : h('p', { class: 'predicted' }, 'Label: ',
          h('strong', { id: 'predicted-label' }, r.label),
          h('span', { class: 'confidence' }, ` (${pct(r.confidence)} confidence)`)),
    scoreBars(r.scores, Array.isArray(r.labels) ? r.labels : r.label),
    r.explanation ? explanationView(r.explanation, topLabel(r), 'explanation') : null,
    r.truncated ? h('p', { class: 'note', role: 'note', id: 'truncated-note' },
      `The text was truncated: the model reads ${r.tokens} tokens and ignored the rest.`) : null,
    r.chunks > 1 ? h('p', { class: 'note', role: 'note', id: 'chunks-note' },
      `The text is longer than the model reads at once: it was read in ${r.chunks} overlapping windows, and the `
      + 'probabilities are their mean.') : null,
    h('p', { class: 'meta' }, 'Answered by model ',
      h('a', { href: `#/models/${encodeURIComponent(r.modelId)}`, id: 'answered-by' }, r.modelId),
      ` · ${r.tokens} token${r.tokens === 1 ? '' : 's'} read`),
    feedbackAction(text, r));
}

/** The label with the highest probability, also when the answer abstained. */
function topLabel(r) {
  return Object.entries(r.scores).sort((a, b) => b[1] - a[1])[0][0];
}

/**
 * The tokens the model read, each highlighted by its weight: one colour for tokens that support the label,
 * another for those against it, stronger the larger the weight; the number shows on hover and focus.
 */
function explanationView(explanation, label, id, withLegend = true) {
  const largest = Math.max(1e-9, ...explanation.map((t) => Math.abs(t.weight)));
  const sign = (w) => (w >= 0 ? '+' : '−');
  return h('div', { class: 'explanation', id },
    withLegend && h('p', { class: 'explanation-legend' }, 'Why ', h('strong', null, label), '? ',
      h('span', { class: 'token support legend-chip' }, 'supports'), ' ',
      h('span', { class: 'token against legend-chip' }, 'speaks against'),
      ' (hover a word for its weight: the label\'s probability minus its probability without the word)'),
    h('p', { class: 'tokens' }, explanation.map((t) => {
      const strength = Math.abs(t.weight) / largest;
      const text = `${t.token}: ${sign(t.weight)}${num(Math.abs(t.weight), 3)}`;
      return [h('span', {
        class: `token ${t.weight >= 0 ? 'support' : 'against'}`, tabindex: 0, title: text, 'aria-label': text,
        dataset: { weight: String(t.weight) }, style: { '--strength': strength.toFixed(3) },
      }, t.token), ' '];
    })));
}

/** Posts one correction from a "Wrong label?" form and says in `status` what became of it. */
async function storeCorrection(send, status, correction) {
  send.disabled = true;
  try {
    const stored = await api.sendFeedback(correction);
    replace(status, h('p', { class: 'success', id: 'feedback-saved' }, `Thank you: stored as correction ${stored.id}. `,
      'A training job with "Include corrections" learns from it.'));
  } catch (e) {
    replace(status, problemBox(e));
  } finally {
    send.disabled = false;
  }
}

/**
 * "Wrong label?" of a multi-label answer: tick every label the text has (the answer's are ticked) and store them
 * as one correction, joined by '|' as a multi-label upload's label column holds them.
 */
function multiLabelFeedbackAction(text, r) {
  const boxes = Object.keys(r.scores).map((l) => h('label', { class: 'inline' },
    h('input', { type: 'checkbox', name: 'feedback-labels', value: l, checked: r.labels.includes(l) }), ` ${l} `));
  const status = h('div', { id: 'feedback-status', 'aria-live': 'polite' });
  const send = h('button', { type: 'submit', id: 'feedback-submit' }, 'Send correction');
  const form = h('form', { class: 'feedback-form', id: 'feedback-form', hidden: true },
    h('fieldset', null, h('legend', null, 'The labels this text has:'), boxes), ' ', send, status);
  const open = h('button', { type: 'button', class: 'link-button', id: 'feedback-open', 'aria-expanded': 'false',
    onclick: () => {
      form.hidden = !form.hidden;
      open.setAttribute('aria-expanded', String(!form.hidden));
    } }, 'Wrong labels?');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = [...form.querySelectorAll('input[name="feedback-labels"]:checked')].map((b) => b.value);
    if (!chosen.length) {
      replace(status, problemBox(new Error('Tick at least one label.')));
      return;
    }
    await storeCorrection(send, status, {
      text, label: chosen.join('|'), modelId: r.modelId,
      ...(r.labels.length ? { predictedLabel: r.labels.join('|') } : {}),
    });
  });
  return h('div', { class: 'feedback' }, open, form);
}

/** "Wrong label?": pick the right one (or type a new one) and store it as a correction. */
function feedbackAction(text, r) {
  if (Array.isArray(r.labels)) {
    return multiLabelFeedbackAction(text, r);
  }
  const labels = Object.keys(r.scores);
  const choice = h('select', { id: 'feedback-label', name: 'label' },
    labels.map((l) => h('option', { value: l, selected: l !== r.label && l !== topLabel(r) }, l)),
    h('option', { value: '__new' }, 'a new label…'));
  const newLabel = h('input', { type: 'text', id: 'feedback-new-label', maxlength: 100, hidden: true,
    'aria-label': 'New label', placeholder: 'new label' });
  choice.addEventListener('change', () => {
    newLabel.hidden = choice.value !== '__new';
  });
  const status = h('div', { id: 'feedback-status', 'aria-live': 'polite' });
  const send = h('button', { type: 'submit', id: 'feedback-submit' }, 'Send correction');
  const form = h('form', { class: 'feedback-form', id: 'feedback-form', hidden: true },
    h('label', { for: 'feedback-label' }, 'The right label: '), choice, ' ', newLabel, ' ', send, status);
  const open = h('button', { type: 'button', class: 'link-button', id: 'feedback-open', 'aria-expanded': 'false',
    onclick: () => {
      form.hidden = !form.hidden;
      open.setAttribute('aria-expanded', String(!form.hidden));
      if (!form.hidden) {
        choice.focus();
      }
    } }, 'Wrong label?');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const isNew = choice.value === '__new';
    const label = isNew ? newLabel.value.trim() : choice.value;
    if (!label) {
      replace(status, problemBox(new Error('Enter the new label.')));
      return;
    }
    await storeCorrection(send, status, {
      text, label, modelId: r.modelId, ...(r.label ? { predictedLabel: r.label } : {}), ...(isNew ? { newLabel: true } : {}),
    });
  });
  return h('div', { class: 'feedback' }, open, form);
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
          h('td', { class: 'text-cell' }, r.explanation ? explanationView(r.explanation, topLabel(r), `explanation-${i}`, false) : texts[i],
            r.truncated ? h('span', { class: 'truncated-mark', title: 'truncated' }, ' ✂',
              h('span', { class: 'visually-hidden' }, ' (truncated)')) : null),
          h('td', null, r.abstained ? h('em', { class: 'abstained' }, 'abstained') : h('strong', null, r.label)),
          h('td', { class: 'num' }, pct(r.confidence)),
          h('td', { class: 'scores-cell' }, Object.entries(r.scores).sort((a, b) => b[1] - a[1])
            .map(([l, p]) => `${l} ${pct(p)}`).join(' · ')))))))));
}

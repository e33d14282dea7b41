// Browser tests of the Files page (classification jobs), a multi-label model trained through the Train form, and
// the Models pages' Rollout, Drift and calibration panels. The tests run in order and share one service; they need
// nothing from the other test files: `before` trains a tiny single-label version through the API (no configuration
// search, so it takes seconds), the multi-label test trains its own through the UI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  API_KEY, BASE_URL, TINY_CONFIG, apiCall, launchBrowser, multiLabelCsv, newPage, screenshot, sentimentCsv,
  startJob, waitForJob, writeFixture,
} from '../lib/harness.js';

let browser;
let context;
let page;
let problems;
let singleModelId; // trained in `before`: a single-label version with calibration, never active
let multiModelId; // trained through the Train form by the multi-label test

before(async () => {
  // The Rollout test makes this version the shadow and the canary of the active one: when none is active (this
  // file run alone), a second tiny version becomes active first.
  const tiny = { ...TINY_CONFIG, epochs: 2, preset: 'none' };
  if (!(await apiCall('GET', '/status')).activeModel) {
    await startJob(sentimentCsv(120, 17), { ...tiny, name: 'e2e-files-active', activate: true });
  }
  const job = await startJob(sentimentCsv(160, 13), { ...tiny, name: 'e2e-files', activate: false });
  browser = await launchBrowser();
  ({ context, page, problems } = await newPage(browser));
  // The key dialog is exercised by console.test.mjs; here every page starts with the key stored for the tab.
  await context.addInitScript((key) => {
    if (key) {
      sessionStorage.setItem('sentiment.apiKey', key);
    }
  }, API_KEY);
  const done = await waitForJob(job.id);
  assert.equal(done.state, 'SUCCEEDED', done.error);
  singleModelId = done.modelId;
});

after(async () => {
  if (browser) {
    await browser.close();
  }
});

function assertNoPageProblems() {
  assert.deepEqual(problems.splice(0), [], 'script errors, failed requests or requests outside the service');
}

/** The number a console cell shows (num() formats with the browser's locale: 0.123 or 0,123). */
function shown(text) {
  return Number(text.trim().replace(',', '.'));
}

test('the Files page classifies a CSV as a job and its results link downloads one line per row', { timeout: 60_000 }, async () => {
  await page.goto(`${BASE_URL}/#/classify`);
  await page.click('nav >> text=Files');
  await page.locator('h1', { hasText: 'Classification jobs' }).waitFor();
  assert.equal(await page.getAttribute('nav a:has-text("Files")', 'aria-current'), 'page');

  // A file the service refuses (an empty text): its 422 lists the line, next to the file.
  await page.setInputFiles('#cj-file', writeFixture('empty-text.csv', 'id,text\n1,a fine film\n2,""\n'));
  await page.click('#cj-submit');
  await page.locator('#cj-file-errors .problem', { hasText: 'line 3' }).waitFor();
  assert.match(await page.textContent('#cj-file-errors'), /The file cannot be classified/);

  // The texts in a column "review": the preview warns until the text column names it.
  const rows = 37;
  const csv = ['id,review', ...Array.from({ length: rows }, (_, i) =>
    `r${i + 1},${i % 2 ? 'a great and lovely film' : 'boring and awful acting'} ${i}`)].join('\n');
  await page.setInputFiles('#cj-file', writeFixture('reviews.csv', `${csv}\n`));
  await page.locator('#cj-preview .warning', { hasText: "No column 'text'" }).waitFor();
  await page.fill('#cj-text-column', 'review');
  await page.locator('#cj-preview .chip-text', { hasText: 'review' }).waitFor();
  assert.equal(await page.locator('#cj-preview .warning').count(), 0);
  await page.locator(`#cj-model option[value="${singleModelId}"]`).waitFor({ state: 'attached' });
  await page.selectOption('#cj-model', singleModelId);
  await page.selectOption('#cj-output-format', 'csv');
  await screenshot(page, 'files-form');
  await page.click('#cj-submit');
  await page.locator('#cj-started').waitFor();
  const job = (await apiCall('GET', '/classification-jobs?size=1')).items[0];
  assert.equal(job.filename, 'reviews.csv');
  assert.equal(job.textColumn, 'review');
  assert.equal(job.modelId, singleModelId);
  assert.match(await page.textContent('#cj-started'), new RegExp(`Job ${job.id} is (queued|running): ${rows} rows`));

  // The list follows the job until it has SUCCEEDED, then offers its results.
  const row = page.locator(`#cj-table tr[data-job-id="${job.id}"]`);
  await page.locator(`#cj-table tr[data-job-id="${job.id}"][data-state="SUCCEEDED"]`).waitFor({ timeout: 30_000 });
  assert.match(await row.locator('.cj-rows').textContent(), new RegExp(`^${rows} of ${rows} rows \\(100[.,]0 %\\)$`));
  assert.equal(await row.locator('progress').getAttribute('value'), '100');
  assert.equal(await row.locator(`a[href="#/models/${singleModelId}"]`).count(), 1);
  assert.equal(await row.locator('button[data-action="cancel"]').count(), 0);
  await screenshot(page, 'files');

  const [download] = await Promise.all([page.waitForEvent('download'), row.locator('a[data-action="results"]').click()]);
  assert.equal(download.suggestedFilename(), `${job.id}-results.csv`);
  const lines = fs.readFileSync(await download.path(), 'utf8').trim().split('\n');
  const model = await apiCall('GET', `/models/${singleModelId}`);
  assert.equal(lines[0], ['id', 'label', ...model.labels.map((l) => `score_${l}`), 'truncated'].join(','));
  assert.equal(lines.length, rows + 1);
  assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]), Array.from({ length: rows }, (_, i) => `r${i + 1}`));
  for (const line of lines.slice(1)) {
    assert.ok(model.labels.includes(line.split(',')[1]), line);
  }
  assertNoPageProblems();

  // The list on a 360 px wide screen: one card per job, nothing wider than the screen.
  const narrow = await newPage(browser, { width: 360, height: 740 });
  try {
    await narrow.context.addInitScript((key) => {
      if (key) {
        sessionStorage.setItem('sentiment.apiKey', key);
      }
    }, API_KEY);
    await narrow.page.goto(`${BASE_URL}/#/files`);
    await narrow.page.locator(`#cj-table tr[data-job-id="${job.id}"] a[data-action="results"]`).waitFor();
    const width = await narrow.page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `the Files page is ${width} px wide`);
    await screenshot(narrow.page, 'narrow-files-jobs');
    assert.deepEqual(narrow.problems, []);
  } finally {
    await narrow.context.close();
  }
});

test('a multi-label model trained through the Train form shows its thresholds and classifies with several labels', { timeout: 150_000 }, async () => {
  await page.goto(`${BASE_URL}/#/train`); // each test starts from an address of its own: each can run alone
  await page.locator('h1', { hasText: 'Train' }).waitFor();
  await page.setInputFiles('#data-file', writeFixture('multi-label.csv', multiLabelCsv(300)));
  await page.locator('#data-preview .preview-table tbody tr').first().waitFor();
  await page.fill('#cfg-name', 'e2e-multi-label');
  await page.selectOption('#cfg-task', 'multi-label');
  // three epochs at a high rate: enough for these cue words, and quick
  const settings = { epochs: 3, batchSize: 16, learningRate: 0.05, embeddingSize: 16, lstmUnits: 16, dropout: 0.2,
    maxSequenceLength: 40 };
  for (const [name, value] of Object.entries(settings)) {
    await page.fill(`#cfg-${name}`, String(value));
  }
  await page.click('details.advanced > summary');
  await page.fill('#cfg-earlyStoppingPatience', '0');
  await page.fill('#cfg-wordVectors', 'none');
  await page.selectOption('#cfg-preset', 'none'); // one network, not the configuration search's several
  await page.selectOption('#cfg-activate', 'false');
  await page.click('#train-submit');
  await page.waitForURL(/#\/jobs\/[0-9a-f-]+$/);
  const jobId = decodeURIComponent(page.url().split('#/jobs/')[1]);
  await page.locator('#job-state-value[data-state="SUCCEEDED"]').waitFor({ timeout: 120_000 });
  const job = await apiCall('GET', `/training-jobs/${jobId}`);
  assert.equal(job.name, 'e2e-multi-label');
  assert.deepEqual(Object.keys(job.dataset.labelCombinations).sort(), ['a', 'a|b', 'b']);
  assert.match(await page.textContent('#job-details'), /Label combinations \(multi-label\)/);
  multiModelId = (await page.textContent('#job-model-link')).trim();
  assert.equal(multiModelId, job.modelId);

  // The version's page: multi-label figures and a threshold per label, as its evaluation records them.
  await page.click('#job-model-link');
  await page.locator('#model-multi-label').waitFor();
  const model = await apiCall('GET', `/models/${multiModelId}`);
  assert.deepEqual(model.labels, ['a', 'b']);
  const table = page.locator('#per-label-table');
  assert.equal(await table.locator('thead th').last().textContent(), 'Threshold');
  assert.deepEqual(await table.locator('tbody th').allTextContents(), ['a', 'b']);
  const thresholds = (await table.locator('tbody tr td:last-child').allTextContents()).map(shown);
  model.evaluation.multiLabel.thresholds.forEach((t, i) => assert.ok(Math.abs(thresholds[i] - t) < 0.0005,
    `threshold of ${model.labels[i]}: ${thresholds[i]} shown, ${t} stored`));
  await screenshot(page, 'model-multi-label');

  // Classify with it: a text about both gets both labels, every label its own probability.
  await page.click('nav >> text=Classify');
  await page.check('input[name="mode"][value="single"]');
  await page.locator(`#classify-model option[value="${multiModelId}"]`).waitFor({ state: 'attached' });
  await page.selectOption('#classify-model', multiModelId);
  const text = 'we ate apple and bread today';
  await page.fill('#classify-text', text);
  await page.click('#classify-submit');
  await page.locator('#predicted-labels').waitFor();
  const answer = await apiCall('POST', '/classify', { text, modelId: multiModelId });
  assert.deepEqual([...answer.labels].sort(), ['a', 'b'], JSON.stringify(answer));
  assert.equal(await page.textContent('#predicted-labels'), answer.labels.join(', '));
  assert.equal(await page.locator('#classify-result .bar-row').count(), 2);
  assert.equal(await page.locator('#classify-result .bar-row.winner').count(), 2);
  assert.equal(await page.textContent('#answered-by'), multiModelId);
  await screenshot(page, 'classify-multi-label');
  // "Wrong labels?": the answer's labels are ticked; untick b and store the correction as the label set "a"
  await page.click('#feedback-open');
  assert.deepEqual(await page.locator('input[name="feedback-labels"]:checked').evaluateAll((boxes) =>
    boxes.map((b) => b.value).sort()), ['a', 'b']);
  await page.uncheck('input[name="feedback-labels"][value="b"]');
  await page.click('#feedback-submit');
  const saved = await page.locator('#feedback-saved').textContent();
  const correctionId = saved.match(/correction (\S+)\./)[1];
  const correction = await apiCall('GET', `/feedback/${encodeURIComponent(correctionId)}`);
  assert.equal(correction.label, 'a', JSON.stringify(correction));
  assert.equal(correction.predictedLabel, answer.labels.join('|'), JSON.stringify(correction));
  // back to the active model for whatever classifies next in this tab
  await page.selectOption('#classify-model', '');
  assertNoPageProblems();
});

test('the Models page shows a shadow and a canary, and a version its drift and reliability diagram', { timeout: 60_000 }, async () => {
  const other = singleModelId;
  assert.notEqual((await apiCall('GET', '/status')).activeModel.id, other);
  try {
    await apiCall('PUT', '/models/shadow', { modelId: other, sampleRate: 1 });
    await apiCall('PUT', '/models/canary', { modelId: other, percent: 10 });
    await page.goto(`${BASE_URL}/#/models`);
    await page.locator('h1', { hasText: 'Models' }).waitFor();
    const canary = page.locator('#rollout #canary-panel');
    await canary.waitFor();
    assert.match(await canary.textContent(), new RegExp(other));
    assert.equal(await page.textContent('#canary-split'), '10% canary · 90% active');
    assert.equal(await page.textContent('#canary-state'), 'running');
    assert.deepEqual(await page.locator('#canary-figures tbody th').allTextContents(), ['canary', 'active']);
    const shadow = page.locator('#rollout #shadow-panel');
    await shadow.waitFor();
    assert.match(await shadow.textContent(), new RegExp(`Shadow${other}Sample rate100[.,]0 %`));
    await screenshot(page, 'models-rollout');

    // Ended through the API: the panel follows within its refresh.
    await apiCall('DELETE', '/models/canary');
    await apiCall('DELETE', '/models/shadow');
    await page.locator('#canary-state', { hasText: 'ended' }).waitFor({ timeout: 10_000 });
    await page.locator('#rollout', { hasText: 'No shadow' }).waitFor({ timeout: 10_000 });
  } finally {
    // whatever failed above, later tests classify without a canary or a shadow (404 when none is left to end)
    await apiCall('DELETE', '/models/canary').catch(() => {});
    await apiCall('DELETE', '/models/shadow');
  }

  // The single-label version's page: its drift against its validation data, and its calibration.
  for (const text of ['a lovely film', 'an awful plot', 'great acting']) {
    await apiCall('POST', '/classify', { text, modelId: singleModelId });
  }
  await page.goto(`${BASE_URL}/#/models/${singleModelId}`);
  await page.locator('#drift-status').waitFor();
  const drift = await apiCall('GET', `/models/${singleModelId}/drift`);
  assert.equal(await page.textContent('#drift-status'), drift.status);
  assert.ok(drift.signals.length > 0);
  assert.deepEqual(await page.locator('#drift-body figure.chart-figure').evaluateAll((els) => els.map((e) => e.id)),
    drift.signals.map((s) => `drift-${s.signal}`));
  assert.equal(await page.locator('#drift-body svg.chart.drift').count(), drift.signals.length);
  await page.click('#drift-refresh');
  await page.locator('#drift-status').waitFor();

  const model = await apiCall('GET', `/models/${singleModelId}`);
  assert.ok(model.calibration, 'a trained version records its calibration');
  await page.locator('#reliability-diagram').waitFor();
  assert.equal(await page.locator('#reliability-table tbody tr').count(), model.calibration.reliabilityBefore.length);
  assert.equal(await page.locator('#reliability-diagram g[data-series="before"] .point').count(),
    model.calibration.reliabilityBefore.filter((b) => b.count > 0).length);
  assert.ok(Math.abs(shown(await page.textContent('#model-ece-after')) - model.calibration.eceAfter) < 0.0005);
  await screenshot(page, 'model-drift-calibration');
  assertNoPageProblems();
});

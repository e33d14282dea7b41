// Browser tests of the web console served at / by the service. The tests run in order and share one service:
// the first trains a model through the UI, the later ones use it. run.sh starts the service with an API key,
// so the first state-changing call also exercises the key dialog.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  API_KEY, BASE_URL, TINY_CONFIG, apiCall, launchBrowser, newPage, screenshot, sentimentCsv, startJob,
  waitForJob, writeFixture,
} from '../lib/harness.js';

let browser;
let page;
let problems;
let uiModelId;
let secondJob;

before(async () => {
  browser = await launchBrowser();
  ({ page, problems } = await newPage(browser));
});

after(async () => {
  if (browser) {
    await browser.close();
  }
});

function assertNoPageProblems() {
  assert.deepEqual(problems.splice(0), [], 'script errors or requests outside the service');
}

/** Opens the Train page afresh (a new form) and its "More settings". */
async function freshTrainForm() {
  await page.click('nav >> text=Classify');
  await page.locator('h1', { hasText: 'Classify' }).waitFor();
  await page.click('nav >> text=Train');
  await page.locator('h1', { hasText: 'Train' }).waitFor();
}

async function openMoreSettings() {
  if (!(await page.locator('details.advanced').evaluate((d) => d.open))) {
    await page.click('details.advanced > summary');
  }
}

/** Fills the Train form with settings that train a tiny model in seconds, without word vectors. */
async function fillTinySettings(epochs) {
  const settings = { epochs, batchSize: 16, learningRate: 0.01, embeddingSize: 16, lstmUnits: 16, dropout: 0.2,
    maxSequenceLength: 40 };
  for (const [name, value] of Object.entries(settings)) {
    await page.fill(`#cfg-${name}`, String(value));
  }
  await openMoreSettings();
  await page.fill('#cfg-earlyStoppingPatience', '0');
  await page.fill('#cfg-wordVectors', 'none');
}

/**
 * Answers the API key dialog if the service asks (it does when run.sh started it with a key), the first time a
 * call needs the key; once the key is stored the console sends it and no dialog comes.
 */
async function answerKeyDialogIfAsked() {
  if (!API_KEY || (await page.evaluate(() => sessionStorage.getItem('sentiment.apiKey')))) {
    return;
  }
  const dialog = page.locator('#api-key-dialog');
  await dialog.waitFor({ state: 'visible' });
  assert.match(await page.locator('#api-key-reason').textContent(), /API key/);
  await page.fill('#api-key-input', API_KEY);
  await page.click('#api-key-save');
  await dialog.waitFor({ state: 'hidden' });
}

test('the console loads every section with no request outside the service', { timeout: 60_000 }, async () => {
  await page.goto(`${BASE_URL}/`);
  await page.locator('h1', { hasText: 'Classify' }).waitFor();
  for (const [tab, heading] of [['Train', 'Train'], ['Jobs', 'Training jobs'], ['Files', 'Classification jobs'],
    ['Models', 'Models'], ['Classify', 'Classify']]) {
    await page.click(`nav >> text=${tab}`);
    if (tab === 'Jobs') {
      await answerKeyDialogIfAsked(); // with an admin key set, reading training jobs needs it
    }
    await page.locator('h1', { hasText: heading }).waitFor();
    assert.equal(await page.getAttribute(`nav a:has-text("${tab}")`, 'aria-current'), 'page');
  }
  await page.locator('#service-status', { hasText: 'v' }).waitFor();
  // With a fresh models folder nothing is trained yet: classifying says how to get a model.
  if (!(await apiCall('GET', '/status')).activeModel) {
    await page.fill('#classify-text', 'is there a model?');
    await page.click('#classify-submit');
    await page.locator('#classify-result .problem', { hasText: '503' }).waitFor();
    assert.ok(await page.locator('#classify-result a[href="#/train"]').isVisible());
  }
  assertNoPageProblems();
});

test('a bad file shows the service\'s validation message next to the file', { timeout: 60_000 }, async () => {
  await freshTrainForm();
  // Only one label: 422 from the service, shown in the data file's field.
  const oneLabel = writeFixture('one-label.csv', 'text,label\nsuch a good film,positive\ngreat acting,positive\nlovely,positive\n');
  await page.setInputFiles('#data-file', oneLabel);
  await page.locator('#data-preview .detected-format', { hasText: 'CSV' }).waitFor();
  await page.click('#train-submit');
  await answerKeyDialogIfAsked(); // stored already when the Jobs page asked for it
  const dataErrors = page.locator('#data-field #data-errors');
  await dataErrors.locator('.problem', { hasText: 'at least 2 different labels are needed' }).waitFor();
  assert.match(await dataErrors.textContent(), /Invalid training data/);
  await screenshot(page, 'train-invalid-one-label');

  // A missing label column: the preview already warns, and the service says which columns there are.
  const noLabel = writeFixture('no-label.csv', 'text,sentiment\nsuch a good film,positive\nawful,negative\n');
  await page.setInputFiles('#data-file', noLabel);
  await page.locator('#data-preview .warning', { hasText: "No column 'label'" }).waitFor();
  assert.equal(await page.locator('#data-preview .detected-columns .chip').count(), 2);
  await page.click('#train-submit');
  await dataErrors.locator('.problem', { hasText: "no column 'label' in the header (columns: text, sentiment)" }).waitFor();
  await screenshot(page, 'train-invalid-missing-column');

  // A config the service refuses (400 with {field, message}): shown by the file and at the field itself.
  await page.setInputFiles('#data-file', writeFixture('good.csv', sentimentCsv(40)));
  await openMoreSettings();
  await page.fill('#cfg-wordVectors', 'no-such-vectors.txt');
  await page.click('#train-submit');
  await dataErrors.locator('.problem', { hasText: 'config.wordVectors' }).waitFor();
  assert.match(await page.locator('#cfg-wordVectors-error').textContent(), /no file 'no-such-vectors.txt'/);
  assert.equal(await page.getAttribute('#cfg-wordVectors', 'aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('sentiment.apiKey')), API_KEY || null);
  assertNoPageProblems();
});

test('a file uploaded in the UI trains a job whose charts gain points until it SUCCEEDS', { timeout: 180_000 }, async () => {
  const epochs = 10;
  await freshTrainForm();
  await page.setInputFiles('#data-file', writeFixture('reviews.csv', sentimentCsv(320)));
  await page.locator('#data-preview .preview-table tbody tr').first().waitFor();
  assert.equal(await page.locator('#data-preview .preview-table tbody tr').count(), 10);
  assert.deepEqual(await page.locator('#data-preview .preview-table thead th').allTextContents(), ['text', 'label']);
  // The defaults are filled in.
  assert.equal(await page.inputValue('#cfg-epochs'), '15');
  assert.equal(await page.inputValue('#cfg-learningRate'), '0.002');
  assert.equal(await page.inputValue('#cfg-textColumn'), 'text');
  assert.equal(await page.inputValue('#cfg-activate'), 'if-better');
  assert.equal(await page.isChecked('#cfg-includeFeedback'), false);
  await page.fill('#cfg-name', 'e2e-ui');
  await fillTinySettings(epochs);
  // Exactly these settings: the configuration search (its candidates, cross-validated on a file this small) would
  // train some 18 times as many epochs; the promotion test below runs one.
  await page.selectOption('#cfg-preset', 'none');
  // The tests below classify with this model, so it must become active whatever was active before.
  await page.selectOption('#cfg-activate', 'true');
  await screenshot(page, 'train');
  await page.click('#train-submit');

  await page.waitForURL(/#\/jobs\/[0-9a-f-]+$/);
  const jobId = decodeURIComponent(page.url().split('#/jobs/')[1]);
  await page.locator('#loss-chart svg.chart').waitFor();
  const seen = [];
  let state = '';
  const deadline = Date.now() + 150_000;
  let midScreenshot = false;
  while (Date.now() < deadline) {
    // One read of the page, which redraws itself every second.
    const now = await page.evaluate(() => ({
      state: document.querySelector('#job-state-value').dataset.state,
      points: Number(document.querySelector('#loss-chart svg.chart').dataset.points),
      validationPoints: Number(document.querySelector('#validation-chart svg.chart').dataset.points),
    }));
    state = now.state;
    const { points } = now;
    assert.equal(now.validationPoints, points);
    seen.push({ state, points });
    if (!midScreenshot && state === 'RUNNING' && points > 0) {
      midScreenshot = true;
      assert.match(await page.textContent('#job-progress-text'), new RegExp(`epoch \\d+ of ${epochs}`));
      await screenshot(page, 'job-running');
    }
    if (!['QUEUED', 'RUNNING'].includes(state)) {
      break;
    }
    await page.waitForTimeout(250);
  }
  assert.equal(state, 'SUCCEEDED', `job ended ${state}: ${JSON.stringify(seen.slice(-3))}`);
  const final = Number(await page.getAttribute('#loss-chart svg.chart', 'data-points'));
  assert.equal(final, epochs);
  const whileRunning = seen.filter((s) => s.state === 'RUNNING').map((s) => s.points);
  assert.ok(whileRunning.some((p) => p > 0 && p < epochs),
    `the chart gained points while the job ran (seen while RUNNING: ${[...new Set(whileRunning)]})`);
  assert.equal(await page.locator('#loss-chart svg.chart .point').count(), epochs);
  assert.equal(await page.textContent('#job-percent'), '100.0 %');
  assert.ok(await page.locator('#cancel-job').isHidden());
  uiModelId = (await page.textContent('#job-model-link')).trim();
  const job = await apiCall('GET', `/training-jobs/${jobId}`);
  assert.equal(job.modelId, uiModelId);
  assert.equal(job.hyperParameters.epochs, epochs);
  assert.equal(job.hyperParameters.lstmUnits, 16);
  assert.equal(job.name, 'e2e-ui');
  await screenshot(page, 'job-succeeded');

  await page.click('nav >> text=Jobs');
  await page.locator(`#jobs-table tr[data-job-id="${jobId}"]`, { hasText: 'SUCCEEDED' }).waitFor();
  await screenshot(page, 'jobs');
  assertNoPageProblems();
});

test('classify shows the label, a bar per label and the model that answered', { timeout: 60_000 }, async () => {
  assert.ok(uiModelId, 'the UI training test made a model');
  // A second version for the Models test trains meanwhile, not activated.
  secondJob = await startJob(sentimentCsv(160, 11), { ...TINY_CONFIG, epochs: 2, preset: 'none', name: 'e2e-api',
    activate: false });

  await page.click('nav >> text=Classify');
  await page.fill('#classify-text', 'what a wonderful and great film, really good');
  await page.press('#classify-text', 'Control+Enter');
  const label = page.locator('#predicted-label');
  await label.waitFor();
  assert.ok(['positive', 'negative'].includes(await label.textContent()));
  const bars = page.locator('#classify-result .bar-row');
  assert.equal(await bars.count(), 2);
  for (const text of await bars.allTextContents()) {
    assert.match(text, /^(positive|negative)\d+[.,]\d %$/);
  }
  assert.equal(await page.textContent('#answered-by'), uiModelId);
  assert.ok(await page.locator('#truncated-note').isHidden().catch(() => true));
  await screenshot(page, 'classify');

  // A text longer than the model reads (maxSequenceLength 40) is read in overlapping windows (a new version's
  // longText chunk), and the page says so.
  await page.fill('#classify-text', Array.from({ length: 60 }, (_, i) => (i % 2 ? 'good' : 'film')).join(' '));
  await page.click('#classify-submit');
  await page.locator('#chunks-note', { hasText: 'windows' }).waitFor();
  assert.ok(await page.locator('#truncated-note').isHidden().catch(() => true));

  // Many texts at once: one per line, a table of results.
  await page.check('input[name="mode"][value="batch"]');
  await page.fill('#classify-lines', 'a great and lovely story\n\nboring and awful acting\nthe plot was terrible');
  await page.press('#classify-lines', 'Control+Enter');
  const rows = page.locator('#batch-table tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 3);
  assert.match(await rows.nth(1).textContent(), /boring and awful acting(positive|negative)/);
  await screenshot(page, 'classify-batch');
  assertNoPageProblems();
});

test('explain highlights every word by its weight, a threshold abstains and "Wrong label?" stores a correction', { timeout: 60_000 }, async () => {
  await page.click('nav >> text=Classify');
  await page.check('input[name="mode"][value="single"]');
  const text = 'The acting was wonderful, but the plot was boring';
  await page.fill('#classify-text', text);
  await page.check('#classify-explain');
  await page.click('#classify-submit');
  const tokens = page.locator('#explanation .tokens .token');
  await tokens.first().waitFor();
  const expected = await apiCall('POST', '/classify', { text, explain: true });
  assert.equal(await tokens.count(), expected.explanation.length);
  assert.deepEqual(await tokens.allTextContents(), expected.explanation.map((t) => t.token));
  for (let i = 0; i < expected.explanation.length; i++) {
    const { weight } = expected.explanation[i];
    const token = tokens.nth(i);
    assert.match(await token.getAttribute('class'), weight >= 0 ? /support/ : /against/);
    assert.match(await token.getAttribute('title'), /^.+: [+−]\d[.,]\d{3}$/);
  }
  const colours = await tokens.evaluateAll((els) => [...new Set(els.map((e) => getComputedStyle(e).backgroundColor))]);
  assert.ok(colours.length > 1, 'tokens are shaded by weight');
  await tokens.nth(3).hover();
  await screenshot(page, 'classify-explain');

  // Abstention: with a threshold of 1 the model abstains, and every probability is still shown.
  await page.fill('#classify-min-confidence', '1');
  await page.click('#classify-submit');
  await page.locator('#abstained-note', { hasText: 'abstained' }).waitFor();
  assert.equal(await page.locator('#classify-result .bar-row').count(), 2);
  await screenshot(page, 'classify-abstained');
  await page.fill('#classify-min-confidence', '1.5');
  await page.click('#classify-submit');
  await page.locator('#classify-result .problem', { hasText: 'minConfidence' }).waitFor();
  await page.fill('#classify-min-confidence', '');

  // "Wrong label?": the other label, stored as a correction.
  await page.click('#classify-submit');
  await page.locator('#predicted-label').waitFor();
  const predicted = (await page.textContent('#predicted-label')).trim();
  const other = predicted === 'positive' ? 'negative' : 'positive';
  await page.click('#feedback-open');
  await page.selectOption('#feedback-label', other);
  await page.click('#feedback-submit');
  await page.locator('#feedback-saved').waitFor();
  const stored = (await apiCall('GET', '/feedback?size=1')).items[0];
  assert.equal(stored.text, text);
  assert.equal(stored.label, other);
  assert.equal(stored.predictedLabel, predicted);
  assert.equal(stored.modelId, uiModelId);
  await screenshot(page, 'classify-feedback');

  // A version's default threshold, set on its page, applies to requests that set none.
  await page.goto(`${BASE_URL}/#/models/${uiModelId}`);
  await page.fill('#model-min-confidence', '1');
  await page.click('#model-settings-save');
  await page.locator('#model-status .success').waitFor();
  assert.equal((await apiCall('GET', `/models/${uiModelId}`)).minConfidence, 1);
  assert.equal((await apiCall('POST', '/classify', { text })).abstained, true);
  await screenshot(page, 'model-settings');
  await page.fill('#model-min-confidence', '');
  await page.click('#model-settings-save');
  await page.locator('#model-status .success', { hasText: 'no longer' }).waitFor();
  assert.equal((await apiCall('POST', '/classify', { text })).abstained, false);
  assertNoPageProblems();
});

test('the Models page lists the new versions and activates one after confirmation', { timeout: 120_000 }, async () => {
  const done = await waitForJob(secondJob.id);
  assert.equal(done.state, 'SUCCEEDED', done.error);
  const secondModelId = done.modelId;

  await page.click('nav >> text=Models');
  const uiRow = page.locator(`#models-table tr[data-model-id="${uiModelId}"]`);
  const secondRow = page.locator(`#models-table tr[data-model-id="${secondModelId}"]`);
  await secondRow.waitFor();
  assert.equal(await uiRow.getAttribute('data-active'), 'true');
  assert.equal(await secondRow.getAttribute('data-active'), 'false');
  assert.match(await uiRow.textContent(), /e2e-ui/);
  await screenshot(page, 'models');

  // Cancelling the confirmation changes nothing.
  await secondRow.locator('button[data-action="activate"]').click();
  await page.locator('#confirm-dialog').waitFor({ state: 'visible' });
  await page.click('#confirm-cancel');
  await page.locator('#confirm-dialog').waitFor({ state: 'hidden' });
  assert.equal((await apiCall('GET', '/status')).activeModel.id, uiModelId);

  await secondRow.locator('button[data-action="activate"]').click();
  await page.click('#confirm-ok');
  await page.locator('#models-status .success').waitFor();
  await page.locator(`#models-table tr[data-model-id="${secondModelId}"][data-active="true"]`).waitFor();
  assert.equal((await apiCall('GET', '/status')).activeModel.id, secondModelId);
  await page.locator('#service-status', { hasText: secondModelId }).waitFor();

  // The version's page: evaluation, per-label table and the confusion matrix with counts as text.
  await page.click(`#models-table tr[data-model-id="${uiModelId}"] a[href^="#/models/"]`);
  await page.locator('#confusion-matrix').waitFor();
  const model = await apiCall('GET', `/models/${uiModelId}`);
  const cells = await page.locator('#confusion-matrix td.cell').allTextContents();
  assert.deepEqual(cells.map(Number), model.evaluation.confusionMatrix.flat());
  assert.equal(await page.locator('#per-label-table tbody tr').count(), model.labels.length);
  assert.equal(Number(await page.getAttribute('#loss-chart svg.chart', 'data-points')), model.history.length);
  // Calibration: the reliability diagram's bins before and after temperature scaling, as the version records them.
  assert.ok(model.calibration.temperature > 0);
  assert.equal(await page.locator('#reliability-table tbody tr').count(), 15);
  assert.equal(await page.locator('#reliability-diagram g[data-series="after"] .point').count(),
    model.calibration.reliabilityAfter.filter((b) => b.count > 0).length);
  await screenshot(page, 'model');

  // Delete the version that is not active, after confirmation.
  await page.click('button[data-action="delete"]');
  await page.click('#confirm-ok');
  await page.waitForURL(/#\/models$/);
  await page.locator(`#models-table tr[data-model-id="${secondModelId}"]`).waitFor();
  assert.equal(await page.locator(`#models-table tr[data-model-id="${uiModelId}"]`).count(), 0);
  assertNoPageProblems();
});

test('a job with "activate if better" and the stored corrections shows its promotion decision', { timeout: 150_000 }, async () => {
  const activeBefore = (await apiCall('GET', '/status')).activeModel.id;
  await freshTrainForm();
  await page.setInputFiles('#data-file', writeFixture('promotion.csv', sentimentCsv(120, 21)));
  await page.locator('#data-preview .preview-table tbody tr').first().waitFor();
  await page.fill('#cfg-name', 'e2e-if-better');
  await fillTinySettings(1);
  await page.selectOption('#cfg-preset', 'auto'); // its candidates are checked below
  await page.selectOption('#cfg-activate', 'if-better');
  await page.check('#cfg-includeFeedback');
  await page.click('#train-submit');
  await page.waitForURL(/#\/jobs\/[0-9a-f-]+$/);
  const jobId = decodeURIComponent(page.url().split('#/jobs/')[1]);
  await page.locator('#job-state-value[data-state="SUCCEEDED"]').waitFor({ timeout: 120_000 });
  await page.locator('#job-promotion').waitFor();
  const job = await apiCall('GET', `/training-jobs/${jobId}`);
  assert.equal(job.activate, 'if-better');
  // the process that trained it, as the job's JSON names it
  assert.ok(job.worker, 'a job names its worker');
  assert.equal(await page.textContent('#job-worker'), job.worker);
  // the default search's candidates, with the kept one marked as the API says
  await page.locator('#job-candidates').waitFor();
  assert.equal(await page.locator('#job-candidates tbody tr').count(), job.candidates.length);
  const kept = job.candidates.find((c) => c.chosen).name;
  assert.equal(await page.getAttribute('#job-candidates tr[data-chosen="true"]', 'data-candidate'), kept);
  assert.equal(job.dataset.feedbackAdded, 1, 'the correction stored by the Classify test');
  assert.equal(await page.textContent('#promotion-decision'), job.promotion.decision);
  assert.equal(await page.textContent('#promotion-reason'), job.promotion.reason);
  assert.equal(job.promotion.activeModelId, activeBefore);
  const activeAfter = (await apiCall('GET', '/status')).activeModel.id;
  assert.equal(activeAfter, job.promotion.decision === 'activated' ? job.modelId : activeBefore);
  assert.match(await page.textContent('#job-details'), /Stored corrections added \/ left out as duplicates1 \/ 0/);
  // the hyper-parameters as the settings spell them, under their names
  const settings = await page.textContent('section[aria-labelledby="hp-title"]');
  assert.match(settings, new RegExp(`Class weights${job.hyperParameters.classWeights.toLowerCase()}`));
  assert.match(settings, new RegExp(`Engine${job.hyperParameters.engine.toLowerCase()}`));
  assert.match(settings, /Fine-tuning epochs\d/);
  await screenshot(page, 'job-promotion');
  assertNoPageProblems();
});

test('a running job can be cancelled from its page', { timeout: 90_000 }, async () => {
  const job = await startJob(sentimentCsv(320, 3), { ...TINY_CONFIG, epochs: 200, name: 'e2e-cancel' });
  await page.goto(`${BASE_URL}/#/jobs/${job.id}`);
  await page.locator('#job-state-value[data-state="RUNNING"]').waitFor({ timeout: 60_000 });
  await page.click('#cancel-job');
  await page.click('#confirm-ok');
  await page.locator('#job-state-value[data-state="CANCELLED"]').waitFor({ timeout: 60_000 });
  assert.ok(await page.locator('#cancel-job').isHidden());
  assert.equal((await apiCall('GET', `/training-jobs/${job.id}`)).state, 'CANCELLED');
  assertNoPageProblems();
});

test('every page fits a 360 px wide screen', { timeout: 60_000 }, async () => {
  const narrow = await newPage(browser, { width: 360, height: 740 });
  // a new browser context has no stored key: give it the key, so that the job pages (which need the admin key
  // when one is set) show their content rather than the key dialog
  await narrow.context.addInitScript((key) => {
    if (key) {
      sessionStorage.setItem('sentiment.apiKey', key);
    }
  }, API_KEY);
  const models = await apiCall('GET', '/models');
  const jobs = (await apiCall('GET', '/training-jobs')).items;
  const routes = {
    classify: '#/classify', train: '#/train', jobs: '#/jobs', job: `#/jobs/${jobs[jobs.length - 1].id}`,
    files: '#/files', models: '#/models', model: `#/models/${models[0].id}`,
  };
  try {
    for (const [name, hash] of Object.entries(routes)) {
      await narrow.page.goto(`${BASE_URL}/${hash}`);
      await narrow.page.locator('h1').waitFor();
      await narrow.page.waitForLoadState('networkidle');
      if (name === 'classify') {
        await narrow.page.fill('#classify-text', 'a lovely film');
        await narrow.page.press('#classify-text', 'Control+Enter');
        await narrow.page.locator('#predicted-label').waitFor();
      }
      const width = await narrow.page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `${name} is ${width} px wide`);
      await screenshot(narrow.page, `narrow-${name}`);
    }
    assert.deepEqual(narrow.problems, []);
  } finally {
    await narrow.context.close();
  }
});

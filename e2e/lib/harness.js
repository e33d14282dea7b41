// Shared pieces of the browser tests: Debian's chromium through playwright-core, the service's API for setup,
// generated training files and screenshots.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
/** The admin key the service was started with (run.sh sets one), or '' when it runs without keys. */
export const API_KEY = process.env.API_KEY || '';
export const SCREENSHOT_DIR = path.resolve(process.env.SCREENSHOT_DIR || path.join(here, '..', '..', 'target', 'e2e-screenshots'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export async function launchBrowser() {
  // launch() gives every run a fresh temporary profile (its own --user-data-dir).
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A page that fails the test on a script error and on any request that leaves this machine's service
 * (the console must load nothing from the internet).
 */
export async function newPage(browser, { width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (400|401|422|503)/.test(m.text())) {
      problems.push(`console error: ${m.text()}`);
    }
  });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(BASE_URL) || url.startsWith('data:')) {
      return route.continue();
    }
    problems.push(`request outside the service: ${url}`);
    return route.abort();
  });
  page.setDefaultTimeout(20_000);
  return { context, page, problems };
}

export async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** A call to the service for test setup, with the API key. */
export async function apiCall(method, urlPath, body) {
  const headers = {};
  if (API_KEY) {
    headers['X-API-Key'] = API_KEY;
  }
  let payload = body;
  if (body && !(body instanceof FormData)) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(`${BASE_URL}/api/v1${urlPath}`, { method, headers, body: payload });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) {
    throw new Error(`${method} ${urlPath} answered ${res.status}: ${text}`);
  }
  return json;
}

/** Starts a training job on `csv` through the API. */
export async function startJob(csv, config) {
  const form = new FormData();
  form.append('data', new Blob([csv], { type: 'text/csv' }), 'data.csv');
  form.append('config', JSON.stringify(config));
  return apiCall('POST', '/training-jobs', form);
}

export async function waitForJob(id, timeoutMs = 120_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const job = await apiCall('GET', `/training-jobs/${id}`);
    if (!['QUEUED', 'RUNNING'].includes(job.state)) {
      return job;
    }
    if (Date.now() > end) {
      throw new Error(`job ${id} still ${job.state} after ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Settings that train a usable model on the generated data in seconds. */
export const TINY_CONFIG = {
  epochs: 4, batchSize: 16, learningRate: 0.01, embeddingSize: 16, lstmUnits: 16, dropout: 0.2,
  maxSequenceLength: 40, earlyStoppingPatience: 0, wordVectors: 'none',
};

/** A deterministic labelled CSV: positive rows hold good/great/..., negative rows bad/awful/..., among filler. */
export function sentimentCsv(rows = 240, seed = 7) {
  let state = seed;
  const rand = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const positive = ['good', 'great', 'wonderful', 'excellent', 'lovely', 'brilliant'];
  const negative = ['bad', 'awful', 'boring', 'terrible', 'dull', 'poor'];
  const filler = ['the', 'movie', 'was', 'a', 'film', 'plot', 'actor', 'story', 'really', 'quite', 'very', 'this',
    'that', 'it', 'and', 'with', 'music', 'ending', 'scene', 'cast'];
  const lines = ['text,label'];
  for (let i = 0; i < rows; i++) {
    const label = i % 2 === 0 ? 'positive' : 'negative';
    const words = Array.from({ length: 4 + Math.floor(rand() * 4) }, () => pick(filler));
    words.splice(Math.floor(rand() * words.length), 0, pick(label === 'positive' ? positive : negative));
    let text = words.join(' ');
    if (i % 9 === 0) {
      text = `"${text}, ""honestly"""`; // a quoted field with a comma and quotes
    }
    lines.push(`${text},${label}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes a file under a temporary folder and returns its path. */
export function writeFixture(name, content) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-e2e-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

/**
 * A deterministic multi-label CSV: rows about fruit hold `a`, rows about bread `b`, rows about both `a|b` (the
 * labels joined by the default separator), among filler words.
 */
export function multiLabelCsv(rows = 90, seed = 5) {
  let state = seed;
  const rand = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const cues = { a: ['apple', 'pear', 'plum', 'cherry'], b: ['bread', 'bagel', 'toast', 'muffin'] };
  const filler = ['we', 'ate', 'some', 'fresh', 'the', 'for', 'lunch', 'today', 'with', 'friends'];
  const lines = ['text,label'];
  for (let i = 0; i < rows; i++) {
    const labels = [['a'], ['b'], ['a', 'b']][i % 3];
    const words = Array.from({ length: 3 + Math.floor(rand() * 3) }, () => pick(filler));
    for (const label of labels) {
      words.splice(Math.floor(rand() * words.length), 0, pick(cues[label]));
    }
    lines.push(`${words.join(' ')},${labels.join('|')}`);
  }
  return `${lines.join('\n')}\n`;
}

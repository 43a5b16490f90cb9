// The run dashboard. Views are chosen by the URL fragment (#/runs, #/runs/{id}, #/compare?runs=a,b); the token
// lives in sessionStorage only and goes out in the Authorization header of fetch calls. Live updates poll every
// few seconds (EventSource cannot send an Authorization header) and pause while the tab is hidden.
import { alphaByType, alphaHeatmap, decayBars, lineChart, PALETTE } from './charts.js';

const TOKEN_KEY = 'alphadecay.token';
const POLL_MS = 5000;
const FINISHED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
const $ = id => document.getElementById(id);

class Unauthenticated extends Error {
}

let pollTimer = null;
let currentRefresh = null;
// Perplexities of finished runs never change: fetched once per page load.
const finalPerplexity = new Map();

async function api(path, options = {}) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) {
        throw new Unauthenticated('No token');
    }
    const response = await fetch(path, {
        ...options,
        headers: { Accept: 'application/json', ...(options.headers ?? {}), Authorization: `Bearer ${token}` },
        cache: 'no-store',
    });
    if (response.status === 401) {
        throw new Unauthenticated('The token was refused');
    }
    if (!response.ok) {
        let detail = `${response.status} ${response.statusText}`;
        try {
            const problem = await response.json();
            detail = problem.detail || problem.title || detail;
        }
        catch {
            // Not problem+json: keep the status line.
        }
        throw new Error(detail);
    }
    return response;
}

const json = async (path, options) => (await api(path, options)).json();

function showView(id) {
    for (const view of document.querySelectorAll('.view')) {
        view.hidden = view.id !== id;
    }
    $('sign-out').hidden = id === 'login';
}

function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    stopPolling();
    finalPerplexity.clear();
    $('token').value = '';
    $('login-error').textContent = message ?? '';
    $('login-error').hidden = !message;
    $('status').textContent = '';
    showView('login');
    $('token').focus();
}

function stopPolling() {
    clearInterval(pollTimer);
    pollTimer = null;
    currentRefresh = null;
}

/** Runs refresh now and then every few seconds until another view takes over. */
function poll(refresh) {
    stopPolling();
    currentRefresh = refresh;
    pollTimer = setInterval(() => {
        if (!document.hidden && currentRefresh === refresh) {
            guarded(refresh);
        }
    }, POLL_MS);
    return guarded(refresh);
}

async function guarded(action) {
    try {
        await action();
        $('status').textContent = `updated ${new Date().toLocaleTimeString()}`;
    }
    catch (error) {
        if (error instanceof Unauthenticated) {
            signOut(`${error.message}: enter a valid token.`);
        }
        else {
            $('status').textContent = `error: ${error.message}`;
        }
    }
}

function route() {
    if (!sessionStorage.getItem(TOKEN_KEY)) {
        signOut();
        return;
    }
    const hash = location.hash || '#/runs';
    const runMatch = /^#\/runs\/([0-9a-f-]{36})$/.exec(hash);
    const compareMatch = /^#\/compare\?runs=([0-9a-f,-]+)$/.exec(hash);
    if (runMatch) {
        showView('run');
        runView(runMatch[1]);
    }
    else if (compareMatch) {
        showView('compare');
        compareView(compareMatch[1].split(',').filter(Boolean));
    }
    else {
        showView('runs');
        poll(refreshRuns);
    }
}

// ---- runs list ----

function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text != null) {
        node.textContent = text;
    }
    if (className) {
        node.className = className;
    }
    return node;
}

function formatEta(seconds) {
    if (seconds == null) {
        return '';
    }
    const s = Math.round(seconds);
    if (s < 90) {
        return `ETA ${s}s`;
    }
    if (s < 5400) {
        return `ETA ${Math.round(s / 60)} min`;
    }
    return `ETA ${(s / 3600).toFixed(1)} h`;
}

const formatPerplexity = value => (value == null ? '–' : value.toFixed(2));

async function latestPerplexity(run) {
    if (finalPerplexity.has(run.id)) {
        return finalPerplexity.get(run.id);
    }
    // maxPoints=2 keeps the first and the last point of the series: the last is the latest evaluation.
    const points = (await json(`api/v1/runs/${run.id}/metrics?name=val_perplexity&maxPoints=2`)).points;
    const value = points.length ? points[points.length - 1].value : null;
    if (FINISHED.has(run.state)) {
        finalPerplexity.set(run.id, value);
    }
    return value;
}

function progressCell(run) {
    const td = el('td');
    const bar = el('span', null, 'progress');
    const fill = el('span');
    fill.style.width = `${Math.round(100 * Math.min(1, run.progress.fraction))}%`;
    bar.append(fill);
    const eta = FINISHED.has(run.state) ? '' : formatEta(run.progress.etaSeconds);
    td.append(bar, el('span', `${run.progress.step}/${run.progress.totalSteps} ${eta}`.trim(), 'progress-text'));
    return td;
}

const selected = new Set();

async function refreshRuns() {
    const state = $('state-filter').value;
    const page = await json(`api/v1/runs?limit=100${state ? `&state=${encodeURIComponent(state)}` : ''}`);
    const perplexities = await Promise.all(page.items.map(latestPerplexity));
    const rows = page.items.map((run, i) => {
        const tr = el('tr');
        tr.dataset.runId = run.id;
        tr.dataset.state = run.state;
        const box = el('input');
        box.type = 'checkbox';
        box.className = 'select-run';
        box.checked = selected.has(run.id);
        box.setAttribute('aria-label', `select ${run.name}`);
        box.addEventListener('change', () => {
            box.checked ? selected.add(run.id) : selected.delete(run.id);
            updateCompareButton();
        });
        const check = el('td');
        check.append(box);
        const name = el('td');
        const link = el('a', run.name);
        link.href = `#/runs/${run.id}`;
        name.append(link);
        const stateCell = el('td');
        stateCell.append(el('span', run.state, `state ${run.state}`));
        const ppl = el('td', formatPerplexity(perplexities[i]), 'number perplexity');
        tr.append(check, name, el('td', run.config.decay?.policy ?? ''), stateCell, progressCell(run), ppl,
            el('td', new Date(run.createdAt).toLocaleString()));
        return tr;
    });
    $('run-rows').replaceChildren(...rows);
    $('runs-more').hidden = !page.nextCursor;
    $('runs-more').textContent = 'Only the newest 100 runs are shown; filter by state to see others.';
    updateCompareButton();
}

function updateCompareButton() {
    $('compare-selected').disabled = selected.size < 2;
}

// ---- run view ----

async function runView(id) {
    $('run-error').hidden = true;
    let drawnAnalyses = -1;
    let finishedDrawn = false;
    await poll(async () => {
        if (finishedDrawn) {
            return;
        }
        const [run, loss, ppl, analyses, assignment, events] = await Promise.all([
            json(`api/v1/runs/${id}`),
            json(`api/v1/runs/${id}/metrics?name=train_loss&maxPoints=2000`),
            json(`api/v1/runs/${id}/metrics?name=val_perplexity&maxPoints=2000`),
            json(`api/v1/runs/${id}/analyses?includeModules=true`),
            json(`api/v1/runs/${id}/decay-assignment`),
            json(`api/v1/runs/${id}/events?limit=5000`),
        ]);
        $('run-name').textContent = run.name;
        $('run-state').textContent = run.state;
        $('run-state').className = `state ${run.state}`;
        $('run-progress').textContent = `step ${run.progress.step} of ${run.progress.totalSteps}`
            + (FINISHED.has(run.state) ? '' : ` ${formatEta(run.progress.etaSeconds)}`);
        $('cancel-run').disabled = FINISHED.has(run.state) || run.state === 'CANCEL_REQUESTED';
        $('cancel-name').textContent = run.name;
        lineChart($('chart-loss'), {
            title: 'Training loss', yLabel: 'loss', series: [{ label: 'train_loss', points: loss.points }],
        });
        lineChart($('chart-ppl'), {
            title: 'Validation perplexity', yLabel: 'perplexity', series: [{ label: 'val_perplexity', points: ppl.points }],
        });
        // The heatmap and α charts change only when an analysis arrives.
        if (analyses.analyses.length !== drawnAnalyses) {
            drawnAnalyses = analyses.analyses.length;
            alphaHeatmap($('heatmap'), analyses.analyses);
            lineChart($('chart-alpha-type'), {
                title: 'Mean α by module type', yLabel: 'α', series: alphaByType(analyses.analyses),
            });
        }
        decayBars($('decay-bars'), assignment);
        $('run-config').textContent = JSON.stringify(run.config, null, 2);
        $('run-events').replaceChildren(...events.events.slice(-200).reverse().map(e => {
            const tr = el('tr');
            tr.append(el('td', new Date(e.createdAt).toLocaleString()), el('td', e.type),
                el('td', e.message ?? ''));
            return tr;
        }));
        finishedDrawn = FINISHED.has(run.state);
    });
}

$('cancel-run').addEventListener('click', () => $('cancel-dialog').showModal());
$('cancel-dialog').addEventListener('close', async () => {
    if ($('cancel-dialog').returnValue !== 'cancel') {
        return;
    }
    const id = /^#\/runs\/(.+)$/.exec(location.hash)?.[1];
    try {
        await api(`api/v1/runs/${id}/cancel`, {
            method: 'POST', headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ reason: 'cancelled from the dashboard' }),
        });
        $('run-error').hidden = true;
        route();
    }
    catch (error) {
        if (error instanceof Unauthenticated) {
            signOut(`${error.message}: enter a valid token.`);
            return;
        }
        $('run-error').textContent = `Cancel failed: ${error.message}`;
        $('run-error').hidden = false;
    }
});

// ---- compare view ----

async function compareView(ids) {
    $('compare-error').hidden = true;
    await poll(async () => {
        const runs = await Promise.all(ids.map(async id => {
            const [run, ppl, loss] = await Promise.all([
                json(`api/v1/runs/${id}`),
                json(`api/v1/runs/${id}/metrics?name=val_perplexity&maxPoints=2000`),
                json(`api/v1/runs/${id}/metrics?name=train_loss&maxPoints=2000`),
            ]);
            return { run, ppl: ppl.points, loss: loss.points };
        }));
        const finalOf = r => (r.ppl.length ? r.ppl[r.ppl.length - 1].value : null);
        const baseline = finalOf(runs[0]);
        $('compare-rows').replaceChildren(...runs.map((r, i) => {
            const tr = el('tr');
            tr.dataset.runId = r.run.id;
            const final = finalOf(r);
            const best = r.ppl.length ? Math.min(...r.ppl.map(p => p.value)) : null;
            const delta = i === 0 || final == null || baseline == null ? '–' : signed(final - baseline);
            const name = el('td');
            const swatch = el('span', '■ ');
            swatch.style.color = PALETTE[i % PALETTE.length];
            name.append(swatch, document.createTextNode(r.run.name));
            const stateCell = el('td');
            stateCell.append(el('span', r.run.state, `state ${r.run.state}`));
            tr.append(name, el('td', r.run.config.decay?.policy ?? ''), stateCell,
                el('td', formatPerplexity(final), 'number final'), el('td', formatPerplexity(best), 'number'),
                el('td', delta, 'number delta'));
            return tr;
        }));
        const last = finalOf(runs[runs.length - 1]);
        $('compare-difference').textContent = baseline == null || last == null ? ''
            : `Final validation perplexity: ${runs[runs.length - 1].run.name} − ${runs[0].run.name} = ${signed(last - baseline)}`;
        lineChart($('compare-ppl'), {
            title: 'Validation perplexity', yLabel: 'perplexity',
            series: runs.map((r, i) => ({ label: r.run.name, points: r.ppl, color: PALETTE[i % PALETTE.length] })),
        });
        lineChart($('compare-loss'), {
            title: 'Training loss', yLabel: 'loss',
            series: runs.map((r, i) => ({ label: r.run.name, points: r.loss, color: PALETTE[i % PALETTE.length] })),
        });
    });
}

const signed = value => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)}`;

// The report needs the token, which a plain link cannot carry: fetch it and open the HTML as a blob: URL. The
// window opens first, inside the click, so that no popup blocker stops it.
$('open-report').addEventListener('click', async () => {
    const ids = /runs=([0-9a-f,-]+)/.exec(location.hash)?.[1];
    const target = window.open('', '_blank');
    try {
        const response = await api(`api/v1/reports/compare?runs=${ids}`, { headers: { Accept: 'text/html' } });
        const url = URL.createObjectURL(new Blob([await response.text()], { type: 'text/html' }));
        if (target) {
            target.location.href = url;
        }
        else {
            location.href = url;
        }
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
    }
    catch (error) {
        target?.close();
        if (error instanceof Unauthenticated) {
            signOut(`${error.message}: enter a valid token.`);
            return;
        }
        $('compare-error').textContent = `The report could not be opened: ${error.message}`;
        $('compare-error').hidden = false;
    }
});

// ---- wiring ----

$('login-form').addEventListener('submit', async event => {
    event.preventDefault();
    const token = $('token').value.trim();
    sessionStorage.setItem(TOKEN_KEY, token);
    try {
        await api('api/v1/runs?limit=1');
        $('login-error').hidden = true;
        route();
    }
    catch (error) {
        signOut(error instanceof Unauthenticated ? 'That token was refused (401).' : `Cannot reach the API: ${error.message}`);
    }
});
$('sign-out').addEventListener('click', () => signOut());
$('state-filter').addEventListener('change', () => guarded(refreshRuns));
$('compare-selected').addEventListener('click', () => {
    location.hash = `#/compare?runs=${[...selected].join(',')}`;
});
window.addEventListener('hashchange', route);
let resizeTimer = null;
window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => currentRefresh && guarded(currentRefresh), 300);
});
route();

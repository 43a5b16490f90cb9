// Drawing for the dashboard: line charts through uPlot (served from the jar), the α heatmap and the decay bars
// with our own canvas and SVG code. Every text that comes from the API goes in through textContent or
// fillText, never as markup.
import uPlot from './webjars/uplot/dist/uPlot.esm.js';

export const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#be185d', '#4d7c0f'];
const TYPE_ORDER = ['q', 'k', 'v', 'o', 'gate', 'up', 'down', 'other'];
const SVG = 'http://www.w3.org/2000/svg';

/** "L3 q" for model.layers.3.self_attn.q_proj.weight; the full name for anything outside the blocks. */
export function moduleLabel(name, layer, type) {
    const match = /layers\.(\d+)\.(?:self_attn|mlp)\.(\w+?)_proj/.exec(name);
    if (layer != null && type && type !== 'other') {
        return `L${layer} ${type}`;
    }
    return match ? `L${match[1]} ${match[2]}` : name;
}

/** Modules in block order: by layer, then q k v o gate up down, then by name. */
export function moduleOrder(a, b) {
    const la = a.layer ?? Number.MAX_SAFE_INTEGER;
    const lb = b.layer ?? Number.MAX_SAFE_INTEGER;
    if (la !== lb) {
        return la - lb;
    }
    const ta = TYPE_ORDER.indexOf(a.type ?? 'other');
    const tb = TYPE_ORDER.indexOf(b.type ?? 'other');
    return ta !== tb ? ta - tb : a.name.localeCompare(b.name);
}

/** layer and type of a parameter name, for lists (like the decay assignment) that carry only the name. */
export function parseModule(name) {
    const match = /layers\.(\d+)\.(?:self_attn|mlp)\.(\w+?)_proj/.exec(name);
    return match ? { name, layer: Number(match[1]), type: TYPE_ORDER.includes(match[2]) ? match[2] : 'other' }
        : { name, layer: null, type: 'other' };
}

/**
 * A line chart of several series that need not share their steps: uPlot.join aligns them on the union of steps
 * and the gaps are spanned. series: [{label, points: [{step, value}]}].
 */
export function lineChart(container, { title, yLabel, series, log = false }) {
    container.replaceChildren();
    const heading = document.createElement('h3');
    heading.textContent = title;
    container.append(heading);
    const present = series.filter(s => s.points.length > 0);
    if (present.length === 0) {
        const empty = document.createElement('p');
        empty.className = 'empty';
        empty.textContent = 'No points yet.';
        container.append(empty);
        container.dataset.series = '0';
        return null;
    }
    const data = present.length === 1
        ? [present[0].points.map(p => p.step), present[0].points.map(p => p.value)]
        : uPlot.join(present.map(s => [s.points.map(p => p.step), s.points.map(p => p.value)]));
    const target = document.createElement('div');
    container.append(target);
    const opts = {
        width: chartWidth(container),
        height: 240,
        scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
        axes: [{ label: 'step' }, { label: yLabel, size: 60 }],
        series: [{ label: 'step' }, ...present.map((s, i) => ({
            label: s.label,
            stroke: s.color ?? PALETTE[i % PALETTE.length],
            width: 2,
            spanGaps: true,
            points: { show: s.points.length < 60 },
        }))],
        legend: { live: true },
    };
    const plot = new uPlot(opts, data, target);
    // Number of data series drawn, for the browser test and for anyone inspecting the page.
    container.dataset.series = String(present.length);
    return plot;
}

export function chartWidth(container) {
    // clientWidth includes the card's padding (0.75rem each side); a chart as wide would add a scrollbar.
    return Math.max(280, Math.floor(container.clientWidth || container.parentElement?.clientWidth || 600) - 32);
}

// A perceptually ordered scale (dark blue → teal → yellow), interpolated between a few stops.
const STOPS = [[0, [68, 1, 84]], [0.25, [59, 82, 139]], [0.5, [33, 145, 140]], [0.75, [94, 201, 98]], [1, [253, 231, 37]]];

export function colour(t) {
    const x = Math.min(1, Math.max(0, t));
    for (let i = 1; i < STOPS.length; i++) {
        if (x <= STOPS[i][0]) {
            const [x0, c0] = STOPS[i - 1];
            const [x1, c1] = STOPS[i];
            const f = (x - x0) / (x1 - x0);
            return `rgb(${c0.map((c, j) => Math.round(c + f * (c1[j] - c)))})`;
        }
    }
    return 'rgb(253,231,37)';
}

/**
 * The α heatmap: one row per module (labelled "L3 q"), one column per analysis, one colour scale for the whole
 * grid with its legend. Modules without an α (too small, invalid) are grey.
 */
export function alphaHeatmap(container, analyses) {
    container.replaceChildren();
    const heading = document.createElement('h3');
    heading.textContent = 'α per module and analysis';
    container.append(heading);
    const modules = new Map();
    for (const analysis of analyses) {
        for (const m of analysis.modules ?? []) {
            if (!modules.has(m.name)) {
                modules.set(m.name, { name: m.name, layer: m.layer, type: m.type });
            }
        }
    }
    const rows = [...modules.values()].sort(moduleOrder);
    container.dataset.rows = String(rows.length);
    container.dataset.columns = String(analyses.length);
    if (rows.length === 0) {
        const empty = document.createElement('p');
        empty.className = 'empty';
        empty.textContent = 'No analyses yet.';
        container.append(empty);
        return;
    }
    const values = analyses.map(a => new Map((a.modules ?? []).map(m => [m.name, m.alpha])));
    const alphas = values.flatMap(v => [...v.values()]).filter(v => v != null && Number.isFinite(v));
    const min = alphas.length ? Math.min(...alphas) : 0;
    const max = alphas.length ? Math.max(...alphas) : 1;
    const span = max - min || 1;

    const rowHeight = rows.length > 120 ? 8 : 14;
    const grid = document.createElement('div');
    grid.className = 'heatmap';
    const labels = document.createElement('ol');
    labels.className = 'heatmap-labels';
    labels.style.setProperty('--row', `${rowHeight}px`);
    for (const row of rows) {
        const li = document.createElement('li');
        li.textContent = moduleLabel(row.name, row.layer, row.type);
        li.title = row.name;
        labels.append(li);
    }
    const canvas = document.createElement('canvas');
    const cellWidth = Math.max(6, Math.min(48, Math.floor((chartWidth(container) - 160) / Math.max(1, analyses.length))));
    const axisHeight = 22;
    const ratio = window.devicePixelRatio || 1;
    const width = cellWidth * analyses.length;
    const height = rowHeight * rows.length + axisHeight;
    canvas.width = width * ratio;
    canvas.height = height * ratio;
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    const ctx = canvas.getContext('2d');
    ctx.scale(ratio, ratio);
    analyses.forEach((analysis, c) => {
        rows.forEach((row, r) => {
            const alpha = values[c].get(row.name);
            ctx.fillStyle = alpha == null ? '#d4d4d8' : colour((alpha - min) / span);
            ctx.fillRect(c * cellWidth, r * rowHeight, cellWidth - (cellWidth > 8 ? 1 : 0), rowHeight - 1);
        });
    });
    ctx.fillStyle = '#3f3f46';
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    const every = Math.ceil(40 / cellWidth);
    analyses.forEach((analysis, c) => {
        if (c % every === 0) {
            ctx.fillText(String(analysis.step), c * cellWidth + cellWidth / 2, rows.length * rowHeight + 15);
        }
    });
    canvas.addEventListener('mousemove', event => {
        const c = Math.floor(event.offsetX / cellWidth);
        const r = Math.floor(event.offsetY / rowHeight);
        if (c >= 0 && c < analyses.length && r >= 0 && r < rows.length) {
            const alpha = values[c].get(rows[r].name);
            canvas.title = `${rows[r].name}\nstep ${analyses[c].step}: α = ${alpha == null ? 'none' : alpha.toFixed(3)}`;
        }
    });
    const plot = document.createElement('div');
    plot.className = 'heatmap-plot';
    plot.append(canvas);
    const caption = document.createElement('p');
    caption.className = 'axis-caption';
    caption.textContent = 'analysis step →';
    plot.append(caption);
    grid.append(labels, plot, legend(min, max));
    container.append(grid);
}

function legend(min, max) {
    const box = document.createElement('div');
    box.className = 'legend';
    const canvas = document.createElement('canvas');
    canvas.width = 16;
    canvas.height = 160;
    const ctx = canvas.getContext('2d');
    for (let y = 0; y < 160; y++) {
        ctx.fillStyle = colour(1 - y / 159);
        ctx.fillRect(0, y, 16, 1);
    }
    const top = document.createElement('span');
    top.textContent = `α ${max.toFixed(2)}`;
    const bottom = document.createElement('span');
    bottom.textContent = `α ${min.toFixed(2)}`;
    const none = document.createElement('span');
    none.className = 'legend-none';
    none.textContent = 'no α';
    box.append(top, canvas, bottom, none);
    return box;
}

/** Mean α of each module type at each analysis step, as series for lineChart. */
export function alphaByType(analyses) {
    const byType = new Map();
    for (const analysis of analyses) {
        const sums = new Map();
        for (const m of analysis.modules ?? []) {
            if (m.alpha == null) {
                continue;
            }
            const type = m.type ?? 'other';
            const s = sums.get(type) ?? { total: 0, count: 0 };
            s.total += m.alpha;
            s.count += 1;
            sums.set(type, s);
        }
        for (const [type, s] of sums) {
            if (!byType.has(type)) {
                byType.set(type, []);
            }
            byType.get(type).push({ step: analysis.step, value: s.total / s.count });
        }
    }
    return [...byType.entries()]
        .sort((a, b) => TYPE_ORDER.indexOf(a[0]) - TYPE_ORDER.indexOf(b[0]))
        .map(([type, points]) => ({ label: type, points, color: PALETTE[TYPE_ORDER.indexOf(type) % PALETTE.length] }));
}

/** Horizontal bars of the effective weight decay per module, with the run's default as a dashed line. */
export function decayBars(container, assignment) {
    container.replaceChildren();
    const heading = document.createElement('h3');
    heading.textContent = `Weight decay per module (default ${assignment.defaultWeightDecay})`;
    container.append(heading);
    const entries = assignment.modules.map(e => ({ ...parseModule(e.name), weightDecay: e.weightDecay, source: e.source }))
        .sort(moduleOrder);
    container.dataset.bars = String(entries.length);
    if (entries.length === 0) {
        const empty = document.createElement('p');
        empty.className = 'empty';
        empty.textContent = 'Every parameter uses the default (no analysis or override yet).';
        container.append(empty);
        return;
    }
    const labelWidth = 90;
    const valueWidth = 60;
    const barHeight = entries.length > 120 ? 8 : 14;
    const width = chartWidth(container);
    const plotWidth = width - labelWidth - valueWidth;
    const maxValue = Math.max(assignment.defaultWeightDecay, ...entries.map(e => e.weightDecay)) || 1;
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(entries.length * barHeight + 4));
    svg.setAttribute('class', 'bars');
    entries.forEach((entry, i) => {
        const y = i * barHeight;
        const g = document.createElementNS(SVG, 'g');
        g.setAttribute('class', 'bar');
        g.dataset.module = entry.name;
        g.dataset.value = String(entry.weightDecay);
        const label = document.createElementNS(SVG, 'text');
        label.setAttribute('x', String(labelWidth - 6));
        label.setAttribute('y', String(y + barHeight - 3));
        label.setAttribute('text-anchor', 'end');
        label.textContent = moduleLabel(entry.name, entry.layer, entry.type);
        const rect = document.createElementNS(SVG, 'rect');
        rect.setAttribute('x', String(labelWidth));
        rect.setAttribute('y', String(y + 1));
        rect.setAttribute('width', String(Math.max(1, plotWidth * entry.weightDecay / maxValue)));
        rect.setAttribute('height', String(barHeight - 2));
        rect.setAttribute('fill', entry.source === 'override' ? '#ea580c' : '#2563eb');
        const tip = document.createElementNS(SVG, 'title');
        tip.textContent = `${entry.name}: ${entry.weightDecay} (${entry.source})`;
        rect.append(tip);
        const value = document.createElementNS(SVG, 'text');
        value.setAttribute('x', String(labelWidth + plotWidth + 4));
        value.setAttribute('y', String(y + barHeight - 3));
        value.textContent = Number(entry.weightDecay.toPrecision(4)).toString();
        g.append(label, rect, value);
        svg.append(g);
    });
    const x = labelWidth + plotWidth * assignment.defaultWeightDecay / maxValue;
    const line = document.createElementNS(SVG, 'line');
    line.setAttribute('x1', String(x));
    line.setAttribute('x2', String(x));
    line.setAttribute('y1', '0');
    line.setAttribute('y2', String(entries.length * barHeight));
    line.setAttribute('class', 'default-line');
    svg.append(line);
    const key = document.createElement('p');
    key.className = 'axis-caption';
    key.textContent = 'blue: from the latest analysis · orange: operator override · dashed: default';
    container.append(svg, key);
}

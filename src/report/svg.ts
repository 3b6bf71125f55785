/** Small inline SVG charts (no library, nothing fetched when the page opens). */

/** One line of a line chart. */
export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** Log scale on x (the VU ladder doubles). Default: false. */
  readonly logX?: boolean;
  /** Log scale on y. Default: false. */
  readonly logY?: boolean;
}

/** One group of a bar chart: a category and a value per series. */
export interface BarGroup {
  readonly label: string;
  readonly values: readonly (number | null)[];
}

/** Options of {@link barChart}. */
export interface BarChartOptions {
  readonly title: string;
  readonly yLabel: string;
  readonly seriesNames: readonly string[];
  readonly groups: readonly BarGroup[];
}

const W = 640;
const H = 340;
const PAD = { left: 64, right: 16, top: 36, bottom: 64 };
/** Colour-blind-safe palette (Okabe-Ito). */
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];

/** Escapes text for SVG/HTML. */
export function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A short number: 3 significant digits, k/M suffixes. */
export function fmt(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${+(value / 1e6).toPrecision(3)}M`;
  if (abs >= 1e3) return `${+(value / 1e3).toPrecision(3)}k`;
  if (abs === 0) return "0";
  return `${+value.toPrecision(3)}`;
}

function scale(min: number, max: number, from: number, to: number, log: boolean): (v: number) => number {
  const f = log ? (v: number) => Math.log10(Math.max(v, 1e-9)) : (v: number) => v;
  const a = f(min);
  const b = f(max);
  return (v) => (b === a ? (from + to) / 2 : from + ((f(v) - a) / (b - a)) * (to - from));
}

function ticks(min: number, max: number, log: boolean): number[] {
  if (log) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(Math.max(min, 1e-9))); e <= Math.ceil(Math.log10(Math.max(max, 1e-9))); e++) out.push(10 ** e);
    return out.filter((t) => t >= min * 0.999 && t <= max * 1.001);
  }
  const step = niceStep((max - min) / 5);
  const out: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) out.push(+t.toPrecision(12));
  return out;
}

function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const n = raw / magnitude;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * magnitude;
}

function frame(title: string, yLabel: string, xLabel: string, body: string, legend: readonly string[]): string {
  const items = legend
    .map((name, i) => `<g transform="translate(${PAD.left + i * 150},${H - 18})"><rect width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/><text x="16" y="10" font-size="12">${esc(name)}</text></g>`)
    .join("");
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}" font-family="system-ui, sans-serif">` +
    `<rect width="${W}" height="${H}" fill="#fff"/>` +
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="600">${esc(title)}</text>` +
    `<text transform="translate(14,${(PAD.top + H - PAD.bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(yLabel)}</text>` +
    `<text x="${(PAD.left + W - PAD.right) / 2}" y="${H - 30}" text-anchor="middle" font-size="12">${esc(xLabel)}</text>` +
    body +
    items +
    `</svg>`
  );
}

/** A line chart with markers; points with a non-finite coordinate are left out. */
export function lineChart(options: LineChartOptions): string {
  const series = options.series.map((s) => ({ ...s, points: s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!options.logY || y > 0)) }));
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return frame(options.title, options.yLabel, options.xLabel, `<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no data</text>`, []);
  const xs = all.map(([x]) => x);
  const ys = all.map(([, y]) => y);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const y0 = options.logY ? Math.min(...ys) : 0;
  const y1 = Math.max(...ys) * 1.05 || 1;
  const sx = scale(x0, x1, PAD.left, W - PAD.right, options.logX ?? false);
  const sy = scale(y0, y1, H - PAD.bottom, PAD.top, options.logY ?? false);
  const xTicks = options.logX ? [...new Set(xs)].sort((a, b) => a - b) : ticks(x0, x1, false);
  let body = "";
  for (const t of ticks(y0, y1, options.logY ?? false)) {
    body += `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="#e5e5e5"/>`;
    body += `<text x="${PAD.left - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end" font-size="11">${fmt(t)}</text>`;
  }
  for (const t of xTicks) body += `<text x="${sx(t).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle" font-size="11">${fmt(t)}</text>`;
  body += `<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="#333"/><line x1="${PAD.left}" x2="${W - PAD.right}" y1="${H - PAD.bottom}" y2="${H - PAD.bottom}" stroke="#333"/>`;
  series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length];
    const path = s.points.map(([x, y], j) => `${j === 0 ? "M" : "L"}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join("");
    body += `<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"/>`;
    for (const [x, y] of s.points) body += `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${colour}"><title>${esc(s.name)}: ${fmt(x)} → ${fmt(y)}</title></circle>`;
  });
  return frame(options.title, options.yLabel, options.xLabel, body, series.map((s) => s.name));
}

/** A grouped bar chart; a null value leaves a gap. */
export function barChart(options: BarChartOptions): string {
  const values = options.groups.flatMap((g) => g.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const y1 = (Math.max(0, ...values) || 1) * 1.1;
  const sy = scale(0, y1, H - PAD.bottom, PAD.top, false);
  const groupWidth = (W - PAD.left - PAD.right) / Math.max(1, options.groups.length);
  const barWidth = (groupWidth * 0.8) / Math.max(1, options.seriesNames.length);
  let body = "";
  for (const t of ticks(0, y1, false)) {
    body += `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="#e5e5e5"/>`;
    body += `<text x="${PAD.left - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end" font-size="11">${fmt(t)}</text>`;
  }
  options.groups.forEach((group, g) => {
    const gx = PAD.left + g * groupWidth + groupWidth * 0.1;
    group.values.forEach((value, i) => {
      if (value === null || !Number.isFinite(value)) return;
      const x = gx + i * barWidth;
      const y = sy(value);
      body += `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(H - PAD.bottom - y).toFixed(1)}" fill="${PALETTE[i % PALETTE.length]}"><title>${esc(options.seriesNames[i] ?? "")} · ${esc(group.label)}: ${fmt(value)}</title></rect>`;
      body += `<text x="${(x + barWidth / 2).toFixed(1)}" y="${(y - 3).toFixed(1)}" text-anchor="middle" font-size="10">${fmt(value)}</text>`;
    });
    body += `<text x="${(gx + groupWidth * 0.4).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle" font-size="11">${esc(group.label)}</text>`;
  });
  body += `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${H - PAD.bottom}" y2="${H - PAD.bottom}" stroke="#333"/>`;
  return frame(options.title, options.yLabel, "", body, options.seriesNames);
}

import { existsSync } from 'node:fs';
import type { TrendChartSpec } from '../core/trends/series.js';

/**
 * Draws a {@link TrendChartSpec} to PNG with Chart.js on @napi-rs/canvas (Skia, no browser; its
 * native binary comes as an npm optional dependency). Both are imported on first use, so
 * commands that draw nothing do not pay for them. Choice and figures: ADR 13.
 */

/** Discord's smallest attachment limit (bots and webhooks): charts must stay far below it. */
export const MAX_ATTACHMENT_BYTES = 8 * 1024 * 1024;

/**
 * Fonts tried, in order: DejaVu Sans from the system (the Docker image installs
 * `fonts-dejavu-core`; Debian and Ubuntu have it at this path). Without any font Skia draws no
 * text, so the chart would lose its title and axes: the first one found is registered.
 */
const FONT_FILES = ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/dejavu/DejaVuSans.ttf'];
const FONT_FAMILY = 'DejaVu Sans';

type Libraries = { canvas: typeof import('@napi-rs/canvas'); chart: typeof import('chart.js') };
let loading: Promise<Libraries> | null = null;
let loaded: Libraries | null = null;

function libraries(): Promise<Libraries> {
  loading ??= (async () => {
    const [canvas, chart] = await Promise.all([import('@napi-rs/canvas'), import('chart.js')]);
    chart.Chart.register(...chart.registerables);
    const font = FONT_FILES.find((f) => existsSync(f));
    if (font) canvas.GlobalFonts.registerFromPath(font, FONT_FAMILY);
    chart.Chart.defaults.font.family = FONT_FAMILY;
    loaded = { canvas, chart };
    return loaded;
  })();
  return loading;
}

/** Loads the chart libraries now, so that {@link renderTrendChartSync} can draw (digests: DIGEST_CHART). */
export async function preloadChartLibraries(): Promise<void> {
  await libraries();
}

/** The chart as PNG bytes. */
export async function renderTrendChart(spec: TrendChartSpec): Promise<Buffer> {
  return draw(await libraries(), spec);
}

/** The chart as PNG bytes, drawn now; null when the libraries are not loaded yet ({@link preloadChartLibraries}). */
export function renderTrendChartSync(spec: TrendChartSpec): Buffer | null {
  return loaded ? draw(loaded, spec) : null;
}

function hex(color: number): string {
  return `#${color.toString(16).padStart(6, '0')}`;
}

function draw({ canvas: skia, chart: chartjs }: Libraries, spec: TrendChartSpec): Buffer {
  const canvas = skia.createCanvas(spec.width, spec.height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, spec.width, spec.height);
  const lines = spec.series.map((s) => ({
    type: 'line' as const,
    label: s.label,
    data: [...s.values],
    borderColor: hex(s.color),
    backgroundColor: hex(s.color),
    borderWidth: 2,
    pointRadius: spec.labels.length > 60 ? 0 : 2,
    tension: 0,
  }));
  const surgeMarks = {
    type: 'scatter' as const,
    label: '▲ surge',
    data: spec.surges.map((m) => ({ x: spec.labels[m.bucket] ?? '', y: spec.series[m.series]?.values[m.bucket] ?? 0 })),
    pointStyle: 'triangle' as const,
    pointRadius: 9,
    borderColor: '#000000',
    backgroundColor: '#ffcc00',
    borderWidth: 1.5,
  };
  // Chart.js draws on any 2D context of the DOM's shape; Skia's is one.
  const chart = new chartjs.Chart(context, {
    type: 'line',
    data: { labels: [...spec.labels], datasets: [...lines, ...(spec.surges.length > 0 ? [surgeMarks] : [])] as never[] },
    options: {
      responsive: false,
      animation: false,
      devicePixelRatio: 1,
      plugins: {
        title: { display: true, text: spec.title, font: { size: 18, weight: 'bold' }, color: '#111111' },
        legend: { display: true, position: 'bottom', labels: { color: '#111111' } },
      },
      scales: {
        x: { title: { display: true, text: spec.xTitle, color: '#333333' }, ticks: { color: '#333333', maxRotation: 45, autoSkip: true, maxTicksLimit: 16 } },
        y: { beginAtZero: true, title: { display: true, text: spec.yTitle, color: '#333333' }, ticks: { color: '#333333', precision: 0 } },
      },
    },
  });
  try {
    return canvas.toBuffer('image/png');
  } finally {
    chart.destroy();
  }
}

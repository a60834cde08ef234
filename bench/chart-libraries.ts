/**
 * Measures the chart-rendering candidates of ADR 13 on this machine: install size, cold import,
 * render time per chart (median of 30) and PNG size, for the same 14-day, two-topic line chart
 * with a surge marker at 800×400.
 *
 *   npx tsx bench/chart-libraries.ts            # installs the candidates into a temporary folder
 *   npx tsx bench/chart-libraries.ts --keep     # and leaves it there
 *
 * Candidates: Chart.js on @napi-rs/canvas (Skia), and a hand-built SVG rendered by
 * @resvg/resvg-js. Both ship their native code as npm optional dependencies. Text needs a font
 * file: DejaVu Sans from the system (fonts-dejavu-core).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const dir = mkdtempSync(join(tmpdir(), 'chart-candidates-'));
const keep = process.argv.includes('--keep');

function sh(cmd: string, args: readonly string[], cwd = dir): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function duKiB(...paths: string[]): number {
  const out = sh('du', ['-sk', ...paths.map((p) => join(dir, 'node_modules', p))]);
  return out.trim().split('\n').reduce((sum, line) => sum + Number(line.split('\t')[0]), 0);
}

const RENDER = String.raw`
import { performance } from 'node:perf_hooks';
const which = process.argv[2];
const FONT = ${JSON.stringify(FONT)};
const days = 14, labels = [], a = [], b = [];
for (let i = 0; i < days; i++) { labels.push('12-' + String(i + 1).padStart(2, '0')); a.push(20 + ((i * 7) % 9)); b.push(10 + ((i * 5) % 7)); }
a[10] = 80;
let t0 = performance.now();
let render;
if (which === 'chartjs') {
  const { createCanvas, GlobalFonts } = await import('@napi-rs/canvas');
  const { Chart, registerables } = await import('chart.js');
  Chart.register(...registerables);
  GlobalFonts.registerFromPath(FONT, 'DejaVu Sans');
  render = () => {
    const canvas = createCanvas(800, 400);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, 800, 400);
    const chart = new Chart(ctx, { type: 'line', data: { labels, datasets: [{ label: 'north-korea', data: a, borderColor: '#c00' }, { label: 'ukraine', data: b, borderColor: '#00c' }] },
      options: { responsive: false, animation: false, devicePixelRatio: 1, font: { family: 'DejaVu Sans' }, plugins: { title: { display: true, text: 'Stories per day (UTC)' } } } });
    const png = canvas.toBuffer('image/png');
    chart.destroy();
    return png;
  };
} else {
  const { Resvg } = await import('@resvg/resvg-js');
  render = () => {
    const W = 800, H = 400, max = Math.max(...a, ...b);
    const x = (i) => 60 + (i * (W - 80)) / (days - 1), y = (v) => H - 40 - (v / max) * (H - 80);
    const line = (s, c) => '<polyline fill="none" stroke="' + c + '" stroke-width="2" points="' + s.map((v, i) => x(i) + ',' + y(v)).join(' ') + '"/>';
    const ticks = labels.map((l, i) => '<text x="' + x(i) + '" y="' + (H - 20) + '" font-size="11" text-anchor="middle">' + l + '</text>').join('');
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="' + W + '" height="' + H + '" font-family="DejaVu Sans"><rect width="100%" height="100%" fill="#fff"/><text x="400" y="20" text-anchor="middle" font-size="16">Stories per day (UTC)</text>' + ticks + line(a, '#c00') + line(b, '#00c') + '<circle cx="' + x(10) + '" cy="' + y(80) + '" r="6" fill="none" stroke="#000"/></svg>';
    return new Resvg(svg, { font: { fontFiles: [FONT], loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
  };
}
const importMs = performance.now() - t0;
t0 = performance.now(); const first = render(); const firstMs = performance.now() - t0;
const times = [];
for (let i = 0; i < 30; i++) { const s = performance.now(); render(); times.push(performance.now() - s); }
times.sort((p, q) => p - q);
console.log(JSON.stringify({ which, importMs: Math.round(importMs), firstRenderMs: Math.round(firstMs), medianRenderMs: +times[15].toFixed(1), pngBytes: first.length }));
`;

try {
  writeFileSync(join(dir, 'package.json'), '{"name":"chart-candidates","private":true,"type":"module"}\n');
  writeFileSync(join(dir, 'render.mjs'), RENDER);
  sh('npm', ['install', '--no-audit', '--no-fund', 'chart.js', '@napi-rs/canvas', '@resvg/resvg-js']);
  const sizes: Record<string, number> = { chartjs: duKiB('chart.js', '@kurkle', '@napi-rs'), svg: duKiB('@resvg') };
  for (const which of ['chartjs', 'svg']) {
    for (let run = 0; run < 3; run++) {
      const result = JSON.parse(sh(process.execPath, ['render.mjs', which])) as Record<string, unknown>;
      process.stdout.write(`${JSON.stringify({ ...result, installKiB: sizes[which] })}\n`);
    }
  }
} finally {
  if (keep) process.stderr.write(`kept ${dir}\n`);
  else rmSync(dir, { recursive: true, force: true });
}

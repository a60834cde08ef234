/** Coloured circles Discord and terminals both show, with the colour each stands for. */
const CIRCLES: readonly (readonly [string, number])[] = [
  ['🔴', 0xdd2e44],
  ['🟠', 0xf4900c],
  ['🟡', 0xfdcb58],
  ['🟢', 0x78b159],
  ['🔵', 0x55acee],
  ['🟣', 0xaa8ed6],
  ['🟤', 0xc1694f],
  ['⚫', 0x31373d],
  ['⚪', 0xe6e7e8],
];

function channels(color: number): [number, number, number] {
  return [(color >> 16) & 0xff, (color >> 8) & 0xff, color & 0xff];
}

/**
 * The circle emoji closest to a topic colour, so a topic's colour shows next to its label in
 * text too (an embed has only one colour bar).
 */
export function colorDot(color: number): string {
  const [r, g, b] = channels(color);
  let best = '⚪';
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const [dot, value] of CIRCLES) {
    const [cr, cg, cb] = channels(value);
    // Weighted RGB distance: cheap and close enough to perceived difference for 9 choices.
    const distance = 2 * (r - cr) ** 2 + 4 * (g - cg) ** 2 + 3 * (b - cb) ** 2;
    if (distance < bestDistance) {
      bestDistance = distance;
      best = dot;
    }
  }
  return best;
}

/** `#RRGGBB` for a 0xRRGGBB number. */
export function hexColor(color: number): string {
  return `#${color.toString(16).padStart(6, '0').toUpperCase()}`;
}

/**
 * A coloured circle for a topic colour, so the colour shows next to its label in text too (an
 * embed has only one colour bar, and a digest or alert lists several topics).
 *
 * Chosen by hue rather than RGB distance: a deep navy such as South Korea's #003478 is nearer
 * to black than to 🔵 in RGB, but readers see it as blue.
 */
export function colorDot(color: number): string {
  const r = ((color >> 16) & 0xff) / 255;
  const g = ((color >> 8) & 0xff) / 255;
  const b = (color & 0xff) / 255;
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const lightness = (max + min) / 2;
  const chroma = max - min;
  // Greys (and near-black / near-white) have no usable hue.
  if (chroma < 0.15) return lightness < 0.5 ? '⚫' : '⚪';
  let hue: number;
  if (max === r) hue = 60 * (((g - b) / chroma + 6) % 6);
  else if (max === g) hue = 60 * ((b - r) / chroma + 2);
  else hue = 60 * ((r - g) / chroma + 4);
  if (hue < 15 || hue >= 345) return '🔴';
  if (hue < 45) return lightness < 0.35 ? '🟤' : '🟠';
  if (hue < 70) return '🟡';
  if (hue < 165) return '🟢';
  if (hue < 260) return '🔵';
  return '🟣';
}

/** `#RRGGBB` for a 0xRRGGBB number. */
export function hexColor(color: number): string {
  return `#${color.toString(16).padStart(6, '0').toUpperCase()}`;
}

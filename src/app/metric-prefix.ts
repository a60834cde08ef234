/** Every metric's name starts with this (its own module, so naming a metric does not load prom-client). */
export const METRIC_PREFIX = 'watchfloor_';

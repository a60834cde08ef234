/** Composition of Discord messages from stories: pure, no I/O. */
export * from './alert.js';
export * from './cluster.js';
export * from './colors.js';
export * from './console.js';
export * from './digest.js';
export * from './limits.js';
export * from './message.js';
export * from './reasons.js';
export * from './text.js';
export * from './forum.js';

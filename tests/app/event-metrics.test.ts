import { describe, expect, it } from 'vitest';
import { registerEventMetrics } from '../../src/app/event-metrics.js';
import { createMetrics } from '../../src/app/metrics.js';

describe('event metrics', () => {
  it('GIVEN event counts WHEN scraped THEN watchfloor_events shows each state, and registering twice reuses the counters', async () => {
    const metrics = createMetrics({ processMetrics: false });
    let counts = { inWindow: 7, living: 2, developing: 1 };
    const first = registerEventMetrics(metrics.registry, () => counts);
    first.editsSent.inc(4);
    first.developingSent.inc();
    const again = registerEventMetrics(metrics.registry, () => counts);
    expect(again.editsSent).toBe(first.editsSent);
    let text = await metrics.registry.metrics();
    expect(text).toContain('watchfloor_events{state="window"} 7');
    expect(text).toContain('watchfloor_events{state="living"} 2');
    expect(text).toContain('watchfloor_events{state="developing"} 1');
    expect(text).toContain('watchfloor_event_edits_sent_total 4');
    expect(text).toContain('watchfloor_developing_notices_sent_total 1');
    counts = { inWindow: 8, living: 3, developing: 1 };
    text = await metrics.registry.metrics();
    expect(text).toContain('watchfloor_events{state="living"} 3');
  });
});

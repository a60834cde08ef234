import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.js';
import { composeAlert } from '../../src/core/compose/alert.js';
import type { OutboundMessage } from '../../src/core/compose/message.js';
import { drainOutbox, type DrainDeps } from '../../src/discord/deliver.js';
import { SinkError, type Sink } from '../../src/discord/sinks/sink.js';
import { createStore, type Store } from '../../src/store/index.js';
import { classified, makeStory, newSubscription } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
const T0 = Date.UTC(2026, 10, 22, 12);

/** A sink that answers from a script and remembers what it was asked to send. */
function scriptedSink(script: ('ok' | 'retry' | 'permanent')[]): Sink & { sent: { title: string | undefined; nonce: string }[] } {
  const sent: { title: string | undefined; nonce: string }[] = [];
  return {
    name: 'console',
    sent,
    send(message: OutboundMessage, { nonce }) {
      const step = script.shift() ?? 'ok';
      sent.push({ title: message.embeds[0]?.title, nonce });
      if (step === 'retry') return Promise.reject(new SinkError('retryable', 'HTTP 503', 503));
      if (step === 'permanent') return Promise.reject(new SinkError('permanent', 'Missing Access', 403, 50001));
      return Promise.resolve({ messageId: `m-${sent.length}` });
    },
    close: () => Promise.resolve(),
  };
}

function setup(titles: string[]): Store {
  const store = createStore(join(tempDir(), 'w.db'));
  const sub = store.subscriptions.add(newSubscription({ target: { kind: 'console' }, topics: ['ukraine'], createdAt: T0 }));
  for (const title of titles) {
    const story = makeStory({ title });
    const { rowid } = store.stories.insert(story, classified({ ukraine: 5 }));
    store.outbox.addAlert({ subscriptionId: sub.id, storyRowid: rowid, payload: composeAlert({ story, verdicts: classified({ ukraine: 5 }).verdicts, topics: new Map(), source: undefined, mentionRoleId: null }), now: T0 });
  }
  return store;
}

/** A clock that moves on by `stepMs` every time it is read, like a busy machine. */
function deps(store: Store, sink: Sink, stepMs: number, maxAttempts = 5): DrainDeps {
  let now = T0;
  return {
    outbox: store.outbox,
    claim: { owner: store.owner, leaseMs: 60_000 },
    targetOf: (id) => store.subscriptions.get(id)?.target,
    sinkFor: () => sink,
    clock: () => (now += stepMs),
    random: () => 0,
    log: silentLogger(),
    retry: { maxAttempts, baseDelayMs: 100, waitMs: 60_000 },
    sleep: (ms) => {
      now += ms;
      return Promise.resolve();
    },
  };
}

describe('drainOutbox', () => {
  it.each([1, 30, 45, 60, 90, 150, 250])('GIVEN a clock moving %i ms per read (a retry can come due between two reads) THEN the drain still retries until sent', async (stepMs) => {
    const store = setup(['A']);
    const sink = scriptedSink(['retry', 'retry', 'ok']);
    const report = await drainOutbox(deps(store, sink, stepMs));
    expect(report).toEqual({ sent: 1, retried: 2, dead: 0, uncertain: 0, pending: 0 });
    expect(new Set(sink.sent.map((s) => s.nonce)).size).toBe(1);
    expect(store.outbox.listForSubscription(1)[0]).toMatchObject({ status: 'sent', attempts: 3, messageId: 'm-3' });
    store.close();
  });

  it('GIVEN the first message backing off THEN the second waits for it, so the channel sees them in order', async () => {
    const store = setup(['first', 'second']);
    const sink = scriptedSink(['retry', 'ok', 'ok']);
    await drainOutbox(deps(store, sink, 1));
    expect(sink.sent.map((s) => s.title)).toEqual(['first', 'first', 'second']);
    store.close();
  });

  it('GIVEN a permanent error THEN the row is dead after one try and the next row still goes out', async () => {
    const store = setup(['doomed', 'fine']);
    const sink = scriptedSink(['permanent', 'ok']);
    expect(await drainOutbox(deps(store, sink, 1))).toEqual({ sent: 1, retried: 0, dead: 1, uncertain: 0, pending: 0 });
    expect(store.outbox.listForSubscription(1).map((r) => [r.status, r.attempts])).toEqual([['dead', 1], ['sent', 1]]);
    store.close();
  });

  it('GIVEN retries that come due after the wait window THEN the drain returns and leaves the row pending', async () => {
    const store = setup(['later']);
    const sink = scriptedSink(['retry', 'ok']);
    const d = deps(store, sink, 1);
    const report = await drainOutbox({ ...d, retry: { ...d.retry, baseDelayMs: 120_000 } });
    expect(report).toEqual({ sent: 0, retried: 1, dead: 0, uncertain: 0, pending: 1 });
    store.close();
  });
});

import type { FeedConfig, TopicInfo } from '../../core/types.js';
import { polledFeeds } from '../../store/added-feeds.js';
import type { CommandDeps } from './types.js';

/** Every feed that is polled: the operator's feeds.json, then those added from Discord. */
export function allFeeds(deps: Pick<CommandDeps, 'configuredFeeds' | 'store'>): FeedConfig[] {
  return polledFeeds(deps.configuredFeeds(), deps.store.addedFeeds.list());
}

export function feedMap(deps: Pick<CommandDeps, 'configuredFeeds' | 'store'>): Map<string, FeedConfig> {
  return new Map(allFeeds(deps).map((f) => [f.id, f]));
}

export function topicMap(deps: Pick<CommandDeps, 'topics'>): Map<string, TopicInfo> {
  return new Map(deps.topics().map((t) => [t.id, t]));
}

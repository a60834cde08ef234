import type { TopicInfo } from '../../../src/core/types.js';
import type { SourceInfo } from '../../../src/core/compose/alert.js';
import { TEST_TOPICS } from '../../helpers/stories.js';

export { verdict } from '../../helpers/stories.js';

export const TOPICS = new Map<string, TopicInfo>(TEST_TOPICS.map((topic) => [topic.id, topic]));

export const SOURCES = new Map<string, SourceInfo>([
  ['reuters', { name: 'Reuters', kind: 'wire' }],
  ['ap', { name: 'AP', kind: 'wire' }],
  ['bbc', { name: 'BBC News', kind: 'outlet' }],
  ['kcna', { name: 'KCNA Watch', kind: 'state-media' }],
]);

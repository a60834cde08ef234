import { describe, expect, it } from 'vitest';
import { readStory } from '../../../src/core/classify/read-story.js';
import { trainTopicModel } from '../../../src/core/classify/train.js';
import { ukraineRules } from './helpers.js';

const rules = ukraineRules();

const LABELLED = [
  { title: 'Russia strikes Kyiv power plants overnight', summary: 'Ukraine restored electricity after the drone attack.', labels: ['ukraine'] },
  { title: 'Shelling along the front line in Ukraine', summary: 'Families left villages near the front line.', labels: ['ukraine'] },
  { title: 'Central bank raises interest rates', summary: 'Inflation stayed high for a third month.', labels: [] },
  { title: 'Football club wins league title', summary: 'Fans celebrated in the streets.', labels: [] },
];

describe('the story as the classifier reads it', () => {
  it('GIVEN an aggregator\'s headline, a shouted one and a summary repeating the headline THEN the credit is set aside, the headline unshouted and the repeat read once', () => {
    const credited = readStory({ title: 'Fed holds rates steady as inflation cools - Kyiv Post', summary: 'Fed holds rates steady as inflation cools Kyiv Post' });
    expect(credited.title).toBe('Fed holds rates steady as inflation cools');
    expect(credited.credit?.outlet).toBe('Kyiv Post');
    expect(credited.summary).toBe('');
    expect(readStory({ title: 'SEOUL HOSTS TRADE FAIR', summary: '' }).title).toBe('Seoul Hosts Trade Fair');
    expect(readStory({ title: 'Fed holds rates', summary: 'Fed holds rates. The bank said so.' }).summary).toBe('The bank said so.');
  });

  it('GIVEN stored stories with outlet credits among the training documents THEN the model learns the stories\' words, not the outlets\'', () => {
    // Weak positives (the rules are sure of them), as a Google News search feed stores them.
    const stored = [
      { title: 'Russia shells Kyiv suburbs in Ukraine - Zorblax News', summary: 'Ukraine said the strikes on Kyiv hit a sourdough bakery.' },
      { title: 'Drones strike Kyiv as Ukraine braces for winter - Zorblax News', summary: 'A sourdough bakery in Kyiv, Ukraine, lost its windows.' },
    ];
    const { model, weak } = trainTopicModel(rules, LABELLED, stored);
    expect(weak).toBe(2);
    const weights = model.topics.get('ukraine')?.weights;
    // The stories' own words are learned; the outlet's are not (it is not read when classifying).
    expect(weights?.has('sourdough')).toBe(true);
    expect(weights?.has('zorblax')).toBe(false);
  });
});

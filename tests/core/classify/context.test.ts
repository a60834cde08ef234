import { describe, expect, it } from 'vitest';
import { createTopicClassifier } from '../../../src/core/classify/classifier.js';
import { CONTEXT_FEATURES, CONTEXT_LIFT, bareKimWithLeaders, cultureAbroad, gridStrikes, homeCompany, isAttribution, isRoundup, kimInspects, commentatorPlace, hostCity, marketWrap, otherCountryStory, northActs, personAbroad, refugeesAbroad, sceneAt, spillover, yardstick, tradeOrigin, warAid, warReference, warSupply } from '../../../src/core/classify/context.js';
import type { FieldText } from '../../../src/core/classify/matcher.js';
import type { Model } from '../../../src/core/classify/model.js';
import { tokenize } from '../../../src/core/classify/text.js';
import type { TopicVerdict } from '../../../src/core/types.js';
import { rulesFromYaml, topicHead } from './helpers.js';

const head = (id: string): string => topicHead(id);

const rules = rulesFromYaml({
  'north-korea.yaml': `${head('north-korea')}patterns:
  - weight: 3
    terms: [North Korea, Pyongyang, North Korean]
  - weight: 4
    terms: [Kim Jong Un]
  - weight: 1.5
    terms: [Kim]
exclusions:
  - name: impersonators
    terms: [impersonator]
    penalty: 8
`,
  'south-korea.yaml': `${head('south-korea')}patterns:
  - weight: 3
    terms: [South Korea, Seoul, South Korean, Yeonpyeong, JCS, Kospi, Busan, Gwangju]
  - weight: 1.5
    terms: [the South]
    requires: [North Korea, Pyongyang, North Korean]
  - weight: 1
    terms: [Samsung]
exclusions:
  - name: South Korean as a firm's label
    terms: [South Korean chipmaker]
  - name: K-drama
    terms: [K drama]
    penalty: 1
`,
  'ukraine.yaml': `${head('ukraine')}patterns:
  - weight: 3
    terms: [Ukraine, Kyiv, Ukrainian]
  - weight: 1
    terms: [war]
exclusions:
  - name: chicken Kiev
    terms: [chicken Kyiv]
    penalty: 2
`,
});

const classifier = createTopicClassifier(rules, null);

function verdict(title: string, summary: string, topic: string): TopicVerdict {
  const v = classifier.classify({ title, summary }).verdicts.find((x) => x.topic === topic);
  if (!v) throw new Error(`no verdict for ${topic}`);
  return v;
}

function contextReason(v: TopicVerdict, feature: string): boolean {
  return v.reasons.some((r) => r.kind === 'pattern' && r.pattern === `context: ${feature}`);
}

function fields(title: string, summary = ''): FieldText[] {
  return [
    { field: 'title', text: title, tokens: tokenize(title) },
    { field: 'summary', text: summary, tokens: tokenize(summary) },
  ];
}

describe('attribution', () => {
  it('GIVEN the South only as the source of a North Korea report THEN south-korea is capped, with the reason', () => {
    const v = verdict('North Korea fires two missiles into the sea, Seoul\'s military says', '', 'south-korea');
    expect(v.matched).toBe(false);
    expect(contextReason(v, CONTEXT_FEATURES.attribution)).toBe(true);
  });

  it('GIVEN "according to South Korean officials" THEN it is a source too', () => {
    const v = verdict('Pyongyang launches cruise missiles, according to South Korean officials', '', 'south-korea');
    expect(v.matched).toBe(false);
  });

  it('GIVEN Seoul announcing its own action ("said it would") THEN it is not a source', () => {
    const v = verdict('North Korea fires missiles; Seoul said it would resume loudspeaker broadcasts', '', 'south-korea');
    expect(contextReason(v, CONTEXT_FEATURES.attribution)).toBe(false);
    expect(v.matched).toBe(true);
  });

  it('GIVEN a South Korea story with no other subject THEN its own officials speaking are not capped', () => {
    const v = verdict('Seoul officials said exports rose in May', '', 'south-korea');
    expect(contextReason(v, CONTEXT_FEATURES.attribution)).toBe(false);
    expect(v.matched).toBe(true);
  });
});

describe('party structure', () => {
  it('GIVEN the South\'s marines firing back in a North Korea story THEN south-korea is lifted over the threshold', () => {
    const v = verdict('North Korea fires shells near the sea border', 'The South\'s marines fired back from the islands.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(v.score).toBe(4 + CONTEXT_LIFT);
    expect(contextReason(v, CONTEXT_FEATURES.party)).toBe(true);
  });

  it('GIVEN a defector crossing into the South THEN south-korea matches', () => {
    expect(verdict('North Korean soldier defects', 'He crossed into the South on foot.', 'south-korea').matched).toBe(true);
  });

  it('GIVEN the South named without a party cue THEN it stays a passing mention', () => {
    const v = verdict('North Korea holds party congress', 'Delegates praised the leader; the South watched closely.', 'south-korea');
    expect(contextReason(v, CONTEXT_FEATURES.party)).toBe(false);
    expect(v.matched).toBe(false);
  });

  it('GIVEN no North Korea story THEN the party feature does nothing', () => {
    const v = verdict('Storm hits coast', 'Residents of Seoul were told to stay home.', 'south-korea');
    expect(contextReason(v, CONTEXT_FEATURES.party)).toBe(false);
  });
});

describe('roundups', () => {
  it('GIVEN a briefing whose item reports an event of the topic THEN the item counts as a lead', () => {
    const v = verdict('Morning briefing: rates, earnings and more', 'The Fed holds rates. Also: North Korea fired a ballistic missile overnight. Apple reports later.', 'north-korea');
    expect(v.matched).toBe(true);
    expect(contextReason(v, CONTEXT_FEATURES.roundup)).toBe(true);
  });

  it('GIVEN a roundup naming the country only as a place THEN it stays a passing mention', () => {
    const v = verdict('Week in pictures', 'A surfer in Hawaii; protesters in Nairobi; a fashion show in Seoul.', 'south-korea');
    expect(v.matched).toBe(false);
  });

  it('GIVEN an ordinary story THEN it is not a roundup', () => {
    expect(isRoundup(fields('Fed holds rates', 'The central bank kept its rate at 5%.'))).toBe(false);
    expect(isRoundup(fields('Your evening briefing', 'Stocks rose. A strike hit Kharkiv. Paris prepares.'))).toBe(true);
  });
});

describe('war reference', () => {
  it('GIVEN shells sent to Russia for its war THEN ukraine matches without its name', () => {
    const v = verdict('Millions of artillery shells shipped to Russia for its war', 'Moscow is using them on the front line, officials say.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(contextReason(v, CONTEXT_FEATURES.war)).toBe(true);
  });

  it('GIVEN a possessive elsewhere in the story ("South Korea\'s minister") THEN the war reference still counts', () => {
    expect(warReference(fields('Artillery shipped to Russia for its war, Seoul says', "South Korea's defence minister told lawmakers about the shells."), false)).not.toBeNull();
  });

  it('GIVEN the war named as "its invasion", "war effort" or men fighting for Russia THEN it is the war itself', () => {
    expect(warReference(fields('Havana breaks up ring recruiting men', 'They were sent to fight for Russia in its invasion.'), false)).not.toBeNull();
    expect(warReference(fields('Tehran sends drones to Russia for war effort', 'Hundreds of drones were supplied.'), false)).not.toBeNull();
    expect(warReference(fields('Russia\'s war effort strains budget', 'Spending on pensions was cut.'), false)).toBeNull();
  });

  it('GIVEN weapons used on the battlefield or against Russian positions, with a Ukrainian source THEN it is the war itself', () => {
    expect(warReference(fields('Long-range missiles arrive on the battlefield', 'They are being fired at depots, a Ukrainian colonel said.'), true)).not.toBeNull();
    expect(warReference(fields('New howitzers pound Russian positions', 'Crews fired at night, a Ukrainian officer said.'), true)).not.toBeNull();
    expect(warReference(fields('Battlefield medicine course opens in Ohio', 'Nurses train with tourniquets.'), false)).toBeNull();
  });

  it('GIVEN the war as a backdrop ("over the invasion") THEN no war reference', () => {
    expect(warReference(fields('Football club quits Russian league over invasion', 'The team cited travel bans and fighting.'), false)).toBeNull();
    expect(verdict('Finland raises defence budget after Russia\'s invasion', 'Troops and artillery will be added.', 'ukraine').matched).toBe(false);
  });

  it('GIVEN another war in the story THEN no war reference', () => {
    expect(warReference(fields('Shells sent for the war in Gaza', 'Israel received artillery rounds as Russia watched.'), false)).toBeNull();
  });

  it('GIVEN a Ukraine exclusion in the story THEN the war feature does not lift it', () => {
    const v = verdict('Chicken Kyiv for the troops at the front', 'Russia sends soldiers.', 'ukraine');
    expect(contextReason(v, CONTEXT_FEATURES.war)).toBe(false);
  });
});

describe('surnames', () => {
  it('GIVEN a bare Kim beside a US president THEN north-korea matches', () => {
    const v = verdict('Trump says he would meet Kim again', '', 'north-korea');
    expect(v.matched).toBe(true);
    expect(contextReason(v, CONTEXT_FEATURES.surname)).toBe(true);
  });

  it('GIVEN a title-case headline "Kim Arrives in Hanoi" THEN Kim is bare', () => {
    expect(bareKimWithLeaders(fields('Kim Arrives in Hanoi for Summit'))).not.toBeNull();
  });

  it('GIVEN another Kim (a given name follows) THEN nothing', () => {
    expect(bareKimWithLeaders(fields('Kim Kardashian visits Trump at the White House'))).toBeNull();
    expect(bareKimWithLeaders(fields('Kim warns of hard times'))).toBeNull();
  });
});

describe('home company', () => {
  it('GIVEN a Korean firm\'s strike at home THEN south-korea matches, with the reason', () => {
    const v = verdict('Samsung workers walk out over pay', 'The union said thousands joined the strike at chip plants.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(contextReason(v, CONTEXT_FEATURES.company)).toBe(true);
  });

  it('GIVEN "South Korean" only as the label of a firm whose results are the story THEN it counts', () => {
    const v = verdict('Memory prices lift results', 'The South Korean chipmaker posted a record quarterly profit.', 'south-korea');
    expect(v.matched).toBe(true);
  });

  it('GIVEN a roundup whose other item is abroad THEN the firm\'s own item still counts, and an item placing the firm abroad does not', () => {
    expect(homeCompany(fields('The day in five stories', "Storms in Texas; a strike at Samsung's chip plants; and a Dutch election upset."))?.matched).toBe('Samsung');
    expect(homeCompany(fields('The day in five stories', 'Storms in Kansas; Samsung workers strike at a plant in Texas; and a Dutch election upset.'))).toBeNull();
  });

  it('GIVEN a roundup titled with a firm named "Korea …" THEN the title is read with the first item', () => {
    expect(homeCompany(fields('Midday update: Korea Zinc feud escalates', 'Shareholders face a court ruling on the tender offer; oil steady.'))?.matched).toBe('Korea Zinc');
    expect(homeCompany(fields('Midday update: Korea Zinc feud escalates', 'Oil steady; shareholders of a Dutch brewer face a court ruling.'))).toBeNull();
  });

  it('GIVEN the firm abroad (a plant in Texas, a recall in the US) or no home cue THEN nothing', () => {
    expect(homeCompany(fields('Samsung workers strike at plant in Texas', 'The union said pay was too low.'))).toBeNull();
    expect(homeCompany(fields('Samsung recalls washing machines in US over injury risk', 'Profit warnings followed.'))).toBeNull();
    expect(homeCompany(fields('Samsung unveils new phone', 'The handset has three cameras.'))).toBeNull();
    expect(verdict('Samsung unveils new phone', 'The handset has three cameras.', 'south-korea').matched).toBe(false);
  });
});

describe('person abroad', () => {
  it('GIVEN a South Korean executive sentenced in the US THEN south-korea is capped, with the reason', () => {
    const v = verdict('South Korean executive jailed in US over bribery', 'A former manager was sentenced in Virginia for bribing an official.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(contextReason(v, CONTEXT_FEATURES.abroad)).toBe(true);
  });

  it('GIVEN a trial at home or South Korea named as a country THEN the feature does nothing', () => {
    expect(verdict('South Korean executive jailed in Seoul over bribery', 'A court sentenced him to three years.', 'south-korea').matched).toBe(true);
    expect(verdict('South Korea jails executive in US-linked bribery case', 'A court sentenced him to three years.', 'south-korea').matched).toBe(true);
    expect(personAbroad([], fields('South Korean executive jailed in US'))).toBe(false);
  });
});

describe('trade', () => {
  it('GIVEN shipments from the country in a lone summary mention THEN the topic matches, with the reason', () => {
    const v = verdict('Ramen sales abroad hit a record', 'Shipments rose 20% as South Korean ramen exports topped $1bn, customs data showed.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(contextReason(v, CONTEXT_FEATURES.trade)).toBe(true);
  });

  it('GIVEN the country as the buyer ("exports to South Korea") THEN it stays a passing mention', () => {
    const v = verdict('Beef sales hit a record', 'Australian beef exports to South Korea rose 12%, the industry body said.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(contextReason(v, CONTEXT_FEATURES.trade)).toBe(false);
  });

  it('GIVEN origins by adjective, possessive, noun and "from" THEN each names its role; a noun used otherwise does not', () => {
    expect(tradeOrigin(fields('Ukrainian sunflower oil exports slump'))?.role).toBe('war');
    expect(tradeOrigin(fields("North Korea's trade with China recovers"))?.role).toBe('north');
    expect(tradeOrigin(fields('Grain exports from Ukraine rise'))?.role).toBe('war');
    expect(tradeOrigin(fields('Korea exports rise for a tenth month'))?.role).toBe('south');
    expect(tradeOrigin(fields('Prices fell after the invasion of Ukraine disrupted exports from Russia'))).toBeNull();
    expect(tradeOrigin(fields('Japan\'s exports to China fall'))).toBeNull();
  });
});

describe('war supply', () => {
  it('GIVEN missiles shipped to Russia without the war named THEN ukraine matches, with the reason', () => {
    const v = verdict('Tehran ships ballistic missiles to Russia, officials say', 'Hundreds of missiles crossed the Caspian Sea in recent weeks.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(contextReason(v, CONTEXT_FEATURES.supply)).toBe(true);
  });

  it('GIVEN firms "supplying Russia" with parts named elsewhere THEN it is war supply', () => {
    expect(warSupply(fields("US sanctions firms supplying Russia's army", 'The firms shipped drone engines and chips.'))).not.toBeNull();
  });

  it('GIVEN another receiver, or workers rather than arms THEN no war supply', () => {
    expect(warSupply(fields('Russia sells arms to India', 'Moscow shipped missiles to New Delhi.'))).toBeNull();
    expect(warSupply(fields('Workers sent to Russia in breach of sanctions', 'Thousands work on building sites near Moscow.'))).toBeNull();
    expect(verdict('Russia sells arms to India', 'Moscow shipped missiles to New Delhi.', 'ukraine').matched).toBe(false);
  });
});

describe('war target', () => {
  it('GIVEN Russian drones striking a power grid THEN ukraine matches, with the reason', () => {
    const v = verdict("Drones fuel Russia's winter strikes on the power grid", 'Substations and power plants were hit in waves of attacks.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(contextReason(v, CONTEXT_FEATURES.grid)).toBe(true);
  });

  it("GIVEN Russia's own grid without a strike, or another war THEN no war target", () => {
    expect(gridStrikes(fields("Heatwave strains Russia's power grid", 'Demand for electricity hit a record in Moscow.'))).toBeNull();
    expect(gridStrikes(fields('Strikes on Gaza power plant', 'Israeli missiles hit the plant as Russia called for calm.'))).toBeNull();
  });
});

describe('decisive lifts and the model', () => {
  // The same rules with the model on, and a model that says a confident no to every story.
  const on = (id: string): string => head(id).replace('  enabled: false', '  enabled: true\n  weight: 2');
  const withModel = rulesFromYaml({
    'north-korea.yaml': `${on('north-korea')}patterns:\n  - weight: 3\n    terms: [North Korea, Pyongyang, North Korean]\n`,
    'south-korea.yaml': `${on('south-korea')}patterns:\n  - weight: 3\n    terms: [South Korea, Seoul]\n  - weight: 1.5\n    terms: [the South]\n    requires: [North Korea]\n`,
    'ukraine.yaml': `${on('ukraine')}patterns:\n  - weight: 3\n    terms: [Ukraine, Kyiv]\n`,
  });
  const naysayer: Model = { topics: new Map(withModel.topics.map((t) => [t.id, { prior: -30, weights: new Map(), positives: 1, negatives: 1 }])) };
  const sceptical = createTopicClassifier(withModel, naysayer);
  const judge = (title: string, summary: string, topic: string): TopicVerdict => {
    const v = sceptical.classify({ title, summary }).verdicts.find((x) => x.topic === topic);
    if (!v) throw new Error(`no verdict for ${topic}`);
    return v;
  };

  it('GIVEN a roundup item lifted by its structure THEN the model is not consulted and the verdict stands, with a note', () => {
    const v = judge('Your evening briefing', 'Stocks rose. A missile strike on Kyiv killed seven people. Paris prepares.', 'ukraine');
    expect(contextReason(v, CONTEXT_FEATURES.roundup)).toBe(true);
    expect(v.modelProbability).toBeNull();
    expect(v.reasons.some((r) => r.kind === 'note' && r.text.startsWith('model not consulted'))).toBe(true);
    expect(v.matched).toBe(true);
  });

  it('GIVEN the South itself acting in a North Korea story THEN the party feature lifts without deciding: the model is consulted and a confident no overrules', () => {
    const v = judge('North Korea fires shells near the sea border', "The South's marines fired back from the islands.", 'south-korea');
    expect(contextReason(v, CONTEXT_FEATURES.party)).toBe(true);
    expect(v.modelProbability).not.toBeNull();
    expect(v.matched).toBe(false);
  });

  it('GIVEN only joint drills as the party cue THEN the party feature lifts, the model is still consulted and its confident no overrules', () => {
    const v = judge('North Korea fires cruise missiles', 'The launch came as the South held drills with US forces.', 'south-korea');
    expect(contextReason(v, CONTEXT_FEATURES.party)).toBe(true);
    expect(v.modelProbability).not.toBeNull();
    expect(v.matched).toBe(false);
  });
});

describe('roundup items', () => {
  it('GIVEN the topic as the target of an item\'s event ("a strike on Kyiv") THEN the item counts', () => {
    const v = verdict('Your evening briefing', 'Stocks rose on earnings. A missile strike on Kyiv killed seven people. Paris prepares.', 'ukraine');
    expect(contextReason(v, CONTEXT_FEATURES.roundup)).toBe(true);
  });

  it('GIVEN a Korean firm\'s item placed abroad THEN it does not count for the South', () => {
    const v = verdict("The week's business news", 'Chip stocks rose; Samsung opened a plant in Texas; and inflation eased.', 'south-korea');
    expect(contextReason(v, CONTEXT_FEATURES.roundup)).toBe(false);
    expect(v.matched).toBe(false);
  });

  it('GIVEN the topic as the subject of an item ("leaders of Japan and South Korea met") THEN the item counts', () => {
    const v = verdict('Morning Wire: tariffs and storms', 'Tariffs were announced on lumber; a hurricane threatens Florida; and leaders of Japan and South Korea met in Tokyo.', 'south-korea');
    expect(contextReason(v, CONTEXT_FEATURES.roundup)).toBe(true);
    expect(v.matched).toBe(true);
  });

  it('GIVEN the topic as the object of an item ("met Kyiv officials") THEN the item counts; a place in an item without an event does not', () => {
    expect(contextReason(verdict('Politics live', 'MPs vote later. Earlier, the prime minister met Kyiv officials in London.', 'ukraine'), CONTEXT_FEATURES.roundup)).toBe(true);
    expect(contextReason(verdict('Politics live', 'MPs vote later. Earlier, ministers discussed trade routes via Kyiv and Warsaw.', 'ukraine'), CONTEXT_FEATURES.roundup)).toBe(false);
  });
});

describe('keyword scores at a lift', () => {
  it('GIVEN a home-company story whose keywords alone reach the lift THEN the feature still decides it, at no extra weight', () => {
    const v = verdict('Samsung strike hits chip output', 'Workers in Seoul walked out over pay, the union said.', 'south-korea');
    const reason = v.reasons.find((r) => r.kind === 'pattern' && r.pattern === `context: ${CONTEXT_FEATURES.company}`);
    expect(reason).toBeDefined();
    expect(v.matched).toBe(true);
  });
});

describe('party and source, finer', () => {
  const korea = rulesFromYaml({
    'north-korea.yaml': `${head('north-korea')}patterns:\n  - weight: 3\n    terms: [North Korea, North Korean, Pyongyang]\n  - weight: 4\n    terms: [Kim Jong Un]\n`,
    'south-korea.yaml': `${head('south-korea')}patterns:\n  - weight: 3\n    terms: [South Korea, Seoul]\n  - weight: 2\n    terms: [DMZ]\n  - weight: 1\n    terms: [Korean]\n  - weight: 1.5\n    terms: [the South]\n    requires: [North Korea, North Korean]\n`,
  });
  const k = createTopicClassifier(korea, null);
  const south = (title: string, summary: string): TopicVerdict => {
    const v = k.classify({ title, summary }).verdicts.find((x) => x.topic === 'south-korea');
    if (!v) throw new Error('no verdict');
    return v;
  };

  it('GIVEN others meeting at the DMZ THEN the meeting is no party cue for the South', () => {
    expect(contextReason(south('Kim Jong Un to meet US envoy', 'Talks will be held at the DMZ next week.'), CONTEXT_FEATURES.party)).toBe(false);
  });

  it('GIVEN "North Korean" read as a bare "Korean" beside a party cue THEN the South is not lifted', () => {
    expect(contextReason(south('Kim Jong Un travels to Beijing', 'The North Korean leader will meet Xi.'), CONTEXT_FEATURES.party)).toBe(false);
  });

  it('GIVEN defectors asking for asylum in the South THEN the South is a party', () => {
    expect(contextReason(south('Three North Korean fishermen cross the sea border', 'They asked for asylum in the South after landing.'), CONTEXT_FEATURES.party)).toBe(true);
  });

  it('GIVEN Seoul only cited, beside a North Korea story below its threshold THEN the South is capped as a source', () => {
    const v = south('Rice prices in the North soared, Seoul says', 'Pyongyang markets were short of grain.');
    expect(contextReason(v, CONTEXT_FEATURES.attribution)).toBe(true);
    expect(v.matched).toBe(false);
  });
});

describe('war reference, wider', () => {
  it('GIVEN something sold to Wagner "for the war" THEN it is the war itself', () => {
    expect(warReference(fields('Firms sold satellite images to Wagner for the war', 'The images helped plan attacks.'), false)).not.toBeNull();
  });

  it('GIVEN volunteers paid for the front THEN it is the war itself; oil money without a supply or soldiers is not', () => {
    expect(warReference(fields('Kremlin pays record bonuses to volunteers for the front', ''), false)).not.toBeNull();
    expect(warReference(fields('Russia earns more from oil than before the war', 'Revenue rose 20%.'), false)).toBeNull();
  });
});

describe('person abroad, any named place', () => {
  it('GIVEN a South Korean tourist arrested in a city no list names THEN it is not South Korea news', () => {
    const v = verdict('South Korean tourist arrested in Chiang Mai', 'Police said the man carried drugs.', 'south-korea');
    expect(contextReason(v, CONTEXT_FEATURES.abroad)).toBe(true);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a South Korean arrested "in March" THEN a month is not a place abroad', () => {
    const v = verdict('South Korean executive arrested in March over bribery', 'Prosecutors said he paid officials for permits.', 'south-korea');
    expect(contextReason(v, CONTEXT_FEATURES.abroad)).toBe(false);
    expect(v.matched).toBe(true);
  });

  it('GIVEN a South Korean man arrested "in Seoul" THEN the place is the topic\'s own and the story stays South Korea news', () => {
    const v = verdict('South Korean man arrested in Seoul', 'Police said the man carried drugs.', 'south-korea');
    expect(contextReason(v, CONTEXT_FEATURES.abroad)).toBe(false);
    expect(v.matched).toBe(true);
  });
});

describe('the North acts', () => {
  it('GIVEN "the North" firing in a story with a South Korean name THEN north-korea matches, with the reason', () => {
    const v = verdict('Seoul orders evacuation of an island as North fires artillery', 'Residents went into shelters.', 'north-korea');
    expect(v.matched).toBe(true);
    expect(contextReason(v, CONTEXT_FEATURES.north)).toBe(true);
  });

  it('GIVEN "North" as the first word of another name, or no South Korean name THEN the North does not act', () => {
    expect(northActs(fields('Wildfires in North Gyeongsang kill 27'))).toBeNull();
    expect(northActs(fields('Storm heads to North Carolina'))).toBeNull();
    expect(northActs(fields("The North's drones crossed the border"))).not.toBeNull();
    expect(northActs(fields('Jamming from the North disrupts flights'))).not.toBeNull();
    const v = verdict('As North fires back, the league title race tightens', 'The club scored twice.', 'north-korea');
    expect(contextReason(v, CONTEXT_FEATURES.north)).toBe(false);
    expect(v.matched).toBe(false);
  });

  it('GIVEN North Korean drones crossing in a South Korean story THEN north-korea is more than a passing mention', () => {
    const v = verdict('South Korea to fly drones over the border, Seoul says', 'The president spoke after North Korean drones crossed into the South.', 'north-korea');
    expect(contextReason(v, CONTEXT_FEATURES.north)).toBe(true);
    expect(v.matched).toBe(true);
  });

  it('GIVEN North Korea named only as a place in a South Korean story THEN it stays a passing mention', () => {
    const v = verdict('Seoul hosts food fair', 'Dishes from North Korean restaurants in China were on show.', 'north-korea');
    expect(contextReason(v, CONTEXT_FEATURES.north)).toBe(false);
    expect(v.matched).toBe(false);
  });
});

describe('venue', () => {
  const korea = rulesFromYaml({
    'north-korea.yaml': `${head('north-korea')}patterns:\n  - weight: 3\n    terms: [North Korea, Pyongyang]\n  - weight: 4\n    terms: [Kim Jong Un]\n`,
    'south-korea.yaml': `${head('south-korea')}patterns:\n  - weight: 3\n    terms: [South Korea, Seoul, South Korean]\n  - weight: 2\n    terms: [DMZ, Panmunjom]\n`,
  });
  const k = createTopicClassifier(korea, null);
  const south = (title: string, summary: string): TopicVerdict => {
    const v = k.classify({ title, summary }).verdicts.find((x) => x.topic === 'south-korea');
    if (!v) throw new Error('no verdict');
    return v;
  };

  it('GIVEN a US president meeting Kim Jong Un at the DMZ THEN the border is the venue and the South is capped', () => {
    const v = south('Trump to meet Kim Jong Un at the DMZ', 'The president offered to shake hands at the border.');
    expect(contextReason(v, CONTEXT_FEATURES.venue)).toBe(true);
    expect(v.matched).toBe(false);
  });

  it("GIVEN the South's president meeting the North at Panmunjom THEN the South is a party, not a venue", () => {
    const v = south('South Korean president meets Kim Jong Un at Panmunjom', 'The leaders agreed to talks.');
    expect(contextReason(v, CONTEXT_FEATURES.venue)).toBe(false);
    expect(v.matched).toBe(true);
  });
});

describe('war aid', () => {
  it('GIVEN shells bought for Ukraine\'s army, Ukraine named once in the summary THEN ukraine matches, decided by the feature', () => {
    const v = verdict('Ammunition drive passes its target a month early', 'The coalition buys artillery rounds from suppliers in Asia for Ukraine\'s army.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(contextReason(v, CONTEXT_FEATURES.aid)).toBe(true);
  });

  it('GIVEN a supply verb with Ukraine as its object and arms in the story THEN war aid', () => {
    expect(warAid(fields('Norway keeps arming Ukraine', 'The new package includes air defence missiles.'))).not.toBeNull();
  });

  it('GIVEN the supply denied, another receiver or no materiel THEN no war aid', () => {
    expect(warAid(fields('Party wins vote after promising to stop sending weapons to Kyiv'))).toBeNull();
    expect(warAid(fields('Seoul to send shells to Poland', 'Ukraine was not among the buyers.'))).toBeNull();
    expect(warAid(fields('Chefs travel to Kyiv for food festival'))).toBeNull();
    const v = verdict('Party wins vote in Bratislava', 'Its leader promised to stop sending weapons to Kyiv.', 'ukraine');
    expect(contextReason(v, CONTEXT_FEATURES.aid)).toBe(false);
    expect(v.matched).toBe(false);
  });
});

describe('scene', () => {
  const place = (title: string, summary: string, topic: string): boolean => contextReason(verdict(title, summary, topic), CONTEXT_FEATURES.scene);

  it('GIVEN an event at a place of the country, named once in the summary THEN the topic matches, with the reason', () => {
    const v = verdict('Delivery riders strike over fees', 'Couriers rallied in Seoul on Sunday, demanding a minimum fee per order.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(contextReason(v, CONTEXT_FEATURES.scene)).toBe(true);
    expect(place('Actor convicted of assault', 'A court in Seoul gave him a suspended sentence.', 'south-korea')).toBe(true);
  });

  it('GIVEN the event at another place, a place without an event, or a place that is only named THEN no scene', () => {
    // The event is Paris's; Seoul is the next item of the list.
    expect(place('The week in pictures', 'From a protest in Paris to a lantern festival in Seoul, our picks.', 'south-korea')).toBe(false);
    expect(place('The week in pictures', 'Protesters in Nairobi, a fashion show in Seoul.', 'south-korea')).toBe(false);
    expect(place('Pop star opens a shop', 'The singer opened a store in Seoul on Friday.', 'south-korea')).toBe(false);
    expect(place('Chef wins award', 'She trained in Seoul before the fire at her first restaurant in Lyon.', 'south-korea')).toBe(false);
  });

  it('GIVEN a place hit masked by an exclusion elsewhere in the story THEN the scene does not undo it', () => {
    expect(place('Chicken Kyiv night at the diner', 'A fire broke out in Kyiv Street near the diner, police said.', 'ukraine')).toBe(false);
  });

  it('GIVEN sceneAt directly THEN it returns the place hit, and ignores weak hits', () => {
    const f = fields('Blast at cement plant injures seven', 'The blast at the plant in Seoul is under investigation.');
    const summary = f[1];
    if (!summary) throw new Error('no summary');
    const at = summary.tokens.findIndex((t) => t.text === 'seoul');
    const hit = { topic: 0, rule: 0, field: 'summary' as const, from: at, to: at + 1, matched: 'Seoul', term: 'seoul', kind: 'pattern' as const };
    expect(sceneAt([hit], f, () => 3)?.matched).toBe('Seoul');
    expect(sceneAt([hit], f, () => 1)).toBeNull();
  });
});

describe('surname: Kim overseeing weapons', () => {
  it('GIVEN "Kim oversees test of …" with no other North Korea word THEN north-korea matches, with the reason', () => {
    const v = verdict('Kim oversees test of new rocket launchers', 'The launchers will be deployed to front-line units next year, state media said.', 'north-korea');
    expect(v.matched).toBe(true);
    expect(contextReason(v, CONTEXT_FEATURES.inspection)).toBe(true);
  });

  it('GIVEN a title before Kim, another verb, or nothing to inspect THEN no lift', () => {
    expect(kimInspects(fields('Defence Minister Kim inspects missile units'))).toBeNull();
    expect(kimInspects(fields('Kim oversees wedding of the year', 'The couple met at university.'))).toBeNull();
    expect(kimInspects(fields('Kim Kardashian watches missile documentary'))).toBeNull();
  });
});

describe('party: hacking and jamming', () => {
  it('GIVEN North Korea hacking the South\'s network THEN the South is a party', () => {
    const v = verdict('North Korea hacks the South\'s court network', 'Hackers linked to Pyongyang stole data over two years, police said.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(contextReason(v, CONTEXT_FEATURES.party)).toBe(true);
  });
});

describe('attribution: a headline\'s colon', () => {
  it('GIVEN "Seoul\'s spy agency: …" in a North Korea story THEN the South is only the source', () => {
    const v = verdict('Seoul\'s spy agency: Kim Jong Un\'s sister gains power', 'The agency told lawmakers she now runs the propaganda department.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(contextReason(v, CONTEXT_FEATURES.attribution)).toBe(true);
  });

  it('GIVEN the country itself before a colon (a topic label, not a source) THEN not an attribution', () => {
    const f = fields('Seoul: parliament votes to lift martial law');
    const title = f[0];
    if (!title) throw new Error('no title');
    const hit = { topic: 0, rule: 0, field: 'title' as const, from: 0, to: 1, matched: 'Seoul', term: 'seoul', kind: 'pattern' as const };
    expect(isAttribution(hit, f, [])).toBe(false);
  });
});

describe('culture or sport abroad', () => {
  it('GIVEN a tour or a match abroad under the country\'s name THEN the topic is capped, with the reason', () => {
    const tour = verdict('Ukrainian folk choir opens tour of Canada in Toronto', 'The choir will give thirty concerts across Canada this autumn.', 'ukraine');
    expect(tour.matched).toBe(false);
    expect(contextReason(tour, CONTEXT_FEATURES.culture)).toBe(true);
    const match = verdict('South Korea beat Mexico in World Cup opener in Auckland', 'A late header settled the group match on Saturday.', 'south-korea');
    expect(match.matched).toBe(false);
    expect(contextReason(match, CONTEXT_FEATURES.culture)).toBe(true);
  });

  it('GIVEN the same with arms, war or the state in the story THEN the feature stays out', () => {
    const v = verdict('Ukrainian folk choir opens tour of Canada in Toronto', 'The concerts raise money for soldiers at the front.', 'ukraine');
    expect(contextReason(v, CONTEXT_FEATURES.culture)).toBe(false);
    expect(v.matched).toBe(true);
  });

  it('GIVEN an event at home, visitors "from abroad", a month after "in", or two countries\' joint team THEN not abroad', () => {
    expect(cultureAbroad([], fields('Seoul film festival opens'))).toBeNull();
    const home = verdict('Seoul film festival draws visitors from abroad', 'The festival opens in October with 200 films.', 'south-korea');
    expect(contextReason(home, CONTEXT_FEATURES.culture)).toBe(false);
    expect(home.matched).toBe(true);
    const joint = verdict('North and South Korean athletes march together at Asian Games in Hangzhou', 'The joint team walked under one flag.', 'north-korea');
    expect(contextReason(joint, CONTEXT_FEATURES.culture)).toBe(false);
  });

  it('GIVEN a tour whose visitors come "from" a foreign place to the country THEN not abroad: the tour is at home', () => {
    const v = verdict('Tour groups from Japan return to Seoul', 'Travel agencies resumed trips to the South Korean capital this month.', 'south-korea');
    expect(contextReason(v, CONTEXT_FEATURES.culture)).toBe(false);
    expect(v.matched).toBe(true);
  });

  it('GIVEN a hit that is more than the country\'s name (its leader) THEN the feature stays out', () => {
    const v = verdict('Kim Jong Un watches football final in Pyongyang', 'State media said the leader praised the players.', 'north-korea');
    expect(contextReason(v, CONTEXT_FEATURES.culture)).toBe(false);
  });
});

describe('person abroad: a Ukrainian', () => {
  it('GIVEN a Ukrainian man charged in Germany THEN ukraine is capped, with the reason', () => {
    const v = verdict('Ukrainian man charged in Germany over warehouse arson', 'Prosecutors in Munich said the suspect set fire to a depot in March.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(contextReason(v, CONTEXT_FEATURES.abroadUkrainian)).toBe(true);
  });

  it('GIVEN a trial at home, or Ukraine named as a country THEN the feature does nothing', () => {
    expect(verdict('Ukrainian man charged in Kyiv over warehouse arson', 'Prosecutors said the suspect set fire to a depot.', 'ukraine').matched).toBe(true);
    expect(verdict('Ukraine asks Germany to extradite man charged over arson', 'Prosecutors said the suspect set fire to a depot.', 'ukraine').matched).toBe(true);
  });
});

describe('the tenth round: the rubric\'s cases read more widely', () => {
  it('GIVEN the war\'s diplomacy with Russia as a party ("a plan to end the war") THEN a war reference', () => {
    expect(warReference(fields('US envoys meet Putin in Moscow', 'They spent hours at the Kremlin discussing a framework to end the war.'), false)?.matched).toBe('the war');
    // Without Russia in the story it is some other war.
    expect(warReference(fields('Envoys discuss peace plan', 'They discussed a framework to end the war.'), false)).toBeNull();
    // Its diplomacy named without "the war": peace talks or a ceasefire with Russia a party.
    expect(warReference(fields('Kremlin says peace talks must address root causes', "Putin's spokesman said Moscow would not accept a ceasefire without guarantees."), false)?.matched).toBe('peace talks');
    expect(warReference(fields('Russia hosts Armenia and Azerbaijan for peace talks', 'The ceasefire in Karabakh has held since March.'), false)).toBeNull();
  });

  it('GIVEN a race or a match with the country as its venue THEN not culture abroad; a match abroad still is', () => {
    const home = verdict('Pyongyang marathon welcomes overseas amateurs', 'Foreign runners joined the race through the North Korean capital on Sunday.', 'north-korea');
    expect(contextReason(home, CONTEXT_FEATURES.culture)).toBe(false);
    const route = verdict('Marathon welcomes overseas amateurs', 'Foreign runners joined the race through the North Korean capital on Sunday.', 'north-korea');
    expect(contextReason(route, CONTEXT_FEATURES.culture)).toBe(false);
    // A company named after its city tours abroad: "Kyiv Ballet" is not where the tour is.
    const company = verdict('Kyiv Ballet begins tour of Canada', 'The company opened in Toronto on Friday.', 'ukraine');
    expect(contextReason(company, CONTEXT_FEATURES.culture)).toBe(true);
    // "in Ukrainian" is the language of the songs, not the venue.
    const language = verdict('Ukraine reach Eurovision final in Basel', 'The Kyiv trio, singing in Ukrainian, qualified on Tuesday.', 'ukraine');
    expect(contextReason(language, CONTEXT_FEATURES.culture)).toBe(true);
    expect(contextReason(home, CONTEXT_FEATURES.culture)).toBe(false);
    expect(home.matched).toBe(true);
    const away = verdict('South Korea beat Japan in friendly match in Osaka', 'A late goal settled the game.', 'south-korea');
    expect(contextReason(away, CONTEXT_FEATURES.culture)).toBe(true);
    expect(away.matched).toBe(false);
  });

  it('GIVEN the killing of a person labelled "Ukrainian" abroad THEN person abroad', () => {
    const v = verdict('Killing of Ukrainian student in Ohio sparks outrage', 'Hundreds attended a vigil in Columbus.', 'ukraine');
    expect(contextReason(v, CONTEXT_FEATURES.abroadUkrainian)).toBe(true);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a briefing item naming the country as the end of a range of places THEN not an event of it', () => {
    const v = verdict('Evening briefing: oil, rates and a long ride', 'Oil slipped; the Fed held rates; and a cyclist who rode everywhere from Portugal to North Korea finished his journey.', 'north-korea');
    expect(contextReason(v, CONTEXT_FEATURES.roundup)).toBe(false);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a Korean firm\'s unit abroad or a foreign authority THEN not its life at home; a breach at home is', () => {
    expect(homeCompany(fields('Samsung\'s Brazil unit fights tax demand', 'The company challenged a court order on import duties.'))).toBeNull();
    expect(homeCompany(fields('Samsung challenges tax order', 'An Indian tax authority ordered the company to pay back taxes, court filings show.'))).toBeNull();
    expect(homeCompany(fields('LG Uplus to replace routers after hack', 'The carrier said malware exposed customer data.'))?.matched).toBe('LG');
  });

  it('GIVEN a summary led by "The South Korean president" THEN the lead, not a passing mention; "The South Korean captain" is a label', () => {
    const state = verdict('Leaders pledge closer ties at Tokyo summit', 'The South Korean president agreed with Japan\'s prime minister to expand cooperation.', 'south-korea');
    expect(state.matched).toBe(true);
    const person = verdict('Tottenham beat Villa', 'The South Korean captain scored twice.', 'south-korea');
    expect(person.matched).toBe(false);
  });
});

describe('the eleventh round: sources, look-alikes and lists', () => {
  it('GIVEN a headline that closes on its source after a colon or a dash ("…: JCS") THEN the source is attribution', () => {
    const v = verdict('North Korea fires short-range missiles: JCS', 'The launches came days after joint drills ended.', 'south-korea');
    expect(contextReason(v, CONTEXT_FEATURES.attribution)).toBe(true);
    expect(v.matched).toBe(false);
    const dash = verdict('North Korea fires cruise missiles - South Korean military', '', 'south-korea');
    expect(dash.matched).toBe(false);
    // More than source words after the colon: the South is in the headline's own clause.
    const party = verdict('North Korea fires artillery: South Korea returns fire near Yeonpyeong', '', 'south-korea');
    expect(contextReason(party, CONTEXT_FEATURES.attribution)).toBe(false);
    expect(party.matched).toBe(true);
  });

  it('GIVEN the war\'s drones over a neighbour and Ukraine only the attack\'s target THEN spillover caps ukraine', () => {
    const v = verdict('Romania scrambles jets after drone debris falls near village', 'Fragments were found on the Danube bank after Russian attacks on Ukrainian ports, the third night of strikes on Ukraine.', 'ukraine');
    expect(contextReason(v, CONTEXT_FEATURES.spillover)).toBe(true);
    expect(v.matched).toBe(false);
    // Ukraine named as more than the target, or in the headline: the war itself is told.
    const told = fields('Poland scrambles jets as Russia pounds Ukraine', 'Drones crossed into Polish airspace during an attack on western Ukraine.');
    expect(spillover([{ kind: 'pattern', topic: 2, rule: 0, term: 'Ukraine', field: 'title', from: 6, to: 7, matched: 'Ukraine' }], told)).toBeNull();
    const aid = verdict('Poland sends more jets to the east', 'Warsaw also pledged air defence for Ukraine after drones crossed its airspace.', 'ukraine');
    expect(contextReason(aid, CONTEXT_FEATURES.spillover)).toBe(false);
  });

  it('GIVEN the Kospi beside another market\'s index THEN a market wrap; the Kospi as the story is not', () => {
    const wrap = verdict('Asian markets: Nikkei hits record; Kospi little changed', "Japan's Nikkei rose on chip stocks while Seoul's Kospi ended flat.", 'south-korea');
    expect(contextReason(wrap, CONTEXT_FEATURES.market)).toBe(true);
    expect(wrap.matched).toBe(false);
    const own = verdict('Kospi tops 3,000 for the first time in three years', "Seoul's benchmark was led by chip stocks.", 'south-korea');
    expect(contextReason(own, CONTEXT_FEATURES.market)).toBe(false);
    expect(own.matched).toBe(true);
    // A name of the South other than its market keeps the story the South's.
    expect(marketWrap([], fields('Nikkei and Kospi fall', ''))).toBeNull();
  });

  it('GIVEN a penalising exclusion (an impersonator, a K-drama) THEN no context feature lifts the look-alike', () => {
    const v = verdict('Kim Jong Un impersonator deported ahead of summit', 'The impersonator had planned to greet Trump and Kim in Hanoi.', 'north-korea');
    expect(contextReason(v, CONTEXT_FEATURES.surname)).toBe(false);
    expect(v.matched).toBe(false);
    const drama = verdict('K-drama: a South Korean heiress lands in North Korea', 'Soldiers find her after she paraglides across the border.', 'south-korea');
    expect(contextReason(drama, CONTEXT_FEATURES.party)).toBe(false);
  });

  it('GIVEN a briefing that lists its stories after "covering" THEN each entry with an event is an item of its topic', () => {
    const v = classifier.classify({ title: 'Your Thursday Briefing', summary: "Good morning. We're covering a phone call with Ukraine's leader, North Korea's latest missile launch and an outbreak of swine fever near Seoul." });
    expect(v.matched).toEqual(['north-korea', 'south-korea', 'ukraine']);
    // An entry without an event names a place, not an item of the topic.
    const place = verdict('Your Thursday Briefing', "Good morning. We're covering the Fed's decision, a new phone and the weather from Paris to Seoul.", 'south-korea');
    expect(place.matched).toBe(false);
  });

  it('GIVEN a person labelled "South Korean" jailed at a named place abroad ("at Sydney Airport") THEN person abroad', () => {
    expect(personAbroad([], fields(''))).toBe(false);
    const v = verdict('South Korean man jailed for smuggling', 'A South Korean national was sentenced after officers found drugs in his luggage at Sydney Airport.', 'south-korea');
    expect(contextReason(v, CONTEXT_FEATURES.abroad)).toBe(true);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a player of the country at Wimbledon THEN sport abroad', () => {
    const v = verdict('Ukraine\'s top seed reaches Wimbledon semi-final', 'She beat the defending champion in straight sets.', 'ukraine');
    expect(contextReason(v, CONTEXT_FEATURES.culture)).toBe(true);
    expect(v.matched).toBe(false);
  });
});

describe('the eleventh round, second part: firms, refugees, yardsticks', () => {
  it('GIVEN a story whose only South Korea words are a firm\'s name, with nothing of its life at home THEN firm only caps it', () => {
    const launch = verdict('Samsung unveils new phones', 'Samsung\'s new flagship offers live translation.', 'south-korea');
    expect(contextReason(launch, CONTEXT_FEATURES.firmOnly)).toBe(true);
    expect(launch.matched).toBe(false);
    // With a sign of its life at home the home company feature decides instead.
    const strike = verdict('Samsung workers strike over pay', 'The union said thousands walked out at the chip plants.', 'south-korea');
    expect(contextReason(strike, CONTEXT_FEATURES.firmOnly)).toBe(false);
    expect(strike.matched).toBe(true);
  });

  it('GIVEN a firm named as a yardstick, or a cue in another sentence THEN not its life at home', () => {
    expect(homeCompany(fields('TSMC profit jumps 54%', 'The chipmaker extended its lead over Samsung Electronics.'))).toBeNull();
    expect(homeCompany(fields('Chip demand soars', 'Samsung Electronics launched a new memory chip. Profit at rivals rose.'))).toBeNull();
    expect(homeCompany(fields('Samsung posts record profit', 'Chip demand lifted results.'))?.matched).toBe('Samsung');
    expect(homeCompany(fields('Strike spreads', 'Workers at Samsung walked out over wages.'))?.matched).toBe('Samsung');
  });

  it('GIVEN Ukrainians\' life in a host country (housing, benefits) THEN refugees abroad; with the war itself it is not', () => {
    const v = verdict('Ukrainians in state accommodation told to move', 'Ukrainian families in Dublin hotels who fled the war must leave within weeks.', 'ukraine');
    expect(contextReason(v, CONTEXT_FEATURES.refugees)).toBe(true);
    expect(v.matched).toBe(false);
    expect(refugeesAbroad([], fields('Ukrainian refugees'))).toBeNull();
    const war = verdict('Ukrainian refugees in Poland fear return as missiles hit Kyiv', 'Families in Warsaw housing watched the strikes.', 'ukraine');
    expect(contextReason(war, CONTEXT_FEATURES.refugees)).toBe(false);
    expect(war.matched).toBe(true);
  });

  it('GIVEN the one mention as a yardstick, the head of a ranking, or a commentator\'s city THEN the model may not lift it', () => {
    const measure = fields('Japan births fall to a record low', 'The fertility rate dropped to 1.20, still well above South Korea\'s 0.72.');
    const hitAt = (f: FieldText[], word: string): Parameters<typeof yardstick>[0] => {
      const s = f[1];
      const k = s?.tokens.findIndex((t) => t.text === word) ?? -1;
      return { kind: 'pattern', topic: 1, rule: 0, term: word, field: 'summary', from: k, to: k + 2, matched: word };
    };
    expect(yardstick(hitAt(measure, 'south'), measure)).toBe(true);
    // "8.8 million" holds a decimal point, not a full stop: the ranking goes on after it.
    const ranking = fields('Visitors to Japan hit a record', 'South Koreans were the largest group at 8.8 million, followed by Chinese travellers.');
    expect(yardstick({ ...hitAt(ranking, 'south'), to: 2 }, ranking)).toBe(true);
    const own = fields('Births fall again', 'South Korea\'s fertility rate fell to 0.72.');
    expect(yardstick(hitAt(own, 'south'), own)).toBe(false);
    const source = fields('TSMC raises outlook', "'It is a one-horse race,' said Kim Sun-woo, an analyst at Meritz Securities in Seoul.");
    const seoul = source[1]?.tokens.findIndex((t) => t.text === 'seoul') ?? -1;
    expect(commentatorPlace({ kind: 'pattern', topic: 1, rule: 0, term: 'Seoul', field: 'summary', from: seoul, to: seoul + 1, matched: 'Seoul' }, source)).toBe(true);
    const event = fields('Protest grows', 'Thousands of doctors rallied in Seoul.');
    const s2 = event[1]?.tokens.findIndex((t) => t.text === 'seoul') ?? -1;
    expect(commentatorPlace({ kind: 'pattern', topic: 1, rule: 0, term: 'Seoul', field: 'summary', from: s2, to: s2 + 1, matched: 'Seoul' }, event)).toBe(false);
  });

  it('GIVEN a briefing item "Pyongyang says it has placed a satellite…" THEN the subject reporting its own event leads the item', () => {
    const v = verdict('Morning Call: rates decision day', 'Good morning. The central bank is expected to cut rates again, and Pyongyang says it has placed a spy satellite into orbit.', 'north-korea');
    expect(contextReason(v, CONTEXT_FEATURES.roundup)).toBe(true);
    expect(v.matched).toBe(true);
  });
});

describe('the eleventh round, third part: athletes, the displaced, firms and markets', () => {
  it('GIVEN a boxer of the country winning abroad THEN sport abroad', () => {
    const v = verdict('Usyk beats Fury to become undisputed heavyweight champion', "Ukraine's Oleksandr Usyk won a split decision in Riyadh on Saturday.", 'ukraine');
    expect(contextReason(v, CONTEXT_FEATURES.culture)).toBe(true);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a refugee who "fled the war in Ukraine" killed abroad, or opening a bakery abroad THEN not Ukraine\'s story', () => {
    const killed = verdict('Ukrainian refugee fatally stabbed on Charlotte light rail', 'A woman who fled the war in Ukraine and settled in Charlotte was stabbed to death.', 'ukraine');
    expect(contextReason(killed, CONTEXT_FEATURES.abroadUkrainian)).toBe(true);
    expect(killed.matched).toBe(false);
    const bakery = verdict('Ukrainian family who fled war open bakery', 'A Ukrainian family who arrived in Cornwall two years ago have opened a bakery.', 'ukraine');
    expect(contextReason(bakery, CONTEXT_FEATURES.refugees)).toBe(true);
  });

  it('GIVEN a Korean firm in a foreign firm\'s deal, or its plant "in West Michigan" THEN not its life at home', () => {
    expect(homeCompany(fields('Merger talks end', 'SK Hynix, a shareholder in the Japanese chipmaker, refused consent.'))).toBeNull();
    expect(homeCompany(fields('LG Energy Solution to expand battery plant, adding 1,200 jobs', 'The plant in West Michigan will supply carmakers.'))).toBeNull();
    // At home, a yard named after its town is not a foreign place.
    expect(homeCompany(fields('Posco steelworkers end strike at Gwangyang', 'The union accepted a raise.'))?.matched).toBe('Posco');
  });

  it('GIVEN "South Korea\'s Kospi" beside the Nikkei THEN a market wrap', () => {
    const v = verdict('Asian shares slip as Fed caution weighs', "Japan's Nikkei fell 0.8%. South Korea's Kospi fell 0.6% and Taiwan's benchmark lost 0.4%.", 'south-korea');
    expect(contextReason(v, CONTEXT_FEATURES.market)).toBe(true);
    expect(v.matched).toBe(false);
  });
});

describe('the eleventh round, fourth part: host cities and the war in time', () => {
  it('GIVEN the South only as the host city of a foreign gathering THEN host city caps it', () => {
    const v = verdict('Plastics treaty talks in Busan end without agreement', 'Negotiators from more than 170 countries failed to agree at talks in Busan, South Korea.', 'south-korea');
    expect(contextReason(v, CONTEXT_FEATURES.host)).toBe(true);
    expect(v.matched).toBe(false);
    // The South's own president at the summit is a party, not a venue.
    const own = fields('Leaders meet at Busan summit', 'South Korean President Lee welcomed Trump and Xi.');
    expect(hostCity([{ kind: 'pattern', topic: 1, rule: 0, term: 'South Korean', field: 'summary', from: 0, to: 2, matched: 'South Korean' }], own)).toBeNull();
    // A gathering of the South's own people: no foreign party.
    const home = verdict('Doctors gather in Seoul for a forum on the walkout', 'Thousands of trainee doctors attended the forum.', 'south-korea');
    expect(contextReason(home, CONTEXT_FEATURES.host)).toBe(false);
    expect(home.matched).toBe(true);
  });

  it('GIVEN "since the invasion" as a point in time THEN another reference may still name the war as the subject', () => {
    expect(warReference(fields('Sweden sends its biggest package since the invasion', "It will donate artillery and anti-tank weapons to help repel Russia's invasion."), false)?.matched).toBe("Russia's invasion");
    // A motive is still a backdrop.
    expect(warReference(fields('Rouble slides amid the war', 'Russia sent more troops.'), false)).toBeNull();
  });

  it('GIVEN a pianist of the country winning a competition abroad THEN culture abroad', () => {
    const v = verdict('South Korean teen wins piano competition gold', 'The pianist became the youngest gold medalist at the contest in Fort Worth on Saturday.', 'south-korea');
    expect(contextReason(v, CONTEXT_FEATURES.culture)).toBe(true);
    expect(v.matched).toBe(false);
  });
});

describe('the eleventh round, fifth part: games in a host city, dissent against the war', () => {
  it('GIVEN a championship in a Korean city between foreign teams THEN host city caps it', () => {
    const v = verdict('China retain world team table tennis title in Busan', "China's women edged Japan 3-2 in the final of the world team championships.", 'south-korea');
    expect(contextReason(v, CONTEXT_FEATURES.host)).toBe(true);
    expect(v.matched).toBe(false);
    // The South's own team in the final is not a venue: "South Korean" is more than the city.
    const own = verdict('South Korean women win team title in Busan', "They beat Japan's team 3-2 in the championship final.", 'south-korea');
    expect(contextReason(own, CONTEXT_FEATURES.host)).toBe(false);
  });

  it('GIVEN a dissenter jailed for denouncing the war THEN the war is the backdrop of a Russian story', () => {
    expect(warReference(fields('Kremlin critic freed in prisoner swap', 'He was serving 25 years for denouncing the war; Russia freed 16 prisoners held for their views.'), false)).toBeNull();
  });
});

describe('the eleventh round, sixth part: another country\'s story, firms by their label, results at home', () => {
  it('GIVEN another country\'s workers or students going to the South THEN the other country\'s story', () => {
    const v = verdict('Nepali farm workers leave for South Korea under seasonal scheme', 'About 120 workers flew to Seoul on Sunday, the labour department said.', 'south-korea');
    expect(contextReason(v, CONTEXT_FEATURES.otherCountry)).toBe(true);
    expect(v.matched).toBe(false);
    // The South leading the headline, or its state acting, keeps the story the South's.
    expect(otherCountryStory([{ kind: 'pattern', topic: 1, rule: 0, term: 'Seoul', field: 'title', from: 0, to: 1, matched: 'Seoul' }], fields('Seoul welcomes Nepali workers', ''))).toBeNull();
    const state = verdict('Indian students flock to South Korea', 'The South Korean government doubled its scholarships.', 'south-korea');
    expect(contextReason(state, CONTEXT_FEATURES.otherCountry)).toBe(false);
  });

  it('GIVEN a ranking with the South beside other countries THEN the other country\'s story', () => {
    const v = verdict('Singapore passport tops index again; Japan and South Korea tie for second', 'Singapore grants visa-free access to 195 destinations.', 'south-korea');
    expect(contextReason(v, CONTEXT_FEATURES.otherCountry)).toBe(true);
    expect(v.matched).toBe(false);
  });

  it('GIVEN "South Korea\'s Hanwha" and nothing of its life at home THEN firm only; a firm\'s results in its headline are home news', () => {
    const v = verdict('Australia signs deal for Redback vehicles', "The vehicles come from South Korea's Samsung unit and will be built in Geelong.", 'south-korea');
    expect(contextReason(v, CONTEXT_FEATURES.firmOnly)).toBe(true);
    expect(homeCompany(fields("Samsung Electronics' Q2 operating profit plunges 56%", 'US curbs on chip sales to China weighed on its memory business.'))?.matched).toBe('Samsung');
  });

  it('GIVEN a golfer of the country winning in Las Vegas THEN sport abroad, whatever his name', () => {
    // "Kim" is no sign of the state: the golfer is not the North's leader.
    const f = fields("South Korea's Tom Kim defends his title", 'He shot a final-round 66 in Las Vegas for his third PGA Tour win.');
    const hit = { kind: 'pattern' as const, topic: 1, rule: 0, term: 'South Korea', field: 'title' as const, from: 0, to: 2, matched: 'South Korea' };
    expect(cultureAbroad([hit], f)?.matched).toBe('PGA');
  });
});

describe('the eleventh round, seventh part: units abroad, other Kims, time words before the war\'s owner', () => {
  it('GIVEN a firm\'s American or Russian unit, or a U.S. deal THEN not its life at home', () => {
    expect(homeCompany(fields('Kia America recalls SUVs after union complaint', 'The workers said the fix was late.'))).toBeNull();
    expect(homeCompany(fields('Hyundai sells its Russian plant, workers laid off', 'The carmaker keeps a buyback option.'))).toBeNull();
    expect(homeCompany(fields('Hanwha completes purchase of a shipyard', 'It plans to bid for U.S. Navy maintenance work.'))).toBeNull();
  });

  it('GIVEN "Sung Kim" beside a US president THEN a diplomat, not the North\'s leader; "Trump, Kim" still is', () => {
    expect(bareKimWithLeaders(fields('Obama names Sung Kim envoy to Manila', 'The veteran diplomat was ambassador to Seoul.'))).toBeNull();
    expect(bareKimWithLeaders(fields('Trump, Kim to meet in Hanoi', ''))?.matched).toBe('Kim');
  });

  it('GIVEN "since Russia\'s full-scale invasion" THEN a point in time, not the subject', () => {
    expect(warReference(fields('Arms maker profit jumps', "Governments rebuild stockpiles of shells run down since Russia's full-scale invasion."), false)).toBeNull();
  });

  it('GIVEN another country\'s people set to work in the South THEN the other country\'s story', () => {
    const v = verdict('Record 20,000 Nepalis set to work in South Korea this year', 'Nepal expects to send a record number of workers to South Korea.', 'south-korea');
    expect(contextReason(v, CONTEXT_FEATURES.otherCountry)).toBe(true);
  });

  it('GIVEN a briefing item "North Korea claims it put a satellite into orbit" THEN an event of its topic', () => {
    const v = verdict('Thursday briefing: waiting lists', 'Good morning. Waiting lists dominate questions. Plus: North Korea claims it put a spy satellite into orbit, and the best books.', 'north-korea');
    expect(contextReason(v, CONTEXT_FEATURES.roundup)).toBe(true);
  });
});

describe('the eleventh round, eighth part: another country\'s data, students who fled, indexes', () => {
  it('GIVEN another country\'s data leading the headline with the South one entry THEN its story; a dispute is not', () => {
    const trade = verdict("Vietnam's exports to South Korea jump 12% in first half", 'Phones and textiles led the gains, the statistics office said.', 'south-korea');
    expect(contextReason(trade, CONTEXT_FEATURES.otherCountry)).toBe(true);
    expect(trade.matched).toBe(false);
    const births = verdict("Taiwan's births hit record low, trailing only South Korea", "Its fertility rate is now the lowest after South Korea's, the interior ministry said.", 'south-korea');
    expect(contextReason(births, CONTEXT_FEATURES.otherCountry)).toBe(true);
    const dispute = verdict("Japan's export curbs on South Korea take effect", 'Seoul called the tariffs retaliation.', 'south-korea');
    expect(contextReason(dispute, CONTEXT_FEATURES.otherCountry)).toBe(false);
  });

  it('GIVEN another country\'s students who fled Ukraine, or an index with Ukraine in its list THEN not Ukraine\'s story', () => {
    const students = verdict('Indian medical students who fled Ukraine allowed to finish degrees at home', 'Students whose studies in Ukraine were interrupted by the war may sit exams in India.', 'ukraine');
    expect(contextReason(students, CONTEXT_FEATURES.otherCountry)).toBe(true);
    expect(students.matched).toBe(false);
    const index = verdict('Global Peace Index: Iceland tops, Russia and Ukraine near bottom', 'Russia, Ukraine, Sudan and Yemen rank among the least peaceful.', 'ukraine');
    expect(contextReason(index, CONTEXT_FEATURES.otherCountry)).toBe(true);
  });
});

describe('the eleventh round, ninth part: "as" before a war reference', () => {
  it('GIVEN "as ceasefire push stalls" with the war\'s diplomacy in Moscow THEN the other reference still names the war', () => {
    expect(warReference(fields('Envoy heads to Moscow as ceasefire push stalls', 'He will meet Putin to press for a ceasefire, as efforts to end the war falter.'), true)?.matched).toBe('ceasefire');
  });
});

describe('the eleventh round, tenth part: other Kims in the story, a foreign court', () => {
  it('GIVEN "Rep. Andy Kim" in the story THEN a bare "Kim" beside a US president is him', () => {
    expect(bareKimWithLeaders(fields("Biden hails Kim's 'historic' Senate win", 'President Joe Biden congratulated Rep. Andy Kim on his victory.'))).toBeNull();
  });

  it('GIVEN a South Korean sentenced by a Thai court THEN a person abroad', () => {
    const v = verdict('South Korean tourist gets 8 years for smuggling drugs', 'A Thai court sentenced a 34-year-old South Korean man on Wednesday.', 'south-korea');
    expect(contextReason(v, CONTEXT_FEATURES.abroad)).toBe(true);
    expect(v.matched).toBe(false);
  });
});

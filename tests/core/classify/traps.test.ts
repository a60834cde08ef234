import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadClassifier } from '../../../src/app/classifier.js';
import { silentLogger } from '../../../src/app/logger.js';
import type { Reason, TopicVerdict } from '../../../src/core/types.js';

/**
 * The classic traps, against the shipped rules/ and the model the app builds from rules/training
 * (loadClassifier, as `run` does: candidate priors and calibration, taken from the test run's
 * model cache when another test file trained it first).
 * Each test asserts the reasons (which pattern, which field, which exclusion), not only the label.
 * All texts are written for these tests.
 */
const RULES_DIR = join(import.meta.dirname, '../../../rules');
const dir = mkdtempSync(join(tmpdir(), 'watchfloor-traps-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
const classifier = await loadClassifier({ rulesDir: RULES_DIR, modelPath: join(dir, 'model.json'), log: silentLogger() });

function verdict(title: string, summary: string, topic: string): TopicVerdict {
  const v = classifier.classify({ title, summary }).verdicts.find((x) => x.topic === topic);
  if (!v) throw new Error(`no verdict for ${topic}`);
  return v;
}

function patterns(v: TopicVerdict): Extract<Reason, { kind: 'pattern' }>[] {
  return v.reasons.filter((r): r is Extract<Reason, { kind: 'pattern' }> => r.kind === 'pattern');
}

function exclusions(v: TopicVerdict): Extract<Reason, { kind: 'exclusion' }>[] {
  return v.reasons.filter((r): r is Extract<Reason, { kind: 'exclusion' }> => r.kind === 'exclusion');
}

/** Whether a context feature (by the start of its name) is among a verdict's reasons. */
function feature(v: TopicVerdict, name: string): boolean {
  return v.reasons.some((r) => r.kind === 'pattern' && r.pattern.startsWith(`context: ${name}`));
}

function notes(v: TopicVerdict): string[] {
  return v.reasons.flatMap((r) => (r.kind === 'note' ? [r.text] : []));
}

describe('traps: look-alike places', () => {
  it('GIVEN a South Africa election story THEN no topic matches and South Korea has no pattern hit', () => {
    const title = 'South Africa votes in its most open election since apartheid';
    const summary = 'The governing party may need partners in the south of the country, where support has slipped.';
    expect(classifier.classify({ title, summary }).matched).toEqual([]);
    const v = verdict(title, summary, 'south-korea');
    expect(patterns(v)).toEqual([]);
    expect(v.score).toBe(0);
  });

  it('GIVEN South Sudan with a bare "South" THEN "the South" is ignored because no North Korea context is present', () => {
    const v = verdict('South Sudan leader reshuffles cabinet', 'Tension in the South rose after the president dismissed his deputy.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(patterns(v)).toEqual([]);
    expect(notes(v).join(' ')).toMatch(/"South" \(the South \(with North Korea in the story\)\) ignored/);
  });

  it('GIVEN Georgia (the US state and the country) THEN Ukraine does not match and has no evidence', () => {
    const us = verdict('Georgia voters head to the polls in Senate runoff', 'Atlanta suburbs will decide the race.', 'ukraine');
    const country = verdict("Georgia's president refuses to recognise election result", 'Protesters filled the streets of Tbilisi.', 'ukraine');
    for (const v of [us, country]) {
      expect(v.matched).toBe(false);
      expect(v.reasons).toEqual([]);
    }
  });

  it('GIVEN Odessa, Texas THEN the Odessa-Texas exclusion masks the city and costs points', () => {
    const v = verdict('Odessa police investigate shooting at gas station', 'ODESSA, Texas — Officers responded to a call near the Permian Basin highway.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(patterns(v)).toEqual([]);
    expect(exclusions(v)).toContainEqual(expect.objectContaining({ pattern: 'Odessa, Texas', weight: -3 }));
  });

  it('GIVEN Odessa with West Texas context but no exclusion phrase THEN the Odesa pattern is ignored by its `unless` list', () => {
    const v = verdict('Odessa oil workers walk out', 'Drillers across the Permian Basin joined the strike.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(notes(v).some((n) => n.includes('"Odessa" (Odesa (as Odessa') && n.includes('Permian'))).toBe(true);
  });

  it('GIVEN Odessa the Ukrainian port THEN Ukraine matches on the title with the Odesa pattern', () => {
    const v = verdict('Drones hit grain silos in Odessa', 'The port was struck overnight, the regional governor said.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(patterns(v)).toContainEqual(expect.objectContaining({ pattern: 'Odesa (as Odessa, with Ukraine, Russia or the sea in the story)', field: 'title', matched: 'Odessa' }));
  });

  it('GIVEN chicken Kiev in a food story THEN the Kiev match is masked by the dish exclusion', () => {
    const v = verdict('The secret to a perfect chicken Kiev', 'Chill the garlic butter before you roll the breast.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(patterns(v)).toEqual([]);
    expect(exclusions(v)).toContainEqual(expect.objectContaining({ pattern: 'dish, not the city', field: 'title', matched: 'chicken Kiev' }));
  });
});

describe('traps: the name inside another name', () => {
  it('GIVEN a tick-borne fever or a neighbourhood abroad named after the country THEN Ukraine does not match', () => {
    const fever = verdict('Crimean-Congo haemorrhagic fever cases rise in Turkey', 'Farmers were urged to check for ticks.', 'ukraine');
    const hood = verdict("Bakery closes after 60 years in Brooklyn's Little Odessa", 'Regulars lined up along Brighton Beach Avenue for a last loaf.', 'ukraine');
    for (const v of [fever, hood]) {
      expect(v.matched).toBe(false);
      expect(patterns(v)).toEqual([]);
      expect(exclusions(v)).toContainEqual(expect.objectContaining({ pattern: 'disease and neighbourhood names', field: 'title' }));
    }
  });
});

describe('traps: people and communities', () => {
  it('GIVEN a bare "Kim" (Kim Kardashian) THEN North Korea has no pattern hit, only the exclusion', () => {
    const v = verdict('Kim Kardashian opens up about her law studies', 'Kim said she hoped to pass the bar exam next year.', 'north-korea');
    expect(v.matched).toBe(false);
    expect(patterns(v)).toEqual([]);
    expect(exclusions(v).map((x) => x.pattern)).toContain('not the Kim of North Korea');
  });

  it('GIVEN a bare "Kim" in a North Korea story THEN it counts as a weak signal next to North Korea', () => {
    const v = verdict('Kim and Putin sign defence pact', 'The North Korean leader hosted the Russian president in Pyongyang.', 'north-korea');
    expect(v.matched).toBe(true);
    expect(patterns(v)).toContainEqual(expect.objectContaining({ pattern: 'Kim (with North Korea in the story)', field: 'title' }));
    expect(patterns(v)).toContainEqual(expect.objectContaining({ pattern: 'Pyongyang', field: 'summary' }));
  });

  it('GIVEN Korean-American local news THEN South Korea does not match and the diaspora exclusion is a reason', () => {
    const v = verdict('Korean-American church celebrates 50 years in Queens', 'Members of the Korean community gathered for a festival and a dinner.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v)).toContainEqual(expect.objectContaining({ pattern: 'Korean diaspora and culture abroad', field: 'title', matched: 'Korean-American' }));
  });

  it('GIVEN a K-pop entertainment story that names South Korea as a label THEN South Korea does not match', () => {
    const v = verdict('South Korean boy band breaks streaming record', 'The group topped charts in 40 countries with its new single.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v)).toContainEqual(expect.objectContaining({ pattern: 'South Korean as a label for a company, artist or athlete', field: 'title' }));
  });

  it('GIVEN a "South Korean-born" person abroad THEN the place-of-birth exclusion masks the demonym and South Korea does not match', () => {
    const v = verdict('South Korean-born chef opens tasting menu in Copenhagen', 'The restaurant seats 20 and is booked through spring.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(patterns(v)).toEqual([]);
    expect(exclusions(v)).toContainEqual(expect.objectContaining({ pattern: 'place of birth or head office as a label', field: 'title' }));
  });

  it('GIVEN Korean food abroad THEN "Korean" is only a weak hint and does not match', () => {
    const v = verdict('Korean barbecue spots take over London', 'Diners queue for grilled pork belly and kimchi.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(v.keywordScore).toBeLessThan(v.threshold);
  });

  it('GIVEN Ukrainian diaspora festival abroad THEN the community-life exclusion takes points off', () => {
    const v = verdict('Ukrainian-American festival raises money in Ohio', 'Volunteers sold pierogi in the parish hall to help families back in Ukraine.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toEqual(expect.arrayContaining(['Ukrainian diaspora abroad', 'community life abroad']));
  });
});

describe('traps: Brooklyn diaspora', () => {
  it('GIVEN a Kiev-named shop in Brighton Beach THEN the community-life exclusion takes points off, the shop\'s name is masked, and Ukraine does not match', () => {
    const v = verdict('Kiev Deli in Brooklyn marks 25 years', 'Customers in Brighton Beach lined up for smoked fish and a birthday cake.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v)).toEqual([
      expect.objectContaining({ pattern: 'community life abroad', field: 'title', matched: 'Brooklyn', weight: -3 }),
      expect.objectContaining({ pattern: 'a restaurant named Kiev', field: 'title', matched: 'Kiev Deli' }),
      expect.objectContaining({ pattern: 'community life abroad', field: 'summary', matched: 'Brighton Beach', weight: -3 }),
    ]);
  });
});

describe('traps: attribution and passing mentions', () => {
  it('GIVEN "says Seoul" as the source of a North Korea story THEN North Korea matches and South Korea does not', () => {
    const title = 'North Korea fires two ballistic missiles, says Seoul';
    const summary = "The missiles flew about 400 km before falling into the sea, South Korea's Joint Chiefs of Staff said.";
    const nk = verdict(title, summary, 'north-korea');
    const sk = verdict(title, summary, 'south-korea');
    expect(nk.matched).toBe(true);
    expect(patterns(nk)).toContainEqual(expect.objectContaining({ pattern: 'North Korea', field: 'title' }));
    expect(sk.matched).toBe(false);
    expect(exclusions(sk).map((x) => `${x.pattern}@${x.field}`)).toEqual(expect.arrayContaining(['officials in Seoul@title', 'South Korean agency said@summary']));
  });

  it('GIVEN an inter-Korean story where the South acts THEN both Koreas match', () => {
    const result = classifier.classify({
      title: 'South Korea suspends military pact after North launches balloons',
      summary: 'Seoul said it would resume loudspeaker broadcasts along the border in response to Pyongyang.',
    });
    expect(result.matched).toEqual(expect.arrayContaining(['south-korea', 'north-korea']));
  });

  it('GIVEN a Russia sanctions story naming "the war in Ukraine" once THEN it is a passing mention and does not match', () => {
    const v = verdict('EU widens sanctions on Russian banks', 'The measures aim to cut funding for the war in Ukraine, officials said.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(patterns(v)).toEqual([expect.objectContaining({ pattern: 'Ukraine war', field: 'summary' })]);
    expect(notes(v).some((n) => n.startsWith('passing mention'))).toBe(true);
  });

  it('GIVEN prices at home blamed on the war THEN the war phrase is masked; GIVEN the war itself with "as" THEN Ukraine still matches', () => {
    const pump = verdict('Diesel costs climb again as war in Ukraine unsettles traders', 'Truckers in Ohio say they are passing the increase on to shoppers.', 'ukraine');
    expect(pump.matched).toBe(false);
    expect(patterns(pump)).toEqual([]);
    expect(exclusions(pump)).toContainEqual(expect.objectContaining({ pattern: 'the war as the cause of prices elsewhere', field: 'title' }));
    const cause = verdict('Ukraine war pushes up bread prices in Cairo', 'Egypt imports most of its wheat.', 'ukraine');
    expect(cause.matched).toBe(false);
    const jitters = verdict('Bond yields climb on Ukraine tensions', 'Investors sought safety in Treasuries.', 'ukraine');
    expect(jitters.matched).toBe(false);
    const war = verdict('Shelling intensifies as war in Ukraine enters its third winter', 'Front-line towns lost power overnight.', 'ukraine');
    expect(war.matched).toBe(true);
  });

  it('GIVEN a debate over a list of issues that includes Ukraine THEN Ukraine does not match; GIVEN a clash over Ukraine alone THEN it does', () => {
    const debate = verdict('Governors tangle over crime, China and Ukraine at forum', 'The hopefuls met in Des Moines a week before the caucuses.', 'ukraine');
    expect(debate.matched).toBe(false);
    expect(exclusions(debate)).toContainEqual(expect.objectContaining({ pattern: 'Ukraine as one issue in a debate over several', field: 'title' }));
    const war = verdict('Allies clash over Ukraine ceasefire terms', 'Diplomats argued late into the night.', 'ukraine');
    expect(war.matched).toBe(true);
  });

  it('GIVEN a spending bill told by the Ukraine aid it leaves out THEN Ukraine does not match; GIVEN a vote that passes the aid THEN it does', () => {
    const omitted = verdict('Senate budget deal drops Ukraine funding to win Republican votes', 'The agreement keeps agencies open until March.', 'ukraine');
    expect(omitted.matched).toBe(false);
    expect(exclusions(omitted)).toContainEqual(expect.objectContaining({ pattern: 'Ukraine aid left out of a spending bill', field: 'title' }));
    const passed = verdict('Senate passes bill sending air defence systems to Ukraine', 'The vote was 70 to 29.', 'ukraine');
    expect(passed.matched).toBe(true);
  });

  it('GIVEN a country named in the title THEN the title weight applies (twice the summary weight)', () => {
    const inTitle = verdict('Ukraine holds talks', 'Delegations met.', 'ukraine');
    const inSummary = verdict('Talks held', 'Delegations from Ukraine and partners met; Ukraine wants more.', 'ukraine');
    expect(patterns(inTitle)[0]?.weight).toBe(6);
    expect(patterns(inSummary)[0]?.weight).toBe(4.5);
  });

  it('GIVEN a summary that opens with the topic as its subject THEN it weighs like the title and is not a passing mention', () => {
    const lead = verdict('A city learns to live in the dark', "The streets of Ukraine's capital have gone quiet after curfew.", 'ukraine');
    expect(patterns(lead)).toEqual([expect.objectContaining({ pattern: 'Kyiv (the capital)', field: 'summary', weight: 6 })]);
    expect(notes(lead).some((n) => n.startsWith('passing mention'))).toBe(false);
    const late = verdict('A city learns to live in the dark', 'Curfews and blackouts have emptied the streets of the capital of Ukraine.', 'ukraine');
    expect(notes(late).some((n) => n.startsWith('passing mention'))).toBe(true);
  });

  it('GIVEN a Korean War history story THEN neither Korea matches on "Korean War" alone', () => {
    const result = classifier.classify({ title: 'Korean War veteran, 98, receives medal', summary: 'He fought at the Chosin Reservoir as a young Marine.' });
    expect(result.matched).toEqual([]);
  });

  it('GIVEN Kursk alone (Russia) THEN Ukraine gets only a weak hint; GIVEN the Kursk incursion THEN it matches', () => {
    const russia = verdict('Kursk nuclear plant starts new reactor', 'Rosatom said the unit will replace ageing capacity.', 'ukraine');
    expect(russia.matched).toBe(false);
    const war = verdict('Ukraine pushes deeper in Kursk incursion', 'Kyiv said its troops took more villages.', 'ukraine');
    expect(war.matched).toBe(true);
    expect(patterns(war)).toContainEqual(expect.objectContaining({ pattern: 'Kursk incursion', field: 'title' }));
  });
});

describe('coverage: people, places and scripts without the country name', () => {
  it('GIVEN North Korean troops fighting for Russia THEN both North Korea and Ukraine match, each with its own pattern', () => {
    const result = classifier.classify({ title: 'North Korean troops suffer heavy losses in Russia', summary: 'Seoul estimates hundreds were killed in the Kursk border region.' });
    expect(result.matched).toEqual(expect.arrayContaining(['north-korea', 'ukraine']));
    const ua = result.verdicts.find((v) => v.topic === 'ukraine');
    expect(ua && patterns(ua)).toContainEqual(expect.objectContaining({ pattern: 'North Korean troops fighting for Russia', field: 'title' }));
  });

  it('GIVEN commanders and front-line towns only THEN Ukraine matches on them', () => {
    const v = verdict('Syrskyi visits troops near Pokrovsk', 'The commander-in-chief met brigade officers.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(patterns(v).map((p) => p.pattern)).toEqual(expect.arrayContaining(['Ukrainian government figures', 'front-line towns']));
  });

  it('GIVEN a Seoul district only THEN South Korea matches on it', () => {
    const v = verdict('Itaewon memorial draws mourners', 'Families lit candles in the narrow alley.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(patterns(v)).toContainEqual(expect.objectContaining({ pattern: 'Seoul districts and landmarks', field: 'title', matched: 'Itaewon' }));
  });

  it('GIVEN transliterations (Kiev, Kharkov, Zelenskiy) THEN they match the same patterns as Kyiv, Kharkiv, Zelensky', () => {
    const v = verdict('Zelenskiy visits Kharkov after strike', 'He returned to Kiev the same evening.', 'ukraine');
    expect(patterns(v).map((p) => `${p.pattern}:${p.matched}`)).toEqual(expect.arrayContaining(['Zelensky:Zelenskiy', 'Kharkiv:Kharkov', 'Kyiv (the capital):Kiev']));
  });

  it('GIVEN Hangul with particles (북한이, 평양에서) THEN North Korea matches on them', () => {
    const v = verdict('북한이 평양에서 열병식을 열었다', '', 'north-korea');
    expect(v.matched).toBe(true);
    expect(patterns(v).map((p) => p.matched)).toEqual(expect.arrayContaining(['북한이', '평양에서']));
  });

  it('GIVEN inflected Cyrillic (Києва, Украины) THEN Ukraine matches on the stems', () => {
    const v = verdict('Мэр Києва заявил о восстановлении', 'Власти Украины сообщили о ремонте.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(patterns(v).map((p) => p.matched)).toEqual(expect.arrayContaining(['Києва', 'Украины']));
  });

  it('GIVEN a candidate story THEN the verdict carries the model probability as a reason', () => {
    const v = verdict('Ukraine says power restored after strikes', 'Engineers repaired lines overnight.', 'ukraine');
    const m = v.reasons.find((r) => r.kind === 'model');
    expect(m).toBeDefined();
    expect(v.modelProbability).not.toBeNull();
    expect(v.modelProbability).toBeGreaterThanOrEqual(0);
    expect(v.modelProbability).toBeLessThanOrEqual(1);
  });

  it('GIVEN a story with no keyword for a topic THEN the model is not consulted for it', () => {
    const v = verdict('Parliament debates farm subsidies', 'Lawmakers argued over payments to growers.', 'ukraine');
    expect(v.modelProbability).toBeNull();
    expect(v.reasons).toEqual([]);
  });
});

describe('traps: scene-setting ledes, names inside names, labels and gated institutions', () => {
  it('GIVEN a feature headline with no place and a summary opening "In <capital>," THEN the capital leads like a subject and matches', () => {
    const v = verdict('Where the bicycles have no bells', 'In Pyongyang, where private cars are rare, cyclists weave between trolleybuses on wide empty avenues.', 'north-korea');
    expect(v.matched).toBe(true);
    expect(patterns(v)).toEqual([expect.objectContaining({ pattern: 'Pyongyang', field: 'summary', weight: 6 })]);
    expect(notes(v).join(' ')).not.toMatch(/passing mention/);
  });

  it('GIVEN the capital named later in the opening phrase ("In a speech in Seoul,") THEN it stays a capped passing mention', () => {
    const v = verdict('Envoy urges calm on trade', 'In a speech in Seoul, the European trade commissioner called for talks on steel quotas with Washington.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(notes(v).join(' ')).toMatch(/passing mention/);
  });

  it('GIVEN a company named after the capital THEN its patent story masks "Seoul" and South Korea does not match', () => {
    const v = verdict('Seoul Viosys wins UV LED patent ruling in Texas', 'A federal jury found that a lighting importer infringed the company patents and awarded damages.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v)).toEqual([expect.objectContaining({ pattern: 'company names containing Seoul' })]);
  });

  it('GIVEN a national-team role labelling an athlete at a foreign club THEN South Korea does not match', () => {
    const v = verdict('Late header rescues a point for Wolves', 'South Korea striker Hwang Hee-chan headed in a stoppage-time equaliser against Brighton on Saturday.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v)).toEqual([expect.objectContaining({ pattern: 'national-team role as a label for an athlete' })]);
  });

  it('GIVEN a firm abroad that "started in Seoul" THEN the origin is masked and South Korea does not match', () => {
    const v = verdict('Bubble tea rival opens 40th shop in Texas', 'The chain, which started in Seoul a decade ago, plans to double its American store count next year.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v)).toEqual([expect.objectContaining({ pattern: 'place of origin of a firm or person abroad' })]);
  });

  it('GIVEN a Ukrainian telecom operator named without the country THEN Ukraine matches on the company', () => {
    const v = verdict('Kyivstar restores mobile internet after weeklong outage', 'The operator said engineers had rebuilt core servers wiped out by the hackers.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(patterns(v)).toEqual([expect.objectContaining({ pattern: 'Ukrainian companies and agencies', field: 'title' })]);
  });

  it('GIVEN the Rada in a story about the Moscow-tied church THEN the Rada counts at title weight, and a person named Rada elsewhere is ignored', () => {
    const church = verdict('Rada moves to curb Moscow-linked parishes', 'Lawmakers backed a bill giving the church a deadline to sever its ties to Moscow.', 'ukraine');
    expect(patterns(church)).toContainEqual(expect.objectContaining({ pattern: 'Rada and Maidan', field: 'title', weight: 4 }));
    expect(notes(church).join(' ')).not.toMatch(/ignored/);
    const person = verdict('Rada wins the regional spelling bee', 'The ten-year-old from Ohio spelled her final word correctly.', 'ukraine');
    expect(person.matched).toBe(false);
    expect(patterns(person)).toEqual([]);
  });

  it('GIVEN a Russian feud "over the conduct of the war in Ukraine" THEN the phrase is masked as a backdrop and Ukraine does not match', () => {
    const v = verdict('Kremlin purges general after rift with defence chief', 'The commander was dismissed weeks after he clashed with the minister over the conduct of the war in Ukraine.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v)).toEqual([expect.objectContaining({ pattern: 'the war in Ukraine as a motive or backdrop' })]);
  });

  it('GIVEN a Korean province named as a province THEN it weighs like a city; GIVEN the bare region word THEN it stays a weak region hint', () => {
    const named = verdict('Wildfire forces evacuation of mountain villages', 'Hundreds of residents fled in North Gyeongsang province as strong winds spread the flames.', 'south-korea');
    expect(patterns(named)).toEqual([expect.objectContaining({ pattern: 'provinces named as provinces', field: 'summary', weight: 3 })]);
    const bare = verdict('Wildfire forces evacuation of mountain villages', 'Hundreds of residents fled in North Gyeongsang as strong winds spread the flames.', 'south-korea');
    expect(patterns(bare)).toEqual([expect.objectContaining({ pattern: 'provinces', field: 'summary', weight: 2 })]);
  });

  it('GIVEN Sejong as the seat of ministries THEN South Korea matches on it; GIVEN a King Sejong language school abroad THEN Sejong is ignored', () => {
    const capital = verdict('Sejong-based agency ordered to reopen pension audit', 'Auditors said officials had understated the fund shortfall for three years.', 'south-korea');
    expect(capital.matched).toBe(true);
    expect(patterns(capital)).toEqual([expect.objectContaining({ pattern: 'Sejong, the administrative capital', field: 'title', weight: 6 })]);
    const school = verdict('King Sejong Institute opens branch in Lima', 'Language classes in Sejong Institute branches have waiting lists across Peru.', 'south-korea');
    expect(school.matched).toBe(false);
    expect(patterns(school)).toEqual([]);
  });
});

describe('traps: Korean and Ukrainian names without the country word', () => {
  it('GIVEN the spy agency in a story that names Busan but not "Korea" THEN the institution counts and South Korea matches', () => {
    const v = verdict('National Intelligence Service raids Busan trading firm', 'Agents seized ledgers from an office near the port in a probe of smuggled chip equipment.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(patterns(v)).toContainEqual(expect.objectContaining({ pattern: 'South Korean state bodies', field: 'title' }));
  });

  it('GIVEN "the North\'s leader" in an inter-Korean story THEN it weighs like a name and North Korea matches', () => {
    const v = verdict("The North's leader skips inter-Korean anniversary", 'Officials in Seoul had hoped for a message marking the summit.', 'north-korea');
    expect(v.matched).toBe(true);
    expect(patterns(v)).toContainEqual(expect.objectContaining({ pattern: "the North's leader (with a Korean context)", field: 'title', weight: 6 }));
  });

  it('GIVEN a Korean landmark once in the title THEN South Korea matches; once late in a summary THEN it stays a passing mention', () => {
    const title = verdict('Night tours return to Changdeokgung after restoration', 'Visitors can book lantern-lit walks through the gardens until October.', 'south-korea');
    expect(title.matched).toBe(true);
    expect(patterns(title)).toContainEqual(expect.objectContaining({ pattern: 'well-known Korean firms, landmarks and districts', field: 'title', weight: 6 }));
    const summary = verdict('Architects shortlist ten palace gardens for design award', 'The jury praised restoration work in Kyoto, Versailles and Changdeokgung among others.', 'south-korea');
    expect(summary.matched).toBe(false);
    expect(summary.score).toBeLessThan(4);
  });

  it('GIVEN the southern DMZ village THEN the exclusion costs North Korea points and it does not match', () => {
    const v = verdict('Harvest season in the DMZ village of Freedom Village', 'Farmers in Daeseong-dong bring in rice a few hundred metres from the demarcation line.', 'north-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v)).toContainEqual(expect.objectContaining({ pattern: 'the southern DMZ village' }));
  });

  it('GIVEN the Democratic Party and Yoon without "Korea" THEN the surname counts next to the party and South Korea matches', () => {
    const v = verdict('Democratic Party demands Yoon apologise over budget cuts', 'Opposition lawmakers said welfare funds were cut without a vote.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(patterns(v)).toContainEqual(expect.objectContaining({ pattern: 'Yoon or Lee (with Korea in the story)', field: 'title', weight: 4 }));
  });

  it('GIVEN a Ukrainian firm once in the title THEN Ukraine matches on the company pattern', () => {
    const v = verdict('DTEK restores power to thermal plant after repairs', 'Engineers reconnected two units ahead of the cold season, the company said.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(patterns(v)).toContainEqual(expect.objectContaining({ pattern: 'Ukrainian companies and agencies', field: 'title', weight: 6 }));
  });

  it('GIVEN airlines avoiding Ukrainian airspace THEN the words are masked and Ukraine does not match', () => {
    const v = verdict('Longer flights to Asia as carriers avoid Ukrainian airspace', 'European airlines add up to two hours to routes to Tokyo and Seoul.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(patterns(v)).toEqual([]);
    expect(exclusions(v)).toContainEqual(expect.objectContaining({ pattern: 'airspace avoided by airlines' }));
  });
});

describe('traps: the war named by its places', () => {
  it('GIVEN war words beside a Ukrainian city in a briefing THEN they count for Ukraine; GIVEN them beside Odessa, Texas THEN they stay ignored', () => {
    const city = verdict('Evening briefing: markets slide', 'Also: Russian drones struck Kharkiv overnight, killing four people, and a heatwave grips Spain.', 'ukraine');
    expect(patterns(city).map((r) => [r.pattern, r.matched, r.field])).toEqual(
      expect.arrayContaining([
        ['Kharkiv', 'Kharkiv', 'summary'],
        ['the war (with Ukraine in the story)', 'drones', 'summary'],
      ]),
    );
    expect(city.matched).toBe(true);

    const texas = verdict('Drones film Odessa rodeo', 'Organisers in Odessa, Texas, used drones to film the bull riding.', 'ukraine');
    expect(texas.matched).toBe(false);
    expect(patterns(texas).some((r) => r.pattern === 'the war (with Ukraine in the story)')).toBe(false);
    expect(notes(texas).some((n) => n.startsWith('"drones" (the war (with Ukraine in the story)) ignored'))).toBe(true);
  });
});

describe('traps: the war as an adjective of Russia\'s economy', () => {
  it('GIVEN "Russia\'s war economy" THEN the exclusion masks it and ukraine does not match', () => {
    const v = verdict("Russia's war economy: factories run three shifts", 'Output of machine tools rose as orders from the state grew.', 'ukraine');
    expect(exclusions(v).map((x) => x.pattern)).toContain("the war as an adjective of Russia's economy");
    expect(v.matched).toBe(false);
  });

  it('GIVEN "Russia\'s war" with arms sent for it THEN ukraine still matches', () => {
    expect(verdict("Tehran ships drones for Russia's war", 'Hundreds of drones crossed the Caspian Sea.', 'ukraine').matched).toBe(true);
  });
});

describe('home names: Seoul\'s indexes and firms named without "Korea"', () => {
  it('GIVEN the Kospi alone in a headline THEN south-korea matches on the index, no other Korean word needed', () => {
    const v = verdict('Kospi closes at a record as chip shares rally', 'The benchmark gained 2.1% on foreign buying.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(patterns(v).some((p) => p.pattern === "Seoul's stock indexes" && p.field === 'title')).toBe(true);
  });

  it('GIVEN a shipyard\'s subcontractors in a labour dispute at home THEN south-korea matches on the home company feature', () => {
    const v = verdict('Hanwha Ocean subcontractors stage sit-in over unpaid wages', 'Dozens of welders occupied a dock at the Geoje yard.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(patterns(v).some((p) => p.pattern.startsWith('context: home company'))).toBe(true);
  });

  it('GIVEN a takeover fight among shareholders at home THEN south-korea matches', () => {
    const v = verdict('Krafton shareholders back takeover of rival studio', 'The vote clears the way for a tender offer next month.', 'south-korea');
    expect(v.matched).toBe(true);
  });

  it('GIVEN the same firms abroad or only launching a product THEN south-korea stays unmatched', () => {
    expect(verdict('Nexon opens a new studio in Los Angeles', 'The game maker will hire 200 workers in California.', 'south-korea').matched).toBe(false);
    expect(verdict('Netmarble releases new mobile role-playing game', 'The title is available worldwide from Thursday.', 'south-korea').matched).toBe(false);
  });
});

describe('the South as a party before a comma, its agency as the source after it', () => {
  it('GIVEN "South Korean troops, the military said" in a North Korea story THEN the troops are a party, not the South speaking', () => {
    const v = verdict('North Korean soldier walks across the border to defect', 'The soldier crossed the demarcation line in the east and was escorted by South Korean troops, the military said.', 'south-korea');
    expect(exclusions(v).map((x) => x.pattern)).not.toContain('South Korean agency said');
    expect(v.matched).toBe(true);
    // In one clause it is still the source: "South Korea's military said" only reports.
    const source = verdict('North Korea fires two ballistic missiles into the sea', 'South Korea\'s military said the missiles flew about 300 km.', 'south-korea');
    expect(source.matched).toBe(false);
  });
});

describe('the eleventh round: look-alikes in the shipped rules', () => {
  it('GIVEN "Odessa" with nothing of Ukraine, Russia or the sea THEN the Texas city; with the war it is the port', () => {
    expect(verdict('Odessa City Council votes to fire city manager', 'The council voted 4-3 after four hours of public comment.', 'ukraine').matched).toBe(false);
    const port = verdict('Russian drones strike Odessa port overnight', 'Grain silos were damaged, the regional governor said.', 'ukraine');
    expect(port.matched).toBe(true);
    expect(patterns(port).some((p) => p.pattern.startsWith('Odesa (as Odessa'))).toBe(true);
  });

  it('GIVEN "pre-war levels" or "since before Russia\'s invasion of Ukraine" in a market story THEN a point in time, not the war', () => {
    const v = verdict('European gas prices fall to pre-war levels as storage fills', "Futures dropped below 30 euros for the first time since before Russia's invasion of Ukraine.", 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('pre-war as a time reference');
  });

  it('GIVEN a club leaving a Russian league over the war THEN the war is its backdrop', () => {
    const v = verdict("Finnish hockey club withdraws from KHL over Russia's war", 'The Helsinki club said it would not play in the playoffs.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('a club leaving a Russian league');
  });

  it('GIVEN "the Korean carmaker" as a firm\'s label, or its plant in Georgia THEN not the country', () => {
    const award = verdict('Kia EV9 named World Car of the Year', "Kia's electric SUV won at the New York auto show, the second win for the Korean carmaker.", 'south-korea');
    expect(award.matched).toBe(false);
    expect(exclusions(award).map((x) => x.pattern)).toContain('South Korean as a label for a company, artist or athlete');
    const plant = verdict('Kia to add 1,000 jobs at West Point plant', 'Kia Motors will build a new SUV at its West Point, Georgia, factory.', 'south-korea');
    expect(plant.matched).toBe(false);
  });

  it('GIVEN a province by its short name ("Gyeongbuk") THEN south-korea matches on it', () => {
    const v = verdict('Wildfires in Gyeongbuk kill 28', 'Officials said a seventh-century temple burned down.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(patterns(v).some((p) => p.pattern === 'provinces' && p.matched === 'Gyeongbuk')).toBe(true);
  });

  it('GIVEN a Kim Jong Un impersonator named twice THEN the exclusion outweighs the leader\'s name in the headline', () => {
    const v = verdict('Kim Jong Un impersonator detained at Singapore airport', 'The man, who impersonates the North Korean leader, was questioned before a show.', 'north-korea');
    expect(v.matched).toBe(false);
  });
});

describe('the eleventh round, second part: backdrops in the shipped rules', () => {
  it('GIVEN the war as the cause or the lesson of another country\'s story THEN its backdrop', () => {
    expect(verdict('Finland joins NATO', "The accession, prompted by Russia's invasion of Ukraine, ends decades of non-alignment.", 'ukraine').matched).toBe(false);
    expect(verdict('China stages war games around Taiwan', "Analysts say Chinese planners have studied Russia's war in Ukraine closely.", 'ukraine').matched).toBe(false);
  });

  it('GIVEN Ukraine aid beside disaster aid in a US spending fight THEN one item of an agenda', () => {
    const v = verdict('House passes stopgap, punting Ukraine and disaster aid fights to December', 'The bill keeps the government open through December 20.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('Ukraine as one item of a US political agenda');
  });

  it('GIVEN the North as one threat cited for Japan\'s defence budget THEN its backdrop; a launch still counts', () => {
    expect(verdict("Japan approves record defense budget amid threats from China, N Korea", 'The cabinet approved 8.7 trillion yen in spending.', 'north-korea').matched).toBe(false);
    expect(verdict('North Korea fires missile over Japan', 'Tokyo approved a record budget amid threats from Pyongyang.', 'north-korea').matched).toBe(true);
  });
});

describe('the eleventh round, third part: yardsticks, ranges and lessons in the shipped rules', () => {
  it('GIVEN the North as a yardstick or a design\'s origin THEN not the subject', () => {
    expect(verdict("'We cannot allow Iran to become another North Korea,' warns Netanyahu", 'He urged Western leaders to act before Tehran crosses the nuclear threshold.', 'north-korea').matched).toBe(false);
    expect(verdict('Iran unveils new ballistic missile', 'Analysts say the missile is based on a North Korean design.', 'north-korea').matched).toBe(false);
  });

  it('GIVEN a country as the end of a range of places THEN not the subject', () => {
    expect(verdict('Bill Richardson, who freed captives from North Korea to Sudan, dies at 75', 'The former governor died at his home in Massachusetts.', 'north-korea').matched).toBe(false);
  });

  it('GIVEN another country learning from Ukraine\'s war THEN the learner\'s story; a US-Russia prisoner swap is not the war\'s', () => {
    expect(verdict("Taiwan must learn from Ukraine's drone war, minister says", "He said the use of drones on Ukraine's battlefields showed how a smaller force could deter a larger one.", 'ukraine').matched).toBe(false);
    expect(verdict('Journalist freed in biggest US-Russia prisoner swap since Cold War', 'The multinational prisoner exchange in Ankara freed 24 people.', 'ukraine').matched).toBe(false);
    expect(verdict('Russia and Ukraine swap hundreds of POWs', 'Kyiv said 200 soldiers came home in the prisoner exchange.', 'ukraine').matched).toBe(true);
  });

  it('GIVEN the war as what depleted, overshadowed or distracted another story THEN its backdrop', () => {
    expect(verdict('Lockheed raises outlook as missile demand stays hot', 'Governments are rebuilding stockpiles depleted by the war in Ukraine.', 'ukraine').matched).toBe(false);
    expect(verdict('Orban claims landslide win', 'The campaign was overshadowed by the war in neighbouring Ukraine.', 'ukraine').matched).toBe(false);
    expect(verdict("'Chernobyl' creator to adapt The Last of Us", 'The writer will team up with the game\'s creator on the HBO series.', 'ukraine').matched).toBe(false);
  });
});

describe('the eleventh round, fourth part: Russia\'s own news and names of sources', () => {
  it('GIVEN a Russian border region in Russia\'s own news THEN not the war; with the incursion it is', () => {
    expect(verdict('Former Kursk governor arrested in embezzlement probe', 'Investigators detained the ex-governor of the Kursk region over funds for border fortifications.', 'ukraine').matched).toBe(false);
    expect(verdict('Ukrainian troops push deeper into Kursk region', 'The incursion entered its second week.', 'ukraine').matched).toBe(true);
  });

  it('GIVEN Ukraine only as where suspects fled and Kyiv only denying it THEN not Ukraine\'s story', () => {
    expect(verdict('Islamic State claims Moscow concert hall attack', 'The Kremlin suggested the attackers had tried to flee toward Ukraine, which Kyiv denied.', 'ukraine').matched).toBe(false);
  });

  it('GIVEN a Kyiv think tank quoted on Russia\'s revenues THEN a source, not the subject', () => {
    expect(verdict("Russia's oil revenues down 20%, Kyiv School of Economics estimates", 'Discounts on Urals widened, according to the Kyiv School of Economics.', 'ukraine').matched).toBe(false);
  });

  it('GIVEN a Kim impersonator named with the leader in headline and summary THEN not North Korea', () => {
    expect(verdict('Kim Jong Un impersonator deported from Hanoi ahead of Trump summit', 'The impersonator of Kim Jong Un posed for photos days before the North Korean leader arrived.', 'north-korea').matched).toBe(false);
  });
});

describe('the eleventh round, fifth part: a walkout without a country, diasporas and transit deals', () => {
  it('GIVEN the trainee doctors\' walkout over the medical school quota, no country named THEN south-korea', () => {
    const v = verdict("Doctors' walkout enters sixth month as emergency rooms scale back", "Hospitals cut night shifts as trainee doctors protest the government's medical school quota increase.", 'south-korea');
    expect(v.matched).toBe(true);
    expect(patterns(v).some((p) => p.pattern === "the trainee doctors' walkout")).toBe(true);
  });

  it('GIVEN ethnic Koreans of Central Asia marking their deportation THEN a diaspora, not the South', () => {
    expect(verdict('Koryo-saram mark 85 years since deportation of Koreans', 'Ethnic Koreans in Kazakhstan gathered in Almaty to remember the 1937 removal.', 'south-korea').matched).toBe(false);
  });

  it('GIVEN Moldova\'s breakaway region losing gas when the transit deal through Ukraine ended THEN not Ukraine\'s story', () => {
    expect(verdict('Transnistria runs out of gas after Russian supplies halted', 'Homes were left without heating after Ukraine let a transit deal with Gazprom expire.', 'ukraine').matched).toBe(false);
  });

  it('GIVEN Japan\'s defence budget citing China and North Korea THEN the North is its backdrop', () => {
    expect(verdict('Japan approves record defence budget, citing China and North Korea', 'The cabinet approved 8.7 trillion yen for next year.', 'north-korea').matched).toBe(false);
  });
});

describe('the eleventh round, sixth part: money, the central bank, Itaewon as a warning', () => {
  it('GIVEN a sum in won and a president named once THEN south-korea', () => {
    const v = verdict('Minimum wage for 2020 set at 8,590 won, smallest rise in a decade', "The commission's decision scraps President Moon Jae-in's pledge of 10,000 won.", 'south-korea');
    expect(v.matched).toBe(true);
    expect(patterns(v).some((p) => p.pattern === 'sums in won')).toBe(true);
  });

  it('GIVEN the National Bank of Ukraine by its initials THEN ukraine; without the country it is not', () => {
    expect(verdict('NBU trims key rate to 13% as inflation cools', 'The National Bank of Ukraine cited slowing inflation.', 'ukraine').matched).toBe(true);
    expect(verdict('NBU raises deposit rates', 'The Tashkent lender said savers would earn more.', 'ukraine').matched).toBe(false);
  });

  it('GIVEN another city citing the Itaewon crush THEN a yardstick, not the South', () => {
    expect(verdict('Tokyo\'s Shibuya bans Halloween street drinking, citing Itaewon', "The mayor cited the risk of a crush like the one in Seoul's Itaewon district.", 'south-korea').matched).toBe(false);
  });

  it('GIVEN a Ukrainian diner in New York THEN a diaspora eatery, not Ukraine', () => {
    expect(verdict("Veselka, the East Village's Ukrainian diner, turns 70", 'The 24-hour Ukrainian diner on Second Avenue celebrates with pierogi at 1954 prices.', 'ukraine').matched).toBe(false);
  });
});

describe('the eleventh round, seventh part: births at home, the South\'s ruling party, lessons and likenesses', () => {
  it('GIVEN babies born in South Korea THEN births at home, not a place of birth abroad', () => {
    const v = verdict('Number of newborns rises for 9th straight month', 'The number of babies born in South Korea rose 7.9 percent in March, Statistics Korea said.', 'south-korea');
    expect(exclusions(v).map((x) => x.pattern)).not.toContain('place of origin of a firm or person abroad');
  });

  it('GIVEN the South\'s ruling party electing a Kim THEN not the North\'s party', () => {
    expect(verdict("Seoul's ruling party elects leader", 'The People Power Party elected Kim Gi-hyeon as its leader.', 'north-korea').matched).toBe(false);
  });

  it('GIVEN Japan\'s white paper drawing a lesson from the war, or a missile resembling a North Korean design THEN not their subject', () => {
    expect(verdict("Japan's defence white paper calls China 'greatest strategic challenge'", "It said Russia's war in Ukraine showed the risks of unilateral changes to the status quo.", 'ukraine').matched).toBe(false);
    expect(verdict('Iran unveils new ballistic missile said to resemble North Korean design', "Analysts noted its similarity to North Korea's Musudan.", 'north-korea').matched).toBe(false);
  });
});

describe('the eleventh round, eighth part: lenders, commentators, dramas and venues in the shipped rules', () => {
  it('GIVEN the state export lender lending abroad, or a strategist labelled by Seoul THEN not the South', () => {
    expect(verdict('Korea Eximbank lends $300m to Tanzania for railway', 'The Export-Import Bank of Korea signed a concessional loan, the Tanzanian finance ministry said.', 'south-korea').matched).toBe(false);
    expect(verdict("Yen slides past 160; 'BOJ is boxed in,' says Seoul strategist", 'The currency hit a 38-year low on Wednesday.', 'south-korea').matched).toBe(false);
  });

  it('GIVEN South Korean dramas as what a man was executed for, by a ministry\'s report THEN the North\'s story only', () => {
    const v = verdict('North Korea executed man for sharing South Korean dramas, report says', "He was shot for distributing South Korean films, according to a report by South Korea's unification ministry.", 'south-korea');
    expect(v.matched).toBe(false);
  });

  it('GIVEN a hotel remembered as a summit\'s venue THEN its sale is not the North\'s story', () => {
    expect(verdict("Sentosa's Capella, where Trump met Kim, changes hands", 'The resort, venue of the 2018 summit between Donald Trump and Kim Jong Un, was sold.', 'north-korea').matched).toBe(false);
  });
});

describe('the eleventh round, ninth part: Chernobyl in science, flags and national-team roles', () => {
  it('GIVEN the Chernobyl zone in a science story THEN not Ukraine; with the war it is', () => {
    expect(verdict('Chernobyl fungus grown on ISS blocks some cosmic radiation', 'A fungus first found in the ruins of the Chernobyl reactor reduced radiation by 2%.', 'ukraine').matched).toBe(false);
    expect(verdict('Russian troops leave Chernobyl plant', 'Ukraine said the soldiers had dug trenches in the exclusion zone.', 'ukraine').matched).toBe(true);
  });

  it('GIVEN Ukrainian flags waved in Tbilisi, or "Ukraine international" joining a club abroad THEN labels, not Ukraine', () => {
    expect(verdict('Tbilisi protesters wave EU and Ukrainian flags as ruling party claims win', 'Thousands rallied outside Georgia\'s parliament, many waving Ukrainian flags.', 'ukraine').matched).toBe(false);
    expect(verdict('Zinchenko completes loan move to Ajax', 'Ukraine international Oleksandr Zinchenko joined on a season-long loan.', 'ukraine').matched).toBe(false);
  });
});

describe('the eleventh round, tenth part: names and backdrops in the shipped rules', () => {
  it('GIVEN Japan\'s Liberal Democratic Party, or an LA park named after Seoul THEN not the South', () => {
    const v = verdict('Ishiba wins Liberal Democratic Party race', 'The former defence minister will become prime minister.', 'south-korea');
    expect(patterns(v).some((p) => p.matched === 'Democratic Party')).toBe(false);
    expect(verdict('Koreatown festival draws crowds to Seoul International Park', 'The Los Angeles Korean Festival opened with food stalls.', 'south-korea').matched).toBe(false);
  });

  it('GIVEN a Baltic defence budget "as Russia\'s war drags on" THEN the war is its backdrop', () => {
    expect(verdict("Lithuania to lift defence spending to 3% of GDP as Russia's war drags on", 'The government approved plans to fund a German brigade.', 'ukraine').matched).toBe(false);
  });

  it('GIVEN the South\'s game rating board THEN a state body, not a game maker\'s label', () => {
    const v = verdict("Gamers' petition forces audit of Korea's game rating board", 'The Board of Audit and Inspection will audit the committee.', 'south-korea');
    expect(exclusions(v).map((x) => x.pattern)).not.toContain('South Korean as a label for a company, artist or athlete');
  });

  it('GIVEN a game by a Kyiv-founded developer THEN a label, not Ukraine', () => {
    expect(verdict('S.T.A.L.K.E.R. 2 sells 1 million copies in two days', 'The shooter passed a million sales, the Kyiv-founded developer said.', 'ukraine').matched).toBe(false);
  });
});

describe('the twelfth round: insurance terms, loudspeakers, the South\'s daily life, the whole country as the scene', () => {
  it('GIVEN war-risk premiums on another sea, measured against the Black Sea after the invasion THEN an insurance story, not Ukraine', () => {
    const v = verdict('Gulf tanker attacks lift war-risk premiums to a two-year high', 'War-risk cover for ships calling at Gulf ports rose to 0.8% of hull value, brokers said, still under the Black Sea rates after Russia\'s invasion of Ukraine.', 'ukraine');
    expect(patterns(v).some((p) => p.matched.toLowerCase() === 'war')).toBe(false);
    expect(v.matched).toBe(false);
  });

  it('GIVEN the South switching off its border loudspeakers THEN a move towards the North too; loudspeakers at a stadium are nobody\'s', () => {
    const v = verdict('Seoul silences border loudspeakers in gesture to the North', 'The military stopped the broadcasts on Thursday as the new government sought talks with Pyongyang.', 'north-korea');
    expect(v.matched).toBe(true);
    expect(patterns(v).map((p) => p.pattern)).toContain('border loudspeakers');
    expect(verdict('Stadium to replace its loudspeakers before the season', 'The club will spend $2m on a new sound system.', 'north-korea').matched).toBe(false);
  });

  it('GIVEN the South\'s travel authorisation or its kimchi-making season named without the country THEN the South', () => {
    expect(patterns(verdict('K-ETA waiver extended for visitors from 20 countries', 'Tourists will not need the permit until next year, the justice ministry said.', 'south-korea')).map((p) => p.pattern)).toContain('South Korean institutions of daily life');
    expect(verdict('Cabbage prices soar ahead of kimjang season', 'Heat damaged crops in Gangwon\'s highlands, and the government will release reserves.', 'south-korea').matched).toBe(true);
  });

  it('GIVEN a Korean club named by its city playing abroad THEN sport abroad; a strike in that city is the South\'s', () => {
    const v = verdict('Ulsan HD out of the Club World Cup after loss to Fluminense', 'The South Korean champions lost 4-2 in New Jersey on Saturday.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'culture or sport abroad')).toBe(true);
    expect(verdict('Ulsan shipyard strike enters second week', 'Workers at the Ulsan yard walked out over pay.', 'south-korea').matched).toBe(true);
  });

  it('GIVEN something happening "across" the country THEN the whole country is the scene; "across" another country is not', () => {
    const v = verdict('Students return to lectures after long boycott', 'Medical students across South Korea went back to class on Monday, the education ministry said.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(feature(v, 'scene')).toBe(true);
    expect(verdict('Students return to lectures after long boycott', 'Medical students across Japan went back to class, unlike peers in South Korea.', 'south-korea').matched).toBe(false);
  });
});

describe('the twelfth round, second part: other countries\' courts, sport and refugees abroad, rankings, fiction', () => {
  it('GIVEN another country\'s Constitutional Court in a briefing that also has a North Korean launch THEN not the South', () => {
    const v = verdict('Asia briefing: Thai court ruling, Pyongyang launch', 'Thailand\'s Constitutional Court suspended the prime minister. Also: North Korea fired two ballistic missiles.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('another country\'s court, parliament or party');
  });

  it('GIVEN a South Korean tried by a court named by a foreign city THEN a person abroad', () => {
    expect(verdict('Melbourne court jails South Korean man over drug import', 'The South Korean national was sentenced to eight years on Friday.', 'south-korea').matched).toBe(false);
  });

  it('GIVEN fiction about a North Korean defector topping the charts, or the Pyongyang noodle dish THEN not the North', () => {
    expect(verdict('Streaming thriller about a North Korean defector tops global chart', 'The series about a soldier who escapes has led the non-English list for two weeks.', 'north-korea').matched).toBe(false);
    expect(patterns(verdict('Pyongyang cold noodles sell out in summer heat', 'Restaurants in Seoul report queues.', 'north-korea')).some((p) => p.matched === 'Pyongyang')).toBe(false);
  });

  it('GIVEN analysts who see a North Korean design in another country\'s missile THEN that country\'s story', () => {
    expect(verdict('Iran parades new missile; experts see North Korean design', 'The missile was shown at a parade in Tehran on Saturday.', 'north-korea').matched).toBe(false);
  });

  it('GIVEN a boxer defending titles abroad "in front of" a crowd THEN sport abroad, not a front line', () => {
    const v = verdict('Usyk keeps heavyweight belts in Riyadh', 'Ukraine\'s champion won on points in front of a packed arena on Saturday.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(feature(v, 'culture or sport abroad')).toBe(true);
  });

  it('GIVEN refugees\' concerts and council seats in the host country THEN refugees abroad', () => {
    expect(verdict('Ukrainian refugee choir sings in Dublin for charity', 'Women who fled the war gave a Christmas concert at a cathedral.', 'ukraine').matched).toBe(false);
    expect(verdict('Ukrainian refugee elected to Warsaw district council', 'A teacher who fled Kharkiv in 2022 won a seat in Poland\'s capital.', 'ukraine').matched).toBe(false);
  });

  it('GIVEN a neighbour\'s campaign over being dragged into the war THEN its politics; NATO drawn into the war stays the war\'s', () => {
    expect(verdict('Fico wins Slovak vote on peace pitch', 'He accused the opposition of wanting to drag Slovakia into the war in Ukraine.', 'ukraine').matched).toBe(false);
    expect(verdict('Putin warns NATO against being drawn into the war in Ukraine', 'Sending troops would mean direct conflict, he said.', 'ukraine').matched).toBe(true);
  });

  it('GIVEN a home firm\'s data breach at KT Corp THEN the South', () => {
    expect(verdict('KT chief resigns over subscriber data leak', 'The head of KT Corp stepped down after a customer data breach, the ministry said.', 'south-korea').matched).toBe(true);
  });

  it('GIVEN a missile over Japan that Pyongyang launched, named once in the summary THEN the North', () => {
    const v = verdict('Hokkaido residents told to shelter as missile overflies Japan', 'The government issued the alert after Pyongyang launched an intermediate-range missile.', 'north-korea');
    expect(patterns(v).map((p) => p.matched)).toContain('intermediate-range missile');
    expect(notes(v).some((n) => n.startsWith('passing mention'))).toBe(false);
  });

  it('GIVEN every mention of the North as what another country ranks below THEN that country\'s ranking', () => {
    const v = verdict('Turkmenistan ranks below North Korea in press index', 'The watchdog put it last, one place behind North Korea.', 'north-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'yardstick')).toBe(true);
  });
});

describe('the twelfth round, third part: markets, threats cited, defectors abroad, firms by their label', () => {
  it('GIVEN a regional market headline of cities, or "the Kospi in Seoul" beside the Nikkei THEN a market wrap', () => {
    const v = verdict('Asian stocks mixed; Tokyo firms, Seoul edges lower', 'Japan\'s Nikkei added 0.3% while the Kospi in Seoul lost 0.4% and Hong Kong was flat.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'market wrap')).toBe(true);
  });

  it('GIVEN a price move whose headline gives another cause THEN the war in its summary is a cause of the market; a move caused by a strike is not capped', () => {
    const capped = verdict('Brent steadies as OPEC+ keeps quotas', 'Crude rose 0.3%, with Ukrainian drone attacks on Russian ports adding to supply worries.', 'ukraine');
    expect(capped.matched).toBe(false);
    expect(feature(capped, 'market report')).toBe(true);
    expect(feature(verdict('Oil jumps after drones hit Russian export terminal', 'Brent rose 3% after a Ukrainian drone attack shut a loading berth.', 'ukraine'), 'market report')).toBe(false);
    expect(feature(verdict('Global markets: oil jumps', 'Brent rose 3% after a Ukrainian drone attack shut a loading berth.', 'ukraine'), 'market report')).toBe(false);
  });

  it('GIVEN another economy still hurt by the price shock "that followed" the invasion THEN a backdrop', () => {
    expect(verdict('Austrian output shrinks for a second year', 'Factories still suffer from the energy shock that followed Russia\'s full-scale invasion of Ukraine.', 'ukraine').matched).toBe(false);
  });

  it('GIVEN drills simulating a launch from the North, or defences against its missiles THEN another country\'s defence', () => {
    expect(verdict('Pupils in Niigata practise taking cover', 'The drill simulated a ballistic missile launch from North Korea.', 'north-korea').matched).toBe(false);
    expect(verdict('Interceptor test off Hawaii succeeds', 'The system is meant to protect the islands from North Korean missiles, the agency said.', 'north-korea').matched).toBe(false);
  });

  it('GIVEN another country that may follow the North, or "the North Korea option" THEN a yardstick', () => {
    expect(verdict('Iran weighs the North Korea option, envoys fear', 'Tehran could follow North Korea in leaving the treaty, diplomats said.', 'north-korea').matched).toBe(false);
  });

  it('GIVEN the hotel that hosted the Trump-Kim summit changing hands THEN not the North', () => {
    expect(verdict('Sentosa hotel that hosted Trump-Kim summit is sold', 'The resort where Donald Trump and Kim Jong Un met in 2018 went to a Hong Kong buyer.', 'north-korea').matched).toBe(false);
  });

  it('GIVEN a musical about women who fled the North THEN fiction', () => {
    const v = verdict('Off-Broadway musical follows women who fled North Korea', 'A musical about two women who fled North Korea through China opened in New York.', 'north-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('fiction about the North');
  });

  it('GIVEN a Korean group\'s deal abroad, called "the Korean group" later THEN a firm named, not the South', () => {
    const v = verdict('Hanwha closes $100 million Philly Shipyard deal', 'Hanwha Ocean completed the acquisition on Thursday, giving the Korean group its first shipbuilding foothold in the United States.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'firm only')).toBe(true);
  });

  it('GIVEN defectors\' life in a host country THEN defectors abroad; a defector\'s testimony about the regime stays the North\'s', () => {
    const v = verdict('New Malden defector wins council seat', 'A woman who escaped North Korea in 2009 was elected in London, home to Europe\'s largest North Korean community.', 'north-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'defectors abroad')).toBe(true);
    expect(feature(verdict('Defector tells London audience of executions in the North', 'A woman who escaped North Korea in 2009 described public executions by the regime.', 'north-korea'), 'defectors abroad')).toBe(false);
  });
});

describe('the twelfth round, fourth part: culture abroad read wider, figures of speech, the sitcom, years before "won"', () => {
  it('GIVEN a Kyiv company on tour abroad "since the invasion began" THEN culture abroad; the war as a date places nothing', () => {
    const v = verdict('Kyiv City Ballet opens a run at a Paris theatre', 'The company, on tour in France when the invasion began, dances Giselle from Thursday.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(feature(v, 'culture or sport abroad')).toBe(true);
  });

  it('GIVEN a refugee from a Ukrainian city winning a championship abroad THEN sport abroad', () => {
    const v = verdict('Refugee from Kharkiv wins Irish chess championship', 'The 15-year-old, who arrived in Cork in 2022, won the title on tiebreaks in Dublin.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(feature(v, 'culture or sport abroad')).toBe(true);
  });

  it('GIVEN a defector documentary winning an award abroad THEN culture abroad', () => {
    const v = verdict('Defector documentary wins festival audience award', 'The film follows a family\'s escape from North Korea and took the prize in Park City.', 'north-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'culture or sport abroad')).toBe(true);
  });

  it('GIVEN a year before the verb "won" THEN no sum in won; a sum still is one', () => {
    expect(patterns(verdict('Chess prodigy takes the title', 'She arrived in 2022, won three rounds and drew two.', 'south-korea')).map((p) => p.pattern)).not.toContain('sums in won');
    expect(patterns(verdict('Lunch prices climb', 'A bowl of noodles now costs 12,000 won on average.', 'south-korea')).map((p) => p.pattern)).toContain('sums in won');
  });

  it('GIVEN the North as a figure of speech, a comparison, or a missile\'s lineage THEN not the North', () => {
    expect(verdict('Candidate likens rival\'s rally to \'something out of North Korea\'', 'The choreographed event looked like something out of North Korea, he said.', 'north-korea').matched).toBe(false);
    expect(verdict('Turkmenistan tightens VPN ban, drawing comparisons with North Korea', 'Its internet is now among the most closed, behind only North Korea.', 'north-korea').matched).toBe(false);
    expect(verdict('Iran shows off missile at parade', 'Analysts said its design traces back to the North Korean Nodong.', 'north-korea').matched).toBe(false);
  });

  it('GIVEN the Servant of the People sitcom streaming abroad THEN culture; the party stays Ukraine\'s', () => {
    expect(verdict('\'Servant of the People\' returns to Netflix in the US', 'The comedy series in which Zelenskyy played a teacher who becomes president streams from Friday.', 'ukraine').matched).toBe(false);
    expect(verdict('Servant of the People loses its majority in the Rada', 'The president\'s party fell short after defections.', 'ukraine').matched).toBe(true);
  });

  it('GIVEN a peace deal elsewhere while Moscow "is absorbed by its war in Ukraine" THEN a backdrop', () => {
    const v = verdict('Armenia and Azerbaijan initial peace deal in Washington', 'Diplomats said the deal became possible as Moscow is absorbed by its war in Ukraine.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.matched)).toContain('absorbed by its war in Ukraine');
  });
});

describe('the twelfth round, fifth part: briefings at a host city, trials abroad, memoirs, the North sending troops, comparisons', () => {
  it('GIVEN a briefing item about foreign negotiators meeting in Busan THEN not lifted as the South\'s event', () => {
    const v = verdict('Evening briefing: rate cuts, a recall and plastics talks', 'Officials split over rates. A carmaker recalls 90,000 vehicles. And negotiators in Busan ended a week of talks without agreeing a global treaty.', 'south-korea');
    expect(feature(v, 'roundup')).toBe(false);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a South Korean sentenced in a story that names the foreign country anywhere THEN a person abroad', () => {
    expect(verdict('South Korean woman jailed for 12 years over meth shipment', 'A judge sentenced the 41-year-old, who entered Australia on a tourist visa, for importing 150kg of the drug.', 'south-korea').matched).toBe(false);
  });

  it('GIVEN a defector\'s memoir on a bestseller list abroad THEN culture abroad', () => {
    const v = verdict('North Korean defector\'s memoir debuts on bestseller list', 'The activist\'s book, about her life in Chicago since fleeing the North, entered the list at No. 4.', 'north-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'culture or sport abroad')).toBe(true);
  });

  it('GIVEN a headline where "North" sends troops, with the South\'s spy agency named THEN the North acts', () => {
    const v = verdict('Spy agency says North sent 1,500 special forces to Russia', 'South Korea\'s National Intelligence Service said the troops were shipped to Vladivostok.', 'north-korea');
    expect(v.matched).toBe(true);
    expect(feature(v, 'the North acts')).toBe(true);
  });

  it('GIVEN "a North Korea in Europe" or a candidate inviting Zelensky comparisons THEN figures of speech', () => {
    expect(verdict('Opposition warns Lukashenko is building \'a North Korea in Europe\'', 'The exiled leader told MEPs that arrests were cutting Belarusians off.', 'north-korea').matched).toBe(false);
    expect(verdict('Comedian-candidate surges in polls, inviting Zelensky comparisons', 'The TV star rose to second place ahead of the April vote in Lima.', 'ukraine').matched).toBe(false);
    expect(verdict('Zelensky meets Macron in Paris', 'The two leaders discussed air defence.', 'ukraine').matched).toBe(true);
  });

  it('GIVEN the doctors\' walkout over expanding medical school admissions, with no country named THEN the walkout\'s own words count for the South', () => {
    const v = verdict('Trainee doctors end walkout, return to hospitals', 'Residents who quit over the plan to expand medical school admissions will return in September, the ministry said.', 'south-korea');
    expect(patterns(v).map((p) => p.pattern)).toContain('the trainee doctors\' walkout');
  });
});

describe('the twelfth round, sixth part: host cities by their label, power knocked out, rankings\' heads, flights abroad, history on screen', () => {
  it('GIVEN foreign negotiators in "the South Korean port city" THEN the host city', () => {
    const v = verdict('Plastics treaty talks end without deal in Busan', 'Negotiators from 170 countries failed to agree after a week of talks in the South Korean port city.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'host city')).toBe(true);
  });

  it('GIVEN Russian missiles knocking out power in Kyiv, in a markets briefing THEN the war\'s target', () => {
    const v = verdict('Morning Bid: Dollar steadies, oil edges up', 'A look at the day ahead. Overnight, Russian missiles knocked out power across much of Kyiv.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(feature(v, 'war target')).toBe(true);
  });

  it('GIVEN another country\'s record "led by South Koreans", or a war\'s toll measured against Ukraine\'s THEN yardsticks', () => {
    expect(verdict('Foreign visitors to Japan hit record, led by South Koreans', 'Travellers from South Korea were the largest group, followed by China and Taiwan.', 'south-korea').matched).toBe(false);
    expect(verdict('UN naval task force led by South Korea seizes pirate skiff', 'The ships boarded the vessel off Somalia.', 'south-korea').matched).toBe(true);
    expect(verdict('More children killed in Gaza than in two years of Ukraine war, UN says', 'The agency said the toll exceeded that recorded in the war in Ukraine.', 'ukraine').matched).toBe(false);
  });

  it('GIVEN tactics likened to those used by North Korea, or "Central Asia\'s North Korea" THEN comparisons', () => {
    expect(verdict('US sanctions refineries over Iranian oil', 'Officials likened the transfers to tactics used by North Korea.', 'north-korea').matched).toBe(false);
    expect(verdict('Turkmenistan, \'Central Asia\'s North Korea\', holds predictable vote', 'Voters elected a parliament with no real choice.', 'north-korea').matched).toBe(false);
  });

  it('GIVEN a K-drama set partly in the North, a film about the Korean War, or the Inchon landing on screen THEN not the Koreas\' news', () => {
    expect(verdict('K-drama stars welcome second child', 'The couple met filming the hit K-drama about a South Korean heiress who crash-lands in North Korea.', 'north-korea').matched).toBe(false);
    const epic = verdict('Hollywood war epic recreates the Incheon landing', 'A new film about the 1950 assault that turned the Korean War opened in cinemas.', 'south-korea');
    expect(epic.matched).toBe(false);
    expect(exclusions(epic).map((x) => x.pattern)).toContain('the Inchon landing (1950)');
    // The old spelling is no city of today's lists at all (the twenty-eighth round).
    expect(verdict('Hollywood war epic recreates the Inchon landing', 'A new film about the 1950 assault that turned the Korean War opened in cinemas.', 'south-korea').matched).toBe(false);
  });

  it('GIVEN the occupied nuclear plant losing power, the city named only in the plant\'s name THEN Ukraine', () => {
    const v = verdict('Europe\'s largest nuclear plant loses outside power again, IAEA says', 'The Russian-occupied Zaporizhzhia nuclear power plant is relying on diesel generators.', 'ukraine');
    expect(patterns(v).find((p) => p.pattern === 'the Zaporizhzhia nuclear plant')?.weight).toBe(4);
  });

  it('GIVEN a Korean airline\'s incident abroad, named by the airline and its route THEN the firm\'s; a strike at the airline stays the South\'s', () => {
    const v = verdict('Korean Air jet overshoots runway in Cebu, all on board safe', 'The Airbus A330 from Seoul skidded off the runway in heavy rain, Philippine officials said.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'firm only')).toBe(true);
    expect(feature(verdict('Asiana pilots strike over pay', 'Flights from Seoul to Tokyo were cancelled as the union walked out.', 'south-korea'), 'firm only')).toBe(false);
  });
});

describe('the twelfth round, seventh part: festivals and parades abroad, a US soldier at the border, warning shots, more comparisons', () => {
  it('GIVEN a Chuseok festival in a London suburb THEN culture abroad', () => {
    const v = verdict('Thousands flock to New Malden for Chuseok festival', 'Stalls lined the high street as Europe\'s largest Korean community celebrated with drumming and dance.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'culture or sport abroad')).toBe(true);
  });

  it('GIVEN the Ukrainian community of a Canadian city marking Independence Day THEN the diaspora abroad', () => {
    expect(verdict('Ukrainian community in Winnipeg marks Independence Day', 'Hundreds marched downtown, home to one of the largest Ukrainian diasporas outside Europe.', 'ukraine').matched).toBe(false);
  });

  it('GIVEN a US soldier crossing at the Joint Security Area THEN the border is the venue, not the South', () => {
    const v = verdict('US soldier dashes into North Korea during border tour', 'A US Army private on a tour of the Joint Security Area ran across the border into North Korea, officials said.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'venue')).toBe(true);
  });

  it('GIVEN the South\'s military firing warning shots after the North blew up roads THEN the South is a party', () => {
    const v = verdict('North Korea blows up roads linking it to the South', 'North Korean troops detonated two cross-border roads, South Korea\'s military said, adding that it fired warning shots in response.', 'south-korea');
    expect(patterns(v).map((p) => p.matched)).toContain('warning shots');
  });

  it('GIVEN a blackout "approaching the cut-off imposed in North Korea", or Stalin\'s Yalta pledges THEN comparisons and history', () => {
    expect(verdict('Iran internet shutdown deepens for fourth day', 'Monitors called it a shutdown approaching the total cut-off imposed in North Korea.', 'north-korea').matched).toBe(false);
    expect(verdict('Archive shows Churchill\'s doubts over Stalin\'s Yalta pledges', 'Papers reveal his misgivings about promises made at the 1945 conference.', 'ukraine').matched).toBe(false);
  });
});

describe('the twelfth round, eighth part: obituaries, history\'s map, owned chains, rankings\' peers, festivals at home', () => {
  it('GIVEN a foreign diplomat\'s obituary whose career touched the North THEN the person\'s story', () => {
    const v = verdict('Veteran envoy who bargained with Pyongyang dies at 81', 'The former congressman, who made repeated trips to North Korea to win the release of detained Americans, died at his home in Maine.', 'north-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('a foreigner\'s obituary');
  });

  it('GIVEN a 1950 battle "in what is now North Korea" THEN history\'s place, not the North', () => {
    const v = verdict('Veteran of 1950 battle in what is now North Korea dies aged 96', 'He survived the freezing battle at the Chosin Reservoir, his family said.', 'north-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('a place of history named by today\'s map');
  });

  it('GIVEN a South Korean-owned bakery chain opening abroad THEN a label, not the South', () => {
    const v = verdict('Korean bakery chain opens first store in Madrid', 'The South Korean-owned chain, with 4,000 outlets worldwide, opened near the Prado.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).filter((x) => x.pattern === 'place of birth or head office as a label')).toHaveLength(2);
  });

  it('GIVEN the Kospi beside "MSCI\'s index" and Hong Kong, or the South as Japan\'s neighbour in ageing THEN a market wrap and a yardstick', () => {
    expect(verdict('Asian shares mixed as investors await Fed', 'MSCI\'s broadest index of Asia-Pacific shares was flat, with gains in Seoul\'s Kospi offset by losses in Hong Kong.', 'south-korea').matched).toBe(false);
    const v = verdict('Japan\'s population falls for 15th straight year', 'The number of nationals fell by 900,000, as Japan joins neighbours South Korea and China in grappling with ageing.', 'south-korea');
    expect(feature(v, 'yardstick')).toBe(true);
  });

  it('GIVEN a country that joins the North at the bottom of a ranking THEN that country\'s story', () => {
    const v = verdict('Turkmenistan joins North Korea at bottom of internet freedom rankings', 'The watchdog said the country had tightened its VPN ban.', 'north-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'yardstick')).toBe(true);
  });

  it('GIVEN a Baltic budget because the invasion "had shown" the flank must be ready THEN a lesson elsewhere', () => {
    expect(verdict('Latvia to spend 5% of GDP on defence', 'Parliament said Russia\'s full-scale invasion of Ukraine had shown that the eastern flank must be ready.', 'ukraine').matched).toBe(false);
  });

  it('GIVEN Kyiv\'s own book festival, named with the city before its name THEN an event at home, not culture abroad nor diaspora life', () => {
    const v = verdict('Kyiv\'s Book Arsenal festival returns with readings in bomb shelters', 'Visitors came to the literary festival at the Mystetskyi Arsenal, moving underground when sirens sounded.', 'ukraine');
    expect(feature(v, 'culture or sport abroad')).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).not.toContain('community life abroad');
  });
});

describe('the twelfth round, ninth part: long-range weapons into Russia, hometowns, firms\' labels, emigrants\' obituaries', () => {
  it('GIVEN Western long-range missiles allowed to strike deeper into Russia, Ukraine unnamed THEN the war', () => {
    const v = verdict('Washington allows long-range US missiles to be fired deeper into Russia', 'Officials said the policy shift covers ATACMS strikes on military sites.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(patterns(v).map((p) => p.pattern)).toContain('Western long-range weapons fired into Russia');
  });

  it('GIVEN a firm\'s recovery "in the wake of the invasion" THEN a backdrop', () => {
    expect(verdict('Gas importer returns to profit two years after rescue', 'Berlin bailed it out when deliveries stopped in the wake of the invasion of Ukraine.', 'ukraine').matched).toBe(false);
  });

  it('GIVEN a teenager from a Ukrainian city winning a title abroad THEN sport abroad', () => {
    const v = verdict('Lviv teenager takes European under-16 chess crown in Malaga', 'A 15-year-old from Lviv won the championship in Spain on Sunday.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(feature(v, 'culture or sport abroad')).toBe(true);
  });

  it('GIVEN a briefing item where the North\'s leader oversaw a test THEN the roundup counts it', () => {
    const v = verdict('Your evening briefing: storms and a chip rally', 'Floods killed four in Houston; chip shares hit a record. Elsewhere, North Korea\'s leader oversaw a test of a new rocket launcher.', 'north-korea');
    expect(v.matched).toBe(true);
    expect(feature(v, 'roundup')).toBe(true);
  });

  it('GIVEN a Ukrainian games developer opening a studio abroad, or an emigrant ballerina\'s obituary THEN not Ukraine', () => {
    expect(verdict('Ukrainian games developer to open 200-job studio in Prague', 'The studio said it would expand its European operations.', 'ukraine').matched).toBe(false);
    expect(verdict('Ballerina who fled Kharkiv as a child dies at 91', 'She became a principal dancer in New York and died at her home in Manhattan.', 'ukraine').matched).toBe(false);
  });
});

describe('the twelfth round, tenth part: the war unnamed, look-alike Kims, routes and maps', () => {
  it('GIVEN the invasion and the front with Russian forces, occupied territories in talks with Moscow, or shells sent to the front THEN the war', () => {
    expect(verdict('Analysis: the invasion enters another winter, and the front has barely moved', 'Russian forces have paid for every village with heavy casualties.', 'ukraine').matched).toBe(true);
    expect(verdict('Vatican envoy presses Moscow on deported children', 'The envoy met Russia\'s commissioner to reunite children taken from occupied territories with their families.', 'ukraine').matched).toBe(true);
    expect(verdict('Ammunition initiative delivers a million shells to the front', 'The initiative delivered 1.1 million large-calibre shells to the front this year, Prague said.', 'ukraine').matched).toBe(true);
  });

  it('GIVEN "Kim" at the White House who is Kim Kardashian THEN not the North\'s leader; Kim at the Kremlin\'s parade is', () => {
    expect(verdict('Kim back at White House to press Trump on clemency', 'Kim Kardashian returned to the Oval Office to lobby for non-violent offenders.', 'north-korea').matched).toBe(false);
    expect(verdict('Kremlin says Kim to attend Victory Day parade', 'Peskov said Kim would be among the foreign leaders on Red Square.', 'north-korea').matched).toBe(true);
  });

  it('GIVEN a foreign airline\'s Seoul route, or a country wedged between Romania and Ukraine THEN destinations and maps', () => {
    expect(verdict('Finnair to drop Seoul route as airspace ban lengthens flights', 'The airline will suspend its Helsinki-Seoul route from March.', 'south-korea').matched).toBe(false);
    expect(verdict('Moldova\'s ruling party keeps majority', 'The vote was closely watched in the small country wedged between Romania and war-torn Ukraine.', 'ukraine').matched).toBe(false);
  });

  it('GIVEN displacement surpassing the wars in Syria and Ukraine, or Belarus as the staging ground for the 2022 invasion THEN yardstick and backdrop', () => {
    const sudan = verdict('Sudan\'s displacement crisis now world\'s largest, UN says', 'More than 12 million have fled, surpassing displacement caused by the conflicts in Syria and Ukraine.', 'ukraine');
    expect(sudan.matched).toBe(false);
    expect(exclusions(sudan).map((x) => x.pattern)).toContain('the war\'s toll as a yardstick');
    const belarus = verdict('Lukashenka pardons 30 political prisoners', 'He allowed Russian troops to use Belarus as a staging ground for the 2022 invasion of Ukraine.', 'ukraine');
    expect(belarus.matched).toBe(false);
    expect(exclusions(belarus).map((x) => x.pattern)).toContain('the war in Ukraine as a motive or backdrop');
  });

  it('GIVEN the South\'s president proposing to restore the military hotline THEN a move towards the North too', () => {
    expect(patterns(verdict('South Korean president proposes restoring military hotline', 'He urged North Korea to restore communication lines cut in 2023.', 'north-korea')).map((p) => p.pattern)).toContain('inter-Korean hotlines');
  });

  it('GIVEN a Korean firm named as "the South Korean solar maker" in a US plant\'s job cuts, or a Korean crime thriller topping a chart THEN labels', () => {
    const solar = verdict('Hanwha Qcells to cut 300 jobs at Georgia solar plant', 'The company will lay off workers at its factory in Dalton, Georgia, the South Korean solar maker said.', 'south-korea');
    expect(solar.matched).toBe(false);
    expect(feature(solar, 'firm only')).toBe(true);
    const thriller = verdict('Thriller tops Netflix\'s global non-English chart', 'A South Korean crime thriller led the chart for a third week.', 'south-korea');
    expect(exclusions(thriller).map((x) => x.pattern)).toContain('South Korean as a label for a company, artist or athlete');
  });

  it('GIVEN a Ukrainian qualifier winning at the Australian Open, or a Kharkiv refugee\'s stall winning awards in London THEN abroad', () => {
    expect(verdict('Qualifier stuns fifth seed at Australian Open', 'Ukraine\'s Yelyzaveta Koval won 6-4 7-6 to reach the last 16.', 'ukraine').matched).toBe(false);
    expect(verdict('Kharkiv refugee\'s borscht stall wins London street food awards', 'A woman who fled Kharkiv has been named trader of the year at a market in London.', 'ukraine').matched).toBe(false);
  });
});

describe('the twelfth round, eleventh part: courts, medals and stars abroad, repatriations, routes, levels before the invasion', () => {
  it('GIVEN a Singapore court jailing a South Korean THEN a person abroad', () => {
    const v = verdict('Singapore court jails South Korean man over crypto fraud', 'The 38-year-old South Korean national was sentenced to nine years, prosecutors said.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'person abroad')).toBe(true);
  });

  it('GIVEN a South Korean skater\'s gold in Milan, or a Michelin star for a chef who left Kharkiv THEN abroad', () => {
    expect(verdict('Short track: South Korea\'s Kim wins 1,500m gold', 'She held off two Canadians on the final lap in Milan on Saturday.', 'south-korea').matched).toBe(false);
    expect(verdict('Copenhagen restaurant of chef who left Kharkiv wins Michelin star', 'The 16-seat restaurant in Copenhagen was opened by a chef who left Kharkiv in 2022.', 'ukraine').matched).toBe(false);
  });

  it('GIVEN the South returning North Korean fishermen THEN the South acts as a party', () => {
    const v = verdict('South returns six North Korean fishermen found adrift', 'The men, whose boat drifted across the maritime border, were handed back at sea.', 'south-korea');
    expect(v.matched).toBe(true);
  });

  it('GIVEN a Korean Air jet at a Japanese airport bound for Seoul\'s Gimpo airport THEN the airline\'s incident abroad', () => {
    const v = verdict('Korean Air jet clips parked plane while taxiing at Haneda', 'The Boeing 737 bound for Seoul\'s Gimpo airport touched the tail of a Japan Airlines aircraft.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'firm only')).toBe(true);
  });

  it('GIVEN gas prices under the levels seen before the invasion, or mercenaries who are veterans of the fighting in Ukraine THEN backdrops', () => {
    const gas = verdict('European gas prices fall to lowest level since 2021', 'Dutch futures dropped below the levels seen before Russia\'s full-scale invasion of Ukraine.', 'ukraine');
    expect(gas.matched).toBe(false);
    expect(exclusions(gas).map((x) => x.pattern)).toContain('the war in Ukraine as a motive or backdrop');
    const mali = verdict('Russian mercenaries in Mali accused of executing villagers', 'Rights groups say the fighters, many of them veterans of the fighting in Ukraine, killed 20 civilians.', 'ukraine');
    expect(exclusions(mali).map((x) => x.pattern)).toContain('veterans of the war, fighting elsewhere');
  });

  it('GIVEN a missile defence meant to protect an island from missiles launched by the North THEN another country\'s defence', () => {
    const v = verdict('Guam missile defence intercepts target in first test', 'The system is designed to protect the island from missiles launched by China or North Korea.', 'north-korea');
    expect(exclusions(v).map((x) => x.pattern)).toContain('the North as a threat cited for another country\'s defence');
  });

  it('GIVEN a Kyiv match halted by an air-raid alert, or the occupied plant called a "station" THEN the war at home', () => {
    expect(patterns(verdict('Dynamo Kyiv match halted by air-raid alert', 'Players were sent to shelters during the league game.', 'ukraine')).map((p) => p.pattern)).toContain('air-raid alerts');
    expect(patterns(verdict('Europe\'s largest nuclear plant loses outside power', 'The Russian-occupied Zaporizhzhia station switched to diesel generators after shelling.', 'ukraine')).map((p) => p.pattern)).toContain('the Zaporizhzhia nuclear plant');
  });

  it('GIVEN a Ukrainian courier opening branches abroad THEN a label', () => {
    expect(exclusions(verdict('Ukrainian courier to open 60 branches in Germany', 'The expansion will serve migrant communities.', 'ukraine')).map((x) => x.pattern)).toContain('Ukrainian as a label for a company');
  });
});

describe('the twelfth round, twelfth part: possessives, threats cited, four-year wars, libraries, settings and tourists', () => {
  it('GIVEN a possessive before "Korean" ("Strathfield\'s Korean traders") THEN no "S Korean" abbreviation; "S Korean" alone still is one', () => {
    const v = verdict('Strathfield\'s Korean traders fear rent rises', 'Shop owners in the Sydney suburb say leases jumped 40%.', 'south-korea');
    expect(patterns(v).some((p) => p.matched.toLowerCase() === 's korean')).toBe(false);
    expect(patterns(verdict('S Korean exports jump 12% in March', 'Chip shipments led the rise.', 'south-korea')).some((p) => p.matched === 'S Korean')).toBe(true);
  });

  it('GIVEN a budget as Tokyo cites growing threats from China and North Korea THEN another country\'s defence', () => {
    const v = verdict('Japan approves record defence budget amid China, North Korea concerns', 'The cabinet approved funds for long-range missiles, as Tokyo cites growing threats from China and North Korea.', 'north-korea');
    expect(v.matched).toBe(false);
  });

  it('GIVEN envoys on a plan to end "the nearly four-year war" with the Kremlin\'s envoy THEN the war', () => {
    expect(verdict('Witkoff meets Russian envoy as peace plan talks resume', 'He held talks with the Kremlin envoy on a revised plan to end the nearly four-year war.', 'ukraine').matched).toBe(true);
  });

  it('GIVEN a defector-run library for North Korean escapees in London THEN defectors abroad', () => {
    expect(feature(verdict('New Malden\'s North Korean community opens defector-run library', 'The London suburb, home to several hundred North Korean escapees, now has 3,000 books.', 'north-korea'), 'defectors abroad')).toBe(true);
  });

  it('GIVEN a novel about a Seoul laundromat, a Busan-set thriller, or Korean visitors to Kyushu THEN settings and another country\'s tourism', () => {
    expect(exclusions(verdict('Korean novel about a Seoul laundromat longlisted for prize', 'The book is one of 13 titles.', 'south-korea')).map((x) => x.pattern)).toContain('a South Korean city as fiction\'s setting');
    expect(exclusions(verdict('Busan-set thriller tops streaming chart in UK', 'The eight-part drama was watched for 14m hours.', 'south-korea')).map((x) => x.pattern)).toContain('a South Korean city as fiction\'s setting');
    expect(exclusions(verdict('Korean visitors to Kyushu hit record', 'Arrivals from South Korea rose 28%.', 'south-korea')).map((x) => x.pattern)).toContain('Koreans travelling as another country\'s tourism');
  });

  it('GIVEN "North Korea levels" of shutdown, or a city "across from North Korea" THEN comparisons and maps', () => {
    expect(verdict('Myanmar internet shutdowns now approaching North Korea levels', 'The junta cut mobile data in 80 townships.', 'north-korea').matched).toBe(false);
    expect(verdict('Property slump deepens in Dandong', 'Prices in the city just across the river from North Korea fell for 40 months.', 'north-korea').matched).toBe(false);
  });
});

describe('the thirteenth round: second sources, hyphenated names, the peninsula\'s waters, foreign headlines, summits hosted, backdrops', () => {
  it('GIVEN the South\'s JCS as the second source after "according to" THEN only the source', () => {
    const v = verdict('North Korea fires missile toward east sea, Tokyo says', 'Pyongyang launched a short-range missile on Friday, according to the Japanese coast guard and South Korea\'s Joint Chiefs of Staff.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'attribution')).toBe(true);
  });

  it('GIVEN a South Korean minister with a hyphenated given name who "said" THEN only the source', () => {
    const v = verdict('North Korea shipped 9,000 containers of munitions to Russia, Seoul says', 'The shipments held millions of shells for the war in Ukraine, South Korean Defence Minister Kim Yong-hyun said on Monday.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'attribution')).toBe(true);
  });

  it('GIVEN a missile landing "in waters between the Korean Peninsula and Japan" THEN the peninsula is not the South as a party', () => {
    const v = verdict('North Korea launches long-range missile', 'The missile flew for 70 minutes before falling into waters between the Korean Peninsula and Japan.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'party')).toBe(false);
    expect(feature(verdict('North Korea fires two missiles', 'They fell in the Korean Peninsula\'s eastern waters after a 400km flight.', 'south-korea'), 'party')).toBe(false);
  });

  it('GIVEN another country\'s headline (a budget, a coalition, an election) with Ukraine only in the summary THEN a backdrop; arms in the headline keep it the war\'s', () => {
    const budget = verdict('Latvia to lift defence budget to 4% of GDP', 'Riga, one of Kyiv\'s staunchest allies since the full-scale invasion, said the rise would pay for air defence.', 'ukraine');
    expect(budget.matched).toBe(false);
    expect(feature(budget, 'another country\'s headline')).toBe(true);
    const coalition = verdict('Dutch coalition collapses over asylum row', 'Prime Minister Dick Schoof\'s cabinet fell after the far-right party quit; the government had pledged €3.5bn in military aid to Ukraine this year.', 'ukraine');
    expect(coalition.matched).toBe(false);
    expect(verdict('Finland to send artillery shells for the front', 'Helsinki\'s 28th package for Ukraine includes 155mm rounds.', 'ukraine').matched).toBe(true);
  });

  it('GIVEN another country\'s election whose winner pledged to review shells for Ukraine THEN still a backdrop; breakaway regions in the headline or a briefing keep the war', () => {
    const election = verdict('Populist wins Slovak election', 'His party took 23% of the vote, after he pledged to stop sending artillery shells to Ukraine.', 'ukraine');
    expect(election.matched).toBe(false);
    expect(feature(election, 'another country\'s headline')).toBe(true);
    const russia = verdict('Germany freezes pipeline after Russia recognises breakaway regions', 'Berlin acted after Vladimir Putin ordered troops into eastern Ukraine and recognised Donetsk and Luhansk.', 'ukraine');
    expect(feature(russia, 'another country\'s headline')).toBe(false);
    expect(russia.matched).toBe(true);
    const briefing = verdict('Europe briefing: Dutch coalition talks, French budget', 'Dutch coalition talks stalled. Also: Kyiv said Russia launched 500 drones overnight, most aimed at the city of Rivne.', 'ukraine');
    expect(feature(briefing, 'another country\'s headline')).toBe(false);
    expect(briefing.matched).toBe(true);
  });

  it('GIVEN a cease-fire the talks did not reach, Ukraine named once in the summary THEN the war\'s diplomacy', () => {
    const v = verdict('Trump and Putin end talks in Helsinki without a cease-fire deal', 'The two leaders met for four hours but did not agree to halt the fighting in Ukraine.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(feature(v, 'war reference')).toBe(true);
  });

  it('GIVEN Zelensky as another leader\'s self-image ("casts himself as", "comparing … to Volodymyr Zelensky") THEN a comparison', () => {
    const v = verdict('Georgian opposition leader casts himself as his country\'s Zelensky', 'He said he would stay in Tbilisi, comparing his refusal to leave to Volodymyr Zelensky\'s stand in 2022.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('Zelensky as a comparison');
  });

  it('GIVEN peacekeepers "distracted" or with attention "divided by the war in Ukraine" THEN a backdrop', () => {
    const v = verdict('Clashes flare in Abkhazia as locals storm parliament', 'Russian troops stationed there, their attention divided by the war in Ukraine, stayed in their barracks during the offensive on the building.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('the war in Ukraine as a motive or backdrop');
  });

  it('GIVEN "amid fears of Russian aggression" in a Baltic procurement story, no Ukraine named THEN not the war; with Ukraine named it counts', () => {
    expect(verdict('Estonia buys HIMARS launchers from US', 'The Baltic state is spending more amid fears of Russian aggression.', 'ukraine').matched).toBe(false);
    expect(patterns(verdict('Ukraine marks 1,000 days of Russian aggression', 'Ceremonies were held in Kyiv.', 'ukraine')).map((p) => p.pattern)).toContain('Russian aggression');
  });

  it('GIVEN two foreign leaders meeting "at a summit hosted by South Korea" in Gyeongju THEN a host city; the South\'s own president there is its news', () => {
    const v = verdict('Xi and Takaichi meet on sidelines of Gyeongju gathering', 'China\'s Xi Jinping and Japan\'s prime minister held 30 minutes of talks in Gyeongju at the Apec summit hosted by South Korea.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'host city')).toBe(true);
    expect(verdict('Lee and Xi hold summit in Gyeongju', 'South Korean President Lee Jae-myung and China\'s Xi Jinping held talks at the Apec summit hosted by South Korea.', 'south-korea').matched).toBe(true);
  });

  it('GIVEN "protests in South Korea" only as a backdrop after "despite" THEN no scene; a death in Seoul police investigate is one', () => {
    expect(verdict('Japan approves sea release of Fukushima water', 'Tokyo will begin the discharge next month despite objections from China and protests in South Korea.', 'south-korea').matched).toBe(false);
    const v = verdict('Film star found dead amid drug inquiry', 'The 51-year-old South Korean actor was found dead in a parked car in Seoul on Sunday, police said.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(feature(v, 'scene')).toBe(true);
  });

  it('GIVEN a Korean golfer winning abroad by one stroke THEN sport abroad', () => {
    const v = verdict('Kim Joo-hyung wins in Las Vegas', 'South Korea\'s Kim Joo-hyung carded a closing 65 to win by one stroke on Sunday.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'culture or sport abroad')).toBe(true);
  });

  it('GIVEN a "Ukrainian keeper" at a foreign club THEN a label for an athlete', () => {
    const v = verdict('Ukrainian keeper\'s saves send Valencia into cup final', 'The Spanish side beat Sevilla on penalties on Thursday.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('Ukrainian as a label for an athlete, performer, artist or eatery');
  });

  it('GIVEN the Sino-Korean Friendship Bridge into the North THEN not the South as a party', () => {
    const v = verdict('Trucks cross into North Korea as border trade resumes', 'Lorries carrying flour crossed the Sino-Korean Friendship Bridge from Dandong into Sinuiju on Tuesday.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('Sino-Korean');
  });

  it('GIVEN a "Seoul-trained" chef abroad THEN a label', () => {
    const v = verdict('A Seoul-trained baker brings milk bread to Melbourne', 'Her shop in Fitzroy sells out by 10am.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('place of birth or head office as a label');
  });

  it('GIVEN US officials objecting to "Seoul\'s platform bill" THEN the South\'s legislation is its news, not another country\'s story', () => {
    const v = verdict('US trade envoy criticises Seoul\'s online platform bill', 'South Korea\'s draft law would bind app stores to new rules, and American firms say it singles them out.', 'south-korea');
    expect(feature(v, 'another country\'s story')).toBe(false);
    expect(v.matched).toBe(true);
  });

  it('GIVEN another country\'s budget "as China, North Korea threats grow", citing "… and North Korea\'s missile programme" THEN a threat cited', () => {
    const v = verdict('Australia lifts defence spending as China, North Korea threats grow', 'Canberra requested A$60bn, citing Beijing\'s naval build-up in the Pacific and North Korea\'s missile programme.', 'north-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('the North as a threat cited for another country\'s defence');
  });

  it('GIVEN a foreign official\'s obituary whose summary recalls a visit to Pyongyang THEN not North Korea', () => {
    const v = verdict('Bill Richardson, former US energy secretary and envoy, dies at 75', 'The former New Mexico governor negotiated the release of Americans held abroad, and travelled to Pyongyang several times to meet Kim Jong Il\'s officials.', 'north-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('another country\'s official\'s obituary');
  });

  it('GIVEN the remains of US troops killed in the Korean War, returned by the North THEN the Korean War is not the South as a party', () => {
    const v = verdict('North Korea hands over remains of Korean War troops', 'A US Air Force plane carried 40 boxes of remains from Wonsan after a pledge Kim Jong Un made to Washington.', 'south-korea');
    expect(feature(v, 'party')).toBe(false);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a Kim-Putin summit amid warnings that the North "could supply" shells for the war THEN a summit, not the war; shells shipped are the war\'s', () => {
    const v = verdict('Kim and Putin hold talks in Vladivostok', 'The two leaders met for four hours on Tuesday, as Washington warned that Pyongyang could supply artillery rounds for Moscow\'s war.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(feature(v, 'war supply')).toBe(false);
    expect(feature(v, 'war reference')).toBe(false);
    expect(verdict('North Korea shipped 2 million shells to Russia, Seoul says', 'The rounds were sent for Moscow\'s war, officials said.', 'ukraine').matched).toBe(true);
  });

  it('GIVEN candidates who "clashed over abortion, spending on Ukraine and taxes" THEN one issue of a debate', () => {
    const v = verdict('Five takeaways from the Democratic debate', 'Nine candidates clashed over healthcare, spending on Ukraine and gun laws in Atlanta on Thursday.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('Ukraine as one issue in a debate over several');
  });

  it('GIVEN an Israel aid bill "splitting it from Ukraine funding" THEN Ukraine aid left out', () => {
    const v = verdict('Senate Republicans float Israel-only package, splitting it from Ukraine funding', 'The $17bn measure would be paid for with cuts elsewhere.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('Ukraine aid left out of a spending bill');
  });

  it('GIVEN a US candidate attacking a rival for praising "Putin, Kim and Xi" THEN a list of autocrats', () => {
    const v = verdict('DeSantis slams rival for flattering Putin, Kim and Xi', 'He cited praise for Russia\'s Vladimir Putin, North Korea\'s Kim Jong Un and China\'s Xi Jinping at a rally in Iowa.', 'north-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('Kim as one of a list of autocrats');
  });

  it('GIVEN tariffs "jolting carmakers from Detroit to Seoul" THEN the end of a range; "from Seoul to Busan" is not one', () => {
    const v = verdict('Steel tariffs rattle automakers from Stuttgart to Seoul', 'Levies of 25% took effect on Thursday for Toyota, BMW and other foreign brands.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('a South Korean city as the end of a range of places');
    expect(exclusions(verdict('High-speed rail from Seoul to Busan cut to two hours', 'The new line opens in 2027.', 'south-korea')).map((x) => x.pattern)).not.toContain('a South Korean city as the end of a range of places');
  });

  it('GIVEN a Ukrainian refugee killed in a US city named only by the city THEN a person abroad', () => {
    const v = verdict('Man charged in killing of Ukrainian refugee on Houston bus', 'The 24-year-old, who fled the war in Ukraine in 2022, was stabbed on a Houston city bus last week.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(feature(v, 'person abroad')).toBe(true);
  });

  it('GIVEN a neighbour fortifying its border "with Russia" under its own headline THEN still another country\'s headline; "breakaway regions" is the war\'s prelude', () => {
    const v = verdict('Finland to fortify its frontier with Russia', 'The 200km barrier is meant to stop migrants being pushed across, as Helsinki warns Moscow\'s war in Ukraine could spill over.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(feature(v, 'another country\'s headline')).toBe(true);
    expect(feature(verdict('France freezes gas deal after Moscow recognises breakaway regions', 'Paris acted after Vladimir Putin ordered troops into eastern Ukraine.', 'ukraine'), 'another country\'s headline')).toBe(false);
  });

  it('GIVEN another country\'s act "prompting … protests in Seoul" THEN a reaction, not a scene', () => {
    const v = verdict('Japan resumes whaling in open seas', 'The first hunt in 30 years began on Monday, prompting Australia to lodge a formal complaint and activists to rally outside the Japanese embassy in Seoul.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'scene')).toBe(false);
  });

  it('GIVEN "The Joint Chiefs of Staff in Seoul said" after the South named as the source THEN only the source', () => {
    const v = verdict('North Korea fires cruise missiles off west coast, South Korea says', 'The North fired several cruise missiles over the Yellow Sea on Sunday, the Joint Chiefs of Staff in Seoul said.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'attribution')).toBe(true);
  });

  it('GIVEN a leader\'s "peace mission" to Moscow, Ukraine named once in the summary THEN the war\'s diplomacy', () => {
    const v = verdict('Slovakia\'s Fico meets Putin in Moscow on \'peace mission\'', 'The visit drew criticism from EU leaders who said he had no mandate to speak for Ukraine.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(feature(v, 'war reference')).toBe(true);
  });

  it('GIVEN "in the face of Russia\'s aggression against Ukraine", "two years into his war against Ukraine", a speech that "barely touched on" the war THEN backdrops', () => {
    expect(verdict('Dutch minister proposes return of conscription', 'The Netherlands wants an army ready for war in the face of Russia\'s aggression against Ukraine, he said.', 'ukraine').matched).toBe(false);
    expect(verdict('Lukashenko sworn in for seventh term', 'The ceremony in Minsk came more than three years into Russia\'s war against Ukraine, which Belarus has backed.', 'ukraine').matched).toBe(false);
    const speech = verdict('Rubio lectures allies on migration in Munich address', 'His speech at the security conference barely touched on Russia\'s war in Ukraine, delegates said.', 'ukraine');
    expect(speech.matched).toBe(false);
    expect(exclusions(speech).map((x) => x.pattern)).toContain('the war as what went unmentioned');
  });

  it('GIVEN AI companies (Google, OpenAI) signing pledges at a Seoul summit THEN a host city', () => {
    const v = verdict('Tech giants sign AI safety pledges at Seoul summit', 'Twenty companies including Google, Anthropic and OpenAI agreed at the meeting in Seoul to publish safety frameworks.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'host city')).toBe(true);
  });

  it('GIVEN the war in a "whose …" clause of a person\'s past THEN no war reference', () => {
    const v = verdict('Mercenary commander found dead in Moscow flat', 'Police said Dmitry Orlov, whose mercenaries fought in the war in Ukraine, was found on Sunday; no cause was given.', 'ukraine');
    expect(feature(v, 'war reference')).toBe(false);
  });

  it('GIVEN a budget announced "days after Russia launched its full-scale invasion of Ukraine" THEN the invasion as a date', () => {
    const v = verdict('Danish parliament approves defence fund', 'The 20 billion kroner fund was agreed weeks after Russia launched its full-scale invasion of Ukraine.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('the invasion as a date');
  });

  it('GIVEN an athlete\'s gold abroad dedicated to those "killed since Russia\'s full-scale invasion" THEN the invasion is a date and the story sport abroad', () => {
    const v = verdict('Ukraine\'s Oleksandr Usyk retains heavyweight title in Riyadh', 'He dedicated the win to the Ukrainian boxers killed since Russia\'s full-scale invasion.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(feature(v, 'culture or sport abroad')).toBe(true);
  });
});


describe('the fourteenth round: a person\'s past, a venue ruled out, the war as the reason an event moved', () => {
  it('GIVEN a Russian story whose one Ukraine mention is a person\'s past in a "whose" clause THEN biography, and the model may not lift it', () => {
    const v = verdict('Mercenary boss listed among passengers of jet that crashed near Tver', 'Dmitry Orlov, whose fighters took Avdiivka before turning on the generals, was aboard the private jet, Russia\'s aviation agency said.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(feature(v, 'biography')).toBe(true);
    // The same place as the story's news is not a biography.
    const news = verdict('Mercenary boss says his fighters hold the town', 'Dmitry Orlov said his fighters had taken Avdiivka after a months-long battle.', 'ukraine');
    expect(feature(news, 'biography')).toBe(false);
  });

  it('GIVEN a club\'s home games moved abroad "because of the war" THEN sport abroad; a venue ruled out is not a venue', () => {
    const v = verdict('Ukrainian champions to play European home games in Krakow', 'The club will stage its Conference League matches in Krakow after Uefa ruled they could not be played in Ukraine because of the war.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(feature(v, 'culture or sport abroad')).toBe(true);
    // A match that is played in the country is a venue at home.
    const home = verdict('Ukrainian champions to play European home games in Kyiv', 'The club will stage its Conference League matches in Kyiv after Uefa ruled they could be played in Ukraine despite the war.', 'ukraine');
    expect(feature(home, 'culture or sport abroad')).toBe(false);
  });

  it('GIVEN a tour abroad by a choir that cancelled its season at home "over the war" THEN culture abroad; the war reference\'s backdrop words are culture\'s too', () => {
    const v = verdict('Ukrainian choir begins UK tour', 'The choir, which cancelled its season at home over the war, begins a ten-city concert tour in London on Friday.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(feature(v, 'culture or sport abroad')).toBe(true);
  });

  it('GIVEN an aid bill for Ukraine among other recipients, signed with weapons shipments to follow THEN war aid lifts it; a bill that omits Ukraine aid stays out', () => {
    const v = verdict('President signs $95 billion aid package for Ukraine, Israel and Taiwan', 'He signed the bill on Wednesday and said the first weapons shipments to Ukraine would begin within days.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(feature(v, 'war aid')).toBe(true);
    expect(verdict('Congress averts shutdown with stopgap that omits Ukraine aid', 'The measure keeps the government open until March.', 'ukraine').matched).toBe(false);
  });

  it('GIVEN "the Ukrainian spelling" in a story about a word THEN a language\'s name, not the country', () => {
    const v = verdict('Grocer renames its chicken kiev to reflect Ukrainian spelling', 'The chain will print \'chicken kyiv\' on its packs, adopting the Ukrainian transliteration of the capital.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('Ukrainian as the name of a spelling');
  });

  it('GIVEN a "South Korean crypto founder" pleading guilty in a U.S. court THEN a person abroad, a word of trade between label and person', () => {
    const v = verdict('South Korean crypto founder pleads guilty to U.S. fraud charges', 'The entrepreneur behind a collapsed token pleaded guilty in a Manhattan federal court on Tuesday.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'person abroad')).toBe(true);
  });

  it('GIVEN the South\'s minister "said on Wednesday, warning …" in a North Korea story THEN the warning is the source\'s speech, not the South as a party', () => {
    const v = verdict('North Korea has shipped Russia millions of shells, Seoul says', 'North Korea has sent thousands of containers of munitions to Russia, South Korea\'s defence minister said on Wednesday, warning the supplies prolonged the fighting.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'party')).toBe(false);
    // The South's own warning as its act still makes it a party.
    const party = verdict('North Korea fires shells near border island', 'South Korea\'s military fired warning shots after North Korean shells landed near Yeonpyeong.', 'south-korea');
    expect(party.matched).toBe(true);
  });

  it('GIVEN a Kim–Putin pact "amid concern that Pyongyang is supplying shells for Moscow\'s war" THEN the supply is the summit\'s backdrop; shells shipped are the war', () => {
    const v = verdict('Putin and Kim sign defence pact in Pyongyang', 'The two leaders signed a pact pledging mutual help, amid Western concern that Pyongyang is supplying artillery shells for Moscow\'s war in Ukraine.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(feature(verdict('North Korea ships shells to Russia', 'Pyongyang has sent artillery shells for Moscow\'s war in Ukraine, officials said.', 'ukraine'), 'war')).toBe(true);
  });

  it('GIVEN "…, South Korea says" and "South Korea\'s defense minister said" in a North Korea story THEN both are sources, the minister too', () => {
    const v = verdict('North Korea has shipped artillery shells to Russia, South Korea says', 'The North has sent thousands of containers of munitions, South Korea\'s defense minister said, in exchange for food.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'attribution')).toBe(true);
  });

  it('GIVEN a "South Korean rapper" whose video breaks a YouTube record THEN a performer\'s label, not the country', () => {
    const v = verdict('Dance video becomes first to pass 2 billion views', 'South Korean rapper Jay Min\'s clip has become the most viewed video on the platform, the company said.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('South Korean as a label for a company, artist or athlete');
  });

  it('GIVEN the Korean Series won at home THEN sport at home, South Korea news', () => {
    const v = verdict('Doosan Bears win Korean Series for first time in a decade', 'The club beat its rival in Game 6 on Sunday, sparking celebrations across the city.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(patterns(v).map((p) => p.pattern)).toContain('South Korean leagues at home');
  });

  it('GIVEN a market report whose headline gives another cause and whose summary names shipments from Ukraine THEN no trade lift for Ukraine; shipments as the headline\'s subject still are trade', () => {
    const v = verdict('Wheat futures hit two-year low as record Argentine crop weighs', 'Prices fell on Tuesday, pressured by a bumper harvest and steady shipments from Ukraine\'s Black Sea ports despite the war, traders said.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(feature(v, 'market report')).toBe(true);
    expect(feature(v, 'trade')).toBe(false);
    expect(feature(verdict('Romanian port handles record grain volumes', 'Shipments from Ukraine through Constanta doubled in October, the port authority said.', 'ukraine'), 'trade')).toBe(true);
  });

  it('GIVEN a price "lowest since the build-up to Russia\'s invasion of Ukraine" THEN the invasion is a point in time', () => {
    const v = verdict('Diesel prices fall to lowest level in three years', 'Pump prices dropped on Friday to the lowest since the build-up to Russia\'s invasion of Ukraine, as crude eased.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('the war in Ukraine as a motive or backdrop');
  });

  it('GIVEN another country\'s defence budget that "eyes China, North Korea" or answers "threats from China and North Korea" THEN the North is a cited threat', () => {
    const v = verdict('Australia approves record defence budget as it eyes China, North Korea', 'The cabinet approved the spending on Friday in response to threats from China and North Korea, the minister said.', 'north-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('the North as a threat cited for another country\'s defence');
  });

  it('GIVEN a South Korean detained abroad whose foreign ministry gives consular support THEN a person abroad; the ministry is the care any state gives', () => {
    const v = verdict('South Korean man detained in Belarus on spying charges', 'A South Korean national has been detained in Minsk, state media reported. Seoul\'s foreign ministry said it was providing consular support.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'person abroad')).toBe(true);
  });

  it('GIVEN a briefing titled by one story whose summary opens "Plus," with a North Korean event THEN a roundup item of the North', () => {
    const v = verdict('Your Monday Briefing: Floods in Valencia', 'Plus, North Korea says it launched a spy satellite, and a vote in Japan.', 'north-korea');
    expect(v.matched).toBe(true);
    expect(feature(v, 'roundup')).toBe(true);
  });

  it('GIVEN an athlete abroad "whose hometown … has been battered by Russian strikes" THEN sport abroad; the war in a person\'s past is no state cue', () => {
    const v = verdict('Kostyuk, playing for Ukraine, reaches Wimbledon quarter-finals', 'Marta Kostyuk, whose home city of Kyiv has been battered by Russian strikes, beat the second seed in three sets.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(feature(v, 'culture or sport abroad')).toBe(true);
  });

  it('GIVEN a North Korean test "in response to US-South Korean military drills" THEN the drills are the cause, not the South as a party; the South\'s own reply still is', () => {
    const v = verdict('North Korea says it tested new underwater drone', 'The North said on Friday it had tested a new weapon in response to US-South Korean naval manoeuvres.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'party')).toBe(false);
    const reply = verdict('North Korea fires artillery near the border', 'North Korea fired dozens of shells near the border, and South Korea responded with its own live-fire drills.', 'south-korea');
    expect(reply.matched).toBe(true);
    expect(feature(reply, 'party')).toBe(true);
  });

  it('GIVEN veterans abroad marking the Korean War\'s end THEN both Koreas\' history, not the South', () => {
    const v = verdict('Dutch veterans mark 70 years since end of Korean War', 'Some of the last surviving Korean War veterans gathered in Roosendaal to mark the armistice that halted fighting on the Korean peninsula.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'both Koreas')).toBe(true);
  });

  it('GIVEN a contest another country stages "on behalf of Ukraine" THEN the host city\'s event; arguing a case on Ukraine\'s behalf is still Ukraine', () => {
    const v = verdict('Glasgow to host song contest on behalf of Ukraine', 'The city will stage next year\'s final for this year\'s winner, Ukraine, which cannot host it because of the war.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('an event hosted elsewhere on Ukraine\'s behalf');
    expect(verdict('Lawyers argue on behalf of Ukraine at the world court', 'Kyiv\'s team told judges Russia had broken the genocide convention.', 'ukraine').matched).toBe(true);
  });

  it('GIVEN a warrant abroad for a "Ukrainian diver" THEN a person abroad, as a trial or an arrest is', () => {
    const v = verdict('Germany issues arrest warrant for Ukrainian diver over pipeline blasts', 'Federal prosecutors want the man, who they say helped plant the explosives in 2022, German media report.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(feature(v, 'person abroad')).toBe(true);
  });

  it('GIVEN a Kim–Putin pact signed "as Washington accuses Pyongyang of supplying … for the war in Ukraine" THEN an accusation is the summit\'s backdrop', () => {
    const v = verdict('Putin and Kim sign defence pact in Pyongyang', 'The Russian leader made his first visit in 24 years, as Washington and its allies accuse Pyongyang of supplying Moscow with shells for the war in Ukraine.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(v.matched).toBe(verdict('Putin and Kim sign defence pact in Pyongyang', 'The Russian leader made his first visit in 24 years, amid Western concern that Pyongyang is supplying Moscow with shells for the war in Ukraine.', 'ukraine').matched);
  });

  it('GIVEN a club sale whose proceeds are pledged to "victims of the war in Ukraine" THEN the pledge names the war, the story is the sale', () => {
    const v = verdict('Oligarch confirms he is selling his football club', 'The billionaire said net proceeds would go to a foundation for all victims of the war in Ukraine.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('a sale\'s proceeds pledged to the war\'s victims');
  });

  it('GIVEN an athlete\'s gold abroad dedicated to "athletes killed in the war" THEN sport abroad; the dead she remembers are no state cue', () => {
    const v = verdict('High jumper wins gold for Ukraine in Rome', 'She won Ukraine\'s first gold of the championships and said she had been thinking of athletes killed in the war.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(feature(v, 'culture or sport abroad')).toBe(true);
  });

  it('GIVEN a US club signing a "South Korean infielder" THEN a player\'s label, not the country', () => {
    const v = verdict('Mariners sign South Korean infielder to three-year deal', 'Seattle agreed a $21 million contract with the shortstop, who starred for his club at home.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('South Korean as a label for a company, artist or athlete');
  });

  it('GIVEN Korean visitors topping another country\'s arrivals, with routes from Seoul and Busan THEN that country\'s tourism', () => {
    const v = verdict('Korean visitors top Phu Quoc arrivals as new flights launch', 'South Korea remained the largest source of foreign tourists to the island this year, as budget carriers add routes from Seoul and Busan.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('Koreans travelling as another country\'s tourism');
    expect(exclusions(v).map((x) => x.pattern)).toContain('a route to a South Korean city');
  });

  it('GIVEN a K-pop star completing military service "as the band plans a reunion" THEN the South\'s conscription at home; a reunion world tour is entertainment', () => {
    const v = verdict('K-pop star completes military service as band plans reunion', 'The singer of BTS was discharged after 18 months of mandatory military service in South Korea.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(patterns(v).map((p) => p.pattern)).toContain('K-pop stars and South Korea\'s conscription');
    expect(verdict('BTS to reunite for world tour after military service', 'The band will play stadiums in North America and Europe next year.', 'south-korea').matched).toBe(false);
  });

  it('GIVEN a "South Korean man" jailed abroad who is "a former student from South Korea" THEN a person abroad; where he comes from is his label too', () => {
    const v = verdict('South Korean man jailed for 30 years in Perth for drugging women', 'A former student from South Korea was sentenced in Perth for drugging women he lured with fake job offers.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'person abroad')).toBe(true);
  });

  it('GIVEN North Korean shells "fuelling Russia\'s war in Ukraine" THEN the war\'s supply; oil money fuelling it stays a backdrop', () => {
    expect(verdict('North Korean shells fuelling Russia\'s war in Ukraine, investigators say', 'Researchers found artillery made in North Korea among battlefield debris.', 'ukraine').matched).toBe(true);
    const oil = verdict('EU targets tanker fleet it says is fuelling Russia\'s war in Ukraine', 'The bloc added 40 vessels to its sanctions list on Friday.', 'ukraine');
    expect(exclusions(oil).map((x) => x.pattern)).toContain('the war in Ukraine as a motive or backdrop');
  });

  it('GIVEN a South Korean jailed over a haul through Munich airport THEN a person abroad; a big European city places it abroad', () => {
    const v = verdict('Court sentences South Korean man over Munich airport cocaine haul', 'A 34-year-old South Korean national has been jailed for five years for smuggling cocaine through Munich Airport.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'person abroad')).toBe(true);
  });

  it('GIVEN an American who crosses into the North on a tour of a "border village" THEN the border is the venue, not the South', () => {
    const v = verdict('US soldier crosses into North Korea during tour of border village', 'A US Army private on a civilian tour of the Joint Security Area ran across the border into North Korea, US officials said.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'venue')).toBe(true);
  });

  it('GIVEN a neighbour\'s step taken "after Moscow launched its full-scale invasion of Ukraine" THEN the invasion as a date or cause', () => {
    const v = verdict('Sweden becomes NATO\'s 32nd member', 'Stockholm abandoned two centuries of neutrality after Moscow launched its full-scale invasion of Ukraine.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('the invasion as a date');
  });

  it('GIVEN defence spending ramped up "in response to Russia\'s war" THEN the war is another story\'s cause, no war reference', () => {
    const v = verdict('Arms maker\'s profits soar as European armies restock', 'The company raised its outlook as governments ramp up defence spending in response to Russia\'s war.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(feature(v, 'war reference')).toBe(false);
  });

  it('GIVEN the South\'s football association sacking its coach after a cup abroad THEN a sacking at home is more than sport abroad', () => {
    const v = verdict('South Korea sacks football coach after Asian Cup exit', 'The Korea Football Association fired its head coach after a semi-final defeat at the Asian Cup in Qatar.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(feature(v, 'culture or sport abroad')).toBe(false);
  });
});

describe('the fifteenth round: wire datelines, allied analysts, other states\' ministries, restaurants, transit airports, a city\'s diaspora', () => {
  it('GIVEN a bare "Kim" after a wire dateline with a double hyphen ("VLADIVOSTOK -- Kim\'s train") THEN the surname is the North\'s leader, not a given name', () => {
    const v = verdict('Kim reaches Russian port for talks with Putin', 'KHABAROVSK -- Kim\'s armoured train arrived in the city on Tuesday before talks on sanctions and trade.', 'north-korea');
    expect(v.matched).toBe(true);
    expect(feature(v, 'surname')).toBe(true);
    // A capitalised given name before "Kim" in the same clause still makes it someone else's.
    const other = verdict('Envoy arrives for talks with Putin', 'Veteran diplomat Sung Kim arrived in the city on Tuesday before talks on sanctions and trade.', 'north-korea');
    expect(other.matched).toBe(false);
  });

  it('GIVEN a launch where "US and South Korean intelligence were analysing" it THEN the allies\' analysts are a source, not the South as a party', () => {
    const v = verdict('North Korea fires ballistic missile into the sea, South\'s military says', 'The launch was detected shortly after dawn, the Joint Chiefs of Staff said, adding that South Korean and US intelligence were closely analysing the flight data.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('South Korean intelligence analysing a launch');
  });

  it('GIVEN China\'s Ministry of State Security behind a hacking campaign THEN not the North\'s ministry; the North\'s own still counts', () => {
    const v = verdict('Hackers tied to Beijing breached Taiwanese chipmakers, report says', 'The group is linked to China\'s Ministry of State Security, a cybersecurity company said on Monday.', 'north-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('another country\'s Ministry of State Security');
    const own = verdict('Pyongyang names new head of Ministry of State Security', 'North Korea replaced the head of its secret police, state media said.', 'north-korea');
    expect(own.matched).toBe(true);
  });

  it('GIVEN a review of a restaurant named "Kiev Palace" THEN the business\'s name, not the city', () => {
    const v = verdict('Kiev Palace review: borscht worth crossing town for', 'The family-run dining room on the high street serves dumplings, cabbage rolls and a generous chicken Kiev.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('a restaurant named Kiev');
  });

  it('GIVEN a "South Korean man" jailed for smuggling "through" a foreign airport THEN person abroad', () => {
    const v = verdict('South Korean man jailed for smuggling watches through Changi Airport', 'A judge sentenced the 38-year-old after customs officers found 40 luxury watches in his luggage.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'person abroad')).toBe(true);
  });

  it('GIVEN a foreign city\'s Ukrainian community at a festival THEN the diaspora abroad; the capital\'s own is not', () => {
    const v = verdict('Osaka\'s Ukrainian community holds embroidered-shirt day', 'About 200 people in traditional shirts gathered in a park on Sunday.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('a city\'s Ukrainian community');
    const home = verdict('Kyiv\'s Ukrainian community holds embroidered-shirt day', 'About 200 people in traditional shirts gathered in the capital on Sunday.', 'ukraine');
    expect(exclusions(home).map((x) => x.pattern)).not.toContain('a city\'s Ukrainian community');
  });

  it('GIVEN another country\'s defence budget whose summary names "the war" without Ukraine THEN no war reference; a headline of arms keeps it', () => {
    const v = verdict('Lithuania to spend 6% of GDP on defence from next year', 'The government approved a budget that buys more howitzers and air defence systems in response to the threat from Russia and the war beyond its eastern border.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(feature(v, 'war reference')).toBe(false);
    const arms = verdict('Lithuania to send more howitzers', 'The guns will be delivered for Russia\'s enemy to use in the war against Russian forces at the front, the defence minister said.', 'ukraine');
    expect(feature(arms, 'war reference')).toBe(true);
  });

  it('GIVEN a Seoul wire dateline with its agency ("SEOUL, Sept. 3 (Yonhap) --") on another country\'s story THEN the place of filing is masked; a month\'s abbreviation ends no sentence', () => {
    const v = verdict('Taiwan\'s president names new premier', 'SEOUL, Sept. 3 (Yonhap) -- Taiwan\'s president on Tuesday named a former finance minister as premier in a cabinet reshuffle.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('a wire dateline with its agency');
    // A headline that opens on Seoul is no dateline.
    const own = verdict('Seoul to raise minimum wage by 2.5%', 'The government said the rise would take effect in January.', 'south-korea');
    expect(own.matched).toBe(true);
  });

  it('GIVEN a "South Korean crypto boss" to be extradited from a foreign country THEN person abroad', () => {
    const v = verdict('Serbia to extradite South Korean crypto boss to US', 'A Belgrade court approved the transfer of the token founder, who faces fraud charges in New York.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'person abroad')).toBe(true);
  });
});

describe('the sixteenth round: tabloid, aggregator, defence-press and wire desks', () => {
  it('GIVEN a city\'s court convicting a "South Korean fugitive" THEN person abroad; a fugitive is a person and "convicts" a trial', () => {
    const v = verdict('Bangkok court convicts South Korean fugitive over phone scam ring', 'The 41-year-old was ordered deported after serving his term, immigration police said.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'person abroad')).toBe(true);
  });

  it('GIVEN a "South Korean missionary" before a foreign district court THEN person abroad; a court\'s kind may stand between its city and "court"', () => {
    const v = verdict('South Korean missionary gets three years', 'The Hanoi District Court found him guilty of organising unlicensed worship in a rented flat.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'person abroad')).toBe(true);
  });

  it('GIVEN a "South Korean tourist" whom foreign prosecutors want executed THEN person abroad; prosecutors make the trial', () => {
    const v = verdict('South Korean tourist faces death penalty in Bali', 'Indonesian prosecutors say the man hid crystal meth in his shoes.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'person abroad')).toBe(true);
    // At home, the same words are the South's own news.
    const home = verdict('South Korean prosecutors seek death penalty for arsonist', 'The man set fire to a flat in Busan, killing two neighbours.', 'south-korea');
    expect(home.matched).toBe(true);
  });

  it('GIVEN a title-case headline with a bare "Kim" beside a US president THEN the surname; its capitalised verbs are no given name or surname', () => {
    const v = verdict('Biden and Kim Agree to Meet Again at the Border', 'The two leaders spoke by phone for an hour, the White House said.', 'north-korea');
    expect(v.matched).toBe(true);
    expect(feature(v, 'surname')).toBe(true);
    const praise = verdict('Trump Praises Kim After Phone Call', 'The president said the talk had been warm and productive.', 'north-korea');
    expect(feature(praise, 'surname')).toBe(true);
    // A surname after "Kim" still makes her someone else.
    const star = verdict('Trump Praises Kim Kardashian After Prison Reform Meeting', 'The reality star lobbied the president for a pardon.', 'north-korea');
    expect(star.matched).toBe(false);
    expect(feature(star, 'surname')).toBe(false);
  });

  it('GIVEN Crimea\'s annexation as a headline with no other word of Ukraine THEN Ukraine, by the annexation; as a sanction\'s date in a summary it stays passing', () => {
    const v = verdict('Kremlin ceremony seals annexation of Crimea', 'The president signed the documents before both chambers of parliament, calling the peninsula historic Russian land.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(patterns(v).map((p) => p.pattern)).toContain('the annexation of Crimea');
    const dated = verdict('Canada extends sanctions on Russian banks for another year', 'The measures, first imposed after the annexation of Crimea in 2014, were widened on Monday to cover two lenders.', 'ukraine');
    expect(dated.matched).toBe(false);
  });

  it('GIVEN a briefing item on a Korean firm\'s "$4.3 billion" plant "near" a US city THEN no roundup event; a decimal point ends no item', () => {
    const v = verdict('Evening Briefing: Oil Slides, Kia Opens Georgia Battery Plant', 'Crude fell for a third day. Kia cut the ribbon on its $4.3 billion battery plant near Atlanta. And the Fed held rates.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'roundup')).toBe(false);
  });

  it('GIVEN a Korean firm\'s "Tennessee washer plant" beside another firm\'s profit THEN no home company; a word of trade may stand between the place and the plant', () => {
    const v = verdict('Week in business: Airbus profit, LG\'s Tennessee washer plant', 'Airbus lifts its delivery target; LG Electronics expands its Tennessee washer plant with 300 jobs.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'home company')).toBe(false);
  });

  it('GIVEN a North Korea headline closed by ", Seoul officials believe" THEN the South is a source; plural speech verbs ("claim", "believe") close an attribution too', () => {
    const v = verdict('Kim Jong Un\'s sister now second in command, Seoul officials believe', 'Kim Yo Jong has signed more statements this year than any other official in Pyongyang.', 'south-korea');
    expect(v.matched).toBe(false);
    const claim = verdict('Kim Jong Un has lost 20kg, Seoul spy chiefs claim', 'The leader appeared noticeably slimmer at a party meeting in Pyongyang last week.', 'south-korea');
    expect(claim.matched).toBe(false);
  });

  it('GIVEN the South as a party whose keywords already pass the lift THEN the keywords carry the verdict and the model, consulted (the party lift never decides), agrees', () => {
    const v = verdict('North fires shells near Baengnyeong as residents head for shelters', 'North Korea fired dozens of rounds near the border island; the South returned fire.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(feature(v, 'party')).toBe(false);
    const model = v.reasons.find((r) => r.kind === 'model');
    expect(model?.kind === 'model' && model.weight > 0).toBe(true);
  });

  it('GIVEN another country\'s "Reform Party" THEN no Korean party; with a Korean context the South\'s Reform Party still counts', () => {
    const v = verdict('Latvian premier quits after coalition row', 'The prime minister resigned on Thursday, leaving her Reform Party to name a successor.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(patterns(v)).toEqual([]);
    const home = verdict('Reform Party leader quits after Seoul by-election rout', 'The party won no seat in the vote for the capital\'s mayor.', 'south-korea');
    expect(patterns(home).map((p) => p.pattern)).toContain('National Assembly and courts (Korean context)');
  });

  it('GIVEN another country\'s headline closed by "says Seoul" THEN the South is only the source, with no topic as the subject', () => {
    const v = verdict('Japanese destroyers shadow Chinese carrier near Okinawa, says Seoul', 'The carrier group sailed through the Miyako Strait on Tuesday, South Korea\'s Joint Chiefs of Staff said.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'attribution')).toBe(true);
    // The South as the headline's subject is not a source.
    const own = verdict('Seoul says it will send destroyers to the Strait of Hormuz', 'The defence ministry said two ships would join an escort mission next month.', 'south-korea');
    expect(own.matched).toBe(true);
  });

  it('GIVEN "Rada" with lawmakers and a wartime law, naming no city THEN the parliament; a given name with a bill of another kind stays ignored', () => {
    const v = verdict('Rada extends conscription for reservists', 'Lawmakers approved the measure on Tuesday after commanders asked for more troops.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(patterns(v).map((p) => p.pattern)).toContain('Rada and Maidan');
    const person = verdict('Rada wins the county baking prize', 'The retired teacher entered a plum cake for the fifth year running.', 'ukraine');
    expect(person.matched).toBe(false);
  });

  it('GIVEN another country buying K9 howitzers THEN the buyer\'s story, the weapon weighs like a firm\'s product; the South\'s own army with them is the South\'s', () => {
    const v = verdict('Norway picks K9 howitzers in $600m artillery deal', 'The defence ministry said the first guns would reach the army\'s northern brigade in 2027.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(patterns(v).map((p) => p.pattern)).toEqual(['South Korean weapons (exports)']);
    const home = verdict('South Korean army fields upgraded K9 howitzers along the border', 'The first battalion received the new guns this week.', 'south-korea');
    expect(home.matched).toBe(true);
  });

  it('GIVEN a briefing item whose topic city is where a person grew up, or a trade show\'s place THEN no roundup event', () => {
    const grew = verdict('Evening roundup: rates, rain and a violin prize', 'The central bank held rates. Storms hit the coast. And a violinist who grew up in Odesa won the Paganini competition in Genoa.', 'ukraine');
    expect(grew.matched).toBe(false);
    expect(feature(grew, 'roundup')).toBe(false);
    const show = verdict('Defence week: Saab wins radar order, Airbus tanker drone at ADEX', 'This week\'s round-up: Saab won a radar order from Sweden, Airbus displayed a tanker drone at the ADEX show in Seoul, and Leonardo named a new chief.', 'south-korea');
    expect(show.matched).toBe(false);
    expect(feature(show, 'roundup')).toBe(false);
  });

  it('GIVEN "according to reports carried by Seoul\'s Yonhap news agency" in another country\'s story THEN the South is only the source', () => {
    const v = verdict('Japan\'s new frigate completes sea trials, Yonhap reports', 'The ship returned to Nagasaki after a week of tests, according to reports carried by Seoul\'s Yonhap news agency.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'attribution')).toBe(true);
  });

  it('GIVEN shells bought "for the front" with no country named THEN the war reference; munitions for the front are the war\'s', () => {
    const v = verdict('Dutch-funded scheme buys 300,000 shells for the front', 'The rounds, bought from suppliers in Asia and Africa, will arrive by spring, officials in The Hague said.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(feature(v, 'war reference')).toBe(true);
  });

  it('GIVEN the North\'s jamming that disrupts ferries "near border islands" THEN the South\'s islands are hit: the South\'s story too', () => {
    const v = verdict('North Korean jamming disrupts ferries near border islands', 'Signals were scrambled for three days, the South\'s coast guard said.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(patterns(v).map((p) => p.pattern)).toContain("the South's border islands (with North Korea in the story)");
    // Another country's border islands, with no North Korea in the story, are not the South's.
    const greek = verdict('Migrant boats reach Greek border islands', 'Coast guards on Lesbos and Samos rescued 300 people.', 'south-korea');
    expect(greek.matched).toBe(false);
    expect(patterns(greek)).toEqual([]);
  });
});

describe('the seventeenth round: wire, national, non-Western and local desks', () => {
  it('GIVEN a briefing item where the president "is in" a named capital to seek aid THEN a roundup event: a visit is an event; a briefing naming him only as a place\'s guest stays passing', () => {
    const v = verdict('Your Thursday briefing', 'Markets wait for the jobs report. Zelensky is in Ottawa to ask lawmakers for more air defence. And a heatwave grips Spain.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(feature(v, 'roundup')).toBe(true);
    const pleads = verdict('Morning briefing: rates, rain and shells', 'Rates held steady. Kyiv pleads with allies for more shells. Rain returns on Friday.', 'ukraine');
    expect(feature(pleads, 'roundup')).toBe(true);
    const mention = verdict('Your Thursday briefing', 'Markets wait for the jobs report. A cookbook from Kyiv is in the shops this week. And a heatwave grips Spain.', 'ukraine');
    expect(feature(mention, 'roundup')).toBe(false);
  });

  it('GIVEN a "South Korean visitor" charged by a named city\'s prosecutors THEN person abroad; the city need be on no list, a kind of court is no place', () => {
    const v = verdict('South Korean visitor charged over fatal scooter crash', 'Tacoma prosecutors said the 31-year-old ran a red light before hitting a cyclist.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'person abroad')).toBe(true);
    const home = verdict('South Korean man charged over fatal scooter crash', 'Supreme Court judges will hear the appeal of the 31-year-old next month.', 'south-korea');
    expect(feature(home, 'person abroad')).toBe(false);
  });

  it('GIVEN another firm\'s plant that will "compete with Samsung and SK Hynix" THEN no home company: every firm of a rivals\' list is a yardstick', () => {
    const v = verdict('Kioxia to build $9 billion memory plant in Kitakami', 'The chipmaker says the fab will help it compete with Samsung and SK Hynix and add 1,500 jobs.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'home company')).toBe(false);
    // The firm as the subject, with the same cue, is the firm's life at home.
    const home = verdict('SK Hynix to cut 1,500 jobs at Icheon fab', 'The chipmaker will close an older line, its union said.', 'south-korea');
    expect(home.matched).toBe(true);
  });

  it('GIVEN a Korean firm\'s "Arizona complex" or "Texas facility" THEN a site abroad, like a plant: no home company', () => {
    const v = verdict('Samsung SDI to hire 2,000 for battery complex', 'The South Korean battery maker said its Arizona complex would open in 2027 with 2,000 jobs.', 'south-korea');
    expect(feature(v, 'home company')).toBe(false);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a Yonhap dateline "(Yonhap) --" on a US-North Korea summit THEN the agency is no party of the South; the summit stays the North\'s', () => {
    const title = 'Trump and Kim meet in Hanoi for second summit';
    const summary = 'HANOI, Feb. 27 (Yonhap) -- U.S. President Donald Trump and North Korean leader Kim Jong Un met for dinner on Wednesday at the start of their second summit.';
    const v = verdict(title, summary, 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'party')).toBe(false);
    expect(verdict(title, summary, 'north-korea').matched).toBe(true);
  });

  it('GIVEN another country striking the South off a trade list in a feud THEN a dispute: the South is a party, not one entry of another country\'s data', () => {
    const v = verdict('China drops South Korea from trade preference list as feud deepens', 'Beijing removed Seoul from its list of favoured trading partners, and Seoul vowed countermeasures.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(feature(v, 'another country')).toBe(false);
    const data = verdict('Vietnam\'s exports to South Korea rise 12%', 'Shipments of garments and phones led the gain, the statistics office said.', 'south-korea');
    expect(data.matched).toBe(false);
  });

  it('GIVEN a restaurant called Kiev owned by a city abroad ("Perth\'s \'Kiev\' restaurant", "the Kiev, a family-run café") THEN its name, not the city; a restaurant in Kiev is still the city', () => {
    const v = verdict('Perth\'s \'Kiev\' restaurant closes after 38 years', 'Regulars lined up for a last plate of varenyky on Sunday.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('a restaurant named Kiev');
    const appositive = verdict('Leeds café serves its last borscht', 'The Kiev, a family-run Ukrainian café in Leeds, served its final borscht on Saturday.', 'ukraine');
    expect(appositive.matched).toBe(false);
    const city = verdict('Blast hits restaurant in Kiev, killing two', 'Police said a gas canister exploded in the kitchen of a restaurant in central Kiev.', 'ukraine');
    expect(city.matched).toBe(true);
  });

  it('GIVEN a "South Korean reality show" topping a streaming chart THEN the show\'s label, not the country', () => {
    const v = verdict('\'Iron Chef Seoul\' tops streaming chart', 'South Korean reality show \'Iron Chef Seoul\' became the most-watched non-English series on the platform this week.', 'south-korea');
    expect(exclusions(v).map((x) => x.pattern)).toContain('South Korean as a label for a company, artist or athlete');
  });

  it('GIVEN a Yonhap report filed at home that names no country THEN home wire: the South; with another country or the North named it is not', () => {
    const v = verdict('(LEAD) Heavy snow cuts power to 12,000 homes in eastern regions', 'SEOUL, Feb. 3 (Yonhap) -- Up to 60 centimetres of snow fell overnight, cutting power to some 12,000 households, the interior ministry said.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(feature(v, 'home wire')).toBe(true);
    const japan = verdict('Japanese PM to dissolve lower house next week', 'SEOUL, Oct. 2 (Yonhap) -- The Japanese prime minister plans to call a snap election, Kyodo reported.', 'south-korea');
    expect(japan.matched).toBe(false);
    expect(feature(japan, 'home wire')).toBe(false);
    // Another agency's dateline is left to the rest of the story.
    const ap = verdict('Heavy snow cuts power to 12,000 homes', 'SEOUL (AP) — Up to 60 centimetres of snow fell overnight, officials said.', 'south-korea');
    expect(feature(ap, 'home wire')).toBe(false);
    // The pronoun is no country, as for home feeds; "US" is.
    const pronoun = verdict('(LEAD) Striking bus drivers: "let us work safely"', 'SEOUL, March 4 (Yonhap) -- Bus drivers in the capital walked out on Monday, demanding rest breaks, the union said.', 'south-korea');
    expect(feature(pronoun, 'home wire')).toBe(true);
    const us = verdict('(LEAD) Bus drivers to strike over US-style shift plan', 'SEOUL, March 4 (Yonhap) -- Bus drivers in the capital walked out on Monday, the union said.', 'south-korea');
    expect(feature(us, 'home wire')).toBe(false);
  });

  it('GIVEN Russia\'s leader meeting on "ending the fighting", Kyiv named once THEN the war reference: the war\'s diplomacy', () => {
    const v = verdict('Trump and Putin to talk by phone on ending the fighting', 'The White House said the call would cover prisoner exchanges, as Kyiv urged allies not to trade away its land.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(feature(v, 'war reference')).toBe(true);
  });

  it('GIVEN a Korean firm\'s jobs "at its Smyrna plant", a place on no list THEN a site abroad: no home company; "its Ulsan plant" stays at home', () => {
    const v = verdict('Kia to add 800 jobs at Smyrna assembly plant', 'The carmaker will build hybrids at its Smyrna plant from next year, the state governor said.', 'south-korea');
    expect(feature(v, 'home company')).toBe(false);
    expect(v.matched).toBe(false);
    const home = verdict('Kia union strikes at its Ulsan plant', 'Workers walked out over wages, the union said.', 'south-korea');
    expect(home.matched).toBe(true);
  });

  it('GIVEN "Kiev Corner Deli" THEN a shop\'s name, one word allowed before the kind of shop', () => {
    const v = verdict('Kiev Corner Deli closes after 30 years', 'The owners said rising rents had made the shop unviable.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('a restaurant named Kiev');
  });

  it('GIVEN a digest whose only South Korea words are where a foreign athlete or chef won or opened THEN briefing venue; a disaster in Seoul in a briefing stays the South\'s', () => {
    const v = verdict('Evening digest: rates hold, Mbappe scores twice, Kerber wins in Seoul', 'The central bank held rates. Elsewhere, Angelique Kerber won the title at the tournament in Seoul.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'briefing venue')).toBe(true);
    // Since the twentieth round the tournament's name is an exclusion of its own.
    const open = verdict('Daily digest: fuel prices, a new stadium, Sinner into Korea Open semifinal', 'Fuel prices rose again. Jannik Sinner beat a French opponent in straight sets.', 'south-korea');
    expect(exclusions(open).map((x) => x.pattern)).toContain('tournaments named after Korea');
    expect(open.matched).toBe(false);
    const fire = verdict('Your Monday briefing: A fire in Seoul', 'A fire in a Seoul market killed five. Also: a team of scientists won a prize in Oslo.', 'south-korea');
    expect(feature(fire, 'briefing venue')).toBe(false);
  });

  it('GIVEN the one summary mention of Seoul between other cities of a list THEN a list entry: the model may not lift it', () => {
    const v = verdict('Asian markets: Nikkei slides 4% on chip sell-off', 'Tokyo led the losses, with shares also lower in Taipei, Seoul and Sydney as chipmakers fell.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'yardstick')).toBe(true);
  });

  it('GIVEN another country\'s own spy satellite or missile test in its headline THEN the launch is its owner\'s, not the North\'s; Tokyo reporting the North\'s launch still counts', () => {
    const v = verdict('India\'s Agni rocket puts spy satellite into orbit', 'The launch from Sriharikota went as planned, the space agency said.', 'north-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('another country\'s own launch');
    const reported = verdict('Japan\'s defence ministry said the ballistic missile fell outside its waters', 'Pyongyang fired the missile from near its capital, Tokyo said.', 'north-korea');
    expect(reported.matched).toBe(true);
  });

  it('GIVEN a "South Korean national" jailed for a crime "near" a named station abroad THEN person abroad: a named place after "near" is abroad', () => {
    const v = verdict('South Korean national jailed for theft on commuter train', 'The 40-year-old was sentenced to six weeks in jail for stealing a phone on a train near Dhoby Ghaut station.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'person abroad')).toBe(true);
  });

  it('GIVEN a soldier "home from South Korea" THEN a homecoming: where he served is left behind', () => {
    const v = verdict('Marine home from South Korea surprises son at football game', 'Cpl. Dana Ruiz had been stationed overseas for 11 months.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('home from a posting in the South');
  });

  it('GIVEN "the South-West" in a story naming North Korean defectors abroad THEN a compass point, not the South; written "south-west" it is no name at all; defectors are not the North acting', () => {
    const title = 'Inside the South-West town known as Little Korea';
    const summary = 'Bakeries, a church and a large community of North Korean defectors have made the market town a diaspora hub.';
    const south = verdict(title, summary, 'south-korea');
    expect(exclusions(south).map((x) => x.pattern)).toContain('a compass point');
    expect(south.matched).toBe(false);
    const lower = verdict(title.replace('South-West', 'south-west'), summary, 'south-korea');
    expect(patterns(lower).filter((p) => p.pattern.startsWith('the South'))).toEqual([]);
    expect(lower.matched).toBe(false);
    expect(feature(verdict(title, summary, 'north-korea'), 'the North acts')).toBe(false);
  });

  it('GIVEN another country\'s army "ready for war" THEN readiness for any war, not the war in Ukraine', () => {
    const v = verdict('Danish minister proposes longer conscription', 'Denmark wants an army ready for war within five years, its defence chief said, citing Russia.', 'ukraine');
    expect(exclusions(v).map((x) => x.pattern)).toContain('readiness for war in general');
    expect(v.matched).toBe(false);
  });

  it('GIVEN the war in Ukraine as a backdrop in Russian or Korean ("несмотря на расходы на войну на Украине", "우크라이나 전쟁 장기화에 따른") THEN masked as in English', () => {
    const ru = verdict('Минфин сократил расходы на дороги', 'Бюджет урезан на фоне войны на Украине, сообщило ведомство.', 'ukraine');
    expect(exclusions(ru).map((x) => x.pattern)).toContain('the war in Ukraine as a backdrop (Russian and Korean)');
    expect(ru.matched).toBe(false);
    const ko = verdict('밀가루 가격 상승', '우크라이나 전쟁 여파로 수입 밀 가격이 올랐다.', 'ukraine');
    expect(exclusions(ko).map((x) => x.pattern)).toContain('the war in Ukraine as a backdrop (Russian and Korean)');
    expect(ko.matched).toBe(false);
  });
});

describe('the eighteenth round: supplies only alleged, reactions, caps that decide, refugees left to the model', () => {
  it('GIVEN a summit whose summary names the war only inside a feared or alleged supply THEN alleged supply caps Ukraine and the model is not asked', () => {
    const v = verdict('Kim and Putin hold talks at Far East cosmodrome', 'The leaders toured the launch site, amid Western fears that Pyongyang could be shipping artillery rounds to Moscow for its war in Ukraine.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(feature(v, 'alleged supply')).toBe(true);
    expect(v.modelProbability).toBeNull();
    expect(notes(v)).toContain('model not consulted: a context feature decided the verdict');
  });

  it('GIVEN the supply stated as a fact, or arms in the headline THEN no alleged supply: the supply is the story', () => {
    const sent = verdict('Kim and Putin hold talks at Far East cosmodrome', 'Pyongyang has shipped millions of artillery rounds to Russia for its war in Ukraine, Seoul says.', 'ukraine');
    expect(feature(sent, 'alleged supply')).toBe(false);
    const headline = verdict('What Russia gets from North Korean artillery shells', 'Pyongyang may have sent Russia millions of rounds, perhaps a third of what its gunners fire at Ukrainian lines.', 'ukraine');
    expect(feature(headline, 'alleged supply')).toBe(false);
  });

  it('GIVEN another country\'s act in the headline "prompting" a protest in Seoul THEN reaction caps the South; without that country in the headline no reaction', () => {
    const v = verdict('Japan begins releasing treated water from Fukushima plant', 'The discharge began on Thursday, sparking anger among fishermen and a rally by students near the Japanese embassy in Seoul.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'reaction')).toBe(true);
    expect(v.modelProbability).toBeNull();
    const home = verdict('Fishermen stage rally over water release', 'The discharge began on Thursday, sparking anger among fishermen and a rally by students near the Japanese embassy in Seoul.', 'south-korea');
    expect(feature(home, 'reaction')).toBe(false);
  });

  it('GIVEN Ukrainian refugees\' life in a host country THEN refugees abroad is a soft cap: the passing-mention score, and the model judges', () => {
    const v = verdict('Ukrainian refugees in Czech towns struggle to find flats as aid ends', 'Thousands of Ukrainians who fled to Czechia are living in hostels, charities say, as housing allowances run out.', 'ukraine');
    expect(feature(v, 'refugees abroad')).toBe(true);
    expect(v.keywordScore).toBe(v.threshold - 1);
    expect(v.modelProbability).not.toBeNull();
    expect(notes(v)).not.toContain('model not consulted: a context feature decided the verdict');
  });

  it('GIVEN a Soviet camera model named Kiev THEN the camera exclusion masks the city; the city with a number after it still counts', () => {
    const v = verdict('Collectors still chase the Kiev 60, a Soviet medium-format workhorse', 'The camera, built in a factory in the Ukrainian capital, sells for a few hundred dollars.', 'ukraine');
    expect(exclusions(v).map((x) => x.pattern)).toContain('a camera named Kiev');
    expect(v.matched).toBe(false);
    const city = verdict('Kiev 2 years on: a city learns to live with air raids', 'Residents of the Ukrainian capital queue at shelters as sirens sound again.', 'ukraine');
    expect(exclusions(city).map((x) => x.pattern)).not.toContain('a camera named Kiev');
  });

  it('GIVEN a capped passing mention (a yardstick) THEN the cap decides: the model is not consulted', () => {
    const v = verdict('Inbound tourism to Japan hits record, led by South Koreans', 'Visitors from South Korea made up the largest group, followed by Chinese and Taiwanese travellers.', 'south-korea');
    expect(feature(v, 'yardstick')).toBe(true);
    expect(v.matched).toBe(false);
    expect(v.modelProbability).toBeNull();
    expect(notes(v)).toContain('model not consulted: a context feature decided the verdict');
  });
});

describe('the nineteenth round: crossings, sources at the border, speakers who met, covered entries, foreign labels', () => {
  it('GIVEN a North Korean defecting across the border with the South only as the source THEN crossing makes the South a party; shells crossing do not', () => {
    const v = verdict('North Korean fisherman defects across sea border, South says', 'The man swam across the Northern Limit Line before dawn and asked for asylum, the navy said.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(feature(v, 'crossing')).toBe(true);
    const shells = verdict('North fires shells near sea border, South says', 'No shells crossed the Northern Limit Line, the navy said.', 'south-korea');
    expect(feature(shells, 'crossing')).toBe(false);
    const north = verdict('US private walked across the border into North Korea, Seoul says', 'The soldier walked across the border into the North during a tour of the truce village.', 'south-korea');
    expect(feature(north, 'crossing')).toBe(false);
  });

  it('GIVEN the South only as the source and the DMZ only as the place of an earlier meeting THEN attribution still caps the South', () => {
    const v = verdict('North Korea test-fires two short-range missiles, South Korea says', 'The missiles flew about 400 km before splashing into the sea, Seoul said, the first launch since Trump and Kim met at the DMZ last month.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'attribution')).toBe(true);
  });

  it('GIVEN a president who "said after talks with" the North\'s leader THEN not only a source: the South is a party', () => {
    const v = verdict('Evening digest', 'Good evening. 1. North Korea will close its nuclear test site, President Moon Jae-in said after talks with Kim Jong Un at the truce village. 2. Oil prices rose.', 'south-korea');
    expect(feature(v, 'attribution')).toBe(false);
    const said = verdict('Evening digest', 'Good evening. 1. North Korea will close its nuclear test site, President Moon Jae-in said on Friday. 2. Oil prices rose.', 'south-korea');
    expect(feature(said, 'attribution')).toBe(true);
  });

  it('GIVEN a briefing "covering" a topic\'s own news ("Kim Jong Un\'s health") THEN roundup lifts it; named only as a place it does not', () => {
    const v = verdict('Your Monday Briefing', 'Good morning. We’re covering doubts about Kim Jong Un’s health after a missed parade, a heat wave in Spain and a court ruling in Brazil.', 'north-korea');
    expect(v.matched).toBe(true);
    expect(feature(v, 'roundup')).toBe(true);
    const place = verdict('Your Monday Briefing', 'Good morning. We’re covering a heat wave in Spain, a chess prodigy from North Korea and a court ruling in Brazil.', 'north-korea');
    expect(feature(place, 'roundup')).toBe(false);
  });

  it('GIVEN a briefing item "the conflict in eastern Ukraine has killed …" THEN roundup: the war is the item\'s subject', () => {
    const v = verdict('Morning briefing: budget day, a grim count, a royal tour', 'The chancellor unveils the budget. The UN says the conflict in eastern Ukraine has killed more than 13,000 people. And the king begins a tour of Kenya.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(feature(v, 'roundup')).toBe(true);
  });

  it('GIVEN "a South Korean national" sentenced, no country named THEN person abroad: the label is the foreign court\'s', () => {
    const v = verdict('South Korean man jailed for cheating casino', 'A 41-year-old South Korean national was sentenced to 14 months in jail on Monday for using a hidden camera at a baccarat table.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'person abroad')).toBe(true);
    const home = verdict('South Korean man jailed for cheating casino', 'A 41-year-old South Korean man was sentenced to 14 months in jail on Monday for using a hidden camera at a baccarat table.', 'south-korea');
    expect(feature(home, 'person abroad')).toBe(false);
  });

  it('GIVEN another country\'s headline over a vote demanding Russia\'s withdrawal from Ukraine THEN the war\'s diplomacy: no foreign-headline cap', () => {
    const v = verdict('Turkey abstains as UN assembly demands Russian withdrawal', 'Ankara abstained on a resolution calling on Russia to pull its troops out of Ukraine, saying talks were the only way forward.', 'ukraine');
    expect(feature(v, "another country's headline")).toBe(false);
    const budget = verdict('Turkey raises fuel taxes to close budget gap', 'The move follows a spike in diesel prices that economists trace partly to the war in Ukraine.', 'ukraine');
    expect(budget.matched).toBe(false);
  });

  it('GIVEN a protest held in Seoul under another country\'s headline THEN reaction caps the South', () => {
    const v = verdict('Japan\'s prime minister sends offering to Yasukuni shrine', 'Beijing lodged a complaint, and protesters rallied in Seoul, while Tokyo said the offering was a private matter.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'reaction')).toBe(true);
  });

  it('GIVEN Ukrainians counted among a host country\'s foreign workers THEN refugees abroad: the host\'s labour market, a soft cap', () => {
    const v = verdict('Ukrainians are the biggest group of foreign workers in Czechia', 'Nearly 200,000 Ukrainians were registered with the social insurance office at the end of June, ahead of Slovaks and Vietnamese.', 'ukraine');
    expect(feature(v, 'refugees abroad')).toBe(true);
    expect(v.keywordScore).toBe(v.threshold - 1);
  });

  it('GIVEN foreign volunteers captured "while fighting for Ukraine" THEN war reference: the war is the subject', () => {
    const v = verdict('Gulf mediation frees eight foreign volunteers held by Russia', 'The men, including three Britons and a Dane captured while fighting for Ukraine, were flown to Abu Dhabi, the emirate said.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(feature(v, 'war reference')).toBe(true);
  });

  it('GIVEN an episode rundown whose item reports the war ("Ukraine lowers its draft age") THEN roundup lifts Ukraine', () => {
    const v = verdict('May 2, 2024 NewsHour full episode', 'Thursday on the NewsHour, floods hit southern Brazil. Ukraine lowers its conscription age as it struggles to hold the front. Plus, students protest on campuses.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(feature(v, 'roundup')).toBe(true);
  });

  it('GIVEN a title-case headline with "From Kim" or a "Trump-Kim Summit" THEN surname: the capitalised function word is no given name', () => {
    const from = verdict('Trump Says He Got Another Warm Letter From Kim', 'The president told reporters the note was personal and hinted at more talks.', 'north-korea');
    expect(from.matched).toBe(true);
    expect(feature(from, 'surname')).toBe(true);
    const summit = verdict('Hanoi Shuts Streets Ahead of Trump-Kim Summit', 'Vietnam declared the area around the Metropole hotel a security zone for the two-day meeting.', 'north-korea');
    expect(feature(summit, 'surname')).toBe(true);
    const tennis = verdict('Hanoi Open: Top Seed Falls to Kim Sun-hee', 'The South Korean qualifier won in three sets in the Vietnamese capital.', 'north-korea');
    expect(tennis.matched).toBe(false);
    expect(feature(tennis, 'surname')).toBe(false);
  });

  it('GIVEN "prompting Pyongyang to warn" under another country\'s headline THEN no reaction cap: the country answers itself', () => {
    const v = verdict('US, South Korea and Japan open three-way naval drills', 'The allies began exercises with a carrier and destroyers, prompting Pyongyang to warn of a resolute response.', 'north-korea');
    expect(feature(v, 'reaction')).toBe(false);
  });

  it('GIVEN "South Koreans" accused abroad, the plural beside the labelled man THEN person abroad', () => {
    const v = verdict('Philippine court convicts South Korean man over Angeles City kidnapping', 'He was one of four South Koreans charged with abducting a compatriot in 2019.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'person abroad')).toBe(true);
  });

  it('GIVEN a restaurant named Kiev abroad or the carrier "Kiev" THEN the exclusions mask the city', () => {
    const rest = verdict('Kiev Restaurant in Toronto closes after 30 years', 'The Kiev Restaurant served cabbage rolls to three generations of regulars.', 'ukraine');
    expect(exclusions(rest).map((x) => x.pattern)).toContain('a restaurant named Kiev');
    expect(rest.matched).toBe(false);
    const ship = verdict('Former Soviet aircraft carrier Kiev draws tourists in Tianjin', 'The decommissioned ship is now a hotel with 148 cabins.', 'ukraine');
    expect(exclusions(ship).map((x) => x.pattern)).toContain('a ship named Kiev');
    const city = verdict('Kiev restaurant owners count losses after shelling', 'Cafes in the Ukrainian capital reopened on Monday.', 'ukraine');
    expect(exclusions(city).map((x) => x.pattern)).not.toContain('a restaurant named Kiev');
  });

  it('GIVEN arms sent "to help repel the invasion", neither Ukraine nor Russia named THEN war reference lifts Ukraine', () => {
    const v = verdict('Allies have delivered 400 tanks to help repel the invasion, NATO says', 'The alliance said more armoured vehicles would follow before the spring.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(feature(v, 'war reference')).toBe(true);
    const gaza = verdict('Tanks sent to help repel the invasion of Gaza border towns', 'Israel said reinforcements were moving south.', 'ukraine');
    expect(gaza.matched).toBe(false);
  });

  it('GIVEN a briefing whose South Korea word is where a team won bronze THEN briefing venue caps the South', () => {
    const v = verdict('Sport in brief: rowers take bronze at Chungju regatta', 'The Irish pair won bronze in Seoul on Sunday; elsewhere, Leinster named their side for the final.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'briefing venue')).toBe(true);
  });

  it('GIVEN two war hits both inside a feared supply clause of a summit story THEN alleged supply caps Ukraine', () => {
    const v = verdict('Putin and Kim agree to deepen military ties at Vladivostok summit', 'The two pledged closer cooperation, amid Western fears that Pyongyang is supplying shells for Russia\'s war in Ukraine.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(feature(v, 'alleged supply')).toBe(true);
  });

  it('GIVEN "a Sydney judge" sentencing a South Korean man THEN person abroad: a judge is a foreign authority', () => {
    const v = verdict('South Korean man jailed over cocaine in surfboards', 'A Sydney judge said the 38-year-old had organised the shipment, hidden in boards flown in from Busan.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'person abroad')).toBe(true);
  });

  it('GIVEN "what Seoul called" missiles THEN attribution: the naming is the source\'s, not a party', () => {
    const v = verdict('Morning digest', 'Markets fell in Europe. Also: Pyongyang fired what Seoul called a ballistic missile into the sea.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'party')).toBe(false);
  });

  it('GIVEN a US president who "told reporters in Seoul" THEN no party: the president is not the South\'s', () => {
    const v = verdict('Biden says talks with Kim depend on denuclearisation', 'The president told reporters in Seoul that any meeting would depend on Pyongyang, a day after it fired missiles.', 'south-korea');
    expect(feature(v, 'party')).toBe(false);
    const own = verdict('North Korea fires missile as summit nears', 'Seoul\'s president convened his security council after the launch, officials said.', 'south-korea');
    expect(own.matched).toBe(true);
  });

  it('GIVEN the North Korean hacker Park Jin Hyok THEN the exclusion masks the South\'s former minister\'s name', () => {
    const v = verdict('US adds North Korean programmer to most-wanted list', 'Park Jin Hyok is accused of working for a North Korean hacking unit behind bank heists.', 'south-korea');
    expect(exclusions(v).map((x) => x.pattern)).toContain('the North Korean hacker Park Jin Hyok');
    expect(v.matched).toBe(false);
  });

  it('GIVEN two sources joined by "and" ("South Korea\'s Joint Chiefs of Staff and Japan\'s government said") THEN attribution caps the South', () => {
    const v = verdict('North Korea fires rocket carrying satellite', 'Pyongyang launched the rocket late on Tuesday, South Korea\'s Joint Chiefs of Staff and Japan\'s defence ministry said.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'attribution')).toBe(true);
  });

  it('GIVEN "the date and venue of the meeting" of an upcoming summit THEN no summit-venue exclusion; the venue of "the 2018 summit" is one', () => {
    const now = verdict('Trump says summit with Kim is back on', 'The president announced the date and venue of the meeting after Pyongyang freed three Americans.', 'north-korea');
    expect(exclusions(now).map((x) => x.pattern)).not.toContain("a summit venue's later story");
    expect(now.matched).toBe(true);
    const later = verdict('Sentosa hotel changes hands', 'The Capella, the venue of the 2018 summit between Trump and Kim, was sold for S$800m.', 'north-korea');
    expect(exclusions(later).map((x) => x.pattern)).toContain("a summit venue's later story");
  });

  it('GIVEN a Ukrainian evacuee\'s new business in a host country THEN refugees abroad (a soft cap)', () => {
    const v = verdict('Ukrainian evacuee opens bakery in Sendai', 'A woman who fled Kherson sells poppy-seed rolls from a shop in Sendai, three years after arriving.', 'ukraine');
    expect(feature(v, 'refugees abroad')).toBe(true);
    expect(v.keywordScore).toBe(v.threshold - 1);
  });

  it('GIVEN a harvest festival in a "Little Korea" abroad THEN the diaspora exclusion applies', () => {
    const v = verdict('Chuseok fair draws crowds to Sydney\'s Little Korea', 'Food stalls and drummers filled the streets of Strathfield on Saturday.', 'south-korea');
    expect(exclusions(v).map((x) => x.pattern)).toContain('Korean diaspora and culture abroad');
    expect(v.matched).toBe(false);
  });

  it('GIVEN the war named without Ukraine THEN war reference lifts but leaves the model its say: a confident no may still overrule it', () => {
    const v = verdict('Norway sends its biggest package since the invasion', 'It will donate artillery and anti-tank weapons to help repel Russia\'s invasion.', 'ukraine');
    expect(feature(v, 'war reference')).toBe(true);
    expect(v.modelProbability).not.toBeNull();
    expect(notes(v)).not.toContain('model not consulted: a context feature decided the verdict');
    expect(v.matched).toBe(true);
  });

  it('GIVEN an execution "by firing squad" in a culture briefing THEN no culture cap: a firing squad is no team', () => {
    const v = verdict("Culture briefing: a Vegas residency; North Korea 'executes drama smuggler'", 'Today: a singer confirms her shows. Also: a man in North Korea was executed by firing squad for smuggling dramas, citing sources in the North.', 'north-korea');
    expect(feature(v, 'culture or sport abroad')).toBe(false);
    expect(v.matched).toBe(true);
  });

  it('GIVEN a briefing item on a firm "with an engineering office in Lviv" THEN no roundup lift: the office is the firm\'s site', () => {
    const v = verdict('Startup roundup: a chip deal, a fintech licence and a dev-tools raise', 'Nvidia bought an Israeli chip designer; a fintech won a UK licence; and a Berlin startup with a research office in Lviv raised $25 million.', 'ukraine');
    expect(feature(v, 'roundup')).toBe(false);
    expect(v.matched).toBe(false);
  });

  it('GIVEN deportations of children "from occupied areas" with Putin named THEN war reference, Ukraine unnamed', () => {
    const v = verdict('Court issues warrant for Russian children\'s commissioner', 'Judges said she oversaw the deportation of children from occupied areas, a practice the Kremlin calls evacuation.', 'ukraine');
    expect(feature(v, 'war reference')).toBe(true);
    expect(v.matched).toBe(true);
  });

  it('GIVEN a sanctions headline whose summary names the war once THEN no war-reference lift: the war is its reason', () => {
    const v = verdict('EU sanctions two Russian shipping firms in new package', 'Brussels said Moscow had shown no interest in a ceasefire to end the war in Ukraine.', 'ukraine');
    expect(feature(v, 'war reference')).toBe(false);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a Korean street festival in a city\'s Korean community abroad THEN the diaspora exclusion applies', () => {
    const v = verdict('Chuseok brings Korean street festival to Auckland', 'The city\'s Korean community closed Queen Street for food stalls and drumming on Saturday.', 'south-korea');
    expect(exclusions(v).map((x) => x.pattern)).toContain('Korean diaspora and culture abroad');
    expect(v.matched).toBe(false);
  });

  it('GIVEN a soldier "home early from a year-long posting in South Korea" THEN the homecoming exclusion masks it', () => {
    const v = verdict('Airman surprises mother at her retirement party', 'Sgt. Ana Ruiz, home early from a nine-month deployment to South Korea, walked in with flowers.', 'south-korea');
    expect(exclusions(v).map((x) => x.pattern)).toContain('home from a posting in the South');
    expect(v.matched).toBe(false);
  });

  it('GIVEN Russia barred from the Games in a Korean host city THEN host city: Russia is a foreign party of the gathering', () => {
    const v = verdict('IOC suspends Russia from Pyeongchang Games', 'The International Olympic Committee suspended Russia\'s committee over doping, but said clean Russian athletes could compete as neutrals.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'host city')).toBe(true);
  });

  it('GIVEN "the NSW District Court" sentencing a South Korean student THEN person abroad: a court\'s kind may stand between place and court', () => {
    const v = verdict('South Korean student jailed over Parramatta assault', 'A 23-year-old South Korean student was sentenced to four years on Monday, the NSW District Court heard.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'person abroad')).toBe(true);
  });

  it('GIVEN a briefing item on "watch exports to Hong Kong and South Korea" THEN no roundup lift: a market the goods go to', () => {
    const v = verdict('Morning Briefing Europe: all eyes on inflation', 'Bond yields rose ahead of the data. Elsewhere, Italian wine exports to Japan and South Korea fell for a second month.', 'south-korea');
    expect(feature(v, 'roundup')).toBe(false);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a sport briefing whose item is a South Korean golfer\'s win abroad THEN no roundup lift: culture or sport abroad caps it', () => {
    const v = verdict('Sport briefing: Ko wins in Arizona; Verstappen takes Suzuka', 'South Korea\'s Ko Jin-young won the Founders Cup by three shots. Max Verstappen won the Japanese Grand Prix. And Ireland clinched the Six Nations title.', 'south-korea');
    expect(feature(v, 'roundup')).toBe(false);
    expect(v.matched).toBe(false);
  });
});

describe('the twentieth round: title-case verbs around Kim, a briefing item\'s subject named by its adjective', () => {
  it('GIVEN a title-case headline "… to See Kim Again" beside the US president THEN surname: the capitals are no given name', () => {
    const v = verdict('Trump Says He Hopes to See Kim Again This Year', 'The president said he had a very good relationship with Kim and expected another meeting.', 'north-korea');
    expect(feature(v, 'surname')).toBe(true);
    expect(v.matched).toBe(true);
  });

  it('GIVEN a briefing item "Russian and Ukrainian negotiators met…" THEN roundup: the adjective names the subject of the event', () => {
    const v = verdict('Evening briefing: what you need to know', 'Russian and Ukrainian negotiators met in Geneva for a second round of talks; Germany\'s inflation eased to 2.1%; Apple unveiled a new phone.', 'ukraine');
    expect(feature(v, 'roundup')).toBe(true);
    expect(v.matched).toBe(true);
  });

  it('GIVEN a Japanese court on a pro-Pyongyang Korean school in Osaka THEN Japan\'s Korean residents are not the South', () => {
    const v = verdict('Osaka court backs halt of subsidies to pro-Pyongyang Korean school', 'The district court said the city was right to stop funding the school, run by an association of ethnic Korean residents close to the North.', 'south-korea');
    expect(exclusions(v).map((x) => x.pattern)).toContain('Korean schools and residents in Japan');
    expect(v.matched).toBe(false);
  });

  it('GIVEN a visit "amid allegations that Pyongyang is shipping shells for Russia\'s war" THEN alleged supply: an allegation is the backdrop', () => {
    const v = verdict('Kim hosts Russian defence minister at military parade', 'Sergei Shoigu stood beside Kim Jong Un at the parade, amid allegations that Pyongyang is shipping artillery shells for Russia\'s war.', 'ukraine');
    expect(feature(v, 'alleged supply')).toBe(true);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a regional wrap "Sydney and Seoul slip" with the Kospi one line of it THEN market wrap: Seoul is one of a list of markets', () => {
    const v = verdict('Asian markets: Sydney and Seoul slip as oil climbs', 'The Kospi fell 0.5% and Australia\'s ASX 200 lost 0.3% as crude rose for a third day.', 'south-korea');
    expect(feature(v, 'market wrap')).toBe(true);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a sanctions headline whose summary names the war as their aim THEN sanctions headline: the war is their reason', () => {
    const v = verdict('UK sanctions Russian metals traders', 'The Foreign Office said the measures would raise pressure on the Kremlin to agree a ceasefire in its war in Ukraine.', 'ukraine');
    expect(feature(v, 'sanctions headline')).toBe(true);
    expect(v.matched).toBe(false);
  });

  it('GIVEN the North\'s currency sliding at its own markets THEN not the South\'s won', () => {
    const v = verdict("North Korea's won plunges as state cracks down on dollars", 'Traders said a dollar fetched 18,000 won at markets in Sinuiju last week, double the rate in spring.', 'south-korea');
    expect(exclusions(v).map((x) => x.pattern)).toContain("the North's won");
    expect(v.matched).toBe(false);
  });

  it('GIVEN another country\'s news "…, Seoul\'s intelligence chief says" THEN attribution: a chief is a source noun', () => {
    const v = verdict("Russia moving troops to Finnish border, Seoul's intelligence chief says", "South Korea's spy chief told lawmakers the buildup had doubled since spring.", 'south-korea');
    expect(feature(v, 'attribution')).toBe(true);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a briefing headline listing stories, one a Korean firm\'s plant abroad THEN no home company: another story\'s profit is not the firm\'s', () => {
    const v = verdict('Markets briefing: Tesla profit slides; Samsung plans new chip plant', "Tesla's quarterly profit fell 40 percent. Oil steadied. And Samsung plans a $17 billion chip plant in Texas.", 'south-korea');
    expect(feature(v, 'home company')).toBe(false);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a flight of Indian students evacuated from Ukraine landing at home THEN the evacuation is the war\'s event, not another country\'s story', () => {
    const v = verdict('Third flight with 210 Indians evacuated from Ukraine lands in Mumbai', 'The chartered jet left Budapest with medical students who had studied in Ukraine\'s north-east.', 'ukraine');
    expect(feature(v, 'another country')).toBe(false);
    expect(v.matched).toBe(true);
  });

  it('GIVEN a streaming guide\'s "Busan-set crime drama" THEN the city only labels where a film is set', () => {
    const v = verdict('What to watch this weekend, from a Busan-set crime drama to a Swedish procedural', 'Our critics pick four new series and a documentary about chess.', 'south-korea');
    expect(exclusions(v).map((x) => x.pattern)).toContain('a South Korean city as fiction\'s setting');
    expect(v.matched).toBe(false);
  });

  it('GIVEN a sport digest with a foreign player into the "Korea Open" final THEN the tournament\'s name is no South Korea news', () => {
    const v = verdict('Sport digest: Swiatek into Korea Open final; Leclerc on pole in Monaco', 'Iga Swiatek beat Barbora Krejcikova in straight sets in Seoul, and Charles Leclerc took pole at home.', 'south-korea');
    expect(exclusions(v).map((x) => x.pattern)).toContain('tournaments named after Korea');
    expect(v.matched).toBe(false);
  });

  it('GIVEN "South Korea stun Spain" at a World Cup abroad THEN national team: the model judges, and says no', () => {
    const v = verdict('South Korea stun Spain to top World Cup group', 'A late header from Cho Gue-sung gave the Taeguk Warriors a 1-0 win and a place in the last 16.', 'south-korea');
    expect(feature(v, 'national team')).toBe(true);
    expect(v.matched).toBe(false);
  });

  it('GIVEN "South Korea beat Japan" in a qualifier in Seoul THEN no national-team cap: a match at home', () => {
    const v = verdict('South Korea beat Japan 2-0 in World Cup qualifier in Seoul', 'Son Heung-min scored twice before a sell-out crowd at the Seoul World Cup Stadium.', 'south-korea');
    expect(feature(v, 'national team')).toBe(false);
  });

  it('GIVEN the North\'s newspaper that "attacked" the South\'s drills THEN "attacked" is no party cue: an attack in words', () => {
    const v = verdict('Pyongyang weekly: Kim visits tank plant, party sets plenum date', 'Kim Jong Un toured a tank factory in Sinpo; the party called a plenary meeting for June; and Rodong Sinmun attacked the joint US-ROK drills.', 'south-korea');
    expect(patterns(v).filter((r) => r.pattern.startsWith('context: party')).map((r) => r.matched).join(' ')).not.toContain('attacked');
    expect(v.matched).toBe(false);
  });

  it('GIVEN the South\'s ambassador honouring Korean War veterans abroad THEN both Koreas: the envoy does not make the host\'s ceremony the South\'s', () => {
    const v = verdict('Five Korean War veterans honoured in Halifax', "South Korea's ambassador presented peace medals to the Nova Scotia veterans at a ceremony on Saturday.", 'south-korea');
    expect(feature(v, 'both Koreas')).toBe(true);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a North Korea story closing on "Seoul\'s security adviser says" THEN attribution: an adviser is a source', () => {
    const v = verdict("North Korea ready for seventh nuclear test, Seoul's security adviser says", "South Korea's national security adviser told reporters the tunnels at Punggye-ri had been restored.", 'south-korea');
    expect(feature(v, 'attribution')).toBe(true);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a briefing item "Russian forces would halt hostilities in Ukraine" THEN roundup: a halt is an event', () => {
    const v = verdict('Sunday Briefing: a Christmas pause, a Brexit vote and a new pope', 'The Kremlin said Russian forces would halt hostilities in Ukraine for 36 hours over Orthodox Christmas; MPs voted on a Brexit bill; and cardinals chose a new pope.', 'ukraine');
    expect(feature(v, 'roundup')).toBe(true);
    expect(v.matched).toBe(true);
  });

  it('GIVEN a city briefing\'s item on a baker "back from two years working in Seoul" THEN no roundup lift: a person\'s past', () => {
    const v = verdict('Morning briefing: a bridge closure, a new mayor and a bakery', 'The Elm Street bridge shuts for repairs. Plus, a baker back from two years working in Seoul opens a shop on Main Street.', 'south-korea');
    expect(feature(v, 'roundup')).toBe(false);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a newsletter headline listing its stories after a colon THEN a briefing: its Ukraine item is an event', () => {
    const v = verdict('Berlin Bulletin: Bund yields rise, Scholz reshuffles, Antalya talks', "Bond yields rose; the chancellor replaced two ministers; and Ukraine's foreign minister met his Russian counterpart in Antalya.", 'ukraine');
    expect(feature(v, 'roundup')).toBe(true);
    expect(v.matched).toBe(true);
  });

  it('GIVEN a briefing item on a flight "diverted to Busan", another item\'s minister beside it THEN briefing venue: the place of a stop', () => {
    const v = verdict('Evening Brief: flight diverted to Busan, Tokyo reshuffle, gold record', "A Delta flight to Manila diverted to Busan after a passenger fell ill; Japan's prime minister named a new finance minister; gold hit a record.", 'south-korea');
    expect(feature(v, 'briefing venue')).toBe(true);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a Korean carmaker\'s recall filed "DETROIT (AP) —" THEN no home company: a wire from a city abroad; "SEOUL, South Korea (AP)" stays at home', () => {
    const v = verdict('Kia tells owners of 150,000 cars to park outside over fire risk', 'DETROIT (AP) — The automaker said a fuel pump fault could start fires and that workers at dealers would fix it for free.', 'south-korea');
    expect(feature(v, 'home company')).toBe(false);
    const home = verdict('Kia workers strike over pay for first time in a decade', 'SEOUL, South Korea (AP) — Thousands of workers walked out at plants near the capital on Wednesday.', 'south-korea');
    expect(home.matched).toBe(true);
  });

  it('GIVEN the North jailing teenagers for "South Korean slang" THEN the South only labels the speech', () => {
    const v = verdict('North Korea jails teenagers for using South Korean slang', 'State media warned that "puppet" speech was corrupting youth in Pyongyang.', 'south-korea');
    expect(exclusions(v).map((x) => x.pattern)).toContain('South Korean as a label for a company, artist or athlete');
    expect(v.matched).toBe(false);
  });

  it('GIVEN a Korean paper\'s evening briefing item "Yoon issues an order to striking doctors" THEN roundup: issuing is an event', () => {
    const v = verdict('Korea Herald Evening Briefing - March 4', 'Tonight: Yoon issues back-to-work order to striking trainee doctors; Tokyo shares hit a record; Apple cancels its car project.', 'south-korea');
    expect(feature(v, 'roundup')).toBe(true);
    expect(v.matched).toBe(true);
  });

  it('GIVEN a Ukrainian man "held" with drugs at a foreign airport THEN person abroad: being held is an arrest', () => {
    const v = verdict('Ukrainian man held with 3kg of methamphetamine at Bangkok airport', 'Customs officers said the 34-year-old had flown in from Dubai with the drug sewn into his luggage.', 'ukraine');
    expect(feature(v, 'person abroad')).toBe(true);
    expect(v.matched).toBe(false);
  });

  it('GIVEN the North\'s trade "according to estimates from South Korea\'s central bank" THEN attribution: the estimates\' source', () => {
    const v = verdict("North Korea's trade with China rebounds, BOK estimates", "North Korea's exports rose 40% last year, according to estimates from South Korea's central bank.", 'south-korea');
    expect(feature(v, 'attribution')).toBe(true);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a launch "in response to what Pyongyang called hostile drills by US and South Korean forces" THEN no party: the drills the North answers', () => {
    const v = verdict('Kim oversees test of new multiple rocket launcher', 'North Korea\'s leader watched the firing, state media said, in response to what Pyongyang called hostile drills by US and South Korean troops.', 'south-korea');
    expect(feature(v, 'party')).toBe(false);
    expect(v.matched).toBe(false);
  });

  it('GIVEN "Vietnam\'s exports to South Korea fall for a third month in a row" THEN another country\'s story: "in a row" is no feud', () => {
    const v = verdict("Vietnam's exports to South Korea fall for third month in a row", 'Shipments of phones and textiles dropped 6% in May, the customs office said.', 'south-korea');
    expect(feature(v, 'another country')).toBe(true);
    expect(v.matched).toBe(false);
  });

  it('GIVEN tanks or a single artillery round sent "to the front" THEN the war reference: arms for the front need no name of the war', () => {
    const v = verdict('Spain to send 10 more Leopard tanks for the front', 'Madrid will ship the refurbished tanks by spring, its defence ministry said.', 'ukraine');
    expect(feature(v, 'war reference')).toBe(true);
    expect(v.matched).toBe(true);
  });

  it('GIVEN a briefing item on "a violinist who fled Kharkiv" winning abroad THEN no roundup lift: one person\'s past; "children who fled Ukraine" still counts', () => {
    const v = verdict('Evening roundup: rail strike, Fed minutes, Vienna prize', 'Train drivers walk out on Friday; Fed minutes show caution; and a violinist who fled Kharkiv wins the Vienna competition.', 'ukraine');
    expect(feature(v, 'roundup')).toBe(false);
    const many = verdict('Your Monday Briefing: a summit in Rome', 'Also, the Pope met children who fled Ukraine, and Sudan agreed to a truce.', 'ukraine');
    expect(feature(many, 'roundup')).toBe(true);
  });

  it('GIVEN "Kim" beside Trump with "Kardashian" named apart THEN no surname: the other Kim', () => {
    const v = verdict('Kim and Trump talk prison reform: Kardashian returns to White House', 'The reality star met the president to push for the release of more non-violent offenders.', 'north-korea');
    expect(feature(v, 'surname')).toBe(false);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a title-case headline "Trump Calls Kim \'Very Talented\'" THEN surname: a quotation after him is no given name', () => {
    const v = verdict("Trump Calls Kim 'Very Talented' as Talks Stall", 'The president told a rally that the reclusive leader had written him another letter.', 'north-korea');
    expect(feature(v, 'surname')).toBe(true);
    expect(v.matched).toBe(true);
  });

  it('GIVEN the Kyiv City Ballet beginning "a tour of Canada" THEN culture or sport abroad: a tour of another country is abroad', () => {
    const v = verdict('Kyiv City Ballet opens Canada tour', "The company's dancers began a six-week tour of Canada with 'Giselle' on Thursday.", 'ukraine');
    expect(feature(v, 'culture or sport abroad')).toBe(true);
    expect(v.matched).toBe(false);
  });

  it('GIVEN "the Moon government" in a headline with Moon Jae-in named THEN South Korea: a government named by its president', () => {
    const v = verdict('Moon government spied on civic groups, panel finds', 'An inquiry said intelligence officers under Moon Jae-in kept files on 40 activist groups.', 'south-korea');
    expect(patterns(v).some((r) => r.matched === 'Moon government')).toBe(true);
    expect(v.matched).toBe(true);
  });

  it('GIVEN a defector who crossed the border, the South named only in its masked source phrase THEN crossing: the South is where he arrives', () => {
    const v = verdict('North Korean soldier defects at dawn', "He walked over the Military Demarcation Line in the eastern sector and was taken into custody, South Korea's Joint Chiefs of Staff said.", 'south-korea');
    expect(feature(v, 'crossing')).toBe(true);
    expect(v.matched).toBe(true);
  });

  it('GIVEN "the Kiev, the Leeds diner famed for its dumplings" THEN a restaurant named Kiev', () => {
    const v = verdict('Fire closes the Kiev, the Leeds diner famed for its dumplings', 'Firefighters said the blaze started in the kitchen overnight; no one was hurt.', 'ukraine');
    expect(exclusions(v).map((x) => x.pattern)).toContain('a restaurant named Kiev');
    expect(v.matched).toBe(false);
  });
});

describe('the twenty-first round: the unnamed war, judged by the model', () => {
  it('GIVEN gunners rationing shells "on the front" and no name of any topic THEN unnamed war: the model is consulted and, confident, lifts it', () => {
    const v = verdict('Soldiers on the front ration artillery shells as aid stalls in Washington', 'Gunners along the front line say they fire a fraction of the rounds they did last summer.', 'ukraine');
    expect(feature(v, 'unnamed war')).toBe(true);
    expect(v.modelProbability).not.toBeNull();
    expect(v.keywordScore).toBe(1);
    expect(v.matched).toBe(true);
  });

  it('GIVEN a Grand Prix dropped "over the invasion" THEN unnamed war asks the model, which reads a backdrop', () => {
    const v = verdict('Formula One drops Sochi race over the invasion', 'The sport said it was impossible to hold the Grand Prix in the current circumstances.', 'ukraine');
    expect(feature(v, 'unnamed war')).toBe(true);
    expect(v.modelProbability).not.toBeNull();
    expect(v.matched).toBe(false);
  });

  it('GIVEN a Kremlin budget that "funds the war", Ukraine not named THEN the war reference lifts and the model, consulted as with a Ukraine hit, says no', () => {
    const v = verdict('Kremlin budget puts military spending at record 7% of GDP', 'Moscow will raise defence outlays to 15 trillion rubles next year as it funds the war and builds more missiles, draft documents show.', 'ukraine');
    expect(feature(v, 'war reference')).toBe(true);
    expect(v.modelProbability).not.toBeNull();
    expect(v.matched).toBe(false);
  });

  it('GIVEN "the front" with another war named, or with a Korean name THEN no unnamed war: the model is not asked', () => {
    const gaza = verdict('Reservists return to the front as Gaza talks stall', 'Israeli troops were sent back north on Sunday, the army said.', 'ukraine');
    expect(feature(gaza, 'unnamed war')).toBe(false);
    expect(gaza.modelProbability).toBeNull();
    const korea = verdict('Soldier defects across the central front', "A North Korean private walked across the line before dawn, the South's military said.", 'ukraine');
    expect(feature(korea, 'unnamed war')).toBe(false);
    expect(korea.modelProbability).toBeNull();
    expect(korea.matched).toBe(false);
  });
});

describe('the twenty-first round: datelines, a briefing in one sentence, firms and travellers abroad', () => {
  it('GIVEN a Korean firm\'s plant named "Metaplant America" THEN no home company: the firm\'s unit abroad', () => {
    const v = verdict('Hyundai opens $5 billion battery plant outside Savannah', "Hyundai Motor Group began production at its Metaplant America in Bryan County, Georgia, the biggest investment in the state's history, promising 8,000 jobs.", 'south-korea');
    expect(feature(v, 'home company')).toBe(false);
    expect(v.matched).toBe(false);
  });

  it('GIVEN "…, Seoul broadcaster reports" in a North Korea story THEN attribution: a broadcaster is a source', () => {
    const v = verdict('North Korea purged 20 officials over flood deaths, Seoul broadcaster reports', 'Pyongyang removed provincial officials after the summer floods, a South Korean broadcaster reported, citing an unnamed source.', 'south-korea');
    expect(feature(v, 'attribution')).toBe(true);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a summary opening on the dateline "SEOUL —" THEN neither a lead mention nor a party: where the story was filed', () => {
    const v = verdict("North Korean troops lose hundreds in Kursk, Seoul says", "SEOUL — About 200 North Korean soldiers have been killed fighting Ukrainian forces in Russia's Kursk region, a lawmaker in Seoul said on Wednesday, citing the spy agency.", 'south-korea');
    expect(feature(v, 'party')).toBe(false);
    expect(patterns(v).find((r) => r.matched === 'SEOUL')?.weight).toBe(3);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a briefing whose one sentence lists its stories after "We\'re covering" THEN roundup: each entry is an item', () => {
    const v = verdict('Your Monday Briefing: Trade War Fears', "We're covering a slide in Asian markets after new US tariffs and a court ruling that removed South Korea's president from office.", 'south-korea');
    expect(feature(v, 'roundup')).toBe(true);
    expect(v.matched).toBe(true);
  });

  it('GIVEN a briefing item "Russia and Ukraine traded accusations…" THEN roundup: trading accusations is an event', () => {
    const v = verdict('Your Wednesday Briefing: A Storm in Texas', 'Floods killed 20 people near Houston. Also, Russia and Ukraine traded accusations of breaking a ceasefire along the front.', 'ukraine');
    expect(feature(v, 'roundup')).toBe(true);
    expect(v.matched).toBe(true);
  });

  it('GIVEN a firm "founded in Kyiv" in a tech briefing THEN no roundup lift: where the firm began, not the event', () => {
    const v = verdict('Tech briefing: Canva buys a design start-up, Intel cuts jobs', 'Canva agreed to buy MacPaw, founded in Kyiv in 2008; Intel said it would cut 5,000 jobs; and Apple delayed a product.', 'ukraine');
    expect(feature(v, 'roundup')).toBe(false);
    expect(v.matched).toBe(false);
  });

  it('GIVEN "South Korean tourists flock back" to a resort abroad THEN Koreans travelling as another country\'s tourism', () => {
    const v = verdict("Cebu's beach bars boom as South Korean tourists flock back", 'Resort owners say bookings have doubled since flights resumed.', 'south-korea');
    expect(exclusions(v).map((x) => x.pattern)).toContain("Koreans travelling as another country's tourism");
    expect(v.matched).toBe(false);
  });

  it('GIVEN "Perth-Seoul flights" THEN a route to a South Korean city, the other city before it; a Jeju Air flight that crashes at home stays the South\'s', () => {
    const v = verdict('Qantas to launch Perth-Seoul flights next year', 'The airline will fly three times a week from March, it said.', 'south-korea');
    expect(exclusions(v).map((x) => x.pattern)).toContain('a route to a South Korean city');
    expect(v.matched).toBe(false);
    const crash = verdict('Jeju Air flight crashes at Muan airport, killing 179', "The Boeing 737 skidded off the runway and hit a wall, South Korea's transport ministry said.", 'south-korea');
    expect(exclusions(crash).map((x) => x.pattern)).not.toContain('a route to a South Korean city');
    expect(crash.matched).toBe(true);
  });

  it('GIVEN "a Jeju Air flight from Seoul diverted to Nagoya" in a digest THEN a route to a South Korean city: one flight is a route too', () => {
    const v = verdict('Evening digest: rail strike, heatwave, diverted flight', 'Train drivers walk out in Osaka; temperatures hit 39C in Gifu; and a Jeju Air flight from Seoul diverted to Nagoya after a bird strike.', 'south-korea');
    expect(exclusions(v).map((x) => x.pattern)).toContain('a route to a South Korean city');
    expect(v.matched).toBe(false);
  });

  it('GIVEN a South Korean jailed in Tokyo, Seoul named only in "which Seoul and Beijing view as…" THEN person abroad: a view held is no party', () => {
    const v = verdict('Tokyo court jails South Korean man for arson at Yasukuni gate', "The 41-year-old was sentenced to three years for setting fire to the shrine's gate, which Seoul and Beijing view as a symbol of Japan's wartime past.", 'south-korea');
    expect(feature(v, 'person abroad')).toBe(true);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a briefing item on "LG Electronics\' Indian unit" listing in Mumbai THEN no roundup lift: a demonym before a unit places the firm abroad', () => {
    const v = verdict('Evening Briefing: Apple tops $4 trillion', "Apple's market value closed above $4 trillion for the first time. Elsewhere, LG Electronics' Indian unit priced what could be the year's biggest listing in Mumbai, and oil fell.", 'south-korea');
    expect(feature(v, 'roundup')).toBe(false);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a newsletter item "Kyiv and Moscow accuse each other of breaking a ceasefire" THEN roundup: accusing is an event', () => {
    const v = verdict('Evening newsletter: Rates, a broken truce and Wimbledon', 'Markets slip after the Fed holds; Kyiv and Moscow accuse each other of breaking a holiday ceasefire within hours; and Wimbledon begins.', 'ukraine');
    expect(feature(v, 'roundup')).toBe(true);
    expect(v.matched).toBe(true);
  });

  it('GIVEN "South Korea\'s military also reported the flights" of another country\'s bombers THEN attribution: "also" between a source and its verb', () => {
    const v = verdict('Chinese and Russian bombers fly joint patrol near Japan', "Japan scrambled jets as the bombers crossed the Sea of Japan, Tokyo said. South Korea's military also reported the flights.", 'south-korea');
    expect(feature(v, 'attribution')).toBe(true);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a headline closing on "…, says Seoul spy agency" THEN attribution: source words after "says Seoul"', () => {
    const v = verdict('Chinese hackers breached ministries in Laos and Cambodia, says Seoul spy agency', "The group used phishing emails posing as diplomatic notes, South Korea's National Intelligence Service said in a report.", 'south-korea');
    expect(feature(v, 'attribution')).toBe(true);
    expect(v.matched).toBe(false);
  });

  it('GIVEN sales that "collapsed following the conflict in Ukraine" THEN no scene: the place\'s event is the cause of another', () => {
    const v = verdict('Rosneft profit halves as Europe sales dry up', "MOSCOW (Reuters) - Rosneft's net income fell by half in 2023 after its sales to Europe collapsed following the conflict in Ukraine.", 'ukraine');
    expect(feature(v, 'scene')).toBe(false);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a new shelter slid over Chernobyl\'s reactor THEN Ukraine: the plant\'s own arch is context enough for Chernobyl', () => {
    const v = verdict("Engineers slide new shelter over Chernobyl's ruined reactor", 'The 36,000-tonne steel arch now covers the No. 4 unit, three decades after the disaster.', 'ukraine');
    expect(patterns(v).map((p) => p.pattern)).toContain('Chernobyl');
    expect(v.matched).toBe(true);
  });

  it('GIVEN a brief "Putin signs treaties annexing four partly occupied regions" THEN the war reference: annexing is the war\'s subject', () => {
    const v = verdict('News in brief', "Putin signs treaties annexing four partly occupied regions; Italy's new cabinet is sworn in; a storm floods Miami.", 'ukraine');
    expect(feature(v, 'war reference')).toBe(true);
    expect(v.matched).toBe(true);
  });

  it('GIVEN a briefing item on "a girl who first learned to play in Odesa" THEN no roundup lift: a who clause six words back is still her past', () => {
    const v = verdict('Morning briefing: Rail strike, heatwave and a violin prodigy', 'Walkouts begin across England today. Also: a girl who first learned to play in Odesa before her family moved to Leeds has won a major violin prize.', 'ukraine');
    expect(feature(v, 'roundup')).toBe(false);
    expect(v.matched).toBe(false);
  });

  it('GIVEN "He and Kim Have \'Real Rapport\'" in title case THEN surname: "Have" after him is no given name', () => {
    const v = verdict("Trump Says He and Kim Have 'Real Rapport' Before Hanoi Summit", 'The president told reporters the second meeting in Vietnam could bring a deal on nuclear weapons.', 'north-korea');
    expect(feature(v, 'surname')).toBe(true);
    expect(v.matched).toBe(true);
  });

  it('GIVEN another country\'s bombers over "waters between Japan and the Korean peninsula, Seoul\'s Joint Chiefs of Staff said" THEN attribution: the shared peninsula is no subject', () => {
    const v = verdict('Chinese and Russian warplanes fly joint patrol near Japan', "The bombers flew for hours over waters between Japan and the Korean peninsula, Seoul's Joint Chiefs of Staff said.", 'south-korea');
    expect(feature(v, 'attribution')).toBe(true);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a weekend viewing guide that names Seoul twice, and the model\'s surest no THEN that no (3 × weight) overrules both names', () => {
    const v = verdict('Seoul noir and a baking final: what to watch this weekend', "Our picks include a Netflix thriller set among Seoul's loan sharks and the last episode of a cosy baking contest.", 'south-korea');
    expect(v.keywordScore).toBe(9);
    expect(v.modelProbability).toBeLessThan(0.1);
    const model = v.reasons.find((r) => r.kind === 'model');
    expect(model?.kind === 'model' ? model.weight : 0).toBeLessThan(-5);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a briefing item on Samsung\'s foldables launch at the Louvre THEN the roundup lifts South Korea, but the model\'s surest no is heard past the lift', () => {
    const v = verdict('Morning briefing: Fed holds, Seine floods, Samsung shows foldables', 'Your briefing: the Federal Reserve keeps rates on hold; the Seine bursts its banks in Paris; and Samsung unveils its latest folding phones at a glitzy launch at the Louvre.', 'south-korea');
    expect(feature(v, 'roundup')).toBe(true);
    expect(v.keywordScore).toBeGreaterThanOrEqual(v.threshold);
    expect(notes(v)).toContain("a context feature lifted the verdict, but the model's surest no overrules it");
    expect(v.modelProbability).toBeLessThan(0.1);
    expect(v.matched).toBe(false);
  });

  it('GIVEN Samsung\'s quarterly profit THEN home company decides: a model short of its surest no is not heard past the lift', () => {
    const v = verdict('Samsung Electronics quarterly profit jumps on chip demand', "The world's biggest memory chipmaker said operating profit rose 78% as prices for its high-bandwidth chips climbed.", 'south-korea');
    expect(feature(v, 'home company')).toBe(true);
    expect(notes(v)).toContain('model heard only for its surest no, which it did not give: a context feature decided the verdict');
    expect(notes(v)).not.toContain('model not consulted: a context feature decided the verdict');
    expect(v.modelProbability).toBeNull();
    expect(v.matched).toBe(true);
  });

  it('GIVEN a long feed description whose lede is a South Korean cabinet story and whose tail is other places\' news THEN the model reads the lede only, and the story matches', () => {
    const summary =
      'Officials in Seoul said the appointment was meant to steady the government before local elections in June, after weeks of protests over housing prices and a row with the opposition over the budget that left several ministries without confirmed heads for months. ' +
      "NAIROBI — Kenya's parliament approved a new budget on Tuesday after weeks of protests over tax rises. LIMA — Peru's central bank held its benchmark rate, citing easing inflation and a stronger sol. " +
      "OSLO — Norway's wealth fund reported record returns on technology shares, its chief executive said at a briefing in the capital.";
    const v = verdict('South Korean president names new prime minister in cabinet reshuffle', summary, 'south-korea');
    expect(v.keywordScore).toBe(9);
    expect(v.modelProbability).toBeGreaterThan(0.1);
    expect(v.matched).toBe(true);
  });

  it('GIVEN a briefing item on a Korean firm\'s plant "in Kokomo, Indiana" THEN no roundup lift: a listed place one word after "in" puts the firm abroad', () => {
    const v = verdict('Business Briefing: Rail strike ends, Airbus lifts targets', 'Rail workers voted to return to work. Airbus raised its delivery guidance. And Samsung SDI opened its battery plant in Kokomo, Indiana.', 'south-korea');
    expect(feature(v, 'roundup')).toBe(false);
    expect(v.matched).toBe(false);
  });

  it('GIVEN "Restaurant review: The Kiev, Leeds" THEN the restaurant named Kiev: the review\'s subject is a grill, not the capital', () => {
    const v = verdict('Restaurant review: The Kiev, Leeds', 'Borscht, pampushky and a lot of dill at a cheerful new grill on Call Lane.', 'ukraine');
    expect(exclusions(v).map((x) => x.pattern)).toContain('a restaurant named Kiev');
    expect(v.matched).toBe(false);
  });

  it('GIVEN an aid deal for "the country fending off Russia\'s invasion" THEN the war reference: fending off the invasion is the war\'s subject', () => {
    const v = verdict('EU seals 50 billion euro lifeline after months of wrangling', "The money will keep schools and hospitals running in the country fending off Russia's invasion, EU leaders said.", 'ukraine');
    expect(feature(v, 'war reference')).toBe(true);
    expect(v.matched).toBe(true);
  });

  it('GIVEN a Japanese carmaker\'s sales "ahead of Volkswagen and Hyundai-Kia" THEN no home company: the second firm after the yardstick word is compared too', () => {
    const v = verdict('Toyota remains top-selling carmaker for fifth year', 'TOKYO — Toyota sold 10.8 million vehicles worldwide last year, keeping it ahead of Volkswagen and Hyundai-Kia despite a scandal that halted some domestic production.', 'south-korea');
    expect(feature(v, 'home company')).toBe(false);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a price move whose one cause is the war\'s blockade of Odesa THEN market report is a soft cap: the model, consulted, lifts it; a wheat dip on rain stays capped', () => {
    const v = verdict('Sunflower oil hits record price as blockade keeps Black Sea ports shut', "Russia's war keeps Odesa and Mykolaiv blockaded, stranding half the world's sunflower oil exports in silos, traders said.", 'ukraine');
    expect(feature(v, 'market report')).toBe(true);
    expect(v.modelProbability).not.toBeNull();
    expect(v.matched).toBe(true);
    const dip = verdict('Wheat futures dip as rain aids US crop', 'Chicago wheat fell 2% as rain in Kansas improved harvest prospects and traders looked past the war in Ukraine.', 'ukraine');
    expect(dip.matched).toBe(false);
  });
});

describe('the twenty-third round: an aggregator\'s outlet credit is not the story', () => {
  it('GIVEN a Fed story credited "- Kyiv Post" THEN no Ukraine: the outlet is set aside, with a note, and the model is not asked', () => {
    const v = verdict('Fed holds rates steady as inflation cools - Kyiv Post', '', 'ukraine');
    expect(patterns(v)).toEqual([]);
    expect(notes(v)).toContain('the headline\'s credit "Kyiv Post" names the outlet, not the story: not read');
    expect(v.modelProbability).toBeNull();
    expect(v.matched).toBe(false);
  });

  it('GIVEN Google News\'s shape (the credit in the headline, the headline and outlet as the description) THEN neither copy of "Korea JoongAng Daily" counts', () => {
    const v = verdict('Oil prices climb on Middle East supply fears - Korea JoongAng Daily', 'Oil prices climb on Middle East supply fears\u00a0\u00a0Korea JoongAng Daily', 'south-korea');
    expect(patterns(v)).toEqual([]);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a strike on Kharkiv credited "- The Kyiv Independent" THEN Ukraine on the story\'s own words', () => {
    const v = verdict('Russian missiles hit Kharkiv apartment block, killing six - The Kyiv Independent', '', 'ukraine');
    expect(patterns(v).map((p) => p.matched)).toContain('Kharkiv');
    expect(patterns(v).map((p) => p.matched)).not.toContain('Kyiv Independent');
    expect(notes(v)).toContain('the headline\'s credit "The Kyiv Independent" names the outlet, not the story: not read');
    expect(v.matched).toBe(true);
  });

  it('GIVEN a missile launch credited "| NK News" THEN North Korea on the story\'s words, not on "NK News"', () => {
    const v = verdict('North Korea fires two short-range ballistic missiles | NK News', '', 'north-korea');
    expect(patterns(v).map((p) => p.matched)).toContain('North Korea');
    expect(patterns(v).map((p) => p.matched)).not.toContain('NK News');
    expect(v.matched).toBe(true);
  });
});

describe('the twenty-third round: feed shapes, a shouted headline and a summary that repeats the headline', () => {
  it('GIVEN a headline in capitals THEN it is read in title case: "KIM" beside "TRUMP" and a summit city is the North\'s leader', () => {
    const v = verdict('TRUMP SAYS HE WILL MEET KIM IN HANOI NEXT MONTH', '', 'north-korea');
    expect(feature(v, 'surname')).toBe(true);
    expect(v.matched).toBe(true);
  });

  it('GIVEN title-case headlines ("Second Kim Summit", "Kim Without a Deal") THEN "Kim" is still bare: an ordinal before him and a common word after him are no given names', () => {
    for (const title of ['Trump Announces Second Kim Summit for Vietnam', 'Trump Meets Kim Without a Deal in Sight']) {
      const v = verdict(title, '', 'north-korea');
      expect(feature(v, 'surname'), title).toBe(true);
      expect(v.matched, title).toBe(true);
    }
  });

  it('GIVEN a feed without titles (the headline cut from the summary, as normalisation makes it) THEN the summary is read alone: a sanctions story\'s one "against Ukraine" is no headline\'s', () => {
    const summary = 'The Treasury said the firms helped Moscow buy machine tools and chips for weapons used against Ukraine, and froze their US assets on Tuesday.';
    const cut = `${summary.slice(0, summary.lastIndexOf(' ', 119))}…`;
    expect(summary.startsWith(cut.slice(0, -1))).toBe(true);
    const v = verdict(cut, summary, 'ukraine');
    expect(patterns(v).every((p) => p.field === 'summary')).toBe(true);
    expect(v.matched).toBe(false);
  });

  it('GIVEN a summary that is only the headline again THEN the headline\'s names count once: "Seoul" as a picture gallery\'s place stays short of the threshold', () => {
    const title = "Paper lanterns light up Seoul in this week's pictures";
    const echoed = verdict(title, title, 'south-korea');
    const alone = verdict(title, '', 'south-korea');
    expect(echoed.keywordScore).toBe(alone.keywordScore);
    expect(echoed.matched).toBe(false);
  });
});

describe('the twenty-third round: read holdouts 220-223', () => {
  it('GIVEN an Independence Day march in Toronto THEN community life abroad: Canada\'s diaspora cities, as Winnipeg\'s', () => {
    const march = verdict('Thousands rally in Toronto for Ukrainian Independence Day', 'Organisers said the march down University Avenue was the biggest Ukrainian gathering in the city in a decade.', 'ukraine');
    expect(exclusions(march).map((x) => x.matched)).toContain('Toronto');
    expect(march.matched).toBe(false);
  });

  it('GIVEN Canada\'s government as "Ottawa" sending drones THEN still Ukraine: Ottawa is not a diaspora city here', () => {
    const v = verdict('Ottawa to send 800 drones to Kyiv', 'Canada will ship SkyRanger drones to Ukrainian forces within weeks, the defence minister said.', 'ukraine');
    expect(exclusions(v)).toEqual([]);
    expect(v.matched).toBe(true);
  });
  it('GIVEN a briefing item on a foreign film winning a festival prize in Busan THEN briefing venue: the South is only where another story\'s prize was given', () => {
    const v = verdict('Evening briefing: Paris transit strike, Chilean vote, Polish film wins in Busan', 'Metro lines in Paris shut for a second day; Chileans vote on a new constitution; and in Busan a Polish drama about two sisters took the festival\'s top award.', 'south-korea');
    expect(feature(v, 'briefing venue')).toBe(true);
    expect(v.matched).toBe(false);
  });
  it('GIVEN the "coalition of the willing" planning a ceasefire force, Ukraine unnamed THEN Ukraine; Blair\'s 2003 coalition in Iraq THEN not', () => {
    const v = verdict('Coalition of the willing meets in London on peacekeeping plan', 'Defence chiefs from 30 countries discussed how troops could police any truce once the fighting stops.', 'ukraine');
    expect(patterns(v).map((p) => p.pattern)).toContain('coalition of the willing');
    expect(v.matched).toBe(true);
    const iraq = verdict('Blair defends 2003 coalition of the willing in inquiry evidence', 'The former prime minister said the decision to join the US in Iraq was right.', 'ukraine');
    expect(iraq.matched).toBe(false);
  });
});

describe('the twenty-fifth round: read holdouts 236-239', () => {
  it('GIVEN the date and venue of a coming summit THEN the summit\'s own news: no venue exclusion, and a bare "Kim" beside the president is the North\'s leader', () => {
    const v = verdict('Trump to see Kim in Singapore next month', 'The White House gave the date and venue of the first summit on Saturday.', 'north-korea');
    expect(exclusions(v)).toEqual([]);
    expect(feature(v, 'surname')).toBe(true);
    expect(v.matched).toBe(true);
    // The venue remembered years later is still the venue's story.
    const later = verdict('Hanoi hotel that hosted the Trump-Kim summit closes for renovation', 'The Metropole, site of the historic 2019 meeting, will shut for a year.', 'north-korea');
    expect(exclusions(later).map((x) => x.pattern)).toContain("a summit venue's later story");
    expect(later.matched).toBe(false);
  });

  it('GIVEN a soldier who defects across the front line, the South only the source THEN the South is where he arrives: crossing', () => {
    const v = verdict('North Korean soldier defects across eastern front line', 'He walked across in heavy fog and was taken into custody, the JCS said.', 'south-korea');
    expect(feature(v, 'crossing')).toBe(true);
    expect(v.matched).toBe(true);
  });

  it('GIVEN a visit whose summary describes the host as having sent shells to Moscow THEN the war is its backdrop, not war supply; with the shells in the headline it is the story', () => {
    const visit = verdict('Putin arrives in Pyongyang for two-day state visit', 'The Russian leader was greeted by Kim Jong Un, who has sent millions of artillery shells to Moscow, at the airport before dawn.', 'ukraine');
    expect(feature(visit, 'war supply')).toBe(false);
    expect(visit.matched).toBe(false);
    const shells = verdict('North Korean shells keep Russian guns firing', 'Kim Jong Un, who has sent millions of artillery shells to Moscow, is asking for technology in return.', 'ukraine');
    expect(feature(shells, 'war supply')).toBe(true);
    expect(shells.matched).toBe(true);
  });

  it("GIVEN a regional market wrap whose Kospi line has Seoul's own policy as its cause THEN no market-wrap cap; a Kospi line without one still is", () => {
    const own = verdict('Asian shares mixed: Nikkei eases, Kospi rallies', "Seoul's Kospi climbed 2.1% after the government unveiled tax breaks for dividend payers, while Tokyo slipped.", 'south-korea');
    expect(feature(own, 'market wrap')).toBe(false);
    expect(own.matched).toBe(true);
    const wrap = verdict('Asian shares mixed: Nikkei eases, Kospi rallies', "Seoul's Kospi climbed 2.1% on chip stocks, while Tokyo slipped.", 'south-korea');
    expect(feature(wrap, 'market wrap')).toBe(true);
    expect(wrap.matched).toBe(false);
  });
});

describe('the twenty-fifth round: read holdouts 240-243', () => {
  it('GIVEN grain trapped by a Black Sea blockade, Ukraine unnamed THEN Ukraine: the blockade is the war\'s, as the grain deal is', () => {
    const v = verdict('Shipping firms count losses as Black Sea blockade enters fourth month', 'Dozens of bulk carriers loaded with wheat and maize remain stuck in port, insurers said.', 'ukraine');
    expect(patterns(v).map((p) => p.pattern)).toContain('Snake Island and the Black Sea front');
    expect(v.matched).toBe(true);
  });

  it('GIVEN a launch dated "ahead of US-South Korea drills", the South otherwise only the source THEN drills as a date: North Korea only; the drills as the story stay the South\'s', () => {
    const launch = verdict('North Korea test-fires cruise missiles into sea ahead of US-South Korea exercises', 'Several missiles were fired off the west coast early on Sunday, Seoul\'s Joint Chiefs of Staff said.', 'south-korea');
    expect(feature(launch, 'drills as a date')).toBe(true);
    expect(feature(launch, 'party')).toBe(false);
    expect(launch.matched).toBe(false);
    const drills = verdict('US and South Korea start ten days of joint exercises', 'Pyongyang called the drills a rehearsal for invasion and warned of countermeasures.', 'south-korea');
    expect(feature(drills, 'drills as a date')).toBe(false);
    expect(drills.matched).toBe(true);
  });

  it("GIVEN Wagner's mutiny, its fighters' battles in Ukraine only their past THEN Russia's own story: not Ukraine; Ukraine's advance during the mutiny stays Ukraine's", () => {
    const mutiny = verdict('Wagner mercenaries turn back from Moscow after Belarus deal', "Prigozhin's mutiny, the gravest challenge to Putin in decades, ended as suddenly as it began; his men had fought for months around Bakhmut.", 'ukraine');
    expect(exclusions(mutiny).map((x) => x.pattern)).toContain("Wagner's mutiny, Russia's own story");
    expect(mutiny.matched).toBe(false);
    const advance = verdict('Ukrainian troops advance near Bakhmut as Wagner mutiny rocks Russia', "Kyiv's forces retook positions south of the city, Ukraine's deputy defence minister said on Sunday.", 'ukraine');
    expect(advance.matched).toBe(true);
  });

  it('GIVEN armoured vehicles sent "to push Russian forces back", Ukraine unnamed THEN the war: the particle may follow the object', () => {
    const v = verdict('Berlin approves new armour package with 40 more infantry fighting vehicles', 'The vehicles should help push Russian forces back before the autumn rains, ministry officials said.', 'ukraine');
    expect(feature(v, 'war reference')).toBe(true);
    expect(v.matched).toBe(true);
  });
});

describe('traps: the twenty-seventh round (technology, briefings and Europe desks)', () => {
  it('GIVEN a North Korean hacking group named alone WHEN the story is about hacking THEN it is North Korea news; the same name without hacking is not', () => {
    const hack = verdict('Lazarus deploys new backdoor against aerospace firms', 'Security researchers said the group sent fake job offers to engineers in Europe to plant malware on their laptops.', 'north-korea');
    expect(hack.matched).toBe(true);
    expect(patterns(hack)).toContainEqual(expect.objectContaining({ pattern: 'hacking groups by name (with hacking in the story)', matched: 'Lazarus', field: 'title' }));
    const poem = verdict('Emma Lazarus poem returns to Statue of Liberty exhibit', "The sonnet's famous lines greet visitors at the museum again.", 'north-korea');
    expect(poem.matched).toBe(false);
    expect(patterns(poem)).toEqual([]);
  });

  it('GIVEN a North Korean rocket that "flew south" WHEN read THEN the direction is no "South" and the South is no party', () => {
    const v = verdict('North Korea launches satellite rocket, Japan warns Okinawa', 'The rocket flew south over the Ryukyu islands before Pyongyang said it had reached orbit.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(patterns(v)).toEqual([]);
  });

  it('GIVEN "South Korea open talks" THEN the verb is not the Korea Open: the South\'s name counts; the tournament is still masked', () => {
    const talks = verdict('Japan and South Korea open talks on hydrogen supply chain', 'Tokyo and Seoul began negotiations on shared standards for shipping liquefied hydrogen, officials said.', 'south-korea');
    expect(patterns(talks)).toContainEqual(expect.objectContaining({ matched: 'South Korea', field: 'title' }));
    expect(exclusions(talks)).toEqual([]);
    const open = verdict('Evening digest: rail strike, An Se-young wins Korea Open', 'Commuters face delays tomorrow; and the badminton world number one took the title in straight games.', 'south-korea');
    expect(open.matched).toBe(false);
    expect(exclusions(open)).toContainEqual(expect.objectContaining({ pattern: 'tournaments named after Korea', matched: 'Korea Open' }));
  });

  it('GIVEN North Korean hackers who breached South Korean firms THEN the firms are the North\'s target, a party: the label is not masked and both Koreas match', () => {
    const title = 'North Korean hackers breached South Korean shipbuilders, intelligence service says';
    const summary = 'The attackers took blueprints of naval vessels over several months, the agency told lawmakers.';
    expect(classifier.classify({ title, summary }).matched).toEqual(['north-korea', 'south-korea']);
    const v = verdict(title, summary, 'south-korea');
    expect(exclusions(v)).toEqual([]);
    expect(patterns(v)).toContainEqual(expect.objectContaining({ matched: 'South Korean', field: 'title' }));
  });

  it('GIVEN a briefing item on a Korean firm\'s plant "outside" a foreign city THEN the item is the firm\'s abroad and the roundup does not lift the South', () => {
    const v = verdict('Morning briefing: Fed minutes, Boeing deliveries, LG\'s battery plant', 'The Fed signals patience; Boeing delivered 40 jets; and LG Energy Solution begins production at its cell plant outside Lansing, Michigan.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'roundup')).toBe(false);
  });

  it('GIVEN a South Korean sailor sentenced by a foreign court THEN he is a person abroad and the South is capped', () => {
    const v = verdict('South Korean sailor jailed for smuggling heroin into Rotterdam', 'A 38-year-old South Korean crew member was sentenced to six years at Rotterdam District Court after customs found 40kg of heroin aboard his ship.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'person abroad')).toBe(true);
  });

  it('GIVEN a briefing whose only Seoul is where a foreign firm opens an office THEN Seoul is the venue, not the subject', () => {
    const v = verdict("Lunchtime briefing: rail fares, a Dublin bakery's office in Seoul", 'Fares rise 3% in January; and a Dublin bakery chain is opening a sales office in Seoul.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'briefing venue')).toBe(true);
  });

  it('GIVEN the hryvnia named alone THEN Ukraine\'s currency is Ukraine\'s economy', () => {
    const v = verdict('Hryvnia slides to record low against the euro', 'Traders blamed a widening trade deficit and lower export earnings.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(patterns(v)).toContainEqual(expect.objectContaining({ pattern: "Ukraine's currency", matched: 'Hryvnia', field: 'title' }));
  });

  it('GIVEN a Korean firm\'s plant abroad, "its largest outside South Korea" THEN the country is the measure of its reach: masked, and the firm is only named', () => {
    const v = verdict('Samsung SDI to double Hungary battery output', 'The company will invest 800 million euros in its plant in Goed, its largest outside South Korea, to supply German carmakers.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v)).toContainEqual(expect.objectContaining({ pattern: 'outside Korea as a measure of reach abroad', matched: 'outside South Korea' }));
    expect(feature(v, 'firm only')).toBe(true);
  });

  it('GIVEN a newsletter whose summary lists three stories between semicolons, the last after "and" THEN it is a roundup whatever its title: an item\'s event counts', () => {
    const v = verdict('Markets Daily: The rate-cut trade unwinds', "Treasury yields jumped after strong jobs data; Airbus raised its delivery target; and Ukraine's central bank cut its key rate to 13.5%.", 'ukraine');
    expect(v.matched).toBe(true);
    expect(feature(v, 'roundup')).toBe(true);
  });

  it('GIVEN the Korea Football Association by its initials, with Korean football in the story THEN it is one of the South\'s sports bodies', () => {
    const v = verdict('Hong Myung-bo named national coach as KFA ends five-month search', "The association's technical director said the former captain would lead the team through the 2026 World Cup qualifiers.", 'south-korea');
    expect(v.matched).toBe(true);
    expect(patterns(v)).toContainEqual(expect.objectContaining({ pattern: 'the Korea Football Association by its initials', matched: 'KFA' }));
  });

  it('GIVEN a weekly wrap where a foreign star "adds Korea dates" at a stadium outside Seoul THEN the South is only the tour\'s venue', () => {
    const v = verdict("Weekly wrap: Taylor Swift adds Korea dates, Adele's residency ends", 'Also this week: Swift added two nights at a stadium outside Seoul, and Adele played her last Las Vegas show.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'briefing venue')).toBe(true);
  });

  it('GIVEN North Korea\'s markets by their own name THEN the jangmadang is North Korea\'s', () => {
    const v = verdict('Inside the jangmadang: how markets feed a closed country', 'Traders in Hyesan say prices for rice and corn have doubled since the border closed.', 'north-korea');
    expect(v.matched).toBe(true);
    expect(patterns(v)).toContainEqual(expect.objectContaining({ matched: 'jangmadang', field: 'title' }));
  });

  it('GIVEN a foreign court that "jails South Korean" with no noun after the label THEN the label names a person tried abroad', () => {
    const v = verdict('Bangkok court jails South Korean for 20 years over drug ring', 'The man, 44, ran a network that shipped crystal meth through Suvarnabhumi airport, prosecutors said.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'person abroad')).toBe(true);
  });

  it('GIVEN a briefing item on a ship "bound for" a Korean port THEN the port is a destination, not a party of the item\'s event', () => {
    const v = verdict('Afternoon briefing: rail strike called off, port queues ease', 'Unions accepted the pay offer. Also: a car carrier bound for Ulsan lost 30 vehicles overboard in a storm, its operator said.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'roundup')).toBe(false);
  });

  it('GIVEN a US president who would meet Kim during his Seoul trip THEN the South is only his stop: visit caps it, North Korea matches', () => {
    const title = 'Biden says he would meet Kim at the DMZ during his Seoul trip';
    const summary = 'The president told reporters on Air Force One that he was open to talks with the North Korean leader at the border.';
    expect(classifier.classify({ title, summary }).matched).toEqual(['north-korea']);
    expect(feature(verdict(title, summary, 'south-korea'), 'visit')).toBe(true);
    // The South's own president in the story is a party, not a stop.
    const met = verdict('Biden meets Yoon in Seoul, says he would meet Kim at the DMZ', 'The two presidents discussed North Korea\'s missile launches at their summit.', 'south-korea');
    expect(feature(met, 'visit')).toBe(false);
  });

  it('GIVEN a Korean crypto exchange by its name THEN it is a South Korean company, weakly', () => {
    const v = verdict('Bithumb halts withdrawals after hot wallet drained', 'The crypto exchange said it would cover customer losses.', 'south-korea');
    expect(patterns(v)).toContainEqual(expect.objectContaining({ pattern: 'South Korean companies (weak)', matched: 'Bithumb', field: 'title' }));
  });
});

describe('traps: the twenty-eighth round (the dev set\'s own mix)', () => {
  it('GIVEN the Korean War\'s dead honoured abroad THEN the war is no actor: "Korean War dead unveiled" is not the North acting', () => {
    const v = verdict('Wall honouring Korean War dead unveiled in Washington', 'A granite wall listing the names of American and Korean soldiers killed in the war was dedicated at the memorial on Wednesday.', 'north-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'the North acts')).toBe(false);
    // The North's own name as the actor still lifts it in a story with the South named.
    const acts = verdict('North Korean drones crossed into the South, Seoul says', 'Five unmanned aircraft entered the airspace over Gimpo, the military said.', 'north-korea');
    expect(acts.matched).toBe(true);
  });

  it('GIVEN "the two Korean leaders" at a summit THEN both Koreas are the story\'s parties', () => {
    const title = 'Moon and Kim climb volcano on last day of summit';
    const summary = 'The two Korean leaders, with their wives, walked to the crater lake on Thursday before flying back.';
    expect(classifier.classify({ title, summary }).matched).toEqual(['north-korea', 'south-korea']);
    expect(patterns(verdict(title, summary, 'south-korea'))).toContainEqual(expect.objectContaining({ pattern: 'inter-Korean', matched: 'two Korean leaders', field: 'summary' }));
  });

  it('GIVEN a Korean firm\'s plant "in" a named place of no list of the South\'s THEN it is the firm abroad, not its life at home; "plants in Ulsan" stay home', () => {
    const abroad = verdict('Samsung SDI battery plant in Kokomo hires its first 400 workers', 'The joint venture with Stellantis says output of electric vehicle cells will ramp up next year.', 'south-korea');
    expect(abroad.matched).toBe(false);
    expect(feature(abroad, 'home company')).toBe(false);
    const home = verdict('Hyundai Motor workers strike at plants in Ulsan', 'The union walked out over pay after wage talks stalled, the company said.', 'south-korea');
    expect(home.matched).toBe(true);
  });

  it('GIVEN "Inchon" THEN it is the 1950 landing\'s spelling, no city of today: a history of the battle is not South Korea news', () => {
    const v = verdict('What Inchon teaches planners about an amphibious war over Taiwan', "MacArthur's 1950 gamble worked because of surprise and a collapsing enemy, conditions unlikely to recur, analysts argue.", 'south-korea');
    expect(v.matched).toBe(false);
    expect(patterns(v)).toEqual([]);
    expect(patterns(verdict('Incheon mayor unveils plan for new subway line', 'The port city will spend 2 trillion won on the route, officials said.', 'south-korea'))).toContainEqual(expect.objectContaining({ pattern: 'South Korean cities', matched: 'Incheon' }));
  });

  it('GIVEN the gas transit deal through Ukraine as the cause of a Moldovan story THEN it is Moldova\'s; the deal itself, with no Moldova, stays Ukraine\'s', () => {
    const moldova = verdict('Transnistria rations heating as Russian gas stops', "Moldova's breakaway region shut factories after the transit deal through Ukraine expired on Jan. 1.", 'ukraine');
    expect(moldova.matched).toBe(false);
    expect(exclusions(moldova)).toContainEqual(expect.objectContaining({ pattern: 'the gas transit deal through Ukraine as a cause elsewhere', matched: 'transit deal' }));
    const deal = verdict('Naftogaz and Gazprom agree gas transit deal after talks in Vienna', 'The five-year agreement guarantees flows of at least 40 billion cubic metres a year through Ukraine.', 'ukraine');
    expect(deal.matched).toBe(true);
    expect(exclusions(deal)).toEqual([]);
  });

  it('GIVEN Russian strikes on the energy system reported by Ukraine\'s state firm THEN the firm names the war\'s place: the strikes count, the firm is not only a source', () => {
    const v = verdict('Russian missiles hit power plants in the west overnight, Ukrenergo says', 'Drones and missiles struck generating sites and substations, forcing rolling blackouts across several regions, the grid operator said.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(patterns(v)).toContainEqual(expect.objectContaining({ pattern: 'the war (with Ukraine in the story)' }));
  });

  it('GIVEN a range of places within Ukraine THEN both ends are Ukraine\'s: "from Kyiv to Pripyat" is no range abroad; "from Sudan to Ukraine" still is', () => {
    const tours = verdict('Chernobyl zone reopens to day trips as bookings climb', 'Operators running buses from Kyiv to Pripyat say demand has doubled since the government eased access to the exclusion zone.', 'ukraine');
    expect(exclusions(tours).map((x) => x.pattern)).not.toContain('Ukraine as the end of a range of places');
    expect(patterns(tours)).toContainEqual(expect.objectContaining({ matched: 'Kyiv', field: 'summary' }));
    const wars = verdict('Aid agencies warn of funding gap for 2025', 'Crises from Sudan to Ukraine have stretched budgets as donors cut spending, the UN said.', 'ukraine');
    expect(exclusions(wars).map((x) => x.pattern)).toContain('Ukraine as the end of a range of places');
  });

  it('GIVEN a South Korean engineer or captain jailed abroad THEN the label names a person tried abroad, not the country', () => {
    const v = verdict('South Korean ship captain jailed in Texas over oily waste dumping', 'A federal judge sentenced the master of a bulk carrier to a year in prison for lying to Coast Guard inspectors.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'person abroad')).toBe(true);
  });

  it('GIVEN "the day the rouble fell" in a history headline THEN "day" is the event\'s time, no briefing: the story\'s names are not read as a roundup\'s items', () => {
    const v = verdict('The day the markets broke: remembering the 2014 rouble crash', 'Ten years ago the central bank raised rates to 17% overnight as sanctions over Crimea bit. Shoppers queued to buy televisions before prices rose.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(feature(v, 'roundup')).toBe(false);
  });

  it('GIVEN a briefing item where Ukraine\'s prosecutors "charged" a minister THEN the item reports an event of Ukraine', () => {
    const v = verdict('Legal briefing: SEC settles with crypto lender; judge blocks merger', "Today's briefing: a judge in Delaware halted a grocery merger and the SEC settled with a crypto lender. Also: Ukraine's anti-corruption prosecutors charged a former deputy defence minister over army food contracts.", 'ukraine');
    expect(v.matched).toBe(true);
    expect(feature(v, 'roundup')).toBe(true);
  });

  it('GIVEN the North\'s state media naming its units in Kursk by "DPRK" THEN Kursk is the war\'s place, as with "North Korea"', () => {
    const v = verdict('KCNA confirms DPRK units took part in Kursk operations', 'The ruling party said its units had served in the Kursk region under the treaty with Moscow, the first public acknowledgement.', 'ukraine');
    expect(v.matched).toBe(true);
  });

  it('GIVEN a Ukrainian diaspora in Latin America by its hyphenated label THEN it is community life abroad, not Ukraine', () => {
    const v = verdict('Ukrainian-Brazilian families in Prudentopolis celebrate harvest festival', 'Descendants of Ukrainian settlers who arrived in Parana a century ago baked korovai and danced in embroidered shirts this weekend.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('Ukrainian diaspora abroad');
  });

  it('GIVEN "a Korean group" that buys a firm abroad THEN the label names the firm, not the country', () => {
    const v = verdict('Hanwha completes Philly Shipyard purchase', 'Hanwha Ocean and Hanwha Systems closed the $100 million deal for the Pennsylvania yard, the first US shipyard owned by a Korean group.', 'south-korea');
    expect(v.matched).toBe(false);
  });

  it('GIVEN Samyang Foods\' results and a plant in Miryang THEN it is a Korean firm\'s life at home', () => {
    const v = verdict('Samyang Foods posts record quarterly profit', 'The instant noodle maker said operating profit doubled as its new factory in Miryang ran at full capacity to meet demand for Buldak ramyeon.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(patterns(v)).toContainEqual(expect.objectContaining({ matched: 'Samyang Foods', field: 'title' }));
  });
});

describe('traps: the twenty-ninth round (wires and world pages)', () => {
  it('GIVEN a man arrested at home on returning from exile in Ukraine THEN Ukraine is where he lived, not the arrest\'s scene; an arrest in Ukraine still is', () => {
    const v = verdict('Former Moldovan minister detained at Chisinau airport', 'Police said the former economy minister was arrested on Monday on returning from exile in Ukraine, where he had lived since 2021.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(feature(v, 'scene')).toBe(false);
    const there = verdict('Former Moldovan minister detained', 'The former economy minister was arrested on Monday in Ukraine, where he had lived since 2021, police said.', 'ukraine');
    expect(feature(there, 'scene')).toBe(true);
  });

  it('GIVEN a markets briefing whose "Also:" item reports the war\'s event THEN the item is the roundup\'s, not a cause of the price move; the same move with the war as its cause stays capped', () => {
    const v = verdict('Evening Briefing: Gold Slips as Fed Signals Patience', 'Bullion fell for a second day as traders pushed back bets on a rate cut. Also: Zelensky said Kyiv and Moscow had swapped 200 prisoners each in the latest exchange of the war.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(feature(v, 'market report')).toBe(false);
    const move = verdict('Gold slips as Fed signals patience', 'Bullion fell for a second day as traders pushed back bets on a rate cut, with the war in Ukraine and tension in the Middle East keeping a floor under prices.', 'ukraine');
    expect(move.matched).toBe(false);
  });

  it('GIVEN a North Korea report "based on South Korean media" THEN the South is its source; troops "based on South Korean soil" are not a source', () => {
    const v = verdict('Pyongyang reportedly purges railway officials after train crash', 'Rights groups said at least a dozen officials were dismissed after the derailment near Kowon, accounts based on South Korean media and intelligence briefings that could not be verified.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'attribution')).toBe(true);
    const soil = verdict('Pyongyang says US troops based on South Korean soil are a threat', 'The North\'s foreign ministry said the 28,500 American soldiers stationed there were rehearsing an invasion.', 'south-korea');
    expect(feature(soil, 'attribution')).toBe(false);
  });

  it('GIVEN the trainee doctors\' walkout over the "med school quota" THEN it is the South\'s, as with "medical school quota"', () => {
    const v = verdict('Trainee doctors stay off the job as med school quota row drags on', 'Hospitals postponed surgeries for a third week while the government threatened to suspend the licences of residents who refuse to return.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(patterns(v)).toContainEqual(expect.objectContaining({ matched: 'med school quota' }));
  });

  it('GIVEN Ban Ki-moon as UN chief THEN his given name is no "Moon", the South\'s president by surname', () => {
    const v = verdict('Ban Ki-moon wins second term as UN secretary-general', 'The General Assembly reappointed Ban Ki-moon by acclamation on Tuesday, and the former South Korean foreign minister promised to press on climate change.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(patterns(v).map((p) => p.matched)).not.toContain('moon');
    expect(exclusions(v).map((x) => x.pattern)).toContain("Ban Ki-moon's given name");
  });

  it('GIVEN North Korean restaurant workers who defect to the South THEN the South is where they arrive; a Korean restaurant abroad is still culture abroad', () => {
    const v = verdict('Twelve North Korean restaurant workers defect to South', 'The waitresses and their manager left a state-run restaurant in Ningbo and reached the South via a third country, the Unification Ministry said.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(feature(v, 'crossing')).toBe(true);
    const africa = verdict('North Korean diplomat defects to South Africa, Seoul says', 'The envoy, who had served in Pretoria, asked for asylum there, South Korea\'s spy agency told lawmakers.', 'south-korea');
    expect(feature(africa, 'crossing')).toBe(false);
    const abroad = verdict('Korean restaurant in Leeds wins national award', 'The family-run kitchen near the university was named the best Korean restaurant outside London.', 'south-korea');
    expect(abroad.matched).toBe(false);
    expect(exclusions(abroad).map((x) => x.pattern)).toContain('Korean diaspora and culture abroad');
  });

  it('GIVEN Klitschko\'s UDAR party THEN it is one of Ukraine\'s parties, as Batkivshchyna is', () => {
    const v = verdict('Opposition parties agree on joint list for Kiev council vote', 'The UDAR party of boxer Vitali Klitschko said it would field one candidate in each district with the other opposition parties.', 'ukraine');
    expect(patterns(v)).toContainEqual(expect.objectContaining({ matched: 'UDAR party', field: 'summary' }));
  });
});


describe('traps: the thirtieth round (the dev set\'s long tail)', () => {
  it('GIVEN a launch "detected by" the South\'s military THEN the South only saw it, a source; a drone "detected by the South\'s military and shot down" is not read as one', () => {
    const v = verdict('North Korea fires two short-range missiles into the sea', 'Pyongyang launched the missiles from near Wonsan before dawn; the launch was detected by the South\'s Joint Chiefs of Staff, Japan\'s coast guard said.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'attribution')).toBe(true);
    const shot = verdict('North Korean drone shot down near Gimpo', 'The drone was detected by the South\'s Joint Chiefs of Staff and shot down by its helicopters near the border.', 'south-korea');
    expect(feature(shot, 'attribution')).toBe(false);
  });

  it('GIVEN a Yonhap story from Seoul that names a city abroad the South\'s rules mark as Korean life abroad THEN the home wire does not lift it; a home story from the same wire still is lifted', () => {
    const v = verdict('Kim Ha-seong agrees to one-year deal with the Braves', 'SEOUL, Jan. 9 (Yonhap) -- Infielder Kim Ha-seong signed a one-year, $13 million contract with the Atlanta Braves, his agency said Thursday.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'home wire')).toBe(false);
    const home = verdict('(LEAD) Heavy snow grounds flights on Jeju Island', 'SEOUL, Jan. 9 (Yonhap) -- More than 200 flights were cancelled as heavy snow and strong winds hit the southern resort island, officials said.', 'south-korea');
    expect(home.matched).toBe(true);
  });

  it('GIVEN one of Ukraine\'s own weapons named in a summary beside a minister THEN the story is Ukraine\'s war, not a passing mention; Neptune alone is a planet', () => {
    const v = verdict('Sweden to pay for more howitzers under joint production deal', 'Stockholm will finance a further batch of Bohdana self-propelled guns built at local plants, Defence Minister Rustem Umerov said after talks with his Swedish counterpart on Friday.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(patterns(v)).toContainEqual(expect.objectContaining({ pattern: "Ukraine's own weapons", matched: 'Bohdana' }));
    const planet = verdict('Probe sends back sharpest images of Neptune', 'The spacecraft photographed the planet\'s rings and its largest moon during a close flyby.', 'ukraine');
    expect(patterns(planet)).toEqual([]);
  });

  it('GIVEN "South Koreans top visitors" to another country THEN it is that country\'s tourism, as "South Korean visitors to" already is', () => {
    const v = verdict('South Koreans top visitors to Vietnam as arrivals hit record', 'Vietnam welcomed a record 17 million foreign visitors last year, the national tourism authority said, with travellers from China and the United States close behind.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain("Koreans travelling as another country's tourism");
  });
  it('GIVEN a headline that opens on the South\'s spy agency and a colon THEN the agency is the source of a North Korea story; "Seoul:" alone is not', () => {
    const v = verdict('NIS: North Korea readies another satellite launch', 'North Korea has moved rocket parts to its Sohae launch site and may fire within weeks, the National Intelligence Service told lawmakers on Tuesday.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'attribution')).toBe(true);
  });

  it('GIVEN Estonia\'s Reform Party in a briefing that names Seoul as a tour stop THEN it is Estonia\'s party, not the South\'s', () => {
    const v = verdict('Morning briefing: Estonian budget vote; Finnish choir adds Seoul date', 'Estonia\'s Reform Party won a budget vote in parliament. Also: the Helsinki Chamber Choir will add a concert in Seoul to its autumn tour of Asia.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain("another country's court, parliament or party");
  });

  it('GIVEN a South Korean charged abroad whom "media in Seoul" identified THEN the media\'s seat is no sign of home: the person abroad stays abroad', () => {
    const v = verdict('South Korean pastor charged with spying in Belarus', 'A South Korean citizen held in Minsk has been charged with espionage, the KGB said. Media in Seoul identified him as a pastor who ran a shelter.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'person abroad')).toBe(true);
  });

  it('GIVEN Fire Point\'s FP-5 Flamingo missile THEN it is one of Ukraine\'s own weapons', () => {
    const v = verdict('Maker shows FP-5 Flamingo at arms fair', 'The manufacturer displayed its FP-5 Flamingo ground-launched cruise missile, which it says can fly about 3,000 km, and said serial output had doubled.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(patterns(v)).toContainEqual(expect.objectContaining({ pattern: "Ukraine's own weapons" }));
  });

  it('GIVEN the Korean War as history, dated in its years, with only its battlefields named THEN the North is not today\'s North; a story of today with the war\'s years still is', () => {
    const v = verdict('Archive shows Chinese nurses\' role in the Korean War', 'Letters released by a museum in Shenyang show volunteer nurses treated soldiers near the Yalu river in 1952, historians said.', 'north-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'war history')).toBe(true);
    const today = verdict('North Korea returns remains of US soldiers from the Korean War', 'Pyongyang handed over 55 boxes of remains of troops killed in the 1950-53 war, the first such return in a decade.', 'north-korea');
    expect(today.matched).toBe(true);
    expect(feature(today, 'war history')).toBe(false);
  });
  it('GIVEN foreign visitors at a record "with South Koreans leading" THEN it is the host country\'s tourism', () => {
    const v = verdict('Thailand sees record foreign arrivals, with South Koreans leading', 'BANGKOK — The kingdom welcomed 3.1 million overseas visitors in January, a monthly high, with travellers from South Korea the largest group ahead of China and Malaysia.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain("Koreans travelling as another country's tourism");
  });

  it('GIVEN a briefing whose "Also:" item reports the North\'s act THEN the roundup decides, and the model, which reads the other items\' words, is not heard even for its surest no', () => {
    const v = verdict('Your Thursday Briefing: Heat Wave Grips Southern Europe', 'Wildfires forced thousands from their homes on Greek islands as temperatures passed 44C. Also: North Korea enshrined its nuclear status in its constitution, and Brazil\'s president named a new central bank chief.', 'north-korea');
    expect(v.matched).toBe(true);
    expect(feature(v, 'roundup')).toBe(true);
    expect(notes(v).join(' ')).not.toContain('surest no overrules');
  });
  it('GIVEN an AP story from Seoul about "the country" with nothing abroad named THEN it is a home wire, "the lowest in the world" being a ranking; without "the country" it is left to the rest', () => {
    const v = verdict('Marriages rise for a second year as couples delay no longer', 'SEOUL, South Korea (AP) — The number of weddings in the country rose 15% last year, among the steepest rises in the world, statistics officials said Wednesday.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(feature(v, 'home wire')).toBe(true);
    const plain = verdict('Marriages rise for a second year as couples delay no longer', 'SEOUL, South Korea (AP) — The number of weddings rose 15% last year, statistics officials said Wednesday.', 'south-korea');
    expect(feature(plain, 'home wire')).toBe(false);
  });

  it('GIVEN a K-drama abroad whose plot is "a romance about a Seoul heiress" THEN the city is fiction\'s setting', () => {
    const v = verdict('K-drama about love across the border tops Thai Netflix chart', 'BANGKOK — The show, a South Korean romance about a Seoul heiress stranded in the North, has led Netflix Thailand\'s most-watched list for weeks.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain("a South Korean city as fiction's setting");
  });
});

describe('traps: the thirty-first round (Europe, Russia and the markets desks)', () => {
  it('GIVEN a US chipmaker that "competes with South Korea\'s SK Hynix and Samsung" THEN the Korean firms are rivals named as a yardstick, the country before them only their owner, and "quarterly" the US firm\'s results', () => {
    const v = verdict('Western Digital lifts outlook as AI servers drive storage demand', 'Western Digital forecast quarterly revenue above estimates on orders from data centres, where it competes with South Korea\'s SK Hynix and Samsung Electronics, and its shares rose 7%.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'firm only')).toBe(true);
  });

  it('GIVEN a sanctions story dated "a year after it invaded Ukraine" THEN the invasion is a date, the backdrop of Moscow\'s revenues; the attack "since Russia invaded Ukraine" on a Ukrainian city still counts', () => {
    const v = verdict('G7 tightens cap on Russian oil products', 'BRUSSELS - The Group of Seven agreed to lower the price ceiling on Russian diesel and naphtha, in a bid to squeeze Moscow\'s revenues a year after it invaded Ukraine.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('the war in Ukraine as a motive or backdrop');
    const war = verdict('Strike on Kharkiv kills 19, deadliest since Russia invaded Ukraine', 'Russian glide bombs hit a hardware store in the city on Saturday, regional governor Oleh Syniehubov said.', 'ukraine');
    expect(war.matched).toBe(true);
  });

  it('GIVEN Seoul, masked as the source, saying the North\'s soldiers "fired at its navy patrol boat" THEN the South\'s own people were hit: the party lift; "its" after the North as speaker is the North\'s', () => {
    const v = verdict('S. Korea says North Korean guards fired at its patrol boat', 'SEOUL — South Korea said Tuesday that North Korean soldiers fired at its navy patrol boat near the western sea border, the military said.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(feature(v, 'party')).toBe(true);
    const north = verdict('N. Korea says its guards fired at intruders', 'North Korea said on Tuesday its border guards fired at its own deserters, state media reported.', 'south-korea');
    expect(north.matched).toBe(false);
  });

  it('GIVEN a South Korean jailed abroad for smuggling goods "to Busan" THEN the goods\' destination is no sign of home: the person abroad stays abroad', () => {
    const v = verdict('South Korean sailor jailed in Nakhodka over crab smuggling', 'A Russian court sentenced a South Korean crewman to four years for trying to ship 2 tonnes of king crab to Busan without papers, the border service said.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'person abroad')).toBe(true);
  });

  it('GIVEN another country\'s missile "derived from Pyongyang\'s Musudan design" THEN the North is the design\'s origin, the design\'s name masked with it', () => {
    const v = verdict('Iran unveils Khorramshahr missile with 2,000 km range', 'Tehran showed the liquid-fuelled ballistic missile on state TV; Western analysts say it is derived from Pyongyang\'s Musudan design.', 'north-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.matched)).toContain("derived from Pyongyang's Musudan");
  });

  it('GIVEN CERT-UA, Ukraine\'s computer emergency team, in a headline THEN it names Ukraine as its security bodies do, beside a summary that names the country once', () => {
    const v = verdict('CERT-UA warns of phishing wave aimed at military email accounts', 'The messages, sent from hijacked addresses to officers in Ukraine, carried malware that steals passwords, the team said, linking them to a group tied to Russian intelligence.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(patterns(v)).toContainEqual(expect.objectContaining({ pattern: 'Ukrainian security and defence bodies' }));
  });

  it('GIVEN the South\'s navy commissioning a KSS-III submarine at Jinhae THEN the class and the base name the South', () => {
    const v = verdict('Navy launches third KSS-III boat with vertical launch tubes', 'The diesel-electric submarine was floated out at a ceremony in Jinhae attended by the defence minister.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(patterns(v)).toContainEqual(expect.objectContaining({ pattern: 'islands, bases and airports' }));
  });

  it('GIVEN "the North" in a story that names Yeonpyeong THEN the island is a Korean context, and "the North" counts', () => {
    const v = verdict('Shells land near Yeonpyeong as islanders head for shelters', 'The North fired about 200 artillery rounds into the sea near the border island on Friday, the military said.', 'north-korea');
    expect(patterns(v)).toContainEqual(expect.objectContaining({ pattern: 'the North (with a Korean context)' }));
  });

  it('GIVEN "S.Korea launches" its own spy satellite THEN the launch is the South\'s, not a North Korean test; "N.Korea launches" one still is', () => {
    const v = verdict('S.Korea launches second military spy satellite from Florida', 'The radar satellite lifted off on a SpaceX rocket as part of a plan to put five reconnaissance satellites in orbit, the defence ministry said.', 'north-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain("another country's own launch");
    const north = verdict('N.Korea launches military spy satellite, Japan issues alert', 'The rocket flew over Okinawa, the government said, and residents were told to take shelter.', 'north-korea');
    expect(north.matched).toBe(true);
  });

  it('GIVEN a newsletter whose "Also:" item tells "their bombardment of Mariupol" THEN the attack\'s noun is the item\'s event and the city its target: the roundup lift', () => {
    const v = verdict('Morning Brief: Senate passes chips bill', 'Good morning. Top stories: The Senate passed the chips bill 64-33. Also: Russian troops kept up their bombardment of Mariupol, where the mayor says food is running out.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(feature(v, 'roundup')).toBe(true);
  });

  it('GIVEN analysts noting a missile\'s "resemblance to older North Korean designs" THEN the North is the design\'s origin', () => {
    const v = verdict('Iran shows solid-fuel missile at Tehran parade', 'The Revolutionary Guards displayed the missile for the first time; experts pointed to its resemblance to earlier North Korean models.', 'north-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain("the North as a yardstick or a design's origin");
  });
});

describe('traps: the thirty-second round (Ukrainian press, European desks, commodity wires and defence press)', () => {
  it('GIVEN battle tanks or jets sent "to Kyiv", Ukraine named once in the summary THEN the war aid lifts it: tanks and jets are materiel', () => {
    const v = verdict('Sánchez clears Leopard deliveries after allies press Madrid', "Spain's prime minister agreed to send six Leopard 2A4 battle tanks to Kyiv from the army's reserves, after weeks of pressure from Nato partners.", 'ukraine');
    expect(v.matched).toBe(true);
    expect(feature(v, 'war aid')).toBe(true);
    const jets = verdict('Government approves delivery of retired fighters', 'The cabinet agreed to ship its remaining warplanes to Ukraine once pilots finish training, the defence minister said.', 'ukraine');
    expect(jets.matched).toBe(true);
  });

  it('GIVEN another country\'s headline whose verb is a handover ("to hand over", "to donate") THEN it is the aid the summary names the receiver of, not that country\'s politics with the war as backdrop', () => {
    const v = verdict('Slovakia to hand over its MiG-29 fleet within weeks, premier says', 'Bratislava will transfer 13 fighters in working order to Ukraine, the second NATO member to do so after Poland.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(feature(v, 'another country')).toBe(false);
    const donated = verdict('Norwegian drone maker to donate aircraft after crowdfunding', "Norwegians raised 20 million crowns in a week to buy a drone for Ukraine's army; the maker said it would supply it free and urged that the money go to aid.", 'ukraine');
    expect(donated.matched).toBe(true);
    const election = verdict('Populist billionaire wins Czech election', 'Andrej Babis\'s movement came first with 35% and he pledged to review a Czech-led initiative buying artillery shells for Ukraine.', 'ukraine');
    expect(election.matched).toBe(false);
  });

  it('GIVEN Ukrainians gaining visa-free travel with their biometric passports THEN it is the state\'s own policy, not refugees\' life in a host country; refugees\' housing abroad stays capped', () => {
    const v = verdict('Ukrainians gain visa-free travel to Schengen area', 'From Sunday, Ukrainians holding biometric passports may stay up to 90 days in the EU without visas, the European Commission said.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(feature(v, 'refugees abroad')).toBe(false);
    const hosted = verdict('Ukrainians in Ireland face cut to state accommodation', 'Ukrainians arriving in Ireland will be limited to 90 days in state housing under new rules, the government said.', 'ukraine');
    expect(feature(hosted, 'refugees abroad')).toBe(true);
  });

  it('GIVEN a defence programme "citing lessons from battlefields such as Ukraine" THEN Ukraine is one example of the lesson\'s source: the exclusion masks it and the drones in the headline do not count', () => {
    const v = verdict('Pentagon bets on swarms of cheap drones', "The department's new programme aims to field thousands of autonomous drones within two years to deter China, citing lessons from battlefields such as Ukraine.", 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('lessons drawn from Ukraine elsewhere');
  });

  it('GIVEN a Korean firm\'s labour story at home whose keywords alone pass the threshold THEN the home company still decides it (the model may not veto it below its surest no); a club named after its firm in a cup headline is not a firm', () => {
    const v = verdict('Samsung Electronics union stages first full strike in Hwaseong', "Thousands of workers at South Korea's biggest company walked out at the chip plants south of Seoul on Monday over wages and bonuses.", 'south-korea');
    expect(v.matched).toBe(true);
    expect(feature(v, 'home company')).toBe(true);
    const club = verdict('Jeonbuk Hyundai knocked out of Champions League after loss to Al Hilal', 'South Korean champions Jeonbuk Hyundai Motors were eliminated on Tuesday after a 3-1 defeat in Riyadh.', 'south-korea');
    expect(feature(club, 'home company')).toBe(false);
  });

  it('GIVEN another country "to send" helmets and body armour, Ukraine named once in the summary as the receiver THEN the headline\'s verb is the aid and vests and helmets are materiel', () => {
    const v = verdict('Japan to send army helmets and vests in rare step', 'Japan will provide bulletproof vests and helmets from Self-Defense Forces stocks to Ukraine, the defence minister said, a rare move for a country that restricts arms exports.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(feature(v, 'war aid')).toBe(true);
  });

  it('GIVEN a morning briefing told in one sentence that opens on the Bank of Korea\'s rate hike THEN its subject is the briefing\'s lead item: the roundup lifts it; a briefing opening on another country keeps Seoul passing', () => {
    const v = verdict('Morning Bid: Big moves in Asia', 'The Bank of Korea delivered a half-point rate rise as inflation hit a 24-year high, while Australia\'s central bank held rates steady.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(feature(v, 'roundup')).toBe(true);
    const other = verdict('Morning Bid: Big moves in Asia', 'Australia\'s central bank held rates steady, while traders in Seoul and Tokyo waited for US inflation data.', 'south-korea');
    expect(feature(other, 'roundup')).toBe(false);
  });

  it('GIVEN a Japanese court on "a Korean school affiliated with a pro-Pyongyang residents\' group" THEN it is Japan\'s Korean residents\' story: the exclusion masks the school, and no party of the South is read in the residents', () => {
    const v = verdict('Court rules exclusion of pro-Pyongyang school from subsidy illegal', 'The Hiroshima District Court ruled that the state\'s exclusion of a Korean school affiliated with a pro-Pyongyang residents\' group from a tuition-free programme was unlawful.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('Korean schools and residents in Japan');
  });

  it('GIVEN a Russian grain story that sets it "even as Ukraine\'s shipments slumped" THEN the contrast is another country\'s trade, not the story\'s own: no trade lift', () => {
    const v = verdict('Russia ships record wheat volume in the season', "Russia exported a record 47 million tonnes of wheat in the season to June, analysts said, winning buyers in Egypt and Algeria even as Ukraine's shipments slumped.", 'ukraine');
    expect(v.matched).toBe(false);
    expect(feature(v, 'trade')).toBe(false);
    const own = verdict('Grain exports hit record in July', "Ukraine's shipments of wheat and corn rose to 6 million tonnes last month, the agriculture ministry said.", 'ukraine');
    expect(own.matched).toBe(true);
  });

  it('GIVEN a headline about "a new church" whose summary names it once as "the Orthodox Church of Ukraine" THEN the headline echoes the one mention: a soft lift the model still weighs; an event word of a topic ("candlelight protests") echoes nothing', () => {
    const v = verdict('Patriarch signs decree recognising independent church', 'The Ecumenical Patriarch signed a decree in Istanbul on Saturday formally recognising the Orthodox Church of Ukraine, completing its split from Moscow.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(feature(v, 'headline echo')).toBe(true);
    const protests = verdict("Slovakia's president vetoes court overhaul after protests", 'The president blocked two laws that would have put the courts under the ruling party, after days of candlelight protests in Bratislava.', 'south-korea');
    expect(feature(protests, 'headline echo')).toBe(false);
  });

  it('GIVEN a travel list "from Seoul\'s night markets to the Algarve" THEN Seoul starts a range of places: masked; a source "from a Seoul newspaper" is no range', () => {
    const v = verdict("Readers' tips: our favourite city breaks, from Seoul's night markets to the Algarve", 'From street food in Seoul to a quiet cove in Portugal, readers share the trips that made their year; the best tip wins a voucher.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('Seoul as the start of a range of places');
    const source = verdict('Hackers pose as journalists to target South Korean professors', 'The group posed as reporters from a Seoul newspaper to lure researchers into opening malicious files, a security firm said.', 'south-korea');
    expect(exclusions(source).map((x) => x.pattern)).not.toContain('Seoul as the start of a range of places');
  });

  it('GIVEN a diaspora Christmas bazaar at a Ukrainian cultural center abroad THEN it is community life abroad, whatever the adjective in the headline', () => {
    const v = verdict('Christmas bazaar returns to Ukrainian center in Cheltenham, Pennsylvania', "The Ukrainian community's Christmas bazaar returned to the Ukrainian Cultural Center, with embroidery stalls and children's folk dance drawing hundreds.", 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.matched)).toEqual(expect.arrayContaining(['bazaar']));
  });

  it('GIVEN a Korean carmaker\'s Indian unit leading a results headline ("Hyundai Motor India Q4 profit falls") THEN the unit abroad is no home company', () => {
    const v = verdict('Hyundai Motor India quarterly profit falls 4% as local sales slow', 'The Chennai-based carmaker reported lower net profit for the quarter as demand weakened, while exports rose.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'home company')).toBe(false);
  });

  it('GIVEN another country\'s embassy in Kyiv asking its nationals "to leave Ukraine" THEN the call to leave is the war\'s, like an evacuation: not another country\'s people story', () => {
    const v = verdict('Indian embassy in Kyiv urges citizens to leave Ukraine at once', 'The embassy issued a fresh advisory asking all Indian nationals, including students, to leave the country by any available means, citing the worsening security situation.', 'ukraine');
    expect(v.matched).toBe(true);
    expect(feature(v, 'another country')).toBe(false);
  });

  it('GIVEN the North\'s new minister "known for his hardline stance in inter-Korean talks", Seoul only the source THEN a person\'s record: no party of the South, and the model may not lift the one mention (biography)', () => {
    const v = verdict('North Korea names former colonel as foreign minister', 'Ri Son Gwon, a former army officer known for his hardline stance in inter-Korean talks, replaces Ri Yong Ho as the top diplomat, South Korean officials said.', 'south-korea');
    expect(v.matched).toBe(false);
    expect(feature(v, 'party')).toBe(false);
    expect(feature(v, 'biography')).toBe(true);
  });

  it('GIVEN the North "accusing South Korea of flying drones over Pyongyang" in a briefing item THEN the South is the accused party of the North\'s move', () => {
    const v = verdict('Wednesday Briefing: Canada and India expel diplomats', 'Canada and India expelled each other\'s envoys over the killing of a Sikh activist. Also, North Korea put artillery units on alert after accusing South Korea of flying drones over Pyongyang.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(feature(v, 'party')).toBe(true);
  });

  it('GIVEN the North pulling its workers from the Kaesong industrial complex THEN the joint zone, where the South\'s firms run factories, is inter-Korean: both Koreas', () => {
    const v = verdict('North Korea pulls its workers from joint factory park', 'Pyongyang withdrew all 53,000 of its workers from the Kaesong industrial complex on Monday, idling a rare symbol of cooperation with South Korea, whose firms ran the factories.', 'south-korea');
    expect(v.matched).toBe(true);
    expect(patterns(v)).toContainEqual(expect.objectContaining({ pattern: 'inter-Korean' }));
  });

  it('GIVEN an inquiry into a claim of arms loaded for Russia THEN the supply is only alleged: no war supply', () => {
    const v = verdict("Pretoria orders inquiry into US arms-to-Russia claim", 'The president appointed a retired judge to look into US allegations that weapons were loaded onto a sanctioned Russian cargo ship at a naval base.', 'ukraine');
    expect(v.matched).toBe(false);
    expect(feature(v, 'war supply')).toBe(false);
  });

  it('GIVEN a mayor "citing Russia\'s continued aggression against Ukraine" in an anniversary speech THEN the war is the cited backdrop of another story', () => {
    const v = verdict('Nagasaki marks bombing anniversary as mayor warns of nuclear threats', "The city marked the anniversary of the atomic bombing on Friday, with the mayor citing Russia's continued aggression against Ukraine as he urged leaders to abandon nuclear deterrence.", 'ukraine');
    expect(v.matched).toBe(false);
    expect(exclusions(v).map((x) => x.pattern)).toContain('the war in Ukraine as a motive or backdrop');
  });

  it('GIVEN the North condemning drills "by the United States, South Korea and Japan" THEN the South listed as a party of the drills is no place in a list: the party stands', () => {
    const v = verdict("N Korea warns of 'fatal consequences' over trilateral drills", "North Korea's foreign ministry condemned the first joint exercise by the United States, South Korea and Japan, warning the allies of 'fatal consequences'.", 'south-korea');
    expect(v.matched).toBe(true);
    expect(feature(v, 'party')).toBe(true);
    expect(feature(v, 'yardstick')).toBe(false);
  });

  it('GIVEN a briefing\'s "Also," item that opens on the North\'s officials, with no event verb and a strong keyword score THEN the item is the North\'s news: the roundup decides it against the model, not so for the South above the lift', () => {
    const v = verdict('Your Monday Briefing: Protests in Nairobi', "Protesters in Kenya vowed to keep up demonstrations after a deadly crackdown. Also, North Korean officials were photographed wearing badges bearing only Kim Jong-un's face for the first time.", 'north-korea');
    expect(v.matched).toBe(true);
    expect(feature(v, 'roundup')).toBe(true);
  });
});

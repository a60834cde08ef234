/**
 * Word lists for the benchmark's generated news. Written for the benchmark: enough variety that
 * FTS5, the dedupe and the classifier see text shaped like real wire copy, not lorem ipsum.
 */

export const OUTLETS = [
  'harbor-times', 'metro-ledger', 'the-courier', 'daily-sentinel', 'evening-post', 'north-star-news', 'coastal-herald',
  'capital-report', 'world-desk', 'the-observer-line', 'prairie-gazette', 'global-wire', 'market-journal', 'civic-tribune',
  'river-valley-press', 'the-dispatch', 'summit-news', 'atlantic-review', 'pacific-bulletin', 'continental-daily',
] as const;

export const FIRST_NAMES = [
  'Maria', 'James', 'Aisha', 'Chen', 'Olga', 'David', 'Fatima', 'Lucas', 'Priya', 'Tomas', 'Elena', 'Samuel', 'Hana',
  'Andrei', 'Grace', 'Mateo', 'Yuki', 'Noah', 'Leila', 'Victor', 'Sofia', 'Daniel', 'Amara', 'Jonas', 'Ines', 'Rafael',
] as const;

export const LAST_NAMES = [
  'Alvarez', 'Brennan', 'Castillo', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Haddad', 'Ivanova', 'Jensen', 'Kowalski',
  'Laurent', 'Moreau', 'Nakamura', 'Okafor', 'Petrov', 'Quinn', 'Rossi', 'Schmidt', 'Tanaka', 'Usman', 'Varga', 'Weber',
  'Xu', 'Yilmaz', 'Zimmermann', 'Hughes', 'Silva', 'Novak', 'Berg',
] as const;

export const PLACES = [
  'Brazil', 'Canada', 'Mexico', 'France', 'Germany', 'Italy', 'Spain', 'Nigeria', 'Kenya', 'Egypt', 'India', 'Indonesia',
  'Australia', 'Argentina', 'Chile', 'Poland', 'Sweden', 'Norway', 'Turkey', 'Vietnam', 'Thailand', 'Peru', 'Ghana',
  'Morocco', 'Portugal', 'Greece', 'Ireland', 'Colombia', 'Philippines', 'Pakistan', 'Texas', 'California', 'Ohio',
  'London', 'Paris', 'Berlin', 'Madrid', 'Lagos', 'Nairobi', 'Mumbai', 'Jakarta', 'Sydney', 'Toronto', 'Chicago',
] as const;

export const INSTITUTIONS = [
  'the central bank', 'parliament', 'the health ministry', 'the supreme court', 'the city council', 'regulators',
  'the finance ministry', 'the electoral commission', 'union leaders', 'the opposition', 'the energy agency',
  'prosecutors', 'the transport authority', 'the World Health Organization', 'the IMF', 'the European Commission',
] as const;

export const SUBJECTS = [
  'inflation', 'wildfires', 'a heatwave', 'flood defences', 'rail strikes', 'housing costs', 'the budget', 'drought',
  'interest rates', 'vaccine supplies', 'a data breach', 'electric vehicles', 'wind farms', 'the harvest', 'tariffs',
  'hospital waiting lists', 'school funding', 'a pension reform', 'the football final', 'a chip shortage', 'tourism',
  'air pollution', 'shipping delays', 'a copper mine', 'the film festival', 'an election recount', 'cyberattacks',
  'the bond market', 'a corruption probe', 'coastal erosion', 'food prices', 'a new stadium', 'the space launch',
] as const;

export const VERBS = [
  'warns over', 'unveils plan on', 'faces pressure over', 'moves to tackle', 'questions', 'backs', 'delays vote on',
  'rejects criticism of', 'announces inquiry into', 'cuts spending on', 'signs deal on', 'reverses course on',
  'calls for action on', 'reports record', 'braces for', 'scrambles to contain', 'welcomes', 'pledges funds for',
] as const;

export const SECTIONS = ['world', 'business', 'politics', 'science', 'health', 'sport', 'culture', 'technology', 'climate'] as const;

export const FILLER_SENTENCES = [
  'Officials said the measures would take effect within weeks, though details remained scarce.',
  'Critics argued the plan did little to address the underlying causes of the problem.',
  'The announcement came after months of negotiations between the main parties.',
  'Analysts expect the figures to be revised when more complete data becomes available.',
  'Residents interviewed on Tuesday described mixed feelings about the decision.',
  'The ministry declined to comment on the timing of the next review.',
  'Markets reacted cautiously, with shares in the sector trading slightly lower by midday.',
  'A spokesperson said the government remained committed to its long-term targets.',
  'Local groups have organised a series of meetings to discuss the proposal.',
  'The report, published late on Monday, runs to more than 300 pages.',
  'Several experts questioned whether the timetable was realistic.',
  'It is the third such incident in the region this year, according to police.',
  'The company said it would cooperate fully with the investigation.',
  'Turnout was higher than in the previous vote, election officials said.',
  'Negotiators are due to meet again next week in an effort to close the remaining gaps.',
  'The decision is expected to be challenged in court by at least two groups.',
  'Emergency services were deployed to the area early in the morning.',
  'Prices have risen steadily since the start of the year, squeezing household budgets.',
  'The proposal still needs the approval of the upper house before it becomes law.',
  'Observers said the outcome could shape the debate ahead of next year\'s elections.',
] as const;

/** On-topic material: what the three topics' rules are written to catch. */
export const TOPIC_TITLES = {
  'north-korea': [
    'North Korea fires ballistic missile into the East Sea, Seoul says',
    'Kim Jong Un oversees artillery drills near the border',
    'Pyongyang warns of response to joint military exercises',
    'DPRK state media reports test of new cruise missile',
    'North Korean defectors describe food shortages in Hamgyong province',
    'UN panel says Pyongyang evaded sanctions through ship-to-ship transfers',
    'Satellite images show activity at Yongbyon nuclear complex',
    'North Korea launches reconnaissance satellite, Japan issues alert',
  ],
  'south-korea': [
    'South Korea\'s parliament passes budget after late-night session',
    'Seoul stocks rise as Samsung Electronics reports strong chip demand',
    'South Korean president names new prime minister amid reshuffle',
    'Bank of Korea holds base rate steady, citing household debt',
    'Heavy rain floods parts of Seoul and Gyeonggi province',
    'South Korea and Japan agree to restore intelligence sharing',
    'Hyundai Motor to build new battery plant in Ulsan',
    'Korean doctors end strike after government compromise on quotas',
  ],
  ukraine: [
    'Russian drones strike energy infrastructure in Kyiv overnight',
    'Zelensky meets European leaders to discuss air defence for Ukraine',
    'Ukraine says it retook villages near Kharkiv after heavy fighting',
    'Kyiv and Moscow exchange prisoners in deal brokered by UAE',
    'Odesa port resumes grain shipments despite missile attacks',
    'Ukrainian forces report shelling along the Zaporizhzhia front line',
    'EU approves new financial aid package for Ukraine',
    'Power outages hit Dnipro after Russian missile barrage',
  ],
} as const;

export const TOPIC_SENTENCES = {
  'north-korea': [
    'The launch was detected by South Korea\'s Joint Chiefs of Staff shortly after dawn.',
    'Pyongyang has conducted a series of weapons tests this year in defiance of UN Security Council resolutions.',
    'KCNA, the North\'s official news agency, said Kim Jong Un expressed satisfaction with the results.',
  ],
  'south-korea': [
    'Officials in Seoul said the measures were aimed at stabilising prices before the winter.',
    'The National Assembly is controlled by the opposition Democratic Party.',
    'South Korea is Asia\'s fourth-largest economy and a major exporter of semiconductors.',
  ],
  ukraine: [
    'Ukraine\'s air force said it shot down most of the drones launched overnight.',
    'Russia launched its full-scale invasion of Ukraine in February 2022.',
    'Officials in Kyiv called on allies to speed up deliveries of air defence systems.',
  ],
} as const;

/** Near misses the rules must not take: mentions that are not about the topics. */
export const DISTRACTOR_TITLES = [
  'Korean barbecue chain opens first restaurant in Chicago',
  'K-pop group announces world tour dates',
  'Ukrainian-born chef wins culinary award in Paris',
  'Review: a new novel set in 1950s Seoul',
  'Crimean-Congo fever cases reported in Turkey',
  'Georgia (the US state) certifies election results',
] as const;

import { writeFileSync } from 'node:fs';
import { startFeedServer } from '../bench/server.ts';
const server = await startFeedServer(1000, Date.now());
const feeds = server.specs.map((spec, i) => ({ id: `f${i}`, name: `feed ${i}`, url: server.urlOf(spec), language: 'en', kind: 'outlet' }));
writeFileSync('/tmp/big/feeds.json', JSON.stringify({ feeds }));
console.log('ready', server.specs.length);

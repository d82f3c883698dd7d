import { readFileSync } from 'node:fs';
import { maskText } from '/work/main/packages/masking/src/index.ts';
const messages = readFileSync('/work/main/packages/masking/corpus/corpus.jsonl','utf8').split('\n').filter(l=>l.trim()).map(l=>JSON.parse(l).text as string);
const bytes = messages.reduce((n,m)=>n+Buffer.byteLength(m),0);
for (let i=0;i<20;i++) for (const m of messages) maskText(m);
const t=process.cpuUsage();
let passes=0;
while (true) { for (const m of messages) maskText(m); passes++; const u=process.cpuUsage(t); if ((u.user+u.system)/1e6>4) { console.log((bytes*passes/((u.user+u.system)/1e6)/1e6).toFixed(2),'MB/cpu-s', bytes, messages.length); break; } }

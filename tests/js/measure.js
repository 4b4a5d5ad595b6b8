// What queries cost: for each query, the bytes and files a fresh browser would fetch to show the
// first page of results (index files, and the article pages that snippets come from), and the
// time to answer once everything is fetched. Used for the figures in docs/search.md:
//
//   node tests/js/measure.js OUTPUT_DIR 农民工 加装电梯 "于都 学前教育" "2021 脐橙"
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const S = require('../../themes/default/static/search.js');

const [dir, ...queries] = process.argv.slice(2);
if (!dir || !queries.length) {
  console.error('usage: node tests/js/measure.js OUTPUT_DIR QUERY...');
  process.exit(2);
}

const load = async (p) => {
  const b = fs.readFileSync(path.join(dir, 'search', p.split('?')[0]));
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
};

(async () => {
  console.log('query\tresults\tindex KB\tpages KB\ttotal KB\tfiles\tanswer ms (fetched)');
  for (const q of queries) {
    const query = {};
    for (const part of q.split('&')) {
      const [k, v] = part.includes('=') ? part.split('=') : ['q', part];
      query[k] = v;
    }
    const index = await S.SearchIndex.open(load);
    const r = await index.search(query);
    let pageBytes = 0;
    for (const h of r.hits.slice(0, S.PAGE_SIZE)) {
      const a = await index.article(h.doc);
      pageBytes += fs.statSync(path.join(dir, a.url, 'index.html')).size;
    }
    // Everything is cached now: time the answer alone.
    const runs = 5;
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) await index.search(query);
    const ms = (performance.now() - t0) / runs;
    const kb = (n) => (n / 1024).toFixed(1);
    console.log([q, r.total, kb(index.bytesFetched), kb(pageBytes), kb(index.bytesFetched + pageBytes),
      index.filesFetched + Math.min(r.total, S.PAGE_SIZE), ms.toFixed(1)].join('\t'));
  }
})();

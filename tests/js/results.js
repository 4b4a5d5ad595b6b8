// The results of a set of queries on a built index, as JSON: per query the total and every hit in
// order, each as its article's URL, count and title terms (URLs, not article numbers, so that two
// index formats, or two ways of cutting one index into segments, can be compared).
//
//   node tests/js/results.js OUTPUT_DIR QUERIES.json [SEARCH_JS]
//
// QUERIES.json is an array of query objects (`{"q": "农民工", "county": "yudu-xian"}`); SEARCH_JS
// is the script to query with (default: the theme's). tests/testsuite/search.rs compares the
// results before and after a merge of the recent segment, and against tests/js/segments/'s
// expected.json, which an earlier format's script and build gave.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const [dir, queriesFile, script] = process.argv.slice(2);
if (!dir || !queriesFile) {
  console.error('usage: node tests/js/results.js OUTPUT_DIR QUERIES.json [SEARCH_JS]');
  process.exit(2);
}
const S = require(path.resolve(script || path.join(__dirname, '../../themes/default/static/search.js')));

const load = async (p) => {
  const b = fs.readFileSync(path.join(dir, 'search', p.split('?')[0]));
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
};

(async () => {
  const queries = JSON.parse(fs.readFileSync(queriesFile, 'utf8'));
  const index = await S.SearchIndex.open(load);
  const out = [];
  for (const query of queries) {
    const r = await index.search(query);
    const hits = [];
    for (const h of r.hits) hits.push([(await index.article(h.doc)).url, h.count, h.titleTerms]);
    out.push({ query, total: r.total, hits });
  }
  process.stdout.write(JSON.stringify(out, null, 1) + '\n');
})().catch((e) => {
  console.error(e);
  process.exit(1);
});

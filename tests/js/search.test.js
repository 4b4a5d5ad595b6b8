// The query logic of themes/default/static/search.js, run with Node's test runner against the
// index that the real `bulletin build` writes for tests/js/fixture/.
//
// `cargo test` runs this file (tests/testsuite/search.rs builds the fixture and sets
// SEARCH_FIXTURE_OUTPUT). Alone: `node --test tests/js/` builds the fixture with `cargo run`.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const S = require('../../themes/default/static/search.js');

function fixtureOutput() {
  if (process.env.SEARCH_FIXTURE_OUTPUT) return process.env.SEARCH_FIXTURE_OUTPUT;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-js-'));
  fs.cpSync(path.join(__dirname, 'fixture'), root, { recursive: true });
  execFileSync('cargo', ['run', '--quiet', '--', 'build', '--root', root], {
    cwd: path.join(__dirname, '..', '..'),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return path.join(root, 'output');
}

const out = fixtureOutput();

/** A loader like the page's, reading the built files and counting them. */
function loader(dir) {
  const files = [];
  const load = async (p) => {
    files.push(p);
    const b = fs.readFileSync(path.join(dir, 'search', p.split('?')[0]));
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  };
  return { load, files };
}

let index;
test.before(async () => {
  index = await S.SearchIndex.open(loader(out).load);
});

/** The titles of the hits, in order. */
async function titles(query) {
  const r = await index.search(query);
  const arts = await Promise.all(r.hits.map((h) => index.article(h.doc)));
  return arts.map((a) => a.title);
}

// Articles, numbered oldest first: 0 定南县… 1 于都县发展学前教育 2 于都县保障工资… 3 市人社局… 4 章贡区…
// 5 信丰县脐橙…

// The byte contract with src/search/chars.rs, src/search/codec.rs and src/cjk.rs: the same
// values are asserted there, so a change on one side only fails a test.

test('characters fold as the Rust indexer folds them', () => {
  assert.equal(S.foldString('ＧＤＰ增长５％，5G、Ｃｏｖｉｄ　ÄÖ'), 'gdp增长5%,5g、covid äö');
  assert.equal(S.foldString('农'), '农');
  // One character that lower-cases to two stays as it is.
  assert.equal(S.foldString('İ'), 'İ');
});

test('Han characters are the same ranges as in Rust', () => {
  const ranges = [
    [0x3006, false], [0x3007, true], [0x3008, false],
    [0x33ff, false], [0x3400, true], [0x4dbf, true], [0x4dc0, false],
    [0x4dff, false], [0x4e00, true], [0x9fff, true], [0xa000, false],
    [0xf8ff, false], [0xf900, true], [0xfaff, true], [0xfb00, false],
    [0x1ffff, false], [0x20000, true], [0x3ffff, true], [0x40000, false],
  ];
  for (const [cp, han] of ranges) assert.equal(S.isHan(cp), han, cp.toString(16));
});

test('keys hash to buckets as in Rust', () => {
  assert.equal(S.fnv1a(''), 0x811c9dc5);
  assert.equal(S.fnv1a('a'), 0xe40c292c);
  assert.equal(S.fnv1a('农民'), 0xe0b8a7b7);
  assert.equal(S.fnv1a('5g'), 0x5ae10015);
  // bucket_of: the hash masked by the number of buckets (shardName does the same).
  const bucketOf = (key, buckets) => S.fnv1a(key) & (buckets - 1);
  assert.equal(bucketOf('a', 1), 0);
  assert.equal(bucketOf('a', 64), 0x2c);
});

test('varints read the bytes Rust writes', () => {
  const cases = [
    [0, [0x00]], [1, [0x01]], [127, [0x7f]], [128, [0x80, 0x01]], [300, [0xac, 0x02]],
    [16383, [0xff, 0x7f]], [16384, [0x80, 0x80, 0x01]], [0xffffffff, [0xff, 0xff, 0xff, 0xff, 0x0f]],
  ];
  for (const [v, bytes] of cases) {
    const st = { at: 0 };
    assert.equal(S.varint(Uint8Array.from(bytes), st), v);
    assert.equal(st.at, bytes.length);
  }
  assert.throws(() => S.varint(Uint8Array.from([0x80]), { at: 0 }), /truncated/);
});

test('the format is the one Rust writes', () => {
  assert.equal(S.FORMAT, 3);
  assert.equal(JSON.parse(fs.readFileSync(path.join(out, 'search', 'index.json'))).format, S.FORMAT);
});

test('queries split into Han runs and whole tokens', () => {
  assert.deepEqual(S.parseQuery(' 于都　学前教育 5G，ＧＤＰ 于都'), [
    { kind: 'han', text: '于都' },
    { kind: 'han', text: '学前教育' },
    { kind: 'word', text: '5g' },
    { kind: 'word', text: 'gdp' },
  ]);
  assert.deepEqual(S.keysOf({ kind: 'han', text: '农民工' }), ['农民', '民工']);
  assert.deepEqual(S.keysOf({ kind: 'han', text: '橙' }), ['橙']);
  assert.deepEqual(S.parseQuery('，。 '), []);
});

test('the cover of a long query keeps both ends and leaves no character out', () => {
  assert.deepEqual(S.cover([5, 5]), [0, 1]);
  assert.deepEqual(S.cover([5, 5, 5]), [0, 2]);
  assert.deepEqual(S.cover([1, 100, 1, 1]), [0, 2, 3]);
  assert.deepEqual(S.cover([1, 1, 100, 1]), [0, 1, 3]);
});

test('a substring is found across word boundaries', async () => {
  // 农民工资 is 农民 + 工资 to a segmenter; 农民工 is still in it.
  assert.ok((await titles({ q: '农民工' })).includes('于都县保障工资支付'));
  assert.deepEqual(await titles({ q: '民工资' }), ['于都县保障工资支付']);
  assert.deepEqual(await titles({ q: '加装电梯' }), ['章贡区推进老旧小区改造']);
});

test('characters on either side of punctuation are not adjacent', async () => {
  // 于都县保障工资支付 has 学前，教育; only 于都县发展学前教育 has 学前教育.
  assert.deepEqual(await titles({ q: '学前教育' }), ['于都县发展学前教育']);
});

test('a one-character query finds every article with the character', async () => {
  assert.deepEqual(await titles({ q: '橙' }), ['信丰县脐橙产业提质增效']);
  assert.equal((await index.search({ q: '于' })).total, 2);
});

test('every term must match', async () => {
  assert.deepEqual(await titles({ q: '于都 学前教育' }), ['于都县发展学前教育']);
  assert.deepEqual(await titles({ q: '2021 脐橙' }), ['信丰县脐橙产业提质增效']);
  assert.deepEqual(await titles({ q: '脐橙 电梯' }), []);
});

test('letters and digits match as whole tokens, in any case and width', async () => {
  // 5GB is not 5G.
  assert.deepEqual(await titles({ q: '5G' }), ['信丰县脐橙产业提质增效']);
  assert.deepEqual(await titles({ q: '5gb' }), ['于都县发展学前教育']);
  // ＧＤＰ in the text and gdp in the query.
  assert.deepEqual(await titles({ q: 'gdp' }), ['章贡区推进老旧小区改造', '于都县发展学前教育']);
  assert.deepEqual(await titles({ q: 'GD' }), []);
});

test('title matches come first, then more occurrences, then newer', async () => {
  const r = await index.search({ q: '农民工' });
  assert.deepEqual(r.hits.map((h) => h.doc), [3, 2, 1, 0]);
  assert.deepEqual(r.hits.map((h) => h.count), [3, 2, 1, 1]);
  assert.deepEqual(r.hits.map((h) => h.titleTerms), [1, 0, 0, 0]);
});

test('filters narrow a query and browse without one', async () => {
  assert.deepEqual(await titles({ q: '农民工', county: 'yudu-xian' }),
    ['于都县保障工资支付', '于都县发展学前教育']);
  assert.deepEqual(await titles({ q: '农民工', county: 'yudu-xian', year: '2020' }), ['于都县发展学前教育']);
  assert.deepEqual(await titles({ q: '农民工', topic: 'jiuye-chuangye' }),
    ['市人社局促进农民工就业', '于都县保障工资支付']);
  assert.deepEqual(await titles({ county: 'yudu-xian' }), ['于都县保障工资支付', '于都县发展学前教育']);
  assert.deepEqual(await titles({ year: '2022' }), ['信丰县脐橙产业提质增效', '章贡区推进老旧小区改造']);
  assert.equal((await index.search({})).total, 6);
  assert.equal((await index.search({ q: '农民工', county: 'dingnan-xian', topic: 'jiaoyu' })).total, 0);
});

test('month and quarter filters: the month runs of f/months.json, a quarter its three months', async () => {
  // Articles 0–1 are of 2020-03, 2–3 of 2021-05, 4–5 of 2022-01.
  assert.deepEqual(await index.months(), [
    { month: '2020-03', count: 2, ranges: [[0, 2]] },
    { month: '2021-05', count: 2, ranges: [[2, 4]] },
    { month: '2022-01', count: 2, ranges: [[4, 6]] },
  ]);
  assert.deepEqual(await titles({ month: '2021-05' }), ['市人社局促进农民工就业', '于都县保障工资支付']);
  assert.deepEqual(await titles({ month: '2021-06' }), []);
  assert.deepEqual(await titles({ quarter: '2022-Q1' }), ['信丰县脐橙产业提质增效', '章贡区推进老旧小区改造']);
  assert.deepEqual(await titles({ quarter: '2021-Q2' }), ['市人社局促进农民工就业', '于都县保障工资支付']);
  assert.deepEqual(await titles({ quarter: '2021-Q1' }), []);
  assert.deepEqual(await titles({ quarter: '2021-Q5' }), []);
  // With a query and the other filters: every one must hold.
  assert.deepEqual(await titles({ q: '农民工', quarter: '2020-Q1' }), ['于都县发展学前教育', '定南县乡村医生']);
  assert.deepEqual(await titles({ q: '农民工', quarter: '2020-Q1', county: 'yudu-xian' }), ['于都县发展学前教育']);
  assert.deepEqual(await titles({ month: '2020-03', year: '2020', quarter: '2020-Q1' }),
    ['于都县发展学前教育', '定南县乡村医生']);
  assert.deepEqual(await titles({ month: '2020-03', year: '2021' }), []);
});

test('a unit filter: the articles that name the unit', async () => {
  // Each unit is in the file of f/u/ that its name hashes to; the manifest does not list them.
  assert.equal(index.manifest.units, undefined);
  for (const [name, ids] of [['信丰县', [5]], ['章贡区', [4]], ['赣州市', [3]], ['于都县', [1, 2]], ['定南县', [0]]]) {
    assert.deepEqual(await index.unit(name), ids, name);
  }
  assert.deepEqual(await titles({ unit: '于都县' }), ['于都县保障工资支付', '于都县发展学前教育']);
  assert.deepEqual(await titles({ unit: '于都县', year: '2020' }), ['于都县发展学前教育']);
  assert.deepEqual(await titles({ unit: '于都县', q: '工资' }), ['于都县保障工资支付']);
  assert.deepEqual(await titles({ unit: '没有的单位' }), []);
});

test('months and quarters are read and named as the statistics page names them', () => {
  assert.deepEqual(S.parseMonth('2021-07'), { year: 2021, month: 7 });
  assert.equal(S.parseMonth('2021-13'), null);
  assert.equal(S.parseMonth('2021-7'), null);
  assert.deepEqual(S.parseQuarter('2021-Q3'), { year: 2021, quarter: 3 });
  assert.equal(S.parseQuarter('2021-q3'), null);
  assert.equal(S.periodLabel('month', '2021-07'), '2021年7月');
  assert.equal(S.periodLabel('quarter', '2021-Q3'), '2021年第三季度');
  assert.equal(S.periodLabel('quarter', '2021-Q0'), '');
});

test('what a result shows, with the issue\'s URL and the Chinese date made from its row', async () => {
  assert.deepEqual(await index.article(3), {
    title: '市人社局促进农民工就业',
    url: 'issues/2021-2/nongmingong/',
    date: '2021-05-10',
    date_zh: '2021年5月10日',
    issue: '第2期',
    issue_url: 'issues/2021-2/',
    county: '赣州市',
    unit: '赣州市',
  });
});

test('nothing matches a word that is not there', async () => {
  const r = await index.search({ q: '不存在的词' });
  assert.equal(r.total, 0);
});

test('a query fetches only the shards it needs', async () => {
  const { load, files } = loader(out);
  const fresh = await S.SearchIndex.open(load);
  await fresh.search({ q: '电梯' });
  // The manifest and one shard: a two-character query needs one bigram. The fixture's six
  // articles are all in the recent segment (folder 1), whose files carry its own version.
  assert.deepEqual(files.map((f) => f.replace(/\?.*/, '').replace(/\/[0-9a-f]{4}\./, '/X.')), ['index.json', '1/s/X.bin']);
  assert.equal(fresh.segments.length, 1);
  assert.ok(files[1].endsWith('?v=' + fresh.manifest.segments[0].version));
});

test('a key is looked up in the shard whose run of buckets holds its bucket', async () => {
  // The same cases as src/search/codec.rs's unit test: fnv1a('a') is 0xe40c292c, bucket 44 of 64.
  const shard = (runs) => S.shardName('a', 64, S.shardEnds(runs));
  assert.equal(shard([64]), '0000');
  assert.equal(shard([44, 20]), '0001');
  assert.equal(shard([45, 19]), '0000');
  assert.equal(shard([10, 30, 4, 1, 19]), '0003');
  // And on the built index: every key the fixture has is found where the Rust side put it.
  for (const q of ['农民工', '加装电梯', '学前教育', 'gdp']) {
    const r = await index.search({ q });
    assert.ok(r.total > 0, q);
  }
});

test('snippets mark every occurrence around the first', () => {
  const text = '前言。' + '很长的文字'.repeat(30) + '推进农民工资支付，GDP 和 gdp5 不同。';
  const terms = S.parseQuery('农民工 gdp');
  const segs = S.snippet(text, terms, 40);
  assert.equal(segs[0].text, '…');
  assert.deepEqual(segs.filter((s) => s.mark).map((s) => s.text), ['农民工', 'GDP']);
  assert.deepEqual(S.highlight('ＧＤＰ增长', S.parseQuery('gdp')), [
    { text: 'ＧＤＰ', mark: true },
    { text: '增长', mark: false },
  ]);
  assert.deepEqual(S.snippet('短文。', terms), [{ text: '短文。', mark: false }]);
});

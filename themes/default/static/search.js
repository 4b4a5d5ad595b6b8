/* bulletin's search: answers queries in the browser from the index that `bulletin build` writes
   under search/ (docs/search.md describes it). Plain JavaScript, no framework, no build step.

   Exact substring semantics: a run of Han characters is found wherever those characters stand
   together in an article (its bigrams at consecutive positions), letters and digits as whole
   tokens, several terms all together. Only the shards a query needs are fetched.

   Everything up to `startPage` is the query logic, which tests/js/search.test.js runs in Node;
   `startPage` wires it to the search page. */
(function (root, factory) {
  'use strict';
  const api = factory();
  if (typeof module === 'object' && module.exports) {
    module.exports = api;
  } else {
    root.BulletinSearch = api;
    if (typeof document !== 'undefined') {
      if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', () => api.startPage(document));
      } else {
        api.startPage(document);
      }
    }
  }
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  /** The index format this script reads (FORMAT in src/search/codec.rs). */
  const FORMAT = 3;
  /** Results shown at once. */
  const PAGE_SIZE = 10;

  // ---- Characters: the same rules as src/search/chars.rs and src/cjk.rs ----------------------

  function isHan(cp) {
    return cp === 0x3007 || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
      (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3ffff);
  }

  const ALNUM = /^[\p{Alphabetic}\p{N}]$/u;

  /** Full-width ASCII to half-width, the ideographic space to a space, letters to lower case. */
  function fold(cp) {
    if (cp >= 0xff01 && cp <= 0xff5e) cp -= 0xfee0;
    else if (cp === 0x3000) cp = 0x20;
    if (cp < 0x80) return cp >= 65 && cp <= 90 ? cp + 32 : cp;
    if (isHan(cp)) return cp;
    const s = String.fromCodePoint(cp);
    const l = s.toLowerCase();
    if (l.length === s.length && l.codePointAt(0) !== undefined &&
        String.fromCodePoint(l.codePointAt(0)) === l) {
      return l.codePointAt(0);
    }
    return cp;
  }

  function isWord(cp) {
    return !isHan(cp) && ALNUM.test(String.fromCodePoint(cp));
  }

  /** `s` folded character by character; its UTF-16 offsets are those of `s`. */
  function foldString(s) {
    let out = '';
    for (const ch of s) out += String.fromCodePoint(fold(ch.codePointAt(0)));
    return out;
  }

  /** The terms of a query: runs of Han characters and tokens of letters and digits, folded,
      each once. Everything else separates terms. */
  function parseQuery(q) {
    const terms = [];
    const seen = new Set();
    let cur = '';
    let kind = null;
    const flush = () => {
      if (cur && !seen.has(kind + cur)) {
        seen.add(kind + cur);
        terms.push({ kind, text: cur });
      }
      cur = '';
      kind = null;
    };
    for (const ch of String(q || '')) {
      const cp = fold(ch.codePointAt(0));
      const k = isHan(cp) ? 'han' : isWord(cp) ? 'word' : null;
      if (k !== kind) flush();
      if (k) {
        kind = k;
        cur += String.fromCodePoint(cp);
      }
    }
    flush();
    return terms;
  }

  /** The keys a term is looked up by: its bigrams, its one character, or the token. */
  function keysOf(term) {
    if (term.kind === 'word') return [term.text];
    const chars = Array.from(term.text);
    if (chars.length === 1) return chars;
    const keys = [];
    for (let i = 0; i + 1 < chars.length; i++) keys.push(chars[i] + chars[i + 1]);
    return keys;
  }

  // ---- Bytes ----------------------------------------------------------------------------------

  function fnv1a(str) {
    const bytes = new TextEncoder().encode(str);
    let h = 0x811c9dc5;
    for (let i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  /** Read a LEB128 varint at `st.at`. */
  function varint(b, st) {
    let v = 0;
    let mul = 1;
    for (;;) {
      const x = b[st.at++];
      if (x === undefined) throw new Error('truncated index file');
      v += (x & 0x7f) * mul;
      if (x < 0x80) return v;
      mul *= 128;
    }
  }

  /** A shard of bigrams and tokens: key → where its list and its positions are. */
  function parseShard(buffer) {
    const b = new Uint8Array(buffer);
    const st = { at: 0 };
    const n = b.length ? varint(b, st) : 0;
    const dec = new TextDecoder();
    const entries = [];
    let listOff = 0;
    let posOff = 0;
    for (let i = 0; i < n; i++) {
      const len = varint(b, st);
      const key = dec.decode(b.subarray(st.at, st.at + len));
      st.at += len;
      const docs = varint(b, st);
      const listLen = varint(b, st);
      const posLen = varint(b, st);
      entries.push({ key, docs, listOff, listLen, posOff, posLen });
      listOff += listLen;
      posOff += posLen;
    }
    const keys = new Map();
    for (const e of entries) {
      e.posOff += st.at + listOff;
      e.listOff += st.at;
      keys.set(e.key, e);
    }
    return { bytes: b, keys };
  }

  /** A shard of single characters: character → its articles (ascending) and those with it in
      the title. */
  function parseCharShard(buffer) {
    const b = new Uint8Array(buffer);
    const st = { at: 0 };
    const n = b.length ? varint(b, st) : 0;
    const dec = new TextDecoder();
    const entries = [];
    for (let i = 0; i < n; i++) {
      const len = varint(b, st);
      const key = dec.decode(b.subarray(st.at, st.at + len));
      st.at += len;
      const count = varint(b, st);
      const kind = b[st.at++];
      const bodyLen = varint(b, st);
      const titleLen = varint(b, st);
      entries.push({ key, count, kind, bodyLen, titleLen });
    }
    const keys = new Map();
    let at = st.at;
    for (const e of entries) {
      e.off = at;
      at += e.bodyLen + e.titleLen;
      keys.set(e.key, e);
    }
    return { bytes: b, keys };
  }

  function deltaList(b) {
    const st = { at: 0 };
    const out = [];
    let doc = 0;
    while (st.at < b.length) {
      const d = varint(b, st);
      doc = out.length === 0 ? d : doc + d;
      out.push(doc);
    }
    return out;
  }

  function decodeChar(shard, e) {
    const body = shard.bytes.subarray(e.off, e.off + e.bodyLen);
    let docs;
    if (e.kind === 1) {
      docs = [];
      for (let i = 0; i < body.length; i++) {
        for (let bit = 0; bit < 8; bit++) if (body[i] & (1 << bit)) docs.push(i * 8 + bit);
      }
    } else {
      docs = deltaList(body);
    }
    const title = deltaList(shard.bytes.subarray(e.off + e.bodyLen, e.off + e.bodyLen + e.titleLen));
    return { docs, title };
  }

  /** A key's articles (ascending ids), counts and in-title flags. */
  function decodeList(shard, e) {
    const b = shard.bytes.subarray(e.listOff, e.listOff + e.listLen);
    const st = { at: 0 };
    const docs = new Uint32Array(e.docs);
    const tf = new Uint32Array(e.docs);
    const title = new Uint8Array(e.docs);
    let doc = 0;
    for (let i = 0; i < e.docs; i++) {
      const d = varint(b, st);
      doc = i === 0 ? d : doc + d;
      const v = varint(b, st);
      docs[i] = doc;
      tf[i] = Math.floor(v / 2);
      title[i] = v & 1;
    }
    return { docs, tf, title };
  }

  /** The positions of a key in the articles of `wanted` (a Set of ids). */
  function decodePositions(posBytes, e, list, wanted) {
    const b = posBytes.subarray(e.posOff, e.posOff + e.posLen);
    const st = { at: 0 };
    const out = new Map();
    for (let i = 0; i < list.docs.length; i++) {
      const n = list.tf[i];
      if (wanted.has(list.docs[i])) {
        const ps = new Uint32Array(n);
        let p = 0;
        for (let j = 0; j < n; j++) {
          p += varint(b, st);
          ps[j] = p;
        }
        out.set(list.docs[i], ps);
      } else {
        for (let j = 0; j < n; j++) while (b[st.at++] >= 0x80);
      }
    }
    return out;
  }

  function has(sorted, v) {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo < sorted.length && sorted[lo] === v;
  }

  /** Ascending ids present in every list. */
  function intersect(lists) {
    if (!lists.length) return [];
    const sorted = lists.slice().sort((a, b) => a.length - b.length);
    const out = [];
    for (const v of sorted[0]) {
      if (sorted.every((l, i) => i === 0 || has(l, v))) out.push(v);
    }
    return out;
  }

  /** Offsets of the bigrams whose positions prove a match: the first and the last, and enough
      between that no character is left uncovered, at the least cost (bytes of positions). */
  function cover(costs) {
    const n = costs.length;
    const best = new Array(n).fill(Infinity);
    const from = new Array(n).fill(-1);
    best[0] = costs[0];
    for (let i = 1; i < n; i++) {
      for (const j of [i - 1, i - 2]) {
        if (j >= 0 && best[j] + costs[i] < best[i]) {
          best[i] = best[j] + costs[i];
          from[i] = j;
        }
      }
    }
    const out = [];
    for (let i = n - 1; i >= 0; i = from[i]) out.unshift(i);
    return out;
  }

  // ---- The index ------------------------------------------------------------------------------

  /** The shard that holds a key, among `buckets` buckets cut into shards ending at `ends` (each
      shard's last bucket + 1): the one whose run of buckets has the key's bucket. */
  function shardName(key, buckets, ends) {
    const bucket = fnv1a(key) & (buckets - 1);
    let lo = 0;
    let hi = ends.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ends[mid] > bucket) hi = mid;
      else lo = mid + 1;
    }
    return lo.toString(16).padStart(4, '0');
  }

  /** Where each shard's run of buckets ends, from how many buckets each holds. */
  function shardEnds(runs) {
    const ends = new Uint32Array(runs.length);
    let end = 0;
    runs.forEach((n, i) => {
      end += n;
      ends[i] = end;
    });
    return ends;
  }

  /**
   * One segment of the index (the base, or the recent articles): an index of its own, whose
   * files are under its folder and fetched with its version, its articles numbered from 0
   * within it. `m` is its entry in the manifest.
   */
  class Segment {
    constructor(index, m) {
      this.index = index;
      this.m = m;
      this.first = m.first;
      this.count = m.articles;
      this.ends = shardEnds(m.shard_buckets);
    }

    fetch(path) {
      return this.index.fetch(this.m.dir + '/' + path, this.m.version);
    }

    cached(k, make) {
      const key = this.m.dir + ':' + k;
      const cache = this.index.cache;
      if (!cache.has(key)) cache.set(key, make());
      return cache.get(key);
    }

    shard(name) {
      return this.cached('shard:' + name, () => this.fetch('s/' + name + '.bin').then(parseShard));
    }

    /** Where a single character occurs: every article that has it, title ones marked; how
        often is not recorded for single characters. */
    async char(c) {
      const name = (fnv1a(c) & (this.m.char_shards - 1)).toString(16).padStart(2, '0');
      const shard = await this.cached('chars:' + name,
        () => this.fetch('c/' + name + '.bin').then(parseCharShard));
      const e = shard.keys.get(c);
      if (!e) return { docs: [], count: [], title: [] };
      const { docs, title } = decodeChar(shard, e);
      const t = new Set(title);
      return { docs, count: docs.map(() => 0), title: docs.map((d) => t.has(d)) };
    }

    /** A key's entry and list, or null when no article has it. */
    async postings(key) {
      const name = shardName(key, this.m.buckets, this.ends);
      const shard = await this.shard(name);
      const e = shard.keys.get(key);
      if (!e) return null;
      if (!e.list) e.list = decodeList(shard, e);
      return { name, e, list: e.list };
    }

    async positions(p, wanted) {
      const shard = await this.shard(p.name);
      return decodePositions(shard.bytes, p.e, p.list, wanted);
    }

    /** Where one term occurs in this segment: ascending ids within it, with counts and whether
        it is in the title. */
    async term(term) {
      if (term.kind === 'han' && Array.from(term.text).length === 1) return this.char(term.text);
      const keys = keysOf(term);
      const found = await Promise.all(keys.map((k) => this.postings(k)));
      if (found.some((p) => !p)) return { docs: [], count: [], title: [] };
      if (keys.length === 1) {
        const l = found[0].list;
        return { docs: Array.from(l.docs), count: Array.from(l.tf), title: Array.from(l.title, Boolean) };
      }
      // Three or more characters: candidates have every bigram; the positions of a covering
      // set of them, at the right distances, confirm each occurrence.
      const candidates = intersect(found.map((p) => p.list.docs));
      const out = { docs: [], count: [], title: [] };
      if (!candidates.length) return out;
      const chosen = cover(found.map((p) => p.e.posLen));
      const wanted = new Set(candidates);
      const pos = await Promise.all(chosen.map((i) => this.positions(found[i], wanted)));
      const titleEnd = this.m.title_end;
      for (const doc of candidates) {
        const lists = pos.map((m) => m.get(doc));
        let count = 0;
        let inTitle = false;
        for (const p of lists[0]) {
          let ok = true;
          for (let j = 1; j < chosen.length && ok; j++) ok = has(lists[j], p + chosen[j]);
          if (ok) {
            count++;
            if (p < titleEnd) inTitle = true;
          }
        }
        if (count) {
          out.docs.push(doc);
          out.count.push(count);
          out.title.push(inTitle);
        }
      }
      return out;
    }

    /** What results show of this segment's article `local`. */
    async article(local) {
      const size = this.index.manifest.meta_chunk;
      const chunk = Math.floor(local / size);
      const rows = await this.cached('meta:' + chunk, () => this.fetch('m/' + chunk + '.json')
        .then((buf) => JSON.parse(new TextDecoder().decode(buf))));
      return rows[local % size];
    }
  }

  /**
   * The search index of one site: its segments, queried one after the other and their results
   * joined (articles are numbered oldest first across them), and the filters. `load(path)`
   * returns a Promise of an ArrayBuffer for a path relative to the index folder (`index.json`,
   * `0/s/00af.bin?v=…`).
   */
  class SearchIndex {
    constructor(load) {
      this.load = load;
      this.manifest = null;
      this.segments = [];
      this.cache = new Map();
      this.bytesFetched = 0;
      this.filesFetched = 0;
    }

    static async open(load) {
      const index = new SearchIndex(load);
      const m = JSON.parse(new TextDecoder().decode(await index.fetch('index.json', null)));
      if (m.format !== FORMAT) {
        throw new Error('this page cannot read a search index of format ' + m.format);
      }
      index.manifest = m;
      index.segments = m.segments.map((s) => new Segment(index, s));
      return index;
    }

    /** Fetch a file once, with `?v=version` (the manifest's unless given; none for null);
        later calls share the first. */
    fetch(path, version) {
      const v = version === undefined ? this.manifest.version : version;
      const url = v === null ? path : path + '?v=' + v;
      if (!this.cache.has(url)) {
        const p = Promise.resolve(this.load(url)).then((buf) => {
          this.bytesFetched += buf.byteLength;
          this.filesFetched += 1;
          return buf;
        });
        p.catch(() => this.cache.delete(url));
        this.cache.set(url, p);
      }
      return this.cache.get(url);
    }

    /** Where one term occurs: ascending ids, with counts and whether it is in the title. */
    async term(term) {
      const per = await Promise.all(this.segments.map((s) => s.term(term)));
      const out = { docs: [], count: [], title: [] };
      per.forEach((r, i) => {
        const first = this.segments[i].first;
        for (let j = 0; j < r.docs.length; j++) {
          out.docs.push(r.docs[j] + first);
          out.count.push(r.count[j]);
          out.title.push(r.title[j]);
        }
      });
      return out;
    }

    /** The articles of a county or topic filter (`kind` 'c' or 't'), or null for no filter. */
    async facet(kind, slug) {
      if (!slug) return null;
      const slugs = kind === 'c' ? this.manifest.counties : this.manifest.topics;
      if (!slugs.includes(slug)) return null;
      return deltaList(new Uint8Array(await this.fetch('f/' + kind + '/' + slug + '.bin')));
    }

    /** The articles of a unit (its name, as articles give it), or null for no filter; a name
        no article gives matches nothing. */
    async unit(name) {
      if (!name) return null;
      const file = (fnv1a(name) % this.manifest.unit_buckets).toString(16).padStart(2, '0');
      const units = JSON.parse(new TextDecoder().decode(await this.fetch('f/u/' + file + '.json')));
      const deltas = Object.prototype.hasOwnProperty.call(units, name) ? units[name] : [];
      let doc = 0;
      return deltas.map((d) => (doc += d));
    }

    /** The months, oldest first: `{month: '2021-03', count, ranges}`, each its runs of ids. */
    months() {
      if (!this.cache.has('months')) {
        this.cache.set('months', this.fetch('f/months.json')
          .then((buf) => JSON.parse(new TextDecoder().decode(buf))));
      }
      return this.cache.get('months');
    }

    /** The runs of ids of a year (`2021`): those of its months. Null for no filter. */
    async yearFilter(year) {
      if (!year) return null;
      const prefix = String(year) + '-';
      return (await this.months()).filter((m) => m.month.startsWith(prefix)).flatMap((m) => m.ranges);
    }

    /** The runs of ids of a month (`2021-03`), or null for no filter. */
    async monthFilter(month) {
      if (!month) return null;
      const m = (await this.months()).find((x) => x.month === month);
      return m ? m.ranges : [];
    }

    /** The runs of ids of a quarter (`2021-Q1`): those of its three months. Null for no filter;
        a value that is not a quarter matches nothing. */
    async quarterFilter(quarter) {
      if (!quarter) return null;
      const q = parseQuarter(quarter);
      if (!q) return [];
      const out = [];
      for (let m = 3 * q.quarter - 2; m <= 3 * q.quarter; m++) {
        out.push(...await this.monthFilter(q.year + '-' + String(m).padStart(2, '0')));
      }
      return out;
    }

    /**
     * Run a query: `{q, county, topic, unit, year, month, quarter}` (all optional; unit a name,
     * month `2021-03`, quarter `2021-Q1`). Returns `{terms, hits, total}`:
     * hits are `{doc, count, titleTerms}`, title matches first, then by how often the terms
     * occur, then newest first. With no terms, every article that passes the filters, newest
     * first. Articles are numbered oldest first, so newer is a larger `doc`.
     */
    async search(query) {
      const terms = parseQuery(query.q);
      const [county, topic, unit, ...periodRuns] = await Promise.all([
        this.facet('c', query.county),
        this.facet('t', query.topic),
        this.unit(query.unit),
        this.yearFilter(query.year),
        this.monthFilter(query.month),
        this.quarterFilter(query.quarter),
      ]);
      // Each of year, month and quarter given is a set of runs of ids; an article must be in all.
      const periods = periodRuns.filter(Boolean);
      const inYear = (doc) => periods.every((runs) => runs.some(([a, b]) => doc >= a && doc < b));
      const filters = [county, topic, unit].filter(Boolean);
      let hits = [];
      if (!terms.length) {
        let docs;
        if (filters.length) docs = intersect(filters);
        else docs = Array.from({ length: this.manifest.articles }, (_, i) => i);
        hits = docs.filter(inYear).reverse().map((doc) => ({ doc, count: 0, titleTerms: 0 }));
      } else {
        const per = await Promise.all(terms.map((t) => this.term(t)));
        per.sort((a, b) => a.docs.length - b.docs.length);
        const others = per.slice(1).map((r) => {
          const m = new Map();
          r.docs.forEach((d, i) => m.set(d, i));
          return { r, m };
        });
        const first = per[0];
        for (let i = 0; i < first.docs.length; i++) {
          const doc = first.docs[i];
          if (!inYear(doc) || filters.some((f) => !has(f, doc))) continue;
          let count = first.count[i];
          let titleTerms = first.title[i] ? 1 : 0;
          let ok = true;
          for (const { r, m } of others) {
            const j = m.get(doc);
            if (j === undefined) { ok = false; break; }
            count += r.count[j];
            if (r.title[j]) titleTerms++;
          }
          if (ok) hits.push({ doc, count, titleTerms });
        }
        hits.sort((a, b) => b.titleTerms - a.titleTerms || b.count - a.count || b.doc - a.doc);
      }
      return { terms, hits, total: hits.length };
    }

    /** The segment that holds article `doc`. */
    segmentOf(doc) {
      return this.segments.find((s) => doc >= s.first && doc < s.first + s.count);
    }

    /** What a result shows of article `doc`: `{title, url, date, date_zh, issue, issue_url,
        county, unit}`, URLs relative to the site's base. Its text is on its own page. */
    async article(doc) {
      const seg = this.segmentOf(doc);
      const [title, url, date, issue, county, unit] = await seg.article(doc - seg.first);
      // `issues/2021-125/renshe-jiuye/` is in the issue `issues/2021-125/`.
      const issueUrl = url.replace(/[^/]+\/$/, '');
      const [y, m, d] = date.split('-').map(Number);
      return { title, url, date, date_zh: y + '年' + m + '月' + d + '日', issue, issue_url: issueUrl, county, unit };
    }
  }

  // ---- Periods --------------------------------------------------------------------------------

  /** `2021-Q3` as `{year: 2021, quarter: 3}`, or null. */
  function parseQuarter(s) {
    const m = /^(\d{4})-Q([1-4])$/.exec(String(s || ''));
    return m ? { year: Number(m[1]), quarter: Number(m[2]) } : null;
  }

  /** `2021-07` as `{year: 2021, month: 7}`, or null. */
  function parseMonth(s) {
    const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(String(s || ''));
    return m ? { year: Number(m[1]), month: Number(m[2]) } : null;
  }

  /** How the page names a month or quarter filter: `2021年7月`, `2021年第三季度` (as the
      statistics page does); '' for a value that is neither. */
  function periodLabel(field, value) {
    if (field === 'month') {
      const m = parseMonth(value);
      return m ? m.year + '年' + m.month + '月' : '';
    }
    const q = parseQuarter(value);
    return q ? q.year + '年第' + '一二三四'[q.quarter - 1] + '季度' : '';
  }

  // ---- Snippets -------------------------------------------------------------------------------

  /** Where the terms occur in `text`: sorted, merged [start, end) UTF-16 ranges. */
  function matchRanges(text, terms) {
    const f = foldString(text);
    const ranges = [];
    for (const t of terms) {
      let at = 0;
      for (;;) {
        const i = f.indexOf(t.text, at);
        if (i < 0) break;
        const end = i + t.text.length;
        at = i + 1;
        if (t.kind === 'word') {
          const before = i > 0 ? f.codePointAt(i - 1) : 0;
          const prev = i > 1 && before >= 0xdc00 && before <= 0xdfff ? f.codePointAt(i - 2) : before;
          const next = end < f.length ? f.codePointAt(end) : 0;
          if ((i > 0 && isWord(prev)) || (end < f.length && isWord(next))) continue;
        }
        ranges.push([i, end]);
      }
    }
    ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const merged = [];
    for (const r of ranges) {
      const last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push(r.slice());
    }
    return merged;
  }

  /** `text` as segments `{text, mark}` with the terms marked. */
  function highlight(text, terms) {
    const out = [];
    let at = 0;
    for (const [a, b] of matchRanges(text, terms)) {
      if (a > at) out.push({ text: text.slice(at, a), mark: false });
      out.push({ text: text.slice(a, b), mark: true });
      at = b;
    }
    if (at < text.length) out.push({ text: text.slice(at), mark: false });
    return out;
  }

  /** About `width` characters of `text` around the first match, as marked segments, with an
      ellipsis where it was cut. */
  function snippet(text, terms, width = 110) {
    const flat = String(text || '').replace(/\s+/g, ' ').trim();
    const first = matchRanges(flat, terms)[0];
    let start = first ? Math.max(0, first[0] - Math.floor(width / 3)) : 0;
    let end = Math.min(flat.length, start + width);
    start = Math.max(0, Math.min(start, end - width));
    // Do not cut a surrogate pair.
    if (start > 0 && /[\udc00-\udfff]/.test(flat[start])) start--;
    if (end < flat.length && /[\udc00-\udfff]/.test(flat[end])) end++;
    const segs = highlight(flat.slice(start, end), terms);
    if (start > 0) segs.unshift({ text: '…', mark: false });
    if (end < flat.length) segs.push({ text: '…', mark: false });
    return segs;
  }

  // ---- The page -------------------------------------------------------------------------------

  /** Wire the search page (`#search` with `data-index`) up; does nothing on other pages. */
  function startPage(doc) {
    const rootEl = doc.getElementById('search');
    if (!rootEl || rootEl.dataset.started) return;
    rootEl.dataset.started = '1';
    const win = doc.defaultView;
    const form = rootEl.querySelector('form');
    const status = doc.getElementById('search-status');
    const list = doc.getElementById('search-results');
    const more = doc.getElementById('search-more');
    const indexUrl = rootEl.dataset.index;
    const dir = indexUrl.slice(0, indexUrl.lastIndexOf('/') + 1);
    const base = rootEl.dataset.base || '/';
    const baseTitle = doc.title;
    // `all=1` (the statistics page's grand total) lists every article; a new search drops it.
    const fields = ['q', 'county', 'topic', 'unit', 'year', 'month', 'quarter', 'all'];
    // Unit, month and quarter come from links (the statistics page's counts), kept in hidden
    // inputs and shown as buttons that remove them.
    const periods = ['month', 'quarter'];
    const chips = ['unit', ...periods];
    const chipLabel = (f, v) => (f === 'unit' ? '单位：' + v : periodLabel(f, v));
    const periodBox = doc.getElementById('search-period');
    let opening = null;
    let run = 0;
    let shown = null;

    const open = () => {
      if (!opening) {
        opening = SearchIndex.open((path) =>
          win.fetch(dir + path).then((r) => {
            if (!r.ok) throw new Error(r.status + ' ' + dir + path);
            return r.arrayBuffer();
          }));
        opening.catch(() => { opening = null; });
      }
      return opening;
    };

    const readUrl = () => {
      const p = new URLSearchParams(win.location.search);
      const query = {};
      for (const f of fields) {
        query[f] = (p.get(f) || '').trim();
        // A month or quarter that is not one (a mistyped link) is no filter.
        if (periods.includes(f) && !periodLabel(f, query[f])) query[f] = '';
        if (f === 'all' && query[f] !== '1') query[f] = '';
        const el = form.elements[f];
        if (el) el.value = query[f];
        // An option the page does not have (an old link) is not selected silently.
        if (el && el.tagName === 'SELECT' && el.value !== query[f]) query[f] = '';
      }
      return query;
    };

    const readForm = () => {
      const query = {};
      for (const f of fields) query[f] = form.elements[f] ? String(form.elements[f].value).trim() : '';
      return query;
    };

    const label = (f, v) => {
      const el = form.elements[f];
      if (!el || el.tagName !== 'SELECT') return v;
      const o = Array.from(el.options).find((x) => x.value === v);
      return o ? o.textContent.replace(/\s*\(\d+\)$/, '').trim() : v;
    };

    const say = (text, state) => {
      status.textContent = text;
      rootEl.dataset.state = state;
    };

    const el = (tag, props, children) => {
      const e = doc.createElement(tag);
      Object.assign(e, props || {});
      for (const c of children || []) e.append(c);
      return e;
    };

    const marked = (segs) => segs.map((s) => (s.mark ? el('mark', { textContent: s.text }) : s.text));

    // The text of an article, for its snippet, from its own page: the `.body` in `<main>` of the
    // default theme's article.html, or the whole `<main>`.
    const pages = new Map();
    const pageText = (url) => {
      if (!pages.has(url)) {
        const p = win.fetch(base + url)
          .then((r) => (r.ok ? r.text() : ''))
          .then((html) => {
            const page = new win.DOMParser().parseFromString(html, 'text/html');
            const body = page.querySelector('main .body') || page.querySelector('main') || page.body;
            if (!body) return '';
            for (const p of body.querySelectorAll('p, li, h2, h3, h4, tr, br')) p.append(' ');
            return body.textContent;
          })
          .catch(() => '');
        pages.set(url, p);
      }
      return pages.get(url);
    };

    const renderHit = (a, terms) => {
      const meta = [a.county];
      if (a.unit && a.unit !== a.county) meta.push(a.unit);
      const time = el('time', { dateTime: a.date, textContent: a.date_zh });
      const issue = el('a', { href: base + a.issue_url, textContent: a.issue });
      return el('li', { className: 'search-result' }, [
        el('h2', {}, [el('a', { href: base + a.url }, marked(highlight(a.title, terms)))]),
        el('p', { className: 'meta' }, [meta.join(' · ') + ' · ', issue, ' · ', time]),
        el('p', { className: 'snippet' }, marked(snippet(a.text, terms))),
      ]);
    };

    const showMore = async (focusFirst) => {
      const { index, result, mine } = shown;
      const from = list.children.length;
      const slice = result.hits.slice(from, from + PAGE_SIZE);
      const arts = await Promise.all(slice.map(async (h) => {
        const a = await index.article(h.doc);
        a.text = await pageText(a.url);
        return a;
      }));
      if (mine !== run) return;
      const items = arts.map((a) => renderHit(a, result.terms));
      for (const li of items) list.append(li);
      more.hidden = list.children.length >= result.total;
      if (focusFirst && items[0]) items[0].querySelector('a').focus();
    };

    const describe = (query, n) => {
      const parts = [];
      if (query.county) parts.push(label('county', query.county));
      if (query.topic) parts.push(label('topic', query.topic));
      if (query.year) parts.push(label('year', query.year));
      if (query.unit) parts.push(query.unit);
      for (const f of periods) if (query[f]) parts.push(periodLabel(f, query[f]));
      const within = parts.length ? '（' + parts.join('、') + '）' : '';
      if (!n) {
        const what = query.q ? '与“' + query.q + '”相符的文章' : '文章';
        return '没有找到' + what + within + '。可以减少或换用关键词，检查用字，或去掉筛选条件。';
      }
      if (query.q) return '找到 ' + n + ' 篇包含“' + query.q + '”的文章' + within + '。';
      return '共 ' + n + ' 篇文章' + within + '，按时间由近及远排列。';
    };

    const showPeriods = (query) => {
      if (!periodBox) return;
      const on = chips.filter((f) => query[f]);
      periodBox.textContent = '';
      periodBox.hidden = !on.length;
      if (!on.length) return;
      for (const f of on) {
        const name = chipLabel(f, query[f]);
        const b = el('button', { type: 'button', className: 'search-chip', textContent: name + ' ×' });
        b.setAttribute('aria-label', '去掉筛选：' + name);
        b.addEventListener('click', () => {
          form.elements[f].value = '';
          form.requestSubmit();
        });
        periodBox.append(b);
      }
    };

    const search = async (query) => {
      const mine = ++run;
      showPeriods(query);
      list.textContent = '';
      more.hidden = true;
      shown = null;
      doc.title = query.q ? '“' + query.q + '” · ' + baseTitle : baseTitle;
      if (!fields.some((f) => query[f])) {
        say('输入关键词搜索全部简报，或选择县区、专题、年份浏览。', 'idle');
        return;
      }
      say('正在搜索…', 'searching');
      try {
        const index = await open();
        const result = await index.search(query);
        if (mine !== run) return;
        shown = { index, result, mine };
        if (result.total) await showMore(false);
        if (mine !== run) return;
        say(describe(query, result.total), result.total ? 'done' : 'empty');
      } catch (err) {
        if (mine === run) say('搜索出错：' + err.message + '。请稍后重试。', 'error');
      }
    };

    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const query = readForm();
      const p = new URLSearchParams();
      for (const f of fields) if (query[f]) p.set(f, query[f]);
      const qs = p.toString();
      const url = win.location.pathname + (qs ? '?' + qs : '');
      if (url !== win.location.pathname + win.location.search) win.history.pushState(null, '', url);
      search(query);
    });
    more.addEventListener('click', () => { if (shown) showMore(true); });
    win.addEventListener('popstate', () => search(readUrl()));

    const query = readUrl();
    if (!query.q) form.elements.q.focus();
    search(query);
  }

  return {
    FORMAT, PAGE_SIZE, isHan, fold, foldString, isWord, parseQuery, keysOf, fnv1a, varint,
    parseShard, parseCharShard, cover, intersect, shardName, shardEnds, Segment, SearchIndex, matchRanges, highlight, snippet,
    parseMonth, parseQuarter, periodLabel, startPage,
  };
});

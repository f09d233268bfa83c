/* search.js: the marketplace's own search client (no dependencies, ES2017).

   Part 1, the engine, reads the prebuilt `search-index.json` (the elasticlunr.js 0.9.5
   serialisation written by elasticlunr-rs) and answers queries the way
   `elasticlunr.Index.load(json).search(query, options)` does: the same tokenizer,
   trimmer, English stop words and Porter stemmer, the same scoring (tf x idf x field
   length norm, the penalty for expanded tokens, coordNorm, per-field boosts, bool
   OR/AND), and the same order of results, ties included. tests/js/ holds it to that
   against elasticlunr.js itself over the real catalogue.

   Part 2, the search page (search/index.html, found by #search-results), adds what
   elasticlunr lacks on top of it: the last word typed matched as a prefix, facets,
   sorting, the state in the URL. Every text from the data reaches the page through
   textContent or attributes, never as HTML.

   In Node (`require`), the file exports {tokenize, trimmer, stopWordFilter, stem,
   STOP_WORDS, Index} and touches no DOM. */
(function () {
  'use strict';

  /* ---------------------------------------------------------------- text pipeline */

  /* elasticlunr splits on runs of whitespace and hyphens, after trimming and lowercasing
     a string; the items of an array are lowercased and split, not trimmed. */
  var SEPARATOR = /[\s\-]+/;

  function tokenize(input) {
    if (input === null || input === undefined) return [];
    if (Array.isArray(input)) {
      var out = [];
      for (var i = 0; i < input.length; i++) {
        var item = input[i];
        if (item === null || item === undefined) continue;
        var parts = String(item).toLowerCase().split(SEPARATOR);
        for (var j = 0; j < parts.length; j++) out.push(parts[j]);
      }
      return out;
    }
    return String(input).trim().toLowerCase().split(SEPARATOR);
  }

  /* Strips non-word characters (ASCII \W, as elasticlunr does) from both ends. */
  function trimmer(token) {
    return token.replace(/^\W+/, '').replace(/\W+$/, '');
  }

  var STOP_WORDS = new Set((
    'a able about across after all almost also am among an and any are as at be because ' +
    'been but by can cannot could dear did do does either else ever every for from get got ' +
    'had has have he her hers him his how however i if in into is it its just least let ' +
    'like likely may me might most must my neither no nor not of off often on only or ' +
    'other our own rather said say says she should since so some than that the their them ' +
    'then there these they this tis to too twas us wants was we were what when where which ' +
    'while who whom why will with would yet you your'
  ).split(' '));

  /* Drops stop words and empty tokens (returns undefined, which ends the pipeline). */
  function stopWordFilter(token) {
    if (token && !STOP_WORDS.has(token)) return token;
    return undefined;
  }

  /* ---------------------------------------------------------------- Porter stemmer

     Martin Porter's algorithm (1980) in the variant elasticlunr.js and lunr.js use,
     written here from the rules rather than as regular expressions:
     - a letter is a vowel if it is a, e, i, o or u, or a y that follows a consonant
       (a y at the start of the word is a consonant); anything else, digits and
       punctuation included, is a consonant;
     - m, the measure of a stem, counts its vowel-run/consonant-run pairs;
     - each step strips the longest listed suffix that leaves at least one letter in
       front of it and replaces it when the stem meets the step's condition; a suffix
       whose condition fails is not retried shorter;
     - the "short syllable" test (*o) means exactly: consonants, one vowel (or y), one
       final letter other than a vowel, w, x or y, and nothing else. */

  var VOWELS = 'aeiou';

  function isVowelAt(word, i) {
    var ch = word.charAt(i);
    if (VOWELS.indexOf(ch) >= 0) return true;
    if (ch !== 'y' || i === 0) return false;
    return !isVowelAt(word, i - 1);
  }

  /* The measure m of word[0..end). */
  function measure(word, end) {
    var m = 0;
    var inVowels = false;
    for (var i = 0; i < end; i++) {
      var vowel = isVowelAt(word, i);
      if (inVowels && !vowel) m += 1;
      inVowels = vowel;
    }
    return m;
  }

  function hasVowel(word, end) {
    for (var i = 0; i < end; i++) if (isVowelAt(word, i)) return true;
    return false;
  }

  /* *o over the whole of s: [consonants][vowel or y][one letter not in aeiouwxy]. */
  function isShortSyllableWord(s) {
    var n = s.length;
    if (n < 3) return false;
    if ('aeiouwxy'.indexOf(s.charAt(n - 1)) >= 0) return false;
    if ('aeiouy'.indexOf(s.charAt(n - 2)) < 0) return false;
    if (VOWELS.indexOf(s.charAt(0)) >= 0) return false;
    for (var i = 1; i < n - 2; i++) {
      if ('aeiouy'.indexOf(s.charAt(i)) >= 0) return false;
    }
    return true;
  }

  function endsWith(s, suffix) {
    return s.length >= suffix.length && s.slice(s.length - suffix.length) === suffix;
  }

  /* The longest suffix of `suffixes` that `word` ends with, leaving >= 1 letter before it. */
  function longestSuffix(word, suffixes) {
    var best = null;
    for (var i = 0; i < suffixes.length; i++) {
      var s = suffixes[i];
      if (word.length > s.length && endsWith(word, s) && (best === null || s.length > best.length)) best = s;
    }
    return best;
  }

  var STEP2 = {
    ational: 'ate', tional: 'tion', enci: 'ence', anci: 'ance', izer: 'ize', bli: 'ble',
    alli: 'al', entli: 'ent', eli: 'e', ousli: 'ous', ization: 'ize', ation: 'ate',
    ator: 'ate', alism: 'al', iveness: 'ive', fulness: 'ful', ousness: 'ous', aliti: 'al',
    iviti: 'ive', biliti: 'ble', logi: 'log'
  };
  var STEP2_SUFFIXES = Object.keys(STEP2);
  var STEP3 = { icate: 'ic', ative: '', alize: 'al', iciti: 'ic', ical: 'ic', ful: '', ness: '' };
  var STEP3_SUFFIXES = Object.keys(STEP3);
  var STEP4_SUFFIXES = ['al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment',
    'ent', 'ou', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize'];

  function stem(word) {
    var w = word;
    if (w.length < 3) return w;
    var n;

    // Step 1a: sses -> ss, ies -> i, s -> '' (not after another s).
    if (w.length > 4 && endsWith(w, 'sses')) w = w.slice(0, -2);
    else if (w.length > 3 && endsWith(w, 'ies')) w = w.slice(0, -2);
    else if (w.length > 2 && w.charAt(w.length - 1) === 's' && w.charAt(w.length - 2) !== 's') w = w.slice(0, -1);

    // Step 1b: (m>0) eed -> ee; (*v*) ed, ing -> '' and then tidy the stem.
    if (w.length > 3 && endsWith(w, 'eed')) {
      if (measure(w, w.length - 3) > 0) w = w.slice(0, -1);
    } else {
      var cut = w.length > 2 && endsWith(w, 'ed') ? 2 : w.length > 3 && endsWith(w, 'ing') ? 3 : 0;
      if (cut && hasVowel(w, w.length - cut)) {
        w = w.slice(0, -cut);
        n = w.length;
        var last = w.charAt(n - 1);
        if (endsWith(w, 'at') || endsWith(w, 'bl') || endsWith(w, 'iz')) w += 'e';
        else if (n >= 2 && last === w.charAt(n - 2) && 'aeiouylsz'.indexOf(last) < 0) w = w.slice(0, -1);
        else if (isShortSyllableWord(w)) w += 'e';
      }
    }

    // Step 1c: y -> i after a consonant that is not the first letter.
    n = w.length;
    if (n > 2 && w.charAt(n - 1) === 'y' && VOWELS.indexOf(w.charAt(n - 2)) < 0) w = w.slice(0, -1) + 'i';

    // Steps 2 and 3: (m>0) suffix -> replacement.
    var s2 = longestSuffix(w, STEP2_SUFFIXES);
    if (s2 !== null && measure(w, w.length - s2.length) > 0) w = w.slice(0, w.length - s2.length) + STEP2[s2];
    var s3 = longestSuffix(w, STEP3_SUFFIXES);
    if (s3 !== null && measure(w, w.length - s3.length) > 0) w = w.slice(0, w.length - s3.length) + STEP3[s3];

    // Step 4: (m>1) suffix -> ''; (m>1 and stem ends in s or t) ion -> ''.
    var s4 = longestSuffix(w, STEP4_SUFFIXES);
    if (s4 !== null) {
      if (measure(w, w.length - s4.length) > 1) w = w.slice(0, w.length - s4.length);
    } else if (w.length > 4 && endsWith(w, 'ion') && 'st'.indexOf(w.charAt(w.length - 4)) >= 0) {
      if (measure(w, w.length - 3) > 1) w = w.slice(0, -3);
    }

    // Step 5a: (m>1) e -> ''; (m=1 and not *o) e -> ''.
    if (w.length > 1 && w.charAt(w.length - 1) === 'e') {
      var stemPart = w.slice(0, -1);
      var m = measure(stemPart, stemPart.length);
      if (m > 1 || (m === 1 && !isShortSyllableWord(stemPart))) w = stemPart;
    }

    // Step 5b: (m>1) ll -> l.
    if (endsWith(w, 'll') && measure(w, w.length) > 1) w = w.slice(0, -1);

    return w;
  }

  var PIPELINE_FUNCTIONS = { trimmer: trimmer, stopWordFilter: stopWordFilter, stemmer: stem };

  /* Runs one token through the pipeline; undefined when a function drops it. */
  function runPipeline(functions, token, i, tokens) {
    var t = token;
    for (var j = 0; j < functions.length; j++) {
      t = functions[j](t, i, tokens);
      if (t === undefined || t === null) return undefined;
    }
    return t;
  }

  /* ---------------------------------------------------------------- the index

     The serialised index is used as it is: per field, a trie of single characters whose
     nodes hold {docs: {ref: {tf}}, df}. Scores are accumulated in prototype-less objects:
     their key order (integer-like keys first, then insertion order) is the order
     elasticlunr's plain objects have, so equal scores keep elasticlunr's order through
     the stable sort. The arithmetic is written in elasticlunr's order of operations, so
     scores are bit-for-bit the same. */

  var hasOwn = Object.prototype.hasOwnProperty;
  var EMPTY = Object.freeze({});

  function dict() {
    return Object.create(null);
  }

  function Index(json) {
    var pipeline = json.pipeline || [];
    this.fields = (json.fields || []).slice();
    this.ref = json.ref;
    this.pipeline = pipeline.map(function (name) {
      if (!hasOwn.call(PIPELINE_FUNCTIONS, name)) {
        throw new Error('search index: unknown pipeline function "' + name + '"');
      }
      return PIPELINE_FUNCTIONS[name];
    });
    var store = json.documentStore || {};
    this.docs = store.docs || {};
    this.docInfo = store.docInfo || {};
    this.docCount = store.length || 0;
    this.tries = dict();
    for (var field in json.index) {
      if (hasOwn.call(json.index, field)) this.tries[field] = json.index[field].root;
    }
    this.idfCache = dict();
  }

  /* Accepts the parsed JSON or its text. */
  Index.load = function (json) {
    return new Index(typeof json === 'string' ? JSON.parse(json) : json);
  };

  /* The trie node of `token` (walked by UTF-16 code unit, as elasticlunr.js does). */
  Index.prototype.node = function (field, token) {
    if (!token) return null;
    var node = this.tries[field];
    if (!node) return null;
    for (var i = 0; i < token.length; i++) {
      var ch = token[i];
      if (!hasOwn.call(node, ch) || !node[ch]) return null;
      node = node[ch];
    }
    return node;
  };

  Index.prototype.postings = function (field, token) {
    var node = this.node(field, token);
    return node ? node.docs : EMPTY;
  };

  Index.prototype.idf = function (field, term) {
    var cache = this.idfCache[field] || (this.idfCache[field] = dict());
    if (term in cache) return cache[term];
    var node = this.node(field, term);
    var df = node ? node.df : 0;
    return (cache[term] = 1 + Math.log(this.docCount / (df + 1)));
  };

  Index.prototype.fieldLength = function (ref, field) {
    if (!hasOwn.call(this.docs, ref)) return 0;
    var info = this.docInfo[ref];
    if (!info || !hasOwn.call(info, field)) return 0;
    return info[field];
  };

  /* Every indexed term that starts with `token` (the token itself first when it is one),
     depth first in the trie's key order. */
  Index.prototype.expand = function (field, token) {
    var start = this.node(field, token);
    var out = [];
    if (!start) return out;
    (function walk(prefix, node) {
      if (node.df > 0) out.push(prefix);
      var keys = Object.keys(node);
      for (var i = 0; i < keys.length; i++) {
        if (keys[i] === 'docs' || keys[i] === 'df') continue;
        walk(prefix + keys[i], node[keys[i]]);
      }
    })(token, start);
    return out;
  };

  /* elasticlunr's Configuration: per searched field {boost, bool, expand}. Without
     options, or when they cannot be read, every field with boost 1, OR, no expansion. */
  Index.prototype.configure = function (options) {
    var fields = this.fields;
    var defaults = function () {
      var config = dict();
      fields.forEach(function (f) { config[f] = { boost: 1, bool: 'OR', expand: false }; });
      return config;
    };
    if (options === null || options === undefined) return defaults();
    try {
      var user = JSON.parse(JSON.stringify(options));
      var bool = 'bool' in user ? user.bool || 'OR' : 'OR';
      var expand = 'expand' in user ? user.expand || false : false;
      var config = dict();
      if ('fields' in user) {
        var wanted = user.fields;
        for (var name in wanted) {
          if (fields.indexOf(name) < 0) continue;
          var fc = wanted[name];
          config[name] = {
            boost: fc.boost || fc.boost === 0 ? fc.boost : 1,
            bool: fc.bool || bool,
            expand: fc.expand != undefined ? fc.expand : expand // eslint-disable-line eqeqeq
          };
        }
      } else {
        fields.forEach(function (f) { config[f] = { boost: 1, bool: bool, expand: expand }; });
      }
      return config;
    } catch (e) {
      return defaults();
    }
  };

  /* The query's terms: each word through the pipeline. `last` marks the term made from
     the last word of the query (when that word survives the pipeline). */
  Index.prototype.terms = function (query) {
    var words = tokenize(query);
    var lastWord = words.length - 1; /* "yolo -" ends in an empty word: skip it */
    while (lastWord >= 0 && trimmer(words[lastWord]) === '') lastWord -= 1;
    var terms = [];
    for (var i = 0; i < words.length; i++) {
      var term = runPipeline(this.pipeline, words[i], i, words);
      if (term !== undefined) terms.push({ term: term, last: i === lastWord });
    }
    return terms;
  };

  /* One field's scores for the terms: a dict ref -> score, or null when the field is
     off (boost 0) or there is no term. */
  Index.prototype.fieldScores = function (terms, field, config, prefixLast) {
    var fc = config[field];
    if (fc.boost === 0) return null;
    var and = fc.bool == 'AND'; // eslint-disable-line eqeqeq
    var expandAll = fc.expand == true; // eslint-disable-line eqeqeq
    var scores = null;
    var found = dict(); /* ref -> how many query terms it holds as they are */

    for (var t = 0; t < terms.length; t++) {
      var term = terms[t].term;
      var keys = expandAll || (prefixLast && terms[t].last) ? this.expand(field, term) : [term];
      var termScores = dict();
      for (var k = 0; k < keys.length; k++) {
        var key = keys[k];
        var docs = this.postings(field, key);
        var idf = this.idf(field, key);
        var refs;
        if (scores && and) {
          refs = Object.keys(scores).filter(function (ref) { return hasOwn.call(docs, ref); });
        } else {
          refs = Object.keys(docs);
        }
        /* coordNorm counts the query terms a document holds, not their expansions */
        if (key === term) {
          for (var f = 0; f < refs.length; f++) found[refs[f]] = (found[refs[f]] || 0) + 1;
        }
        var penalty = 1;
        if (key !== term) penalty = (1 - (key.length - term.length) / key.length) * 0.15;
        for (var r = 0; r < refs.length; r++) {
          var ref = refs[r];
          var tf = docs[ref].tf;
          var length = this.fieldLength(ref, field);
          var norm = length != 0 ? 1 / Math.sqrt(length) : 1; // eslint-disable-line eqeqeq
          var score = tf * idf * norm * penalty;
          termScores[ref] = ref in termScores ? termScores[ref] + score : score;
        }
      }
      scores = combine(scores, termScores, and);
    }

    if (scores) {
      for (var doc in scores) {
        if (doc in found) scores[doc] = scores[doc] * found[doc] / terms.length;
      }
    }
    return scores;
  };

  function combine(total, add, and) {
    if (!total) return add;
    var ref;
    if (and) {
      var both = dict();
      for (ref in add) if (ref in total) both[ref] = total[ref] + add[ref];
      return both;
    }
    for (ref in add) total[ref] = ref in total ? total[ref] + add[ref] : add[ref];
    return total;
  }

  /* search(query, options) -> [{ref, score}], best first.
     options are elasticlunr's: {fields: {name: {boost, bool, expand}}, bool, expand}.
     One addition, ignored by elasticlunr: `prefixLast: true` also expands the term of the
     query's last word (as `expand` would) in every field, whatever `expand` says. */
  Index.prototype.search = function (query, options) {
    if (!query) return [];
    var config = this.configure(options);
    var prefixLast = !!(options && options.prefixLast);
    var terms = this.terms(query);
    var total = dict();
    for (var field in config) {
      var scores = this.fieldScores(terms, field, config, prefixLast);
      if (!scores) continue;
      var boost = config[field].boost;
      var ref;
      for (ref in scores) scores[ref] = scores[ref] * boost;
      for (ref in scores) total[ref] = ref in total ? total[ref] + scores[ref] : scores[ref];
    }
    var results = Object.keys(total).map(function (ref) { return { ref: ref, score: total[ref] }; });
    results.sort(function (a, b) { return b.score - a.score; }); /* stable: ties keep key order */
    return results;
  };

  var engine = {
    tokenize: tokenize,
    trimmer: trimmer,
    stopWordFilter: stopWordFilter,
    stem: stem,
    STOP_WORDS: STOP_WORDS,
    Index: Index
  };

  if (typeof module === 'object' && module.exports) {
    module.exports = engine;
    return;
  }
  if (typeof document === 'undefined') return;

  /* ================================================================ the search page */

  var DEBOUNCE_MS = 80;
  var PAGE_SIZE = 50;
  var TOP_TAGS = 15;
  var SORTS = { relevance: 'Relevance', newest: 'Newest first', title: 'Title (A–Z)' };
  var NO_LICENCE = 'not-stated';

  /* Facet groups: URL parameter, legend, the values a module has, how a value reads. */
  function facetGroups(data) {
    return [
      { key: 'category', legend: 'Category',
        values: function (m) { return [m.category]; },
        label: function (v) { return data.categories[v] || v; } },
      { key: 'tag', legend: 'Tag', limit: TOP_TAGS,
        values: function (m) { return m.tags || []; },
        label: function (v) { return v; } },
      { key: 'license', legend: 'Licence',
        values: function (m) { return [m.license || NO_LICENCE]; },
        label: function (v) { return v === NO_LICENCE ? 'Not stated' : v; } },
      { key: 'use', legend: 'Use', fixedOrder: ['predict', 'train'],
        values: function (m) {
          var out = [];
          if (m.predict) out.push('predict');
          if (m.train) out.push('train');
          return out;
        },
        label: function (v) { return v === 'predict' ? 'Predict' : 'Train'; } }
    ];
  }
  var FACET_KEYS = ['category', 'tag', 'license', 'use'];

  function slugify(s) {
    var out = '';
    for (var i = 0; i < s.length; i++) {
      var ch = s.charAt(i);
      if (/[A-Za-z0-9]/.test(ch)) out += ch.toLowerCase();
      else if (out && out.charAt(out.length - 1) !== '-') out += '-';
    }
    return out.replace(/-+$/, '');
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function plural(n, one, many) {
    return n + ' ' + (n === 1 ? one : many);
  }

  /* ---- state <-> URL: ?q=...&category=...&tag=...&license=...&use=...&sort=... */

  function emptyState() {
    return { q: '', category: [], tag: [], license: [], use: [], sort: 'relevance' };
  }

  function readState(search) {
    var params = new URLSearchParams(search);
    var state = emptyState();
    state.q = params.get('q') || '';
    FACET_KEYS.forEach(function (key) {
      params.getAll(key).forEach(function (v) {
        if (v && state[key].indexOf(v) < 0) state[key].push(v);
      });
    });
    var sort = params.get('sort');
    if (sort && hasOwn.call(SORTS, sort)) state.sort = sort;
    return state;
  }

  function stateQuery(state) {
    var params = new URLSearchParams();
    if (state.q) params.set('q', state.q);
    FACET_KEYS.forEach(function (key) {
      state[key].forEach(function (v) { params.append(key, v); });
    });
    if (state.sort !== 'relevance') params.set('sort', state.sort);
    var qs = params.toString();
    return qs ? '?' + qs : '';
  }

  function hasFilters(state) {
    return FACET_KEYS.some(function (key) { return state[key].length > 0; });
  }

  function startSearchPage() {
    var results = document.getElementById('search-results');
    var input = document.getElementById('search-input');
    var form = document.getElementById('search-form');
    var facetsBox = document.getElementById('search-facets');
    if (!results || !input) return;

    var root = results.getAttribute('data-root') || '../';
    var indexUrl = results.getAttribute('data-index') || root + 'search-index.json';
    var dataUrl = results.getAttribute('data-data') || root + 'search-data.json';
    var baseTitle = document.title;

    var state = readState(window.location.search);
    var index = null;
    var data = null;
    var groups = null;
    var options = null;
    var loading = null;
    var timer = 0;
    var typing = false; /* the current history entry holds the query being typed */
    var shown = PAGE_SIZE;
    var ui = null;

    input.value = state.q;

    /* The toolbar, status line, list and "more" button are built once; only their
       contents change, so focus stays where the visitor left it. */
    function buildUi() {
      if (ui) return ui;
      ui = {};
      var bar = el('div', 'search-toolbar');
      bar.appendChild(el('h2', 'visually-hidden', 'Results'));
      ui.status = el('p', 'search-status');
      ui.status.id = 'search-status';
      ui.status.setAttribute('role', 'status');
      bar.appendChild(ui.status);
      var sortLabel = el('label', 'search-sort');
      sortLabel.appendChild(el('span', null, 'Sort by '));
      ui.sort = el('select');
      ui.sort.id = 'search-sort';
      Object.keys(SORTS).forEach(function (key) {
        var option = el('option', null, SORTS[key]);
        option.value = key;
        ui.sort.appendChild(option);
      });
      ui.sort.addEventListener('change', function () {
        state.sort = ui.sort.value;
        commit(true);
      });
      sortLabel.appendChild(ui.sort);
      ui.sortLabel = sortLabel;
      bar.appendChild(sortLabel);
      results.appendChild(bar);

      ui.empty = el('div', 'search-empty notice');
      ui.empty.hidden = true;
      results.appendChild(ui.empty);

      ui.list = el('ul', 'card-grid search-list');
      ui.list.setAttribute('aria-labelledby', 'search-status');
      ui.list.addEventListener('keydown', onListKey);
      results.appendChild(ui.list);

      ui.more = el('button', 'button search-more');
      ui.more.type = 'button';
      ui.more.hidden = true;
      ui.more.addEventListener('click', function () {
        var first = ui.list.children.length;
        shown += PAGE_SIZE;
        render();
        var link = resultLinks()[first];
        if (link) link.focus();
      });
      results.appendChild(ui.more);
      return ui;
    }

    function fetchJson(url) {
      return fetch(url, { credentials: 'same-origin' }).then(function (response) {
        if (!response.ok) throw new Error(url + ': HTTP ' + response.status);
        return response.json();
      });
    }

    function load() {
      if (loading) return loading;
      buildUi();
      /* The (still empty) filter panel appears with the status line, not later with the
         results: the results then never move down or aside when they arrive. */
      if (facetsBox) facetPanel();
      ui.status.textContent = 'Loading the search index…';
      ui.sortLabel.hidden = true;
      loading = Promise.all([fetchJson(indexUrl), fetchJson(dataUrl)]).then(function (loaded) {
        index = Index.load(loaded[0]);
        data = loaded[1];
        groups = facetGroups(data);
        var fields = {};
        Object.keys(data.boosts || {}).forEach(function (f) { fields[f] = { boost: data.boosts[f] }; });
        /* Earlier words match whole (their stems); the last word also matches as a
           prefix: its stem is expanded over the index's terms, with elasticlunr's
           penalty, so "yolo" finds "yolov8" and "sate" finds "satellite". A last word
           that is a stop word is dropped, not expanded. */
        options = { fields: fields, bool: 'OR', expand: false, prefixLast: true };
        ui.sortLabel.hidden = false;
        render();
      }, function (error) {
        loading = null; /* the next focus tries again */
        showLoadError(error);
      });
      return loading;
    }

    function showLoadError(error) {
      if (facetsBox) {
        facetsBox.textContent = '';
        facetPanelParts = null;
      }
      ui.status.textContent = '';
      ui.empty.hidden = false;
      ui.empty.textContent = '';
      ui.empty.appendChild(el('p', null, 'The search index could not be loaded (' + (error && error.message ? error.message : 'unknown error') + ').'));
      var p = el('p', null, 'Search needs the site to be served over HTTP. You can still browse the ');
      var cats = el('a', null, 'categories');
      cats.href = root + 'categories/index.html';
      var tags = el('a', null, 'tags');
      tags.href = root + 'tags/index.html';
      p.appendChild(cats);
      p.appendChild(document.createTextNode(' or the '));
      p.appendChild(tags);
      p.appendChild(document.createTextNode('.'));
      ui.empty.appendChild(p);
    }

    /* ---- matching, facets, sorting */

    function matches(q) {
      if (!q.trim()) {
        return Object.keys(data.modules).map(function (slug) { return { ref: slug, score: 0 }; });
      }
      return index.search(q, options).filter(function (hit) { return hasOwn.call(data.modules, hit.ref); });
    }

    function passes(module, skipKey) {
      for (var g = 0; g < groups.length; g++) {
        var group = groups[g];
        var wanted = state[group.key];
        if (group.key === skipKey || wanted.length === 0) continue;
        var values = group.values(module);
        if (!values.some(function (v) { return wanted.indexOf(v) >= 0; })) return false;
      }
      return true;
    }

    function compareTitles(a, b) {
      return a.title.localeCompare(b.title, 'en', { sensitivity: 'base', numeric: true }) ||
        (a.title < b.title ? -1 : a.title > b.title ? 1 : 0);
    }

    function sortHits(hits, byRelevance) {
      var mod = function (hit) { return data.modules[hit.ref]; };
      var newest = function (a, b) {
        var x = mod(a).created;
        var y = mod(b).created;
        return x < y ? 1 : x > y ? -1 : compareTitles(mod(a), mod(b));
      };
      if (state.sort === 'title') return hits.slice().sort(function (a, b) { return compareTitles(mod(a), mod(b)); });
      /* relevance keeps the engine's order; with no query there is none, so newest first */
      if (state.sort === 'newest' || !byRelevance) return hits.slice().sort(newest);
      return hits;
    }

    /* Counts for one group over the hits that pass every other group's filter
       (ticking a value shows how many modules it would add within its group). */
    function facetCounts(hits, group) {
      var counts = new Map();
      hits.forEach(function (hit) {
        var m = data.modules[hit.ref];
        if (!passes(m, group.key)) return;
        group.values(m).forEach(function (v) { counts.set(v, (counts.get(v) || 0) + 1); });
      });
      var values = Array.from(counts.keys());
      if (group.fixedOrder) {
        values = group.fixedOrder.filter(function (v) { return counts.has(v); });
      } else {
        values.sort(function (a, b) {
          return counts.get(b) - counts.get(a) || (group.label(a) < group.label(b) ? -1 : group.label(a) > group.label(b) ? 1 : 0);
        });
      }
      if (group.limit) values = values.slice(0, group.limit);
      state[group.key].forEach(function (v) { if (values.indexOf(v) < 0) values.push(v); });
      return values.map(function (v) { return { value: v, count: counts.get(v) || 0 }; });
    }

    function renderFacets(hits) {
      if (!facetsBox) return;
      var active = document.activeElement;
      var focusKey = active && active.getAttribute && active.getAttribute('data-facet') !== null
        ? active.getAttribute('data-facet') + '\u0000' + active.value : null;
      var panel = facetPanel();
      var active = FACET_KEYS.reduce(function (n, key) { return n + state[key].length; }, 0);
      panel.title.textContent = active ? 'Filter (' + active + ' selected)' : 'Filter';
      var body = panel.body;
      body.textContent = '';
      var refocus = null;
      groups.forEach(function (group) {
        var values = facetCounts(hits, group);
        if (values.length === 0) return;
        var fieldset = el('fieldset');
        fieldset.appendChild(el('legend', null, group.legend));
        values.forEach(function (item) {
          var label = el('label');
          var box = el('input');
          box.type = 'checkbox';
          box.value = item.value;
          box.setAttribute('data-facet', group.key);
          box.checked = state[group.key].indexOf(item.value) >= 0;
          box.addEventListener('change', onFacetChange);
          label.appendChild(box);
          label.appendChild(el('span', 'facet-name', group.label(item.value)));
          /* The number is seen; screen readers hear "11 modules" (aria-label is not
             allowed on a plain span). */
          var count = el('span', 'facet-count', String(item.count));
          count.setAttribute('aria-hidden', 'true');
          label.appendChild(count);
          label.appendChild(el('span', 'visually-hidden', ', ' + plural(item.count, 'module', 'modules')));
          fieldset.appendChild(label);
          if (focusKey === group.key + '\u0000' + item.value) refocus = box;
        });
        body.appendChild(fieldset);
      });
      if (hasFilters(state)) {
        var clear = el('button', 'button facet-clear', 'Clear filters');
        clear.type = 'button';
        clear.addEventListener('click', function () {
          FACET_KEYS.forEach(function (key) { state[key] = []; });
          commit(true);
          input.focus();
        });
        body.appendChild(clear);
      }
      if (refocus) refocus.focus();
    }

    /* The facets sit in a <details>: open beside the results on wide screens, closed
       above them on narrow ones (where they would push the results off the screen). */
    var facetPanelParts = null;
    function facetPanel() {
      if (facetPanelParts) return facetPanelParts;
      var details = el('details', 'facet-panel');
      details.open = !window.matchMedia || window.matchMedia('(min-width: 56rem)').matches;
      var summary = el('summary');
      var title = el('h2', 'search-facets-title', 'Filter');
      summary.appendChild(title);
      details.appendChild(summary);
      var body = el('div', 'facet-groups');
      details.appendChild(body);
      facetsBox.textContent = '';
      facetsBox.appendChild(details);
      facetPanelParts = { details: details, title: title, body: body };
      return facetPanelParts;
    }

    function onFacetChange(event) {
      var box = event.target;
      var key = box.getAttribute('data-facet');
      var list = state[key].filter(function (v) { return v !== box.value; });
      if (box.checked) list.push(box.value);
      state[key] = list;
      commit(true);
    }

    function card(module) {
      var article = el('article', 'card cat-' + module.category);
      var h3 = el('h3', 'card-title');
      var link = el('a', 'search-result-link', module.title);
      link.href = root + module.url;
      h3.appendChild(link);
      article.appendChild(h3);
      article.appendChild(el('p', 'card-summary', module.summary));

      var badges = el('p', 'card-badges');
      var cat = el('a', 'badge cat-badge');
      cat.href = root + 'categories/' + module.category + '/index.html';
      cat.appendChild(el('span', 'visually-hidden', 'Category: '));
      cat.appendChild(document.createTextNode(data.categories[module.category] || module.category));
      badges.appendChild(cat);
      if (module.predict) {
        badges.appendChild(document.createTextNode(' '));
        badges.appendChild(el('span', 'label label-predict', 'Predict'));
      }
      if (module.train) {
        badges.appendChild(document.createTextNode(' '));
        badges.appendChild(el('span', 'label label-train', 'Train'));
      }
      article.appendChild(badges);

      if (module.tags && module.tags.length) {
        var tags = el('ul', 'tag-list');
        tags.setAttribute('aria-label', 'Tags');
        module.tags.forEach(function (name) {
          var li = el('li');
          var slug = slugify(name);
          var tag = el(slug ? 'a' : 'span', 'tag', name);
          if (slug) tag.href = root + 'tags/' + slug + '/index.html';
          li.appendChild(tag);
          tags.appendChild(li);
        });
        article.appendChild(tags);
      }

      var foot = el('p', 'card-foot');
      var added = el('span', null, 'Added ');
      var time = el('time', null, module.created);
      time.setAttribute('datetime', module.created);
      added.appendChild(time);
      foot.appendChild(added);
      if (module.license) foot.appendChild(el('span', null, module.license));
      article.appendChild(foot);
      return article;
    }

    function render() {
      if (!index) return;
      ui.sort.value = state.sort;
      var q = state.q.trim();
      var hits = matches(state.q);
      var narrowed = hits.filter(function (hit) { return passes(data.modules[hit.ref], null); });
      var sorted = sortHits(narrowed, q !== '');

      renderFacets(hits);

      var filtered = hasFilters(state);
      var status;
      if (q) {
        status = plural(sorted.length, 'module matches', 'modules match') + ' “' + q + '”' + (filtered ? ' with the selected filters' : '');
      } else if (filtered) {
        status = plural(sorted.length, 'module has', 'modules have') + ' the selected filters';
      } else {
        status = 'All ' + plural(sorted.length, 'module', 'modules');
      }
      ui.status.textContent = status + '.';
      document.title = q ? '“' + q + '” · ' + baseTitle : baseTitle;

      ui.list.textContent = '';
      sorted.slice(0, shown).forEach(function (hit) {
        var li = el('li');
        li.appendChild(card(data.modules[hit.ref]));
        ui.list.appendChild(li);
      });
      var rest = sorted.length - Math.min(shown, sorted.length);
      ui.more.hidden = rest <= 0;
      ui.more.textContent = rest > 0 ? 'Show ' + plural(Math.min(rest, PAGE_SIZE), 'more module', 'more modules') : '';

      ui.empty.hidden = sorted.length > 0;
      ui.empty.textContent = '';
      if (sorted.length === 0) {
        ui.empty.appendChild(el('p', 'search-empty-title', q ? 'No modules match “' + q + '”' + (filtered ? ' with the selected filters.' : '.') : 'No modules match the selected filters.'));
        ui.empty.appendChild(el('p', null, 'Try fewer or shorter words, or remove a filter.'));
        var reset = el('button', 'button', 'Reset the search');
        reset.type = 'button';
        reset.addEventListener('click', function () {
          state = emptyState();
          input.value = '';
          commit(true);
          input.focus();
        });
        ui.empty.appendChild(reset);
      }
    }

    /* Writes the state into the URL (push: a step the back button returns to) and renders. */
    function commit(push) {
      shown = PAGE_SIZE;
      typing = false;
      var url = window.location.pathname + stateQuery(state) + window.location.hash;
      var current = window.location.pathname + window.location.search + window.location.hash;
      if (url !== current) {
        if (push) window.history.pushState(null, '', url);
        else window.history.replaceState(null, '', url);
      }
      if (index) render();
      else load();
    }

    /* ---- keyboard: arrows move between the result links; Enter follows the link */

    function resultLinks() {
      return ui ? Array.prototype.slice.call(ui.list.querySelectorAll('a.search-result-link')) : [];
    }

    function onListKey(event) {
      if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
      if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      var links = resultLinks();
      var at = links.indexOf(document.activeElement);
      if (at < 0) return;
      event.preventDefault();
      if (event.key === 'ArrowDown' && at + 1 < links.length) links[at + 1].focus();
      else if (event.key === 'ArrowUp') (at > 0 ? links[at - 1] : input).focus();
    }

    input.addEventListener('keydown', function (event) {
      if (event.key !== 'ArrowDown' || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      var links = resultLinks();
      if (!links.length) return;
      event.preventDefault();
      links[0].focus();
    });

    input.addEventListener('focus', function () { load(); });

    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        state.q = input.value;
        /* the query's first change is a step the back button returns to; the keys
           typed after it refine that step */
        commit(!typing);
        typing = true;
      }, DEBOUNCE_MS);
    });

    if (form) {
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        clearTimeout(timer);
        state.q = input.value;
        commit(!typing);
      });
    }

    window.addEventListener('popstate', function () {
      clearTimeout(timer);
      typing = false;
      state = readState(window.location.search);
      input.value = state.q;
      shown = PAGE_SIZE;
      if (index) render();
      else load();
    });

    if (state.q || hasFilters(state)) load();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', startSearchPage);
  } else {
    startSearchPage();
  }
})();

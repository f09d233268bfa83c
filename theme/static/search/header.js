/* header.js: instant results in the header's search box (#site-search, on every page),
   the WAI-ARIA "combobox with listbox popup" pattern. Without JavaScript the box is a
   plain GET form to search/index.html?q=; this module only adds the popup.

   - Nothing is fetched until the box gets focus; then search-index/meta.json (openIndex,
     shared with the search page), and as the visitor types the shards the query needs
     (tolerant.js: typos and suffixes), the result data of the results shown
     (docs/<doc>.json: title, category, summary), and, once the results have stood
     SETTLE_MS (the typing paused), the descriptions' texts for their excerpts
     (text/<doc>.json).
   - A key whose query has everything it needs loaded runs at once, in the key's own
     task (tasks.js's soon); one that needs shards runs at once too (a paste, a first
     key), unless it follows another within DEBOUNCE_MS (it waits until the typing
     pauses that long) or its last word is a 3-letter prefix spread over several shards
     (it waits WIDE_PREFIX_MS for the next key: tolerant.js's widePrefix), as on the
     search page.
     Every query has a number and an older one that finishes late never overwrites a
     newer one.
   - The popup shows at most MAX_RESULTS options (title, category, a short passage with
     the matched words marked: the summary until the description's text arrives, then
     the excerpt of the description) and a last option "See all N results" (the search
     page). A status region says how many modules match.
   - Keys in the box: ArrowDown/ArrowUp move the highlight (aria-activedescendant,
     wrapping), Enter opens the highlighted option (nothing highlighted: the form submits
     to the search page), Escape closes the popup, a second Escape clears the box. "/"
     focuses the box from anywhere (site.js). A click on an option opens it; the popup
     closes when the box loses focus.
   Every text from the data reaches the page through text nodes, never as HTML. The popup
   is positioned absolutely below the box (style.css, .hs-popup): opening it moves
   nothing else on the page. */
import { openIndex } from './sharded.js';
import { prepare, rankingInSteps, widePrefix, matchedTerms, matcher, correctedQuery, loadText } from './tolerant.js';
import { warmUp } from './warm.js';
import { soon, beginBurst, nextTask, afterFrame, BURST_SLICE_MS } from './tasks.js';
import { prefetchNext } from './predict.js';
import { queryTerms } from './text.js';
import { SUFFIX_MIN } from './typo.js';
import { marked, excerpt, appendMarked } from './excerpt.js';
import { el } from './dom.js';

var DEBOUNCE_MS = 70;
var WIDE_PREFIX_MS = 200;
var MAX_RESULTS = 8;
var SETTLE_MS = 300; /* the excerpts' texts wait this long after the results are drawn */
var EXCERPT_CHARS = 100;

function setUp(form, input) {
  var root = form.getAttribute('data-root') || '';
  var metaUrl = form.getAttribute('data-index') || root + 'search-index/meta.json';
  var id = input.id;

  var popup = el('div', 'hs-popup');
  popup.id = id + '-popup';
  popup.hidden = true;
  var note = el('p', 'hs-note');
  note.id = id + '-note';
  note.hidden = true;
  var list = el('ul', 'hs-list');
  list.id = id + '-listbox';
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', 'Modules matching the search');
  list.hidden = true;
  popup.appendChild(note);
  popup.appendChild(list);
  var status = el('p', 'visually-hidden');
  status.id = id + '-status';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  form.appendChild(popup);
  form.appendChild(status);

  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', list.id);
  input.setAttribute('aria-describedby', status.id);

  var opened = null;   /* the promise of openIndex, once the box had focus */
  var ready = null;    /* what it opened, once it has */
  var timer = 0;
  var seq = 0;         /* the number of the latest query */
  var shownSeq = 0;    /* the number of the query the popup shows */
  var lastInputAt = -Infinity;
  var shownQuick = false; /* the popup shows a query run between keys (see run) */
  var shownDocs = [];      /* the documents of its options */
  var shownCount = 0;      /* and its number of matches */
  var shownFor = null; /* the query the popup's content is for */
  var options = [];    /* the option elements, "See all" last */
  var active = -1;

  function open() {
    if (opened) return opened;
    opened = openIndex(metaUrl);
    opened.then(function (engine) { ready = engine; }, function () { /* below */ });
    /* a failure is not kept by openIndex: the next focus tries again */
    opened.catch(function () { opened = null; });
    return opened;
  }

  /* The options a query runs with between keys (`whole` false) and once typing pauses. */
  function queryOptions(engine, query, whole) {
    var units = queryTerms(engine.index.pipeline, query);
    var last = units.length ? units[units.length - 1] : null;
    var quick = !whole && !!last && last.last && last.word.length >= SUFFIX_MIN;
    return { quick: quick, options: quick ? Object.assign({}, engine.options, { suffixLast: false }) : engine.options };
  }

  function isOpen() {
    return !popup.hidden;
  }

  function show() {
    if (shownFor === null) return;
    popup.hidden = false;
    input.setAttribute('aria-expanded', options.length ? 'true' : 'false');
  }

  function close() {
    highlight(-1);
    popup.hidden = true;
    input.setAttribute('aria-expanded', 'false');
  }

  function highlight(i) {
    if (active >= 0 && options[active]) options[active].setAttribute('aria-selected', 'false');
    active = i;
    if (active >= 0 && options[active]) {
      options[active].setAttribute('aria-selected', 'true');
      input.setAttribute('aria-activedescendant', options[active].id);
      options[active].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function go(option) {
    var href = option && option.getAttribute('data-href');
    if (href) window.location.assign(href);
  }

  function searchPage(query) {
    return root + 'search/index.html?q=' + encodeURIComponent(query);
  }

  function clear() {
    highlight(-1);
    options = [];
    list.replaceChildren();
    note.replaceChildren();
    note.hidden = true;
    list.hidden = true;
  }

  function reset() {
    seq++;
    clearTimeout(timer);
    clear();
    shownFor = null;
    status.textContent = '';
    close();
  }

  /* The passage of an option: the excerpt of the description once its text is loaded,
     else the summary, marked. */
  function fillPassage(span, text, summary, matches, limit) {
    var passage = text ? excerpt(text, matches, EXCERPT_CHARS, text.length >= limit) : null;
    span.replaceChildren();
    if (passage) {
      if (passage.before) span.appendChild(document.createTextNode('… '));
      appendMarked(span, passage.segments);
      if (passage.after) span.appendChild(document.createTextNode(' …'));
    } else {
      appendMarked(span, marked(summary, matches));
    }
  }

  function render(query, n, engine, result) {
    var index = engine.index;
    var meta = engine.meta;
    var hits = result.hits;
    var top = hits.first(MAX_RESULTS);
    var matches = matcher(index, matchedTerms(index, result.plan, result.options));
    var limit = meta.text || Infinity;
    /* the same query drawn again (its suffix terms joined): the option the visitor
       has moved to stays highlighted */
    var kept = shownFor === query && active >= 0 && options[active] ? options[active].getAttribute('data-href') : null;
    clear();
    shownFor = query;
    shownSeq = n;
    shownQuick = result.options !== engine.options;
    shownDocs = top.map(function (hit) { return hit.doc; });
    shownCount = hits.length;

    var corrected = top.length ? correctedQuery(result.plan) : null;
    if (corrected) {
      note.appendChild(document.createTextNode('Showing results for '));
      var words = el('strong');
      words.textContent = corrected.map(function (w) { return w.text; }).join(' ');
      note.appendChild(words);
      note.hidden = false;
    } else if (!top.length) {
      note.textContent = 'No modules match “' + query + '”';
      note.hidden = false;
    }

    var passages = []; /* [span, doc, summary] */
    top.forEach(function (hit, i) {
      var doc = hit.doc;
      var row = index.row(doc) || [String(doc), String(doc), '', '', ['', '']];
      var category = row[4] || ['', ''];
      var option = el('li', 'hs-option cat-' + category[0]);
      option.id = input.id + '-option-' + i;
      option.setAttribute('role', 'option');
      option.setAttribute('aria-selected', 'false');
      option.setAttribute('data-href', root + 'modules/' + row[0] + '/index.html');
      var title = el('span', 'hs-title');
      appendMarked(title, marked(row[1], matches));
      option.appendChild(title);
      option.appendChild(el('span', 'hs-category', category[1] || category[0]));
      var passage = el('span', 'hs-passage');
      fillPassage(passage, '', row[2], matches, limit);
      option.appendChild(passage);
      list.appendChild(option);
      options.push(option);
      passages.push([passage, doc, row[2]]);
    });
    /* The descriptions' excerpts once the typing pauses: the options of a key the next
       one replaces would fetch their texts (ten times their cards) for nothing. */
    setTimeout(function () {
      if (n !== shownSeq) return;
      passages.forEach(function (p) {
        loadText(index, p[1]).then(function (text) {
          if (n !== shownSeq || !text) return;
          fillPassage(p[0], text, p[2], matches, limit);
        });
      });
    }, SETTLE_MS);

    if (top.length) {
      var all = el('li', 'hs-option hs-all');
      all.id = input.id + '-option-all';
      all.setAttribute('role', 'option');
      all.setAttribute('aria-selected', 'false');
      all.setAttribute('data-href', searchPage(query));
      all.textContent = 'See all ' + hits.length + (hits.length === 1 ? ' result' : ' results');
      list.appendChild(all);
      options.push(all);
      list.hidden = false;
    }

    status.textContent = !hits.length ? 'No modules match'
      : (hits.length === 1 ? '1 module matches' : hits.length + ' modules match') +
        (hits.length > top.length ? ', ' + top.length + ' shown' : '') +
        '. Use the up and down arrow keys to choose.';
    if (kept) {
      var at = options.findIndex(function (o) { return o.getAttribute('data-href') === kept; });
      if (at >= 0) highlight(at);
    }
    if (document.activeElement === input) show();
  }

  function failed(query, n) {
    if (n !== seq) return;
    clear();
    shownFor = query;
    shownSeq = n;
    note.textContent = 'Search is not available right now: press Enter to search on the search page.';
    note.hidden = false;
    status.textContent = 'Search is not available right now';
    if (document.activeElement === input) show();
  }

  /* Whether `result` would draw the options and count the popup shows. */
  function sameAsShown(result) {
    var top = result.hits.first(MAX_RESULTS);
    return result.hits.length === shownCount && top.length === shownDocs.length &&
      top.every(function (hit, i) { return hit.doc === shownDocs[i]; });
  }

  /* Runs `query`. Between keys (`whole` false) the word being typed gets no suffix
     terms (its suffix shards change with every key, and they rank below the word
     itself); the query runs again with them once the typing pauses. */
  function run(query, whole) {
    var n = ++seq;
    open().then(function (engine) {
      var stale = function () { return n !== seq; };
      var how = queryOptions(engine, query, whole);
      var quick = how.quick;
      var options = how.options;
      return prepare(engine.index, query, options).then(function (plan) {
        /* ranked in steps (tasks.js): in the key's task while that stays short, then a
           task each, so that no keystroke holds the page long */
        return rankingInSteps(engine.index, plan, options, soon, stale, BURST_SLICE_MS).then(function (hits) {
          return hits && { plan: plan, hits: hits, options: options };
        });
      }).then(function (result) {
        if (!result || n !== seq) return null;
        var docs = result.hits.first(MAX_RESULTS).map(function (h) { return h.doc; });
        return engine.index.loadDocs(docs).then(function () {
          if (n !== seq) return;
          if (!quick && shownQuick && shownFor === query && sameAsShown(result)) {
            /* the suffix terms changed nothing shown: the popup stays as it is */
            shownQuick = false;
            return;
          }
          render(query, n, engine, result);
          if (quick) {
            setTimeout(function () {
              if (n === seq) run(query, true);
            }, Math.max(0, SETTLE_MS - (Date.now() - lastInputAt)));
            /* between keys: the options the next key will likely show (predict.js),
               once these are drawn */
            afterFrame(function () {
              if (n !== seq) return;
              prefetchNext(engine.index, query, options, result.plan, function (ranking) {
                return ranking.first(MAX_RESULTS).map(function (h) { return h.doc; });
              }, nextTask, stale);
            });
          }
        });
      });
    }).catch(function () { failed(query, n); });
  }

  function typed() {
    var query = input.value.trim();
    var now = Date.now();
    var following = now - lastInputAt < DEBOUNCE_MS; /* keys in quick succession */
    lastInputAt = now;
    clearTimeout(timer);
    highlight(-1);
    if (!query) {
      reset();
      return;
    }
    if (query === shownFor && !shownQuick) {
      seq++; /* a query in flight for another text is stale now */
      show();
      return;
    }
    /* everything loaded, or a key after a pause (a paste, a first key, whether or not
       the index has opened yet: run waits for it): at once; else once the typing pauses */
    var loaded = ready && !ready.index.missing(query, queryOptions(ready, query, false).options).length;
    var wide = !loaded && ready && widePrefix(ready.index, input.value);
    if (loaded || (!following && !wide)) {
      beginBurst();
      run(query);
      return;
    }
    timer = setTimeout(function () {
      beginBurst();
      run(query);
    }, wide ? WIDE_PREFIX_MS : DEBOUNCE_MS);
  }

  input.addEventListener('focus', function () {
    /* the search code run once on a made-up index while the visitor starts typing:
       the first query then finds it compiled (warm.js) */
    open().then(function (engine) { warmUp(engine.meta); }, function () { /* shown when a query needs it */ });
    if (input.value.trim()) {
      if (input.value.trim() === shownFor) show();
      else typed();
    }
  });
  input.addEventListener('input', typed);
  input.addEventListener('blur', function () {
    close();
  });
  /* a page kept in the back-forward cache comes back with its list closed */
  window.addEventListener('pagehide', close);

  input.addEventListener('keydown', function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return;
    var key = event.key;
    if (key === 'ArrowDown' || key === 'ArrowUp') {
      if (!options.length || shownFor !== input.value.trim()) return;
      event.preventDefault();
      if (!isOpen()) {
        show();
        highlight(key === 'ArrowDown' ? 0 : options.length - 1);
        return;
      }
      var count = options.length;
      var next = key === 'ArrowDown'
        ? (active + 1) % count
        : (active <= 0 ? count - 1 : active - 1);
      highlight(next);
    } else if (key === 'Enter') {
      if (isOpen() && active >= 0 && options[active]) {
        event.preventDefault();
        go(options[active]);
      }
      /* nothing highlighted: the form submits to the search page */
    } else if (key === 'Escape') {
      if (isOpen()) {
        event.preventDefault();
        close();
      } else if (input.value) {
        event.preventDefault();
        input.value = '';
        reset();
      }
    }
  });

  /* A press on the popup keeps the focus in the box (no blur before the click). */
  popup.addEventListener('mousedown', function (event) { event.preventDefault(); });
  list.addEventListener('click', function (event) {
    var option = event.target.closest ? event.target.closest('[role="option"]') : null;
    if (option && list.contains(option)) go(option);
  });
  list.addEventListener('mousemove', function (event) {
    var option = event.target.closest ? event.target.closest('[role="option"]') : null;
    var i = option ? options.indexOf(option) : -1;
    if (i >= 0 && i !== active) highlight(i);
  });
}

function start() {
  var input = document.getElementById('site-search');
  var form = input && input.form;
  if (!form || !form.hasAttribute('data-index')) return;
  setUp(form, input);
}

start();

/* page.js: the search page (search/index.html, found by #search-results), the module its
   template loads. It reads search-index/ through sharded.js and adds what elasticlunr
   lacks on top of it: the last word typed matched as a prefix, facets, sorting, the
   state in the URL. Every text from the data reaches the page through textContent or
   attributes, never as HTML. It imports header.js (the header's box) so that the page
   loads one script: the build publishes each entry module with its imports inlined
   (src/assets/bundle.rs), and two entries on one page would each open the index. */
import './header.js';
import { NOTHING, queryTerms } from './text.js';
import { openIndex, prefetchListing } from './sharded.js';
import { prepare, rankingInSteps, widePrefix, matchedTerms, matcher, correctedQuery, loadText, loadedText } from './tolerant.js';
import { warmUp } from './warm.js';
import { prefetchNext } from './predict.js';
import { SUFFIX_MIN } from './typo.js';
import { nextTask, afterFrame, soon, beginBurst, SLICE_MS, BURST_SLICE_MS } from './tasks.js';
import { marked, excerpt, appendMarked } from './excerpt.js';
import { el, placeAt, plural, setText, slugify } from './dom.js';
import { facetGroups, listingGroups, countedValues } from './facets.js';
import { SORTS, FACET_KEYS, emptyState, readState, stateQuery, hasFilters, asksForList } from './state.js';

/* ================================================================ the search page

   The page reads search-index/ (docs/search-index.md), never the monolithic index:
   - meta.json when the search box first gets focus (at once when the URL carries a
     query, filters or a sort): the fields, the shards' first terms; nothing per
     document, so its size does not grow with the catalogue;
   - per query, only the term shards its terms need (cached): one per exact term, the
     run of shards that can hold the terms starting with the last term when it is
     matched as a prefix; the postings carry the field lengths the scorer needs;
   - the result data of the results shown (docs/<doc>.json, one small request per
     card), and the text their excerpts are cut from (text/<doc>.json): for the first
     cards once the typing pauses (they are drawn again with their excerpts), for the
     others as they come near the view;
   - facets.json (each document's category, licence, use and AI4OS values) only when
     the filter panel is opened, at once when the URL filters by one of them; tags.json
     (each document's tags) only when the tag filter is opened, or the URL filters by a
     tag;
   - sort.json when results are sorted by date or title, and for the listing without a
     query (newest first);
   - but a listing without a query of one filter value (or none, newest first), on its
     first page, reads one file of lists/ instead (its count, its first page's cards,
     the panel's counts), as long as those columns are not loaded.
   The last word typed also matches as a prefix (`prefixLast`), but only once its term
   has at least PREFIX_MIN (3) characters: "c" alone would match, and fetch, every term
   starting with "c". Facets count over all the hits, exactly, from facets.json's and
   tags.json's columns. tolerant.js adds typo tolerance and suffix matching (off with
   ?exact=1, the "search instead for" link of a corrected query): the fuzzy and suffix
   shards a query needs are fetched with its term shards.

   Typing: when everything a query needs is loaded it runs at once, on the key. When it
   needs shards, they are fetched at once after a pause in typing, but keys that follow
   each other within DEBOUNCE_MS wait until the typing pauses for that long. Every
   update has a number; an older one that finishes late never overwrites a newer one. */

var DEBOUNCE_MS = 80;
var PAGE_SIZE = 20;
var FIRST_CARDS = 6; /* cards drawn in the keystroke's own frame; the others a frame later */
var SETTLE_MS = 300; /* while keys come faster than this, only the first cards' data is fetched */
var SHORT_PREFIX_MS = 200; /* a last word of PREFIX_MIN letters waits this long for the next key */
var PLANS_KEPT = 64; /* prepared queries kept (typing back and forth costs nothing) */

function startSearchPage() {
  var results = document.getElementById('search-results');
  var input = document.getElementById('search-input');
  var form = document.getElementById('search-form');
  var facetsBox = document.getElementById('search-facets');
  if (!results || !input) return;

  var root = results.getAttribute('data-root') || '../';
  var metaUrl = results.getAttribute('data-index') || root + 'search-index/meta.json';
  var baseTitle = document.title;

  var state = readState(window.location.search);
  var meta = null;
  var engine = null;
  var groups = [];      /* facetGroups, once facets.json is loaded */
  var everyDoc = null;
  var options = null;
  var loading = null;   /* the promise of meta.json */
  var updates = 0;      /* the number of the latest update */
  var lastKeyAt = -Infinity;
  var quietUntil = 0;   /* shards are fetched no sooner (keys typed in quick succession) */
  var typing = false;   /* the current history entry holds the query being typed */
  var urlWrite = null;  /* how the next render writes the state into the URL: 'push', 'replace' */
  var shown = PAGE_SIZE;
  var ui = null;
  var plans = new Map(); /* (exact ? '1' : '0') + query -> prepared plan */
  var renders = 0;       /* the number of the latest render */
  var facets = null;     /* facets.json, once loaded */
  var facetsLoading = null;
  var tagData = null;    /* tags.json, once loaded */
  var tagsLoading = null;
  var shownView = null;  /* the view whose filter counts the panel shows */
  var listings = new Map(); /* key + '\u0000' + value -> its listing (lists/), null for none */

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

    ui.correction = el('p', 'search-correction');
    ui.correction.hidden = true;
    results.appendChild(ui.correction);

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
      update(function () {
        var link = resultLinks()[first];
        if (link) link.focus();
      });
    });
    results.appendChild(ui.more);
    return ui;
  }

  /* meta.json, once; a failure lets the next focus or query try again. */
  function loadMeta() {
    if (loading) return loading;
    buildUi();
    /* The (closed) filter panel appears with the status line, not later with the
       results: the results then never move down or aside when they arrive. */
    if (facetsBox) facetPanel();
    ui.status.textContent = 'Loading the search index…';
    ui.sortLabel.hidden = true;
    loading = openIndex(metaUrl).then(function (opened) {
      meta = opened.meta;
      everyDoc = [];
      for (var doc = 0; doc < meta.docCount; doc++) everyDoc.push(doc);
      /* the last word also matches as a prefix (sharded.js's searchOptions) */
      options = opened.options;
      engine = opened.index;
      ui.sortLabel.hidden = false;
    }, function (error) {
      loading = null;
      throw error;
    });
    return loading;
  }

  /* A file of the filters' columns, once: `file` of meta.json, checked to hold
     `column` for every module; `use` takes it in. A failure lets a later render try
     again. */
  function columns(file, column, what, use) {
    return engine.fetch(file).then(function (json) {
      takeColumns(json, file, column, what, use);
    });
  }

  function takeColumns(json, file, column, what, use) {
    if (!json || !Array.isArray(json[column]) || json[column].length !== meta.docCount) {
      throw new Error('search-index/' + file + ' does not hold the ' + what + ' of ' + meta.docCount + ' modules');
    }
    use(json);
    groups = facetGroups(facets, tagData);
    if (shownView) renderFacets(shownView);
  }

  /* facets.json (when the panel is opened, or the state filters): the panel's groups. */
  function loadFacets() {
    if (!facetsLoading) {
      facetsLoading = columns(meta.facets, 'category', 'filters', function (json) { facets = json; });
      facetsLoading.catch(function () { facetsLoading = null; });
    }
    return facetsLoading;
  }

  /* tags.json (when the tag filter is opened, or the state filters by a tag). */
  function loadTags() {
    if (!tagsLoading) {
      /* fetched beside facets.json, taken in once it is (the groups need both) */
      var fetching = engine.fetch(meta.tags);
      tagsLoading = Promise.all([loadFacets(), fetching]).then(function (got) {
        takeColumns(got[1], meta.tags, 'docTags', 'tags', function (json) { tagData = json; });
      });
      tagsLoading.catch(function () { tagsLoading = null; });
    }
    return tagsLoading;
  }

  /* Brings the page up to date with `state`: loads what it needs (meta.json, shards,
     sort.json, the result data of the results shown), then renders, unless a newer
     update started meanwhile. `after` runs once this update has rendered. */
  function update(after) {
    var number = ++updates;
    /* the list shown is being replaced: busy until the render that replaces it ends */
    if (ui) ui.list.setAttribute('aria-busy', 'true');
    var ranked = null; /* the plan's hits, once ranked */
    var view = null;
    var quick = false; /* the plan between keys: the last word without its suffix terms */
    var guessed = false; /* the next key's cards asked for (predict.js) */
    var failed = function (error) {
      if (number !== updates) return;
      writeUrl();
      showLoadError(error);
    };
    var step = function () {
      try {
        advance();
      } catch (error) { /* a malformed file: say so, as for one that did not load */
        failed(error);
      }
    };
    var advance = function () {
      if (number !== updates) return;
      if (!engine) {
        /* a listing's file is named by its filter alone: fetched beside meta.json */
        var early = loading ? null : listingTarget();
        if (early) prefetchListing(metaUrl, early.key, early.value);
        loadMeta().then(step, failed);
        return;
      }
      var waits = [];
      var list = asksForList(state);
      /* One filter value (or none, newest first), no query, the first page: one file of
         lists/ holds its cards and counts, while the columns every module's filters and
         dates are in (facets.json, tags.json, sort.json) are not loaded */
      var target = view ? null : listingTarget();
      if (target) {
        var id = target.key + '\u0000' + target.value;
        if (!listings.has(id)) {
          /* a listing that cannot be read is none: the columns answer instead */
          var keep = function (entry) { listings.set(id, entry); step(); };
          engine.loadListing(target.key, target.value).then(keep, function () { keep(null); });
          return;
        }
        var entry = listings.get(id);
        if (entry && entry.docs.length >= Math.min(entry.count, shown)) {
          view = { list: true, hits: null, sorted: entry.docs, total: entry.count, plan: null, matches: null, listing: entry };
        }
      }
      /* While keys come, the word being typed is matched without the terms it ends
         (its suffix shards, and theirs, change with every key); they join once the
         typing pauses, and the results are ranked again. */
      var wasQuick = quick;
      quick = list && !state.exact && Date.now() - lastKeyAt < SETTLE_MS && !plans.has(planKey(false)) && lastWordTakesSuffixes(state.q);
      if (wasQuick && !quick) {
        ranked = null;
        view = null;
      }
      if (list && state.q.trim() && !plans.has(planKey(quick))) {
        if (engine.missing(state.q, queryOptions(quick)).length) {
          var wait = quietUntil - Date.now();
          if (wait > 0) {
            setTimeout(step, wait);
            return;
          }
        }
        var key = planKey(quick);
        waits.push(prepare(engine, state.q, queryOptions(quick)).then(function (plan) {
          if (plans.size >= PLANS_KEPT) plans.delete(plans.keys().next().value);
          plans.set(key, plan);
        }));
      }
      if (!view) {
        if (list && (state.sort !== 'relevance' || !state.q.trim()) && !engine.sortKeys) waits.push(engine.loadSort());
        if (!facets && hasFilters(state)) waits.push(loadFacets());
        if (!tagData && state.tag.length) waits.push(loadTags());
      }
      if (waits.length) {
        /* a reply: its work (parsing, the typo lookups) had the task, so the ranking
           that follows starts a task of its own (soon) */
        Promise.all(waits).then(step, failed);
        return;
      }
      var plan = list && state.q.trim() ? plans.get(planKey(quick)) : null;
      if (plan && !ranked) {
        /* the ranking in steps, a task each (tasks.js), then the filters and the
           sorting in one more: at 10,000 modules none holds the page for long */
        rankingInSteps(engine, plan, queryOptions(quick), soon, function () { return number !== updates; }, BURST_SLICE_MS).then(function (hits) {
          if (hits === null) return;
          ranked = hits;
          soon(step);
        }, failed);
        return;
      }
      if (!view) {
        view = compute(ranked, quick);
        /* drawing the results: in this task while its burst is young (render draws the
           first cards at once, the others in tasks of their own) */
        soon(step);
        return;
      }
      var docs = view.sorted.slice(0, shown);
      /* While the visitor is typing, the results of each key may be gone at the next:
         only the cards in view are fetched and drawn; the others once the typing pauses
         (this same update, resumed). */
      var sinceKey = Date.now() - lastKeyAt;
      var wanted = sinceKey < SETTLE_MS ? docs.slice(0, FIRST_CARDS) : docs;
      var missing = wanted.filter(function (doc) { return !engine.row(doc); });
      /* the first cards, those in view, with their excerpts once the typing pauses
         (ten times a card's data, for results the next key may replace): drawn whole
         then, never growing when an excerpt arrives; the others get theirs as they come
         near the view */
      var texts = view.plan && meta.text && sinceKey >= SETTLE_MS ? docs.slice(0, FIRST_CARDS).filter(function (doc) {
        return loadedText(engine, doc) === undefined;
      }) : NOTHING;
      if (missing.length || texts.length) {
        Promise.all(texts.map(function (doc) { return loadText(engine, doc); }).concat([engine.loadDocs(missing)])).then(step, failed);
        return;
      }
      var whole = !quick && docs.every(function (doc) { return engine.row(doc); }) &&
        (!view.plan || !meta.text || docs.slice(0, FIRST_CARDS).every(function (doc) { return loadedText(engine, doc) !== undefined; }));
      /* the address follows the whole results: while keys come, writing it on each one
         costs the key's task a history update (and Chromium a favicon request) */
      if (whole) writeUrl();
      render(view, whole ? after : null, !whole);
      if (!whole) setTimeout(step, Math.max(0, SETTLE_MS - (Date.now() - lastKeyAt)));
      if (!whole && !guessed && view.plan && state.sort === 'relevance' && sinceKey < SETTLE_MS) {
        /* between keys: the cards the next key will likely want (predict.js), once
           this key's results are drawn */
        guessed = true;
        var guessFor = view;
        afterFrame(function () {
          if (number !== updates) return;
          prefetchNext(engine, state.q, queryOptions(quick), guessFor.plan, function (ranking) {
            return ranking.ordered(FIRST_CARDS, guessFor.keep).slice(0, FIRST_CARDS);
          }, nextTask, function () { return number !== updates; });
        });
      }
    };
    step();
  }

  function showLoadError(error) {
    if (facetsBox) {
      facetsBox.textContent = '';
      facetPanelParts = null;
      facetParts = null;
    }
    buildUi();
    ui.status.textContent = '';
    ui.list.textContent = '';
    ui.list.removeAttribute('aria-busy');
    ui.more.hidden = true;
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

  /* ---- matching, facets, sorting (on document numbers) */

  /* {list, hits (every match, for the facets), sorted (those passing the filters, the
     first `shown` in the order shown, the others after them)}, from `ranked`
     (rankingInSteps's Ranking for the state's plan: by relevance, only the hits shown
     are sorted). */
  function compute(ranked, quick) {
    var q = state.q.trim();
    if (!asksForList(state)) return { list: false, hits: everyDoc, sorted: [] };
    var plan = q ? plans.get(planKey(quick)) : null;
    var hits = plan ? ranked.docs() : everyDoc;
    var masks = filterMasks();
    var keep = hasFilters(state) ? function (doc) { return passes(doc, masks, -1); } : null;
    var sorted = plan && state.sort === 'relevance' ? ranked.ordered(shown, keep)
      : sortDocs(keep ? hits.filter(keep) : hits);
    var matches = plan ? matcher(engine, matchedTerms(engine, plan, queryOptions(quick))) : null;
    return { list: true, hits: hits, sorted: sorted, plan: plan, matches: matches, keep: keep };
  }

  /* The engine's options for the state: the page's, with typo tolerance and suffix
     matching unless the visitor asked for the words as typed. */
  function queryOptions(quick) {
    if (!state.exact && !quick) return options;
    var changed = Object.assign({}, options);
    if (state.exact) changed.typos = false;
    if (quick) changed.suffixLast = false;
    return changed;
  }

  /* Whether the query's last word is long enough for terms ending with it (SUFFIX_MIN). */
  function lastWordTakesSuffixes(q) {
    var units = queryTerms(engine.pipeline, q);
    var last = units.length ? units[units.length - 1] : null;
    return !!last && last.last && last.word.length >= SUFFIX_MIN;
  }

  function planKey(quick) {
    return (state.exact ? '1' : '0') + (quick ? '~' : '') + state.q;
  }

  /* The listing (lists/) that answers the state, {key, value}, or null: no query, newest
     first, the first page, at most one filter value (none: key and value ''), and some
     of the columns the page would count over not loaded (once they are, they answer). */
  function listingTarget() {
    if (state.q.trim() || state.sort === 'title' || shown !== PAGE_SIZE || (meta && !meta.lists)) return null;
    var picked = [];
    FACET_KEYS.forEach(function (key) {
      state[key].forEach(function (v) { picked.push({ key: key, value: v }); });
    });
    if (picked.length > 1 || (picked.length === 0 && state.sort !== 'newest')) return null;
    if (engine && engine.sortKeys && facets && (tagData || !state.tag.length)) return null;
    return picked[0] || { key: '', value: '' };
  }

  /* Per group, the values the state asks for as a mask over its values (null: no
     filter); a value the group does not have matches nothing. */
  function filterMasks() {
    return groups.map(function (group) {
      var wanted = state[group.key];
      if (!wanted.length) return null;
      var mask = new Uint8Array(group.values.length);
      wanted.forEach(function (v) {
        var i = group.index.get(v);
        if (i !== undefined) mask[i] = 1;
      });
      return mask;
    });
  }

  /* Whether a document has, in every group but `skip`, one of the values asked for. */
  function passes(doc, masks, skip) {
    for (var g = 0; g < groups.length; g++) {
      var mask = masks[g];
      if (!mask || g === skip) continue;
      var values = groups[g].byDoc[doc];
      var any = false;
      for (var v = 0; v < values.length && !any; v++) any = mask[values[v]] === 1;
      if (!any) return false;
    }
    return true;
  }

  /* By title, or newest first (also for "relevance" without a query, which has none). */
  function sortDocs(docs) {
    var keys = engine.sortKeys;
    var title = function (a, b) { return keys.title[a] - keys.title[b]; };
    if (state.sort === 'title') return docs.slice().sort(title);
    return docs.slice().sort(function (a, b) { return keys.created[b] - keys.created[a] || title(a, b); });
  }

  /* Counts for group `g` over the hits that pass every other group's filter (ticking a
     value shows how many modules it would add within its group): [{value, count}],
     most frequent first; the values asked for are always listed. */
  function facetCounts(hits, g, masks) {
    var group = groups[g];
    var counts = new Int32Array(group.values.length);
    var filtered = masks.some(function (mask, i) { return mask && i !== g; });
    for (var h = 0; h < hits.length; h++) {
      var doc = hits[h];
      if (filtered && !passes(doc, masks, g)) continue;
      var values = group.byDoc[doc];
      for (var v = 0; v < values.length; v++) counts[values[v]] += 1;
    }
    return countedValues(group, counts, state[group.key]);
  }

  /* The filter panel, updated in place: each group's fieldset and each value's label are
     built once and kept (`facetParts`), and a keystroke only changes the counts, the
     order and which values are listed, so the page lays out a few numbers again rather
     than the whole panel. The counts are computed only while the panel is open; the
     tags, in a disclosure of their own, only while it is open too. */
  var facetParts = null;
  function renderFacets(view) {
    if (!facetsBox) return;
    var active = document.activeElement;
    var focusKey = active && active.getAttribute && active.getAttribute('data-facet') !== null
      ? active.getAttribute('data-facet') + '\u0000' + active.value : null;
    var panel = facetPanel();
    var selected = FACET_KEYS.reduce(function (n, key) { return n + state[key].length; }, 0);
    setText(panel.title, selected ? 'Filter (' + selected + ' selected)' : 'Filter');
    if (!panel.details.open || !meta) return;
    /* a listing's counts (lists/), or the columns' over the hits */
    var listing = view.listing || null;
    var shownGroups = listing ? listingGroups(listing) : groups;
    if (!listing && !facets) {
      panelNote('Loading the filters…');
      loadFacets().catch(function (error) {
        panelNote('The filters could not be loaded (' + (error && error.message ? error.message : 'unknown error') + ').');
      });
      return;
    }
    panelNote(null);
    if (!facetParts) facetParts = { groups: new Map(), clear: null }; /* by group key */
    var body = panel.body;
    var tagBox = panel.tags;
    var refocus = null;
    var masks = listing ? null : filterMasks();
    var tagsKnown = !!(listing || tagData);
    var at = 0; /* the panel's children in order: the fieldsets listed, then the button */
    if (!tagsKnown) {
      setText(tagBox.note, tagBox.details.open ? 'Loading the tags…' : '');
      tagBox.note.hidden = !tagBox.details.open;
      if (tagBox.details.open) {
        loadTags().catch(function (error) {
          setText(tagBox.note, 'The tags could not be loaded (' + (error && error.message ? error.message : 'unknown error') + ').');
        });
      }
    } else {
      tagBox.note.hidden = true;
    }
    shownGroups.forEach(function (group, g) {
      var isTag = group.key === 'tag';
      /* the tags' disclosure comes second, loaded or not */
      if (isTag || (g === 1 && !tagsKnown)) placeAt(body, tagBox.details, at++);
      if (isTag && !tagBox.details.open) return;
      var values = listing ? countedValues(group, group.counts, state[group.key]) : facetCounts(view.hits, g, masks);
      var parts = facetParts.groups.get(group.key);
      var home = isTag ? tagBox.details : body;
      if (values.length === 0) {
        if (parts && parts.fieldset.parentNode) home.removeChild(parts.fieldset);
        if (!isTag) return;
      }
      if (!parts) {
        parts = { fieldset: el('fieldset'), labels: new Map() };
        /* the tags' disclosure names them already */
        parts.fieldset.appendChild(el('legend', isTag ? 'visually-hidden' : null, group.legend));
        facetParts.groups.set(group.key, parts);
      }
      if (values.length === 0) return;
      if (isTag) placeAt(home, parts.fieldset, 2); /* after the summary and the note */
      else placeAt(body, parts.fieldset, at++);
      var listed = new Set();
      values.forEach(function (item, i) {
        var label = parts.labels.get(item.value);
        if (!label) {
          label = facetLabel(group, item);
          parts.labels.set(item.value, label);
        }
        listed.add(item.value);
        if (label.count !== item.count) {
          label.count = item.count;
          label.countNode.textContent = String(item.count);
          label.spoken.textContent = ', ' + plural(item.count, 'module', 'modules');
        }
        label.box.checked = state[group.key].indexOf(item.value) >= 0;
        placeAt(parts.fieldset, label.node, i + 1); /* after the legend */
        if (focusKey === group.key + '\u0000' + item.value) refocus = label.box;
      });
      parts.labels.forEach(function (label, value) {
        if (!listed.has(value) && label.node.parentNode) parts.fieldset.removeChild(label.node);
      });
    });
    if (hasFilters(state)) {
      if (!facetParts.clear) {
        var clear = el('button', 'button facet-clear', 'Clear filters');
        clear.type = 'button';
        clear.addEventListener('click', function () {
          FACET_KEYS.forEach(function (key) { state[key] = []; });
          commit(true);
          input.focus();
        });
        facetParts.clear = clear;
      }
      placeAt(body, facetParts.clear, at++);
    } else if (facetParts.clear && facetParts.clear.parentNode) {
      body.removeChild(facetParts.clear);
    }
    if (refocus && document.activeElement !== refocus) refocus.focus();
  }

  /* One value's label: the checkbox, the name, the count seen and the count heard. */
  function facetLabel(group, item) {
    var node = el('label');
    var box = el('input');
    box.type = 'checkbox';
    box.value = item.value;
    box.setAttribute('data-facet', group.key);
    box.addEventListener('change', onFacetChange);
    node.appendChild(box);
    node.appendChild(el('span', 'facet-name', item.label));
    /* The number is seen; screen readers hear "11 modules" (aria-label is not allowed
       on a plain span). */
    var countNode = el('span', 'facet-count');
    countNode.setAttribute('aria-hidden', 'true');
    node.appendChild(countNode);
    var spoken = el('span', 'visually-hidden');
    node.appendChild(spoken);
    return { node: node, box: box, countNode: countNode, spoken: spoken, count: -1 };
  }

  /* The facets sit in a <details>, closed until the visitor opens it (or the URL
     filters): its data (facets.json, tags.json) is fetched then, off the first query's
     path. The tags are a disclosure of their own inside it. */
  var facetPanelParts = null;
  function facetPanel() {
    if (facetPanelParts) return facetPanelParts;
    var details = el('details', 'facet-panel');
    details.open = hasFilters(state);
    var summary = el('summary');
    var title = el('h2', 'search-facets-title', 'Filter');
    summary.appendChild(title);
    details.appendChild(summary);
    var note = el('p', 'facet-note');
    note.setAttribute('role', 'status');
    note.hidden = true;
    details.appendChild(note);
    var body = el('div', 'facet-groups');
    details.appendChild(body);
    var tagDetails = el('details', 'facet-tags');
    tagDetails.open = state.tag.length > 0;
    tagDetails.appendChild(el('summary', null, 'Tag'));
    var tagNote = el('p', 'facet-note');
    tagNote.hidden = true;
    tagDetails.appendChild(tagNote);
    var refresh = function () { if (shownView) renderFacets(shownView); };
    details.addEventListener('toggle', refresh);
    tagDetails.addEventListener('toggle', refresh);
    facetsBox.textContent = '';
    facetsBox.appendChild(details);
    facetPanelParts = { details: details, title: title, note: note, body: body, tags: { details: tagDetails, note: tagNote } };
    return facetPanelParts;
  }

  /* The panel's one line about its data (loading, or why it could not); null hides it. */
  function panelNote(text) {
    var note = facetPanel().note;
    note.hidden = text === null;
    setText(note, text === null ? '' : text);
  }

  function onFacetChange(event) {
    var box = event.target;
    var key = box.getAttribute('data-facet');
    var list = state[key].filter(function (v) { return v !== box.value; });
    if (box.checked) list.push(box.value);
    state[key] = list;
    commit(true);
  }

  /* A result card from the document's result data (docs/<doc>.json: slug, title,
     summary, created, category, licence, use bits, tags) and, when loaded, the excerpt
     of its text (text/<doc>.json); every text goes in as text. */
  function card(doc, matches) {
    var row = engine.row(doc);
    var slug = row[0];
    var category = row[4] || ['', ''];
    var use = row[6] || 0;
    var article = el('article', 'card cat-' + category[0]);
    var h3 = el('h3', 'card-title');
    var link = el('a', 'search-result-link');
    if (matches) appendMarked(link, marked(row[1], matches));
    else link.textContent = row[1];
    link.href = root + 'modules/' + slug + '/index.html';
    h3.appendChild(link);
    article.appendChild(h3);
    var summary = el('p', 'card-summary');
    if (matches) appendMarked(summary, marked(row[2], matches));
    else summary.textContent = row[2];
    article.appendChild(summary);
    var passage = matches ? excerptOf(doc, matches) : null;
    if (passage) article.appendChild(passage);

    var badges = el('p', 'card-badges');
    var cat = el('a', 'badge cat-badge');
    cat.href = root + 'categories/' + category[0] + '/index.html';
    cat.appendChild(el('span', 'visually-hidden', 'Category: '));
    cat.appendChild(document.createTextNode(category[1] || category[0]));
    badges.appendChild(cat);
    if (use & 1) {
      badges.appendChild(document.createTextNode(' '));
      badges.appendChild(el('span', 'label label-predict', 'Predict'));
    }
    if (use & 2) {
      badges.appendChild(document.createTextNode(' '));
      badges.appendChild(el('span', 'label label-train', 'Train'));
    }
    article.appendChild(badges);

    var tagNames = Array.isArray(row[7]) ? row[7] : NOTHING;
    if (tagNames.length) {
      var tags = el('ul', 'tag-list');
      tags.setAttribute('aria-label', 'Tags');
      tagNames.forEach(function (name) {
        var li = el('li');
        var tagSlug = slugify(name);
        var tag = el(tagSlug ? 'a' : 'span', 'tag', name);
        if (tagSlug) tag.href = root + 'tags/' + tagSlug + '/index.html';
        li.appendChild(tag);
        tags.appendChild(li);
      });
      article.appendChild(tags);
    }

    var foot = el('p', 'card-foot');
    var added = el('span', null, 'Added ');
    var time = el('time', null, row[3]);
    time.setAttribute('datetime', row[3]);
    added.appendChild(time);
    foot.appendChild(added);
    if (typeof row[5] === 'string') foot.appendChild(el('span', null, row[5]));
    article.appendChild(foot);
    return article;
  }

  /* The passage of the description that matched, marked, once its text is loaded; else
     null. */
  function excerptOf(doc, matches) {
    var text = loadedText(engine, doc);
    var passage = text ? excerpt(text, matches, 180, text.length >= (meta.text || Infinity)) : null;
    if (!passage) return null;
    var p = el('p', 'card-excerpt');
    p.appendChild(el('span', 'visually-hidden', 'From the description: '));
    if (passage.before) p.appendChild(document.createTextNode('… '));
    appendMarked(p, passage.segments);
    if (passage.after) p.appendChild(document.createTextNode(' …'));
    return p;
  }

  /* The cards past the first FIRST_CARDS are drawn without their excerpt: its text
     (text/<doc>.json, ten times the card) is fetched when the card comes near the view,
     and the excerpt added then, below the view, where it moves nothing in sight. */
  var excerptWatch = null;
  function watchExcerpts(view, number) {
    if (excerptWatch) excerptWatch.disconnect();
    excerptWatch = null;
    if (!view.matches || !meta.text || typeof IntersectionObserver !== 'function') return null;
    var docOf = new Map();
    var watch = excerptWatch = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        var article = entry.target;
        var doc = docOf.get(article);
        watch.unobserve(article);
        loadText(engine, doc).then(function () {
          if (number !== renders || !article.isConnected || article.querySelector('.card-excerpt')) return;
          var passage = excerptOf(doc, view.matches);
          if (passage) article.insertBefore(passage, article.querySelector('.card-badges'));
        });
      });
    }, { rootMargin: '0px 0px 50% 0px' });
    return function (article, doc) {
      if (loadedText(engine, doc) !== undefined) return;
      docOf.set(article, doc);
      watch.observe(article);
    };
  }

  /* Draws the results in steps, so that a keystroke never blocks the page for long
     (each step's work and its layout stay small): first what is in view (the correction
     notice, the empty state, the first FIRST_CARDS cards); after the page has shown
     them, the other cards, as many a task as fit in SLICE_MS; then the filter counts,
     the status line (which announces the results, so it changes once all are drawn)
     and the "more" button. `after` runs once all are done; a newer render cancels the
     steps left of an older one. */
  function render(view, after, partial) {
    buildUi();
    var number = ++renders;
    ui.sort.value = state.sort;
    var q = state.q.trim();
    var sorted = view.sorted;
    /* a listing's view holds its first page (sorted), and how many modules it has */
    var total = view.total === undefined ? sorted.length : view.total;
    var filtered = hasFilters(state);

    renderCorrection(view);
    ui.empty.hidden = !view.list || total > 0;
    ui.empty.textContent = '';
    if (view.list && total === 0) {
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
    var cards = sorted.slice(0, shown);
    if (partial) {
      /* the cards whose data is loaded (the first ones): the others come with the
         typing's pause, below them */
      var loaded = 0;
      while (loaded < cards.length && engine.row(cards[loaded])) loaded++;
      cards = cards.slice(0, loaded);
    }
    ui.list.textContent = '';
    var watch = watchExcerpts(view, number);
    var draw = function (from, to) {
      cards.slice(from, to).forEach(function (doc, i) {
        var li = el('li');
        var article = card(doc, view.matches);
        li.appendChild(article);
        ui.list.appendChild(li);
        /* the first cards get their texts from update(), at the typing's pause */
        if (watch && from + i >= FIRST_CARDS) watch(article, doc);
      });
    };
    var first = Math.min(cards.length, FIRST_CARDS);
    draw(0, first);

    var drawn = first;
    var rest = function () {
      if (number !== renders) return;
      var from = performance.now();
      do {
        draw(drawn, drawn + 1);
        drawn += 1;
      } while (drawn < cards.length && performance.now() - from < SLICE_MS);
      nextTask(drawn < cards.length ? rest : finish);
    };
    var finish = function () {
      if (number !== renders) return;
      shownView = view;
      renderFacets(view);
      var status;
      if (!view.list) {
        status = plural(meta.docCount, 'module', 'modules') + ' in the catalogue: type to search, or pick a filter';
      } else if (q) {
        status = plural(total, 'module matches', 'modules match') + ' “' + q + '”' + (filtered ? ' with the selected filters' : '');
      } else if (filtered) {
        status = plural(total, 'module has', 'modules have') + ' the selected filters';
      } else {
        status = 'All ' + plural(total, 'module', 'modules');
      }
      ui.status.textContent = status + '.';
      document.title = q ? '“' + q + '” · ' + baseTitle : baseTitle;
      /* the first cards while typing: the others are still to come */
      if (partial) ui.list.setAttribute('aria-busy', 'true');
      else ui.list.removeAttribute('aria-busy');
      var left = total - Math.min(shown, total);
      ui.more.hidden = left <= 0 || !!partial; /* below the cards still to come */
      ui.more.textContent = left > 0 ? 'Show ' + plural(Math.min(left, PAGE_SIZE), 'more module', 'more modules') : '';
      if (after) after();
    };
    if (first < cards.length && !view.listing) {
      afterFrame(rest);
    } else {
      /* a listing (lists/): every card's data came in one file and no key waits, so
         the page is drawn whole in one task, not its first cards a frame early */
      draw(first, cards.length);
      drawn = cards.length;
      finish();
    }
  }

  /* "Showing results for satellite. Search instead for satelite": when words of the
     query matched nothing as typed and were corrected. */
  function renderCorrection(view) {
    var corrected = view.plan ? correctedQuery(view.plan) : null;
    ui.correction.textContent = '';
    ui.correction.hidden = !corrected;
    if (!corrected) return;
    ui.correction.appendChild(document.createTextNode('Showing results for '));
    corrected.forEach(function (w, i) {
      if (i) ui.correction.appendChild(document.createTextNode(' '));
      ui.correction.appendChild(w.corrected ? el('strong', null, w.text) : document.createTextNode(w.text));
    });
    ui.correction.appendChild(document.createTextNode('. '));
    var asTyped = el('a', 'search-as-typed', 'Search instead for “' + state.q.trim() + '”');
    var exact = Object.assign({}, state, { exact: true });
    asTyped.href = window.location.pathname + stateQuery(exact);
    asTyped.addEventListener('click', function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      state.exact = true;
      commit(true);
    });
    ui.correction.appendChild(asTyped);
  }

  /* Updates the page for the new state, and the URL with it (push: a step the back
     button returns to). */
  function commit(push) {
    shown = PAGE_SIZE;
    typing = false;
    urlWrite = push || urlWrite === 'push' ? 'push' : 'replace';
    update();
  }

  /* The state goes into the URL when its results are shown (a query still loading, or
     overtaken by the next key, leaves the URL alone). */
  function writeUrl() {
    if (!urlWrite) return;
    var url = window.location.pathname + stateQuery(state) + window.location.hash;
    var current = window.location.pathname + window.location.search + window.location.hash;
    if (url !== current) {
      if (urlWrite === 'push') window.history.pushState(null, '', url);
      else window.history.replaceState(null, '', url);
    }
    urlWrite = null;
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

  input.addEventListener('focus', function () {
    if (!engine && !loading) update();
    /* the search code run once on a made-up index while the visitor starts typing:
       the first query then finds it compiled (warm.js) */
    if (loading) loading.then(function () { warmUp(meta); }, function () { /* shown by update */ });
  });

  input.addEventListener('input', function () {
    var now = Date.now();
    /* a key right after another: the visitor is still typing, so a query that needs
       shards waits for a pause (one that needs nothing runs at once) */
    quietUntil = now - lastKeyAt < DEBOUNCE_MS ? now + DEBOUNCE_MS : 0;
    /* a last word of PREFIX_MIN letters ("tra") matches as a prefix every term starting
       with it (train, traffic, transfer, ...): when they are in several shards, they
       wait for a pause of SHORT_PREFIX_MS, since the next key usually narrows it ("traf") */
    if (engine && widePrefix(engine, input.value)) quietUntil = Math.max(quietUntil, now + SHORT_PREFIX_MS);
    lastKeyAt = now;
    beginBurst();
    state.q = input.value;
    state.exact = false; /* a new query is corrected again */
    /* the query's first change is a step the back button returns to; the keys
       typed after it refine that step */
    commit(!typing);
    typing = true;
  });

  if (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      quietUntil = 0;
      state.q = input.value;
      commit(!typing);
    });
  }

  window.addEventListener('popstate', function () {
    typing = false;
    urlWrite = null;
    quietUntil = 0;
    state = readState(window.location.search);
    input.value = state.q;
    shown = PAGE_SIZE;
    update();
  });

  if (asksForList(state)) update();
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', startSearchPage);
  } else {
    startSearchPage();
  }
}

/* facets.js: the search page's filter groups (category, tag, licence, use, the AI4OS
   vocabularies, GPU) over facets.json's and tags.json's per-document columns, or over a
   listing's counts (search-index/lists/: one filter value, no query); and how a group's
   counts are listed. Pure: no DOM, no fetch. */
import { NOTHING } from './text.js';

var TOP_TAGS = 15;
var NO_LICENCE = 'not-stated';
/* facets.json's `use` bits past predict (1) and train (2): what inference needs */
var NO_GPU = 4;

/* Facet groups over facets.json's per-document columns (and tags.json's, once loaded:
   `tags`, else null): URL parameter, legend, the values (strings, as in the URL), each
   document's values (`byDoc[doc]`: indexes into `values`), how a value reads. In the
   panel's order; the tag group only once tags.json is loaded. */
export function facetGroups(facets, tags) {
  var n = facets.category.length;
  var column = function (of) {
    var out = new Array(n);
    for (var doc = 0; doc < n; doc++) out[doc] = of(doc);
    return out;
  };
  var singles = function (count) {
    var out = [];
    for (var i = 0; i < count; i++) out.push([i]);
    return out;
  };
  var titles = facets.categories.map(function (c) { return c[1] || c[0]; });
  var categories = singles(facets.categories.length);
  var licences = singles(facets.licenses.length + 1);
  var uses = [[], [0], [1], [0, 1]];
  var group = function (fields) {
    fields.index = new Map(fields.values.map(function (v, i) { return [v, i]; }));
    return fields;
  };
  var out = [
    group({ key: 'category', legend: 'Category',
      values: facets.categories.map(function (c) { return c[0]; }),
      byDoc: column(function (doc) { return categories[facets.category[doc]] || NOTHING; }),
      label: function (i) { return titles[i]; } })
  ];
  if (tags) {
    out.push(group({ key: 'tag', legend: 'Tag', limit: TOP_TAGS,
      values: tags.tags.slice(),
      byDoc: column(function (doc) { return tags.docTags[doc] || NOTHING; }),
      label: function (i) { return tags.tags[i]; } }));
  }
  out.push(
    group({ key: 'license', legend: 'Licence',
      values: facets.licenses.concat([NO_LICENCE]),
      byDoc: column(function (doc) {
        var l = facets.license[doc];
        return licences[l >= 0 && l < facets.licenses.length ? l : facets.licenses.length];
      }),
      label: function (i) { return i < facets.licenses.length ? facets.licenses[i] : 'Not stated'; } }),
    group({ key: 'use', legend: 'Use', fixedOrder: true,
      values: ['predict', 'train'],
      byDoc: column(function (doc) { return uses[facets.use[doc] & 3]; }),
      label: function (i) { return i === 0 ? 'Predict' : 'Train'; } })
  );
  return out.concat(vocabularyGroups(facets, column, group));
}

/* The AI4OS vocabularies (facets.json's `vocab`, each document's values a bit mask over
   one: `task`, `library`, `dataType`) and "runs without a GPU" (a `use` bit). */
function vocabularyGroups(facets, column, group) {
  var vocab = facets.vocab || {};
  var masks = function (names, bits) {
    var memo = new Map();
    return column(function (doc) {
      var mask = bits[doc] || 0;
      if (!mask) return NOTHING;
      var ids = memo.get(mask);
      if (!ids) {
        ids = [];
        for (var i = 0; i < names.length; i++) if (mask & (1 << i)) ids.push(i);
        memo.set(mask, ids);
      }
      return ids;
    });
  };
  var named = function (key, legend, names, bits) {
    return group({ key: key, legend: legend, values: names.slice(), byDoc: masks(names, bits || NOTHING),
      label: function (i) { return names[i]; } });
  };
  var only = [0];
  return [
    named('task', 'Task', vocab.task || NOTHING, facets.task),
    named('library', 'Library', vocab.library || NOTHING, facets.library),
    named('data', 'Data type', vocab.dataType || NOTHING, facets.dataType),
    group({ key: 'gpu', legend: 'Hardware', fixedOrder: true, values: ['no'],
      byDoc: column(function (doc) { return facets.use[doc] & NO_GPU ? only : NOTHING; }),
      label: function () { return 'Runs without a GPU'; } })
  ];
}

/* How group `key`'s value reads (`title`: a category's, from the data). */
function labelOf(key, value, title) {
  if (key === 'category') return title || value;
  if (key === 'license') return value === NO_LICENCE ? 'Not stated' : value;
  if (key === 'use') return value === 'predict' ? 'Predict' : 'Train';
  if (key === 'gpu') return 'Runs without a GPU';
  return value;
}

var LEGENDS = { category: 'Category', tag: 'Tag', license: 'Licence', use: 'Use', task: 'Task',
  library: 'Library', data: 'Data type', gpu: 'Hardware' };
var FIXED_ORDER = { use: true, gpu: true };

/* The groups of a listing (ShardedIndex.loadListing): in the panel's order, each with
   the values it counted and `counts` (by value index); no `byDoc`. The listing holds,
   per group, [value, count] (a category: [slug, count, title]) for every value with a
   count (the tags: the TOP_TAGS most frequent), over the modules with the listing's
   value (the listing's own group: over every module). */
export function listingGroups(listing) {
  return Object.keys(LEGENDS).map(function (key) {
    var rows = Array.isArray(listing.groups[key]) ? listing.groups[key] : NOTHING;
    var values = rows.map(function (r) { return String(r[0]); });
    var labels = rows.map(function (r) { return labelOf(key, String(r[0]), r[2]); });
    return {
      key: key, legend: LEGENDS[key], fixedOrder: !!FIXED_ORDER[key], limit: key === 'tag' ? TOP_TAGS : 0,
      values: values, index: new Map(values.map(function (v, i) { return [v, i]; })),
      counts: rows.map(function (r) { return Number(r[1]) || 0; }),
      label: function (i) { return labels[i]; },
    };
  });
}

/* A group's values as the panel lists them, from `counts` (by value index): those
   counted, most frequent first (ties by label; in the group's order when it keeps
   one), at most the group's limit, then any of `selected` (the values ticked) not
   among them, with 0: [{value, label, count}]. */
export function countedValues(group, counts, selected) {
  var ids = [];
  for (var i = 0; i < counts.length; i++) if (counts[i] > 0) ids.push(i);
  if (!group.fixedOrder) {
    ids.sort(function (a, b) {
      var x = group.label(a);
      var y = group.label(b);
      return counts[b] - counts[a] || (x < y ? -1 : x > y ? 1 : 0);
    });
  }
  if (group.limit) ids = ids.slice(0, group.limit);
  var out = ids.map(function (id) { return { value: group.values[id], label: group.label(id), count: counts[id] }; });
  selected.forEach(function (v) {
    if (out.some(function (item) { return item.value === v; })) return;
    var id = group.index.get(v);
    out.push({ value: v, label: id === undefined ? v : group.label(id), count: 0 });
  });
  return out;
}

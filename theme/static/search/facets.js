/* facets.js: the search page's filter groups (category, tag, licence, use, the AI4OS
   vocabularies, GPU) over facets.json's and tags.json's per-document columns. Pure: no
   DOM, no fetch. */
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

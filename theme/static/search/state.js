/* state.js: the search page's state and its URL (query, filters, sort, exact mode).
   Pure: reads and writes query strings, no DOM. */
import { hasOwn } from './text.js';

export var SORTS = { relevance: 'Relevance', newest: 'Newest first', title: 'Title (A–Z)' };
export var FACET_KEYS = ['category', 'tag', 'license', 'use', 'task', 'library', 'data', 'gpu'];

/* ---- state <-> URL: ?q=...&category=...&tag=...&license=...&use=...&task=...&library=...
   &data=...&gpu=no&sort=... */

export function emptyState() {
  var state = { q: '', sort: 'relevance', exact: false };
  FACET_KEYS.forEach(function (key) { state[key] = []; });
  return state;
}

export function readState(search) {
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
  state.exact = params.get('exact') === '1';
  return state;
}

export function stateQuery(state) {
  var params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  FACET_KEYS.forEach(function (key) {
    state[key].forEach(function (v) { params.append(key, v); });
  });
  if (state.sort !== 'relevance') params.set('sort', state.sort);
  if (state.exact && state.q) params.set('exact', '1');
  var qs = params.toString();
  return qs ? '?' + qs : '';
}

export function hasFilters(state) {
  return FACET_KEYS.some(function (key) { return state[key].length > 0; });
}

/* Whether the state asks for a list: a query, a filter or a sort. The bare page shows
   the filters and a prompt, and fetches nothing but meta.json. */
export function asksForList(state) {
  return state.q.trim() !== '' || hasFilters(state) || state.sort !== 'relevance';
}

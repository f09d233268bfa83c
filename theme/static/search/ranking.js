/* ranking.js: `Ranking`, a query's hits in rank's order, sorted only as far as a page
   shows them. Sorting every hit is most of a keystroke's ranking (at 10,000 hits, ~4 ms
   of ~5 in Node), yet a page shows twenty and the header eight: the first ones are
   picked with a heap (n log k), sorted, and the others sorted only if asked for.

   The order is rank's (tolerant.js), a total one: the hits holding every word
   themselves first when alternatives took part (`tiers`), then by score, then by the
   position elasticlunr.js gives them before its stable sort. Picking the first k with
   that comparison gives exactly the first k of the whole sort. */

var PICK_MIN = 64; /* picked at least this many: "more" and a filter rarely need a second pick */

/* `keys`: the hits' keys (document numbers) in elasticlunr's order before its sort;
   `score` (Float64Array) and `held` (Uint8Array: 1 when the hit holds every word) by
   position. */
export function Ranking(keys, score, held, tiers) {
  this.keys = keys;
  this.score = score;
  this.held = held;
  this.tiers = tiers;
  this.length = keys.length;
  this.order = null; /* positions in rank's order, the first `exact` of them exact */
  this.exact = 0;
}

/* rank's order of the positions of a query's hits: the comparison sort takes (negative:
   a ranks before b), one closure over the arrays rather than a method call per
   comparison (cold code, 10,000 hits). */
export function rankOrder(held, score, tiers) {
  return tiers
    ? function (a, b) { return (held[b] - held[a]) || (score[b] - score[a]) || (a - b); }
    : function (a, b) { return (score[b] - score[a]) || (a - b); };
}

/* Makes the first k positions of `order` exact (at least PICK_MIN; all when k is a good
   part of the hits, where one sort is as quick). */
Ranking.prototype.sortFirst = function (k) {
  var n = this.length;
  if (k <= this.exact) return;
  var cmp = rankOrder(this.held, this.score, this.tiers);
  var want = Math.min(n, Math.max(k, PICK_MIN, this.exact * 4));
  if (want * 4 >= n) {
    var all = new Uint32Array(n);
    for (var i = 0; i < n; i++) all[i] = i;
    all.sort(cmp);
    this.order = all;
    this.exact = n;
    return;
  }
  /* a heap of the best `want` seen, the worst of them at its root */
  var heap = new Uint32Array(want);
  var size = 0;
  var siftDown = function (at) {
    for (;;) {
      var l = 2 * at + 1;
      if (l >= size) return;
      var r = l + 1;
      var c = r < size && cmp(heap[r], heap[l]) > 0 ? r : l;
      if (!(cmp(heap[c], heap[at]) > 0)) return;
      var t = heap[c];
      heap[c] = heap[at];
      heap[at] = t;
      at = c;
    }
  };
  for (var p = 0; p < n; p++) {
    if (size < want) {
      var at = size++;
      heap[at] = p;
      while (at > 0) {
        var up = (at - 1) >> 1;
        if (!(cmp(heap[at], heap[up]) > 0)) break;
        var s = heap[up];
        heap[up] = heap[at];
        heap[at] = s;
        at = up;
      }
    } else if (cmp(p, heap[0]) < 0) {
      heap[0] = p;
      siftDown(0);
    }
  }
  heap.sort(cmp);
  /* the others after them, in no order yet */
  var order = new Uint32Array(n);
  var picked = new Uint8Array(n);
  order.set(heap);
  for (var h = 0; h < want; h++) picked[heap[h]] = 1;
  var next = want;
  for (var q = 0; q < n; q++) if (!picked[q]) order[next++] = q;
  this.order = order;
  this.exact = want;
};

/* The first k hits, as rank gives them: [{doc, score, direct}]. */
Ranking.prototype.first = function (k) {
  k = Math.min(k, this.length);
  this.sortFirst(k);
  var out = new Array(k);
  for (var i = 0; i < k; i++) {
    var at = this.order[i];
    out[i] = { doc: this.keys[at], score: this.score[at], direct: this.held[at] === 1 };
  }
  return out;
};

/* Every hit's key, in no particular order (the filters' counts need no order). */
Ranking.prototype.docs = function () {
  return this.keys;
};

/* The keys of the hits `keep(key)` accepts, the first `count` of them in rank's order
   and the others after them in no order: enough for a page that shows `count`. */
Ranking.prototype.ordered = function (count, keep) {
  var n = this.length;
  var k = Math.min(n, count);
  for (;;) {
    this.sortFirst(k);
    var out = [];
    var exactKept = 0;
    for (var i = 0; i < n; i++) {
      var key = this.keys[this.order[i]];
      if (keep && !keep(key)) continue;
      out.push(key);
      if (i < this.exact) exactKept++;
    }
    if (exactKept >= count || this.exact === n) return out;
    k = Math.min(n, this.exact * 4); /* the filter kept too few of the exact ones */
  }
};

/* Every hit in rank's order: [{doc, score, direct}] (rank's own result). */
Ranking.prototype.all = function () {
  return this.first(this.length);
};

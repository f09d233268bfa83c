/* dom.js: the few DOM helpers the search page and the header box share. Text goes in
   through textContent only. */

export function slugify(s) {
  var out = '';
  for (var i = 0; i < s.length; i++) {
    var ch = s.charAt(i);
    if (/[A-Za-z0-9]/.test(ch)) out += ch.toLowerCase();
    else if (out && out.charAt(out.length - 1) !== '-') out += '-';
  }
  return out.replace(/-+$/, '');
}

export function el(tag, className, text) {
  var node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function plural(n, one, many) {
  return n + ' ' + (n === 1 ? one : many);
}

/* Puts `node` at position `i` among `parent`'s children, unless it is there already (a
   node moved for nothing would be laid out again, and lose focus). */
export function placeAt(parent, node, i) {
  var there = parent.children[i];
  if (there !== node) parent.insertBefore(node, there || null);
}

export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

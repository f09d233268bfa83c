/* site.js: small progressive enhancements, no dependencies (ES2017).
   - copy buttons: <button class="copy" data-copy-target="ID" hidden> copies the text of #ID;
     the buttons stay hidden without JavaScript, so nobody sees a dead button.
   - "/" focuses the header search box when the visitor is not typing in a field.
   - code blocks and tables that scroll sideways become keyboard-focusable. */
(function () {
  'use strict';

  var COPIED_MS = 2000;

  /* The status region that announces "Copied"; module pages carry one, other pages get one. */
  function statusRegion() {
    var region = document.getElementById('copy-status');
    if (!region) {
      region = document.createElement('p');
      region.id = 'copy-status';
      region.className = 'visually-hidden';
      region.setAttribute('role', 'status');
      region.setAttribute('aria-live', 'polite');
      (document.getElementById('main') || document.body).appendChild(region);
    }
    return region;
  }

  /* Old browsers and non-secure origins lack the Clipboard API: copy through a selection. */
  function copyWithSelection(text) {
    var buffer = document.createElement('textarea');
    var active = document.activeElement;
    buffer.value = text;
    buffer.setAttribute('readonly', '');
    buffer.setAttribute('aria-hidden', 'true');
    buffer.tabIndex = -1;
    buffer.className = 'copy-buffer';
    document.body.appendChild(buffer);
    buffer.select();
    var ok = false;
    try {
      ok = document.execCommand('copy');
    } catch (e) {
      ok = false;
    }
    document.body.removeChild(buffer);
    if (active && active.focus) active.focus();
    return ok;
  }

  async function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch (e) {
        /* permission refused: try the older way */
      }
    }
    return copyWithSelection(text);
  }

  function setUpCopyButtons() {
    var buttons = document.querySelectorAll('button.copy[data-copy-target]');
    if (!buttons.length) return;
    var status = statusRegion();
    Array.prototype.forEach.call(buttons, function (button) {
      var target = document.getElementById(button.getAttribute('data-copy-target'));
      if (!target) return; /* nothing to copy: the button stays hidden */
      var label = button.querySelector('.copy-label') || button;
      var idle = label.textContent;
      var timer = 0;
      button.hidden = false;
      button.addEventListener('click', async function () {
        var ok = await copyText(target.textContent);
        label.textContent = ok ? 'Copied' : 'Copy failed';
        status.textContent = ok ? 'Copied' : 'Could not copy: select the text and copy it yourself';
        button.classList.toggle('is-copied', ok);
        clearTimeout(timer);
        timer = setTimeout(function () {
          label.textContent = idle;
          status.textContent = '';
          button.classList.remove('is-copied');
        }, COPIED_MS);
      });
    });
  }

  function isTyping(element) {
    if (!element) return false;
    if (element.isContentEditable) return true;
    var tag = element.tagName;
    return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
  }

  function setUpSlashShortcut() {
    document.addEventListener('keydown', function (event) {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      if (isTyping(event.target)) return;
      /* the header's box, or the page's own where the header's is hidden (phones) */
      var input = ['site-search', 'search-input', 'home-search'].map(function (id) {
        return document.getElementById(id);
      }).filter(function (box) { return box && box.getClientRects().length > 0; })[0];
      if (!input) return;
      event.preventDefault();
      input.focus();
      input.select();
    });
  }

  /* A region that scrolls must be reachable by keyboard (WCAG 2.1.1). */
  function markScrollables() {
    var regions = document.querySelectorAll('pre, .prose table');
    Array.prototype.forEach.call(regions, function (region) {
      var scrolls = region.scrollWidth > region.clientWidth + 1;
      if (scrolls && !region.hasAttribute('tabindex')) {
        region.setAttribute('tabindex', '0');
        region.setAttribute('data-scroll-focus', '');
      } else if (!scrolls && region.hasAttribute('data-scroll-focus')) {
        region.removeAttribute('tabindex');
        region.removeAttribute('data-scroll-focus');
      }
    });
  }

  function start() {
    setUpCopyButtons();
    setUpSlashShortcut();
    markScrollables();
    var pending = 0;
    window.addEventListener('resize', function () {
      clearTimeout(pending);
      pending = setTimeout(markScrollables, 200);
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();

/* tasks.js: how the search UI spreads its work over the main thread's tasks, so that no
   keystroke blocks the page for long (Long Tasks, benches/search-typing.js).

   - nextTask(fn): fn in a task of its own, as soon as the browser has handled what is
     waiting (input first). A message to itself rather than setTimeout(fn, 0), which
     browsers clamp to 4 ms once timeouts nest.
   - afterFrame(fn): fn in a task after the page has drawn its next frame, so that a
     step's layout and paint happen before the next step starts (a hidden page draws no
     frames: there, the next task).
   - soon(fn), beginBurst(): fn at once while the burst of work that a key or a reply
     began is younger than BURST_MS, else in a task of its own (nextTask). A keystroke
     whose data is loaded is then ranked and its first cards drawn in the key's own task,
     with no frame drawn between the key and its results; a larger job (100,000
     modules) still yields before the task grows long.
   - SLICE_MS: how long a task of work split in steps runs before it yields (the ranking,
     the cards below the fold): short enough that a task with its layout stays well under
     the 50 ms of a long task, long enough that a small job takes one task. */

export var SLICE_MS = 12;
export var BURST_MS = 16;
/* The ranking's slices where it may run in a key's own task (soon): short, so that the
   burst ends near BURST_MS rather than a whole SLICE_MS past it. */
export var BURST_SLICE_MS = 6;

var burstFrom = -Infinity;
var clock = typeof performance !== 'undefined' ? function () { return performance.now(); } : Date.now;

export function beginBurst() {
  burstFrom = clock();
}

export function soon(fn) {
  if (clock() - burstFrom < BURST_MS) {
    fn();
    return;
  }
  nextTask(function () {
    burstFrom = clock();
    fn();
  });
}

var queue = [];
var channel = null;

export function nextTask(fn) {
  if (typeof MessageChannel !== 'function') {
    setTimeout(fn, 0);
    return;
  }
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = function () {
      var task = queue.shift();
      /* Node (the tests): a port with a listener keeps the process alive; only while
         tasks wait */
      if (!queue.length && channel.port1.unref) channel.port1.unref();
      if (task) task();
    };
  }
  queue.push(fn);
  if (channel.port1.ref) channel.port1.ref();
  channel.port2.postMessage(0);
}

export function afterFrame(fn) {
  if (typeof requestAnimationFrame !== 'function' || typeof document === 'undefined' || document.hidden) {
    nextTask(fn);
    return;
  }
  requestAnimationFrame(function () { nextTask(fn); });
}

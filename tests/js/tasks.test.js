'use strict';
/* tasks.js, the search UI's scheduling: nextTask runs its functions in later tasks, in
   the order given, after what the current task still does (promise reactions included);
   afterFrame falls back to nextTask where no frames are drawn. The pages' use of them
   (no long task while typing) is measured by benches/search-typing.js. */
const test = require('node:test');
const assert = require('node:assert/strict');
const { moduleUrl } = require('./lib/client');

test('nextTask: later tasks, in order, after the current task and its microtasks', async () => {
  const { nextTask } = await import(moduleUrl('tasks.js'));
  const seen = [];
  await new Promise((done) => {
    nextTask(() => seen.push('task 1'));
    nextTask(() => {
      seen.push('task 2');
      nextTask(() => {
        seen.push('task 3, queued by task 2');
        done();
      });
    });
    Promise.resolve().then(() => seen.push('microtask'));
    seen.push('current task');
  });
  assert.deepEqual(seen, ['current task', 'microtask', 'task 1', 'task 2', 'task 3, queued by task 2']);
});

test('afterFrame: without a document (no frames), the next task', async () => {
  const { afterFrame } = await import(moduleUrl('tasks.js'));
  const seen = [];
  await new Promise((done) => {
    afterFrame(() => {
      seen.push('after');
      done();
    });
    seen.push('now');
  });
  assert.deepEqual(seen, ['now', 'after']);
});

'use strict';
/* The published JSON Schemas (public/schemas/, generated from the Rust types) hold for
   what they describe: the built catalogue.json, and the front matter of every module file
   of the real catalogue. A schema that accepts anything would not catch the broken
   samples at the end. */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const Ajv2020 = require('ajv/dist/2020');
const addFormats = require('ajv-formats');
const TOML = require('smol-toml');
const { buildSite, ROOT } = require('./lib/site');

const site = buildSite();
test.after(() => site.cleanup());

function validator(name) {
  const schema = JSON.parse(fs.readFileSync(path.join(site.dir, 'schemas', name), 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

/* TOML dates become strings, as the schema documents them. */
function frontMatter(file) {
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const m = text.match(/^\+\+\+\n([\s\S]*?)\n\+\+\+\n/);
  assert.ok(m, `${file}: front matter`);
  return JSON.parse(JSON.stringify(TOML.parse(m[1]), (k, v) => (v instanceof Date || (v && v.constructor && v.constructor.name === 'TomlDate') ? String(v).slice(0, 10) : v)));
}

test('catalogue.json validates against schemas/catalogue.schema.json', () => {
  const validate = validator('catalogue.schema.json');
  const catalogue = JSON.parse(fs.readFileSync(path.join(site.dir, 'catalogue.json'), 'utf8'));
  assert.ok(catalogue.modules.length >= 48);
  assert.ok(validate(catalogue), JSON.stringify(validate.errors, null, 1));
  const broken = structuredClone(catalogue);
  broken.modules[0].kind = 'spaceship';
  delete broken.modules[1].title;
  assert.equal(validate(broken), false, 'a broken catalogue is rejected');
  const withAi4os = catalogue.modules.find((m) => m.slug === 'sentinel-data-fusion');
  assert.ok(withAi4os && withAi4os.resources.inference && withAi4os.tasks.length > 0, 'the AI4OS fields are in catalogue.json');
  for (const [key, value] of [['libraries', ['pytorch']], ['tasks', ['Classification', 'Classification']], ['resources', { inference: { cpu: -1 } }], ['resources', { inference: { gpu_memory_mb: 1000 } }]]) {
    const one = structuredClone(catalogue);
    one.modules[0][key] = value;
    assert.equal(validate(one), false, `${key} = ${JSON.stringify(value)} is rejected`);
  }
});

test('every module/<slug>/index.json is its catalogue.json entry and validates with the catalogue schema', () => {
  const validate = validator('catalogue.schema.json');
  const catalogue = JSON.parse(fs.readFileSync(path.join(site.dir, 'catalogue.json'), 'utf8'));
  for (const entry of catalogue.modules) {
    const one = JSON.parse(fs.readFileSync(path.join(site.dir, 'modules', entry.slug, 'index.json'), 'utf8'));
    assert.deepEqual(one, entry, `${entry.slug}/index.json`);
    const alone = Object.assign({}, catalogue, { modules: [one] });
    assert.ok(validate(alone), `${entry.slug}: ${JSON.stringify(validate.errors)}`);
  }
});

test('every module file of the catalogue validates against schemas/module.schema.json', () => {
  const validate = validator('module.schema.json');
  const dir = path.join(ROOT, 'modules');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.md'));
  assert.ok(files.length >= 48);
  for (const f of files) {
    const fm = frontMatter(path.join(dir, f));
    assert.ok(validate(fm), `${f}: ${JSON.stringify(validate.errors)}`);
  }
  const sample = frontMatter(path.join(dir, files[0]));
  const full = { ...sample, tasks: ['Computer Vision'], libraries: ['PyTorch'], data_types: ['Image'], resources: { inference: { cpu: 2, gpu: 1, gpu_memory_mb: 1000 }, training: { gpu: 0 } } };
  assert.ok(validate(full), `every AI4OS field: ${JSON.stringify(validate.errors)}`);
  const broken = [
    ['titel', 'x'], ['category', 'Not A Slug'], ['created', 'yesterday'], ['links', { source: 'javascript:alert(1)' }],
    ['tasks', ['Segmentation']], ['libraries', ['pytorch']], ['data_types', ['Image', 'Image']],
    ['resources', { inference: { cpu: 1.5 } }], ['resources', { inference: { memory_MB: 8000 } }],
    ['resources', { inference: { gpu: 0, gpu_memory_mb: 1000 } }], ['resources', { gpus: {} }],
  ];
  for (const [key, value] of broken) {
    const one = { ...sample, [key]: value };
    assert.equal(validate(one), false, `${key} = ${JSON.stringify(value)} is rejected`);
  }
});

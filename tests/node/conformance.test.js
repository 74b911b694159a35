// Every shared scenario through the Node API, three ways: `cli.js run` (one
// method call per step) byte for byte against the reference `chatlife run`;
// the file's own expectations and error codes; and one `applyMany` batch.
'use strict'

const { describe, test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const { chatlife, CODES, scenarioFiles, reference, nodeCli } = require('./helpers.js')
const { applyStep, runLines } = require('../../bindings/node/cli.js')

const { Engine, loadScenario } = chatlife

for (const file of scenarioFiles()) {
  describe(path.basename(file), () => {
    const text = fs.readFileSync(file, 'utf8')
    const expected = reference(file)

    test('node cli.js run prints exactly what chatlife run prints', () => {
      const got = nodeCli(file)
      assert.equal(got.status, expected.status, got.stderr)
      assert.equal(got.stdout.toString('utf8'), expected.stdout.toString('utf8'))
      assert.ok(got.stdout.equals(expected.stdout), 'same bytes')
    })

    test('a fresh engine restored from a snapshot after every step prints the same', () => {
      const lines = runLines(text, { snapshotEvery: 1 })
      assert.equal(lines.map((line) => `${line}\n`).join(''), expected.stdout.toString('utf8'))
    })

    test('its expectations and error codes hold through the Node API', () => {
      const scenario = loadScenario(text)
      const engine = new Engine(scenario.config)
      let sinceExpect = []
      scenario.steps.forEach((step, index) => {
        const where = `steps[${index}]`
        if ('expect' in step) {
          assert.deepEqual(sinceExpect, step.expect, where)
          sinceExpect = []
          return
        }
        let code = null
        try {
          applyStep(engine, step)
        } catch (error) {
          if (!CODES.has(error?.code)) throw error
          assert.ok(error instanceof Error, where)
          code = error.code
        }
        assert.equal(code, step.error ?? null, where)
        sinceExpect.push(...engine.pollEvents())
      })
    })

    test('one applyMany batch gives the same events, codes and messages', () => {
      const scenario = loadScenario(text)
      const commands = scenario.steps.filter((step) => !('expect' in step))
      const engine = new Engine(scenario.config)
      const results = engine.applyMany(commands.map(({ error, ...command }) => command))
      const lines = expected.stdout.toString('utf8').split('\n').filter(Boolean)
      const refusals = lines.map((line) => JSON.parse(line)).filter((line) => line.type === 'error')
      assert.equal(results.length, commands.length)
      assert.deepEqual(
        results.map((result) => result?.code ?? null),
        commands.map((step) => step.error ?? null),
      )
      const rejected = results.filter((result) => result !== null)
      assert.ok(rejected.every((error) => error instanceof Error))
      assert.deepEqual(
        rejected.map((error) => [error.code, error.message]),
        refusals.map((line) => [line.code, line.message]),
      )
      const events = engine.pollEvents().map((event) => JSON.stringify(event))
      assert.deepEqual(
        events,
        lines.filter((line) => JSON.parse(line).type !== 'error'),
      )
    })
  })
}

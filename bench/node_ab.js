'use strict'
// Two builds of the Node addon in one process, run alternately through the
// churn loops of bench/node_bench.js (node_batch, node_messages, node_call):
// a before/after comparison that the machine's slow spells hit alike. Each
// round runs A then B (B then A in odd rounds); the ratio is B ÷ A, per round,
// then its median. Both builds run the same JavaScript, so what differs is the
// addon.
//
// Usage: node --expose-gc bench/node_ab.js DUMP_DIR N ROUNDS ADDON_A ADDON_B
// (ADDON_*: paths of `.node` files; DUMP_DIR from `chatlife-bench --dump-churn`).
// Prints one JSON line per row: {"impl", "n", "rounds", "a_median", "b_median", "ratio_median"}.

const path = require('node:path')
const { loadChurn, runApplyMany, runMessages, runCalls } = require('./node_bench')

const ROWS = [['node_batch', runApplyMany], ['node_messages', runMessages], ['node_call', runCalls]]

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

function main (directory, n, rounds, addons) {
  const builds = addons.map((file) => require(path.resolve(file)).Engine)
  const churn = loadChurn(directory, n)
  for (const [impl, run] of ROWS) {
    const ns = builds.map(() => [])
    const idle = new Set()
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 ? [1, 0] : [0, 1]
      for (const b of order) {
        const result = run({ ...churn, Engine: builds[b] })
        ns[b].push(result.ns / churn.messages)
        idle.add(result.idle)
      }
    }
    if (idle.size !== 1) throw new Error(`${impl}: the two builds did not go through the same lifecycle (${[...idle]})`)
    const ratios = ns[1].map((b, i) => b / ns[0][i])
    console.log(JSON.stringify({
      impl, n, rounds, a_median: Math.round(median(ns[0])), b_median: Math.round(median(ns[1])),
      ratio_median: Math.round(median(ratios) * 1000) / 1000,
    }))
  }
}

const [directory, n, rounds, ...addons] = process.argv.slice(2)
if (!directory || !(Number(rounds) > 0) || addons.length !== 2) {
  console.error('usage: node --expose-gc bench/node_ab.js DUMP_DIR N ROUNDS ADDON_A ADDON_B')
  process.exit(2)
}
main(directory, Number(n), Number(rounds), addons)

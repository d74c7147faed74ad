/**
 * The operator artefacts shipped in relay/ops/ are checked, not just written: Prometheus validates and unit-tests the
 * alerting rules (promtool, from Debian's prometheus package, installed by .ci/run), and every metric the rules and
 * the Grafana dashboard query is one the relay exports, so a renamed metric cannot leave a silent alert or an empty
 * panel behind.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { PROJECT_ROOT } from '../../model/project-root.js';
import { createRelayMetrics } from '../../relay/src/platform/ops/metrics.js';

const OPS = path.join(PROJECT_ROOT, 'relay/ops');
const RULES = path.join(OPS, 'prometheus/alerts.yml');
const DASHBOARD = path.join(OPS, 'grafana/gentrack-relay-dashboard.json');
/** Series Prometheus makes itself: not the relay's to export. */
const PROMETHEUS_OWN = new Set(['up']);

function promtool(...args: string[]): string {
  try {
    return execFileSync('promtool', args, {
      cwd: path.dirname(RULES),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (failure.code === 'ENOENT') assert.fail('promtool is not installed: apt-get install prometheus (.ci/run does)');
    assert.fail(`promtool ${args.join(' ')} failed:\n${failure.stdout ?? ''}${failure.stderr ?? ''}`);
  }
}

/** Metric names a PromQL expression reads: identifiers outside label matchers, grouping clauses and durations that are not functions or keywords. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, '[]');
  const keywords = /^(and|or|unless|bool|offset)$/;
  return [...bare.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)]
    .map((match) => match[1]!)
    .filter((name) => !keywords.test(name));
}

async function exportedMetrics(): Promise<Set<string>> {
  const text = await createRelayMetrics({ defaultMetrics: true }).render();
  const names = new Set<string>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = match as unknown as [string, string, string];
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

function ruleExpressions(): string[] {
  const rules = parseYaml(readFileSync(RULES, 'utf8')) as { groups: { rules: { expr: string }[] }[] };
  return rules.groups.flatMap((group) => group.rules.map((rule) => rule.expr));
}

function dashboardExpressions(): string[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: { targets: { expr: string }[] }[];
    templating: { list: { query?: string }[] };
  };
  return [
    ...dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)),
    // label_values(metric{...}, label): the metric is the query; the label is not.
    ...dashboard.templating.list.flatMap((variable) => {
      const metric = /^label_values\((.*),\s*\w+\)$/.exec(variable.query ?? '')?.[1];
      return metric ? [metric] : [];
    }),
  ];
}

test('promtool checks the alerting rules and passes their unit tests', () => {
  assert.match(promtool('check', 'rules', RULES), /SUCCESS: \d+ rules found/);
  assert.match(promtool('test', 'rules', 'alerts.test.yml'), /SUCCESS/);
});

test('the rules and the dashboard query only metrics the relay exports', async () => {
  const exported = await exportedMetrics();
  for (const [source, expressions] of [
    ['relay/ops/prometheus/alerts.yml', ruleExpressions()],
    ['relay/ops/grafana/gentrack-relay-dashboard.json', dashboardExpressions()],
  ] as const) {
    assert.ok(expressions.length > 5, `${source} has queries`);
    for (const expr of expressions) {
      const names = metricNames(expr);
      assert.ok(names.length > 0, `${source}: no metric found in ${expr}`);
      for (const name of names) {
        if (PROMETHEUS_OWN.has(name)) continue;
        assert.ok(exported.has(name), `${source}: ${name} is not exported by the relay (in ${expr})`);
      }
    }
  }
});

test('the metric-name reader finds a renamed metric', () => {
  assert.deepEqual(metricNames('sum by (state) (gentrack_relay_subscription_stat{tenant=~"$tenant"})'), [
    'gentrack_relay_subscription_stat',
  ]);
  assert.deepEqual(metricNames('time() - max(gentrack_relay_last_commit{a="b"}) > 900'), [
    'gentrack_relay_last_commit',
  ]);
  assert.deepEqual(metricNames('up{job="gentrack-relay"} == 0'), ['up']);
});

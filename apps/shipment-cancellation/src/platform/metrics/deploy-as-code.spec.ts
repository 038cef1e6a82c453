// The dashboard and alert rules in deploy/ against the service: each PromQL expression parses (Prometheus' own
// grammar, and promtool when it is installed), names only metrics this service's /metrics registry serves, and
// each alert links to a heading of docs/operations.md. No Kafka or Postgres needed: the registry is built directly.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { parse as parseYaml } from 'yaml';
import { MetricsService } from './metrics.service';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..', '..');
const alertsPath = path.join(repoRoot, 'deploy', 'prometheus', 'alerts.yml');
const dashboardPath = path.join(repoRoot, 'deploy', 'grafana', 'shipment-cancellation.json');
const operationsPath = path.join(repoRoot, 'docs', 'operations.md');

interface AlertRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface Panel {
  type: string;
  id: number;
  title: string;
  gridPos?: { h: number; w: number; x: number; y: number };
  targets?: { refId: string; expr: string }[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; definition?: string }[] };
}

const rules = (
  parseYaml(readFileSync(alertsPath, 'utf8')) as { groups: { name: string; rules: AlertRule[] }[] }
).groups.flatMap((group) => group.rules);
const dashboard = JSON.parse(readFileSync(dashboardPath, 'utf8')) as Dashboard;
const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
const dashboardExprs = panels.flatMap((panel) =>
  (panel.targets ?? []).map((target) => ({
    where: `panel '${panel.title}' ${target.refId}`,
    expr: target.expr,
  })),
);

/** Grafana's interval variables replaced by a duration, so the query is plain PromQL. */
function withoutGrafanaVariables(expr: string): string {
  return expr.replace(/\$__(rate_interval|interval|range)\b/g, '5m');
}

/** The syntax errors lezer-promql finds in a query (its error nodes), as offsets with context. */
function syntaxErrors(expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError)
        errors.push(`at ${node.from}: …${expr.slice(Math.max(0, node.from - 20), node.from + 20)}…`);
    },
  });
  return errors;
}

/** The metric names a query selects (the names of its vector selectors). */
function metricNames(expr: string): string[] {
  const names: string[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') {
        names.push(expr.slice(node.from, node.to));
      }
    },
  });
  return names;
}

/** GitHub's anchors for the headings of a Markdown file (code fences skipped, repeats numbered). */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = (heading[1] ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Where promtool is, if it is installed (PROMTOOL or the PATH). */
function findPromtool(): string | undefined {
  const candidate = process.env['PROMTOOL'] ?? 'promtool';
  const probe = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? candidate : undefined;
}

describe('deploy/prometheus/alerts.yml', () => {
  it('has named alerts, each with a severity, a summary, a description and a runbook link', () => {
    expect(rules.length).toBeGreaterThan(0);
    const names = rules.map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
    for (const rule of rules) {
      expect(rule).toEqual(
        expect.objectContaining({
          alert: expect.stringMatching(/^[A-Za-z_][A-Za-z0-9_]*$/),
          expr: expect.any(String),
          labels: expect.objectContaining({ severity: expect.stringMatching(/^(page|warn)$/) }),
          annotations: expect.objectContaining({
            summary: expect.any(String),
            description: expect.any(String),
            runbook_url: expect.stringMatching(/^docs\/operations\.md#[a-z0-9-]+$/),
          }),
        }),
      );
      if (rule.for !== undefined) expect(rule.for).toMatch(/^(\d+(ms|s|m|h|d|w|y))+$/);
    }
  });

  it('covers what must page or warn', () => {
    const selected = new Set(rules.flatMap((rule) => metricNames(rule.expr)));
    for (const name of [
      'oms_partition_stalled_seconds',
      'oms_consumer_lag',
      'oms_outbox_backlog',
      'oms_events_in_total',
      'oms_cancellation_outcomes_total',
      'oms_carrier_throttled_total',
      'up',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(selected).toContain(name);
    }
    expect(rules.map((rule) => rule.expr).join('\n')).toContain('result="dead_lettered"');
  });

  it.each(rules.map((rule) => [rule.alert, rule.expr] as const))(
    '%s: its expression is valid PromQL',
    (_name, expr) => {
      expect(syntaxErrors(expr)).toEqual([]);
    },
  );

  const promtool = findPromtool();
  (promtool ? it : it.skip)('passes `promtool check rules` (skipped where promtool is not installed)', () => {
    const run = spawnSync(promtool as string, ['check', 'rules', alertsPath], { encoding: 'utf8' });
    expect({ status: run.status, output: `${run.stdout}${run.stderr}` }).toEqual({
      status: 0,
      output: expect.stringContaining(`SUCCESS: ${rules.length} rules found`),
    });
  });

  it("computes GitHub's heading anchors", () => {
    const anchors = headingAnchors(
      '# Top\n## The carrier answers 429 or 403\n```sh\n# not a heading\n```\n### Try it against `npm start`\n## Top\n',
    );
    expect([...anchors]).toEqual([
      'top',
      'the-carrier-answers-429-or-403',
      'try-it-against-npm-start',
      'top-1',
    ]);
  });

  it('links every alert to a heading of docs/operations.md', () => {
    const anchors = headingAnchors(readFileSync(operationsPath, 'utf8'));
    const missing = rules
      .map((rule) => rule.annotations?.['runbook_url'] ?? '')
      .filter((url) => !anchors.has(url.replace(/^docs\/operations\.md#/, '')));
    expect(missing).toEqual([]);
  });
});

describe('deploy/grafana/shipment-cancellation.json', () => {
  it('is a dashboard with unique panel ids, each panel placed and each query with a refId', () => {
    expect(dashboard.uid).toBe('oms-shipment-cancellation');
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels) {
      expect(panel.gridPos).toEqual({
        h: expect.any(Number),
        w: expect.any(Number),
        x: expect.any(Number),
        y: expect.any(Number),
      });
      if (panel.type !== 'row') expect(panel.targets?.length).toBeGreaterThan(0);
    }
    expect(dashboardExprs.length).toBeGreaterThan(0);
  });

  it.each(dashboardExprs.map(({ where, expr }) => [where, expr] as const))(
    '%s: its query is valid PromQL',
    (_where, expr) => {
      expect(syntaxErrors(withoutGrafanaVariables(expr))).toEqual([]);
    },
  );
});

describe('metric names in deploy/ against /metrics', () => {
  let served: Set<string>;
  beforeAll(async () => {
    const text = await new MetricsService().registry.metrics();
    served = new Set(['up']);
    for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      served.add(name as string);
      if (type === 'histogram')
        for (const suffix of ['_bucket', '_sum', '_count']) served.add(`${name}${suffix}`);
      if (type === 'summary') for (const suffix of ['_sum', '_count']) served.add(`${name}${suffix}`);
    }
  });

  it('serves every metric the alert rules select', () => {
    const unknown = rules.flatMap((rule) => metricNames(rule.expr)).filter((name) => !served.has(name));
    expect(unknown).toEqual([]);
  });

  it('serves every metric the dashboard queries and variables select', () => {
    const fromPanels = dashboardExprs.flatMap(({ expr }) => metricNames(withoutGrafanaVariables(expr)));
    const fromVariables = dashboard.templating.list.flatMap((variable) =>
      [...(variable.definition ?? '').matchAll(/label_values\(\s*([A-Za-z_:][A-Za-z0-9_:]*)/g)].map(
        (m) => m[1] as string,
      ),
    );
    expect(fromPanels.length).toBeGreaterThan(0);
    const unknown = [...fromPanels, ...fromVariables].filter((name) => !served.has(name));
    expect(unknown).toEqual([]);
  });

  it('would notice a metric the service does not serve', () => {
    expect(metricNames('rate(oms_no_such_metric_total[5m])').filter((name) => !served.has(name))).toEqual([
      'oms_no_such_metric_total',
    ]);
  });
});

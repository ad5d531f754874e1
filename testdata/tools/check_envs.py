#!/usr/bin/env python3
"""Evaluate every test environment of testdata/project with go-jsonnet, the way Tanka does.

For each environment under testdata/project/environments (except `broken-*`, which are
meant to fail) this tool:
  * evaluates main.jsonnet with Tanka's import path [root/vendor, base/vendor, root/lib, base]
    (go-jsonnet: last wins), ext code `tanka.dev/environment`, Tanka's native functions,
    max stack 500;
  * extracts manifests like Tanka (objects with apiVersion+kind; nulls skipped; `items`
    lists unwrapped; inline environments: the `data` of every Environment object);
  * prints the number of objects per kind;
  * for `golden-<scenario>` environments, compares the set of (kind, name) with
    ../shared/tk-show-golden/test-<scenario>.yaml (and a few objects field by field).

`--steps` also applies the migration procedure's cumulative overlays
(../shared/procedure.md) to mimir-microservices / mimir-minimal and checks the
behaviours listed in ../shared/mimir-facts.md section 9.

Needs: python3, the `gojsonnet` PyPI package (module _gojsonnet), PyYAML.
Usage: python3 testdata/tools/check_envs.py [--steps] [--show ENV] [--time]
"""
import argparse
import hashlib
import json
import os
import re
import sys
import time

import _gojsonnet
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', 'project'))
SHARED = os.environ.get('TKSTEP_SHARED', os.path.normpath(os.path.join(HERE, '..', '..', '..', 'shared')))
GOLDEN = os.path.join(SHARED, 'tk-show-golden')


# --- Tanka's native functions ------------------------------------------------------

class _Yaml3Dumper(yaml.SafeDumper):
    """yaml.v3-like layout: sequences indented under their key."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _manifest_yaml_from_json(s):
    return yaml.dump(json.loads(s), Dumper=_Yaml3Dumper, indent=4, sort_keys=True,
                     default_flow_style=False, allow_unicode=True, width=1 << 30)


def _manifest_json_from_json(s, indent):
    return json.dumps(json.loads(s), indent=int(indent)) + '\n'


def _go_repl(repl):
    # Go's Expand syntax ($1, ${1}, ${name}, $$) -> Python's.
    repl = repl.replace('\\', '\\\\')
    repl = re.sub(r'\$\{(\w+)\}', r'\\g<\1>', repl)
    repl = re.sub(r'\$(\d+)', r'\\g<\1>', repl)
    return repl.replace('$$', '$')


NATIVES = {
    'parseJson': (('json',), lambda s: json.loads(s)),
    'parseYaml': (('yaml',), lambda s: [d for d in yaml.safe_load_all(s) if d is not None]),
    'manifestJsonFromJson': (('json', 'indent'), _manifest_json_from_json),
    'manifestYamlFromJson': (('json',), _manifest_yaml_from_json),
    'sha256': (('str',), lambda s: hashlib.sha256(s.encode()).hexdigest()),
    'escapeStringRegex': (('str',), lambda s: re.sub(r'([\\.+*?()|\[\]{}^$])', r'\\\1', s)),
    'regexMatch': (('regex', 'string'), lambda r, s: re.search(r, s) is not None),
    'regexSubst': (('regex', 'src', 'repl'), lambda r, s, p: re.sub(r, _go_repl(p), s)),
}


# --- Tanka's environment loading ---------------------------------------------------

def env_dirs():
    base = os.path.join(ROOT, 'environments')
    out = []
    for name in sorted(os.listdir(base)):
        d = os.path.join(base, name)
        if os.path.isfile(os.path.join(d, 'main.jsonnet')) and not name.startswith('broken-'):
            out.append(d)
    return out


def jpath(base):
    return [os.path.join(ROOT, 'vendor'), os.path.join(base, 'vendor'), os.path.join(ROOT, 'lib'), base]


def ext_env(base):
    spec_path = os.path.join(base, 'spec.json')
    if not os.path.exists(spec_path):
        return None
    spec = json.load(open(spec_path))
    rel = os.path.relpath(base, ROOT)
    spec.setdefault('metadata', {})
    spec['metadata']['name'] = rel
    spec['metadata']['namespace'] = os.path.join(rel, 'main.jsonnet')
    spec.pop('data', None)
    return spec


def evaluate(base, overlay=None):
    """Evaluate an environment (optionally `main + overlay`); return (parsed JSON, spec)."""
    spec = ext_env(base)
    if spec is not None:
        ext = {'tanka.dev/environment': json.dumps(spec)}
    else:
        ext = {'tanka.dev/environment': "error 'Using tk.env and std.extVar(\"tanka.dev/environment\") is only supported for static environments.'"}
    kwargs = dict(jpathdir=jpath(base), ext_codes=ext, native_callbacks=NATIVES, max_stack=500)
    if overlay is None:
        out = _gojsonnet.evaluate_file(os.path.join(base, 'main.jsonnet'), **kwargs)
    else:
        snippet = "(import 'main.jsonnet') + (%s)" % overlay
        out = _gojsonnet.evaluate_snippet(os.path.join(base, '<overlay>'), snippet, **kwargs)
    return json.loads(out), spec


def _is_manifest(v):
    return (isinstance(v, dict) and isinstance(v.get('apiVersion'), str) and v['apiVersion'] != ''
            and isinstance(v.get('kind'), str) and v['kind'] != '')


def extract(data, path='', parent=None):
    """Tanka's walk: manifests are leaves; nulls skipped; other primitives are errors."""
    out = []
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k != '__ksonnet'}
        if _is_manifest(data):
            return [data]
        for key in sorted(data):
            if data[key] is None:
                continue
            out.extend(extract(data[key], path + '.' + key, data))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            out.extend(extract(item, path + '.[%d]' % i, data))
    else:
        raise ValueError('found invalid Kubernetes object (at %s): missing attribute "apiVersion"' % (path.rsplit('.', 1)[0] or '.'))
    return out


def unwrap_lists(manifests):
    out = []
    for m in manifests:
        if isinstance(m.get('items'), list):
            out.extend(m['items'])
        else:
            out.append(m)
    return out


CLUSTER_WIDE = {'APIService', 'CertificateSigningRequest', 'ClusterRole', 'ClusterRoleBinding',
                'ComponentStatus', 'CSIDriver', 'CSINode', 'CustomResourceDefinition',
                'MutatingWebhookConfiguration', 'Namespace', 'Node', 'NodeMetrics', 'PersistentVolume',
                'PodSecurityPolicy', 'PriorityClass', 'RuntimeClass', 'SelfSubjectAccessReview',
                'SelfSubjectRulesReview', 'StorageClass', 'SubjectAccessReview', 'TokenReview',
                'ValidatingWebhookConfiguration', 'VolumeAttachment'}

KIND_ORDER = ['Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy',
              'PodDisruptionBudget', 'ServiceAccount', 'Secret', 'ConfigMap', 'StorageClass',
              'PersistentVolume', 'PersistentVolumeClaim', 'CustomResourceDefinition', 'ClusterRole',
              'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList', 'Role', 'RoleList',
              'RoleBinding', 'RoleBindingList', 'Service', 'DaemonSet', 'Pod', 'ReplicationController',
              'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob',
              'Ingress', 'APIService']


def process(manifests, namespace):
    for m in manifests:
        meta = m.setdefault('metadata', {})
        if namespace and not isinstance(meta.get('namespace'), str) and m['kind'] not in CLUSTER_WIDE:
            meta['namespace'] = namespace

    def key(m):
        kind = m['kind']
        idx = KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)
        meta = m['metadata']
        return (idx, kind, meta.get('namespace', ''), meta.get('name', ''), meta.get('generateName', ''))

    return sorted(manifests, key=key)


def render(base, overlay=None):
    """Return {env name: [manifests]} (one entry for static envs, one per inline env)."""
    data, spec = evaluate(base, overlay)
    if spec is not None:
        return {spec['metadata']['name']: process(unwrap_lists(extract(data)), spec['spec'].get('namespace', 'default'))}
    envs = [m for m in unwrap_lists(extract(data)) if m['kind'] == 'Environment']
    if not envs:
        raise ValueError('%s: no spec.json and no Environment object' % base)
    return {e['metadata']['name']: process(unwrap_lists(extract(e.get('data'))), e['spec'].get('namespace', 'default'))
            for e in envs}


def ids(manifests):
    return [(m['kind'], m['metadata']['name']) for m in manifests]


def by_id(manifests):
    return {(m['kind'], m['metadata']['name']): m for m in manifests}


def kind_counts(manifests):
    counts = {}
    for m in manifests:
        counts[m['kind']] = counts.get(m['kind'], 0) + 1
    return ', '.join('%s %d' % (k, v) for k, v in counts.items())


# --- golden comparison -------------------------------------------------------------

def load_golden(scenario):
    path = os.path.join(GOLDEN, 'test-%s.yaml' % scenario)
    return [d for d in yaml.safe_load_all(open(path)) if d]


def container_facts(m):
    spec = m.get('spec', {}).get('template', {}).get('spec', {})
    return [(c['name'], c.get('args'), c.get('ports'), c.get('resources'), c.get('env'), c.get('volumeMounts'))
            for c in spec.get('containers', [])]


def compare_golden(mine, scenario, problems):
    golden = load_golden(scenario)
    g_ids, m_ids = set(ids(golden)), set(ids(mine))
    missing, extra = sorted(g_ids - m_ids), sorted(m_ids - g_ids)
    order_ok = [i for i in ids(mine) if i in g_ids] == [i for i in ids(golden) if i in m_ids]
    identical = sum(1 for k, g in by_id(golden).items() if k in m_ids and by_id(mine)[k] == g)
    print('    golden test-%s: %d objects, set %s; order %s; %d/%d objects identical'
          % (scenario, len(golden), 'EQUAL' if not missing and not extra else 'DIFFERS',
             'same' if order_ok else 'DIFFERS', identical, len(g_ids & m_ids)))
    for i in missing:
        problems.append('%s: missing %s/%s' % (scenario, *i))
    for i in extra:
        problems.append('%s: extra %s/%s' % (scenario, *i))
    mine_by, gold_by = by_id(mine), by_id(golden)
    for k in sorted(g_ids & m_ids):
        if mine_by[k] != gold_by[k]:
            a = yaml.safe_dump(gold_by[k], width=1 << 30).splitlines()
            b = yaml.safe_dump(mine_by[k], width=1 << 30).splitlines()
            import difflib
            diff = [l for l in difflib.unified_diff(a, b, lineterm='', n=0) if l[:1] in '+-' and l[:3] not in ('+++', '---')]
            print('      differs %s/%s: %s' % (k[0], k[1], '; '.join(d.strip() for d in diff[:6]) + (' …' if len(diff) > 6 else '')))


# --- migration steps ---------------------------------------------------------------

DEPLOY = "local k = import 'ksonnet-util/kausal.libsonnet'; local deployment = k.apps.v1.deployment; local statefulSet = k.apps.v1.statefulSet; "

# Cumulative _config per step, following ../shared/procedure.md.
STEP_CONFIG = [
    ('1', {'multi_zone_ingester_enabled': True, 'multi_zone_store_gateway_enabled': True}),
    ('2', {'deployment_mode': 'migration', 'mimir_write_replicas': 0, 'mimir_read_replicas': 0,
           'mimir_backend_replicas': 0, 'autoscaling_mimir_read_enabled': False}),
    ('3.1', {'mimir_read_replicas': 3}),
    ('4.1', {'mimir_backend_replicas': 3}),
    ('5.1', {}),
    ('5.2', {'multi_zone_store_gateway_replicas': 0, 'autoscaling_querier_enabled': False}),
    ('5.3', {'ruler_remote_evaluation_enabled': False, 'autoscaling_ruler_querier_enabled': False}),
    ('6.1', {'mimir_write_replicas': 3}),
    ('7.1', {}), ('7.2a', {}), ('7.2b', {}), ('7.2c', {}),
    ('8', {'deployment_mode': 'read-write'}),
]
STEP_52_OVERRIDES = [('query_frontend_deployment', 'deployment'), ('query_scheduler_deployment', 'deployment'),
                     ('querier_deployment', 'deployment'), ('ruler_deployment', 'deployment'),
                     ('overrides_exporter_deployment', 'deployment'), ('compactor_statefulset', 'statefulSet')]
STEP_OVERRIDES = {
    '5.2': STEP_52_OVERRIDES,
    '7.1': [('distributor_deployment', 'deployment')],
    '7.2a': [('ingester_zone_a_statefulset', 'statefulSet')],
    '7.2b': [('ingester_zone_b_statefulset', 'statefulSet')],
    '7.2c': [('ingester_zone_c_statefulset', 'statefulSet')],
}
STEP_51_ARGS = ("store_gateway_args+:: {'store-gateway.sharding-ring.unregister-on-shutdown': true}, "
                "mimir_backend_args+:: {'store-gateway.sharding-ring.unregister-on-shutdown': false}, ")


def overlay_for(step, keep_overrides=True, skip_fields=(), extra_config=None):
    """The cumulative overlay of steps 1..step, written the way the seed writes it."""
    cfg, overrides, args51 = {}, [], False
    for sid, c in STEP_CONFIG:
        cfg.update(c)
        overrides += STEP_OVERRIDES.get(sid, [])
        args51 = args51 or sid == '5.1'
        if sid == step:
            break
    cfg.update(extra_config or {})
    body = '_config+:: %s, ' % json.dumps(cfg)
    if args51:
        body += STEP_51_ARGS
    if keep_overrides:
        for field, kind in overrides:
            if field not in skip_fields:
                body += '%s+: %s.mixin.spec.withReplicas(0), ' % (field, kind)
    return DEPLOY + '{ ' + body + '}'


def step_render(base, step, **kw):
    (manifests,) = render(base, overlay_for(step, **kw)).values()
    return manifests


def changes(before, after):
    b, a = by_id(before), by_id(after)
    added = sorted(set(a) - set(b))
    removed = sorted(set(b) - set(a))
    modified = sorted(k for k in set(a) & set(b) if a[k] != b[k])
    return added, removed, modified


def fmt(idlist):
    return ', '.join('%s/%s' % i for i in idlist) or '-'


def replicas(m):
    return m.get('spec', {}).get('replicas', 'auto')


def check_steps(problems):
    base = os.path.join(ROOT, 'environments', 'mimir-microservices')
    (prev,) = render(base).values()
    print('\nmigration steps on mimir-microservices (cumulative overlays):')
    for sid, _ in STEP_CONFIG:
        try:
            cur = step_render(base, sid)
        except RuntimeError as e:
            print('  step %-4s FAILS: %s' % (sid, str(e).splitlines()[0]))
            if sid != '8':
                problems.append('step %s failed unexpectedly' % sid)
            continue
        added, removed, modified = changes(prev, cur)
        print('  step %-4s +%d ~%d -%d   (%d objects)' % (sid, len(added), len(modified), len(removed), len(cur)))
        for label, lst in (('added', added), ('removed', removed), ('changed', modified)):
            if lst:
                print('      %s: %s' % (label, fmt(lst)))
        prev = cur

    # Expectations from mimir-facts §9 / procedure.md.
    def expect(cond, what):
        print('  [%s] %s' % ('ok' if cond else 'FAIL', what))
        if not cond:
            problems.append(what)

    print('\nexpected behaviours:')
    (s0,) = render(base).values()
    s1 = step_render(base, '1')
    expect(changes(s0, s1) == ([], [], []), 'step 1 is a no-op on mimir-microservices (zones already on)')

    s2 = step_render(base, '2')
    added, removed, modified = changes(s1, s2)
    rw_workloads = {('Deployment', 'mimir-read')} | {('StatefulSet', 'mimir-%s-zone-%s' % (c, z)) for c in ('write', 'backend') for z in 'abc'}
    expect(rw_workloads <= set(added) and not removed, 'step 2 adds mimir-read, mimir-write-zone-a|b|c, mimir-backend-zone-a|b|c and removes nothing')
    expect(all(replicas(by_id(s2)[i]) == 0 for i in rw_workloads), 'step 2: read-write workloads at 0 replicas')
    rolled = {('Deployment', n) for n in ('query-frontend', 'querier', 'query-scheduler', 'ruler-querier',
                                          'ruler-query-frontend', 'ruler-query-scheduler', 'overrides-exporter')}
    expect(rolled <= set(modified), 'step 2 rolls the query path (query-scheduler discovery dns -> ring): %s' % fmt(sorted(rolled)))
    print('      step 2 changes %d existing objects: %s' % (len(modified), fmt(modified)))

    s41 = step_render(base, '4.1')
    expect(all(replicas(by_id(s41)[('StatefulSet', 'mimir-backend-zone-%s' % z)]) == 1 for z in 'abc'),
           'step 4.1: mimir_backend_replicas 3 gives 1 replica per backend zone')

    s51 = step_render(base, '5.1')
    _, _, modified = changes(s41, s51)
    expect(set(modified) == {('StatefulSet', 'store-gateway-zone-%s' % z) for z in 'abc'},
           'step 5.1 changes only the store-gateway zone StatefulSets')

    s52 = step_render(base, '5.2')
    s52m = by_id(s52)
    zeroed = [('Deployment', n) for n in ('query-frontend', 'query-scheduler', 'querier', 'ruler', 'overrides-exporter')] \
        + [('StatefulSet', 'compactor')] + [('StatefulSet', 'store-gateway-zone-%s' % z) for z in 'abc']
    expect(all(replicas(s52m[i]) == 0 for i in zeroed), 'step 5.2 scales query-frontend, query-scheduler, querier, ruler, overrides-exporter, compactor and store-gateway zones to 0')
    expect(('ScaledObject', 'querier') not in s52m, 'step 5.2 removes the querier ScaledObject')
    expect(replicas(by_id(s51)[('Deployment', 'querier')]) == 'auto', 'autoscaled querier has no spec.replicas before step 5.2')

    defaults = os.path.join(ROOT, 'environments', 'golden-defaults')
    try:
        step_render(defaults, '2')
        failed = None
    except RuntimeError as e:
        failed = str(e)
    expect(failed is not None and 'must specify the ruler storage bucket name' in failed,
           'step 2 FAILS on golden-defaults (no ruler bucket; mimir-backend embeds the ruler): %s'
           % (failed.splitlines()[0] if failed else 'it evaluated'))
    s1d = by_id(step_render(defaults, '1'))
    expect(all(replicas(s1d[('StatefulSet', 'ingester-zone-%s' % z)]) == 0 for z in 'abc'),
           'step 1 on golden-defaults (multi_zone_*_replicas unset) creates zone StatefulSets with 0 replicas')

    minimal = os.path.join(ROOT, 'environments', 'mimir-minimal')
    try:
        step_render(minimal, '5.2')
        failed = None
    except RuntimeError as e:
        failed = str(e)
    expect(failed is not None and 'Unexpected type null' in failed,
           'step 5.2 as written FAILS on mimir-minimal (overrides-exporter/ruler disabled): %s'
           % (failed.splitlines()[0] if failed else 'it evaluated'))
    ok = True
    try:
        step_render(minimal, '5.2', skip_fields=('overrides_exporter_deployment', 'ruler_deployment'))
    except RuntimeError:
        ok = False
    expect(ok, 'step 5.2 on mimir-minimal works once the overrides of absent objects are dropped')

    s53 = step_render(base, '5.3')
    added, removed, modified = changes(s52, s53)
    remote = {(k, n) for n in ('ruler-querier', 'ruler-query-frontend', 'ruler-query-scheduler') for k in ('Deployment', 'Service')}
    remote |= {('Service', 'ruler-query-scheduler-discovery'), ('ScaledObject', 'ruler-querier')}
    expect(set(removed) == remote and not added, 'step 5.3 removes the ruler-* remote-evaluation objects (Deployments, Services, ScaledObject)')
    expect(('Deployment', 'ruler') in modified, 'step 5.3 changes the ruler args')

    s72c = step_render(base, '7.2c')
    for kw, what in (({}, 'as written (withReplicas overrides kept, overrides_exporter_enabled true)'),
                     ({'keep_overrides': False}, 'without overrides but with overrides_exporter_enabled true')):
        try:
            step_render(base, '8', **kw)
            err = None
        except RuntimeError as e:
            err = str(e).splitlines()[0]
        expect(err is not None, 'step 8 fails %s: %s' % (what, err))
    try:
        step_render(base, '8', extra_config={'overrides_exporter_enabled': False})
        err = None
    except RuntimeError as e:
        err = str(e).splitlines()[0]
    expect(err is not None and 'Unexpected type null' in err,
           'step 8 with overrides_exporter_enabled false but overrides kept fails: %s' % err)
    s8 = step_render(base, '8', keep_overrides=False, extra_config={'overrides_exporter_enabled': False})
    added, removed, modified = changes(s72c, s8)
    s8ids = set(ids(s8))
    micro_left = [i for i in s8ids if i[0] in ('Deployment', 'StatefulSet')
                  and not i[1].startswith(('mimir-', 'memcached', 'rollout-operator'))]
    expect(not micro_left and not added, 'step 8 (fixed) removes every microservice workload: %d objects removed' % len(removed))
    expect({('StatefulSet', 'alertmanager'), ('Service', 'alertmanager'), ('PodDisruptionBudget', 'alertmanager-pdb')} <= set(removed),
           'step 8 removes alertmanager StatefulSet, Service and PDB although alertmanager_enabled is true')
    print('      step 8 removes: %s' % fmt(removed))
    print('      step 8 changes: %s' % fmt(modified))

    single = os.path.join(ROOT, 'environments', 'mimir-single-zone')
    (sz0,) = render(single).values()
    sz1 = step_render(single, '1')
    added, removed, modified = changes(sz0, sz1)
    expect(('StatefulSet', 'ingester') in removed and ('StatefulSet', 'store-gateway') in removed,
           'step 1 on mimir-single-zone replaces the single-zone ingester/store-gateway StatefulSets (+%d ~%d -%d)'
           % (len(added), len(modified), len(removed)))


# --- main --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--steps', action='store_true', help='also check the migration steps')
    ap.add_argument('--show', metavar='ENV', help='print the rendered manifests of ENV as JSON')
    ap.add_argument('--time', action='store_true', help='print evaluation time per environment')
    args = ap.parse_args()

    if args.show:
        base = os.path.join(ROOT, 'environments', args.show)
        json.dump(render(base), sys.stdout, indent=2)
        print()
        return 0

    problems = []
    print('environments (go-jsonnet, Tanka extraction):')
    for base in env_dirs():
        name = os.path.basename(base)
        t0 = time.perf_counter()
        try:
            rendered = render(base)
        except (RuntimeError, ValueError) as e:
            print('  %-22s ERROR %s' % (name, str(e).splitlines()[0]))
            problems.append('%s does not evaluate' % name)
            continue
        dt = time.perf_counter() - t0
        for env, manifests in rendered.items():
            label = name if len(rendered) == 1 else '%s[%s]' % (name, env)
            print('  %-22s %3d objects%s  (%s)' % (label, len(manifests), ('  %.2fs' % dt) if args.time else '', kind_counts(manifests)))
            if name.startswith('golden-'):
                compare_golden(manifests, name[len('golden-'):], problems)
    if args.steps:
        check_steps(problems)
    if problems:
        print('\nPROBLEMS:')
        for p in problems:
            print('  - ' + p)
        return 1
    print('\nall checks passed')
    return 0


if __name__ == '__main__':
    sys.exit(main())

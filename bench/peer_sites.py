#!/usr/bin/env python3
"""Writes a Zola site and a Hugo site carrying what a cutover build of a synthetic site
carries, so that the three build the same pages from the same data.

The data is cutover's own, so that nothing differs but the tool: each unit's lines with
every column of its checklist (holder, email, flags, uses, groups, status, decision,
tranche, move date; the countdown emails' dates, once per tranche, as cutover's page) from the `checklist.csv` files of one
cutover build, its findings from `cutover check --format json`, its name, cohort and
coordinator from its unit file. The peers get them precomputed (they cannot apply the
rules), and render, per audience, the guidance pages (the site's own markdown, with
cutover's passages and insertions resolved to plain text), the schedule and timeline
pages, and, for the audience with checklists, the list of units and a page per unit with
its summary, steps, its tranches' dates and emails, its lines table (the same card
markup: a `data-label` on every cell),
groups table and findings, plus a CSV per unit where the tool can write one (Hugo: a
custom output format; Zola: none). cutover also writes an XLSX workbook per unit, which
neither peer can.

Page data goes in TOML front matter for both (Zola reads only TOML or YAML there, and
TOML is the faster to parse for both; Hugo's data files would need a lookup per page).

    python3 bench/peer_sites.py --cutover-site SITE --cutover-out BUILT --report JSON \
        --zola OUT/zola --hugo OUT/hugo
"""

import argparse
import csv
import json
import pathlib
import re

BASE_HEAD = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – {site}</title>
<link rel="stylesheet" href="{root}style.css">
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header">
  <div class="width">
    <p class="site-org">{org}</p>
    <p class="site-title"><a href="{root}index.html">{site}</a></p>
    <p class="site-audience">Guidance for {audience}</p>
  </div>
</header>
<nav class="site-nav" aria-label="Guide">
  <div class="width">
    <ul>
{nav}
    </ul>
  </div>
</nav>
<div class="width">
  <main id="main" tabindex="-1">
"""

BASE_FOOT = """  </main>
</div>
<footer class="site-footer">
  <div class="width">
    <p>{org} · Questions: <a href="mailto:{contact}">{contact}</a></p>
    <p>Dates and deadlines as of {today}.</p>
  </div>
</footer>
</body>
</html>
"""

# The unit page's body, once in each template language. The structure and classes are
# cutover's default theme's, so that the pages carry the same bytes.
ZOLA_UNIT = """<p class="caption">Unit checklist</p>
<h1>{{ page.title }}</h1>
{% set x = page.extra %}
<dl class="summary-list">
  <div><dt>Coordinator</dt><dd>{{ x.coordinator }} (<a href="mailto:{{ x.coordinator_email }}">{{ x.coordinator_email }}</a>)</dd></div>
  <div><dt>Cohort</dt><dd>{{ x.cohort }}</dd></div>
  <div><dt>Answer to the project</dt><dd><strong class="tag tag--{{ x.answer_tag }}">{{ x.answer }}</strong> (deadline {{ x.deadline }})</dd></div>
  <div><dt>Lines</dt><dd>{{ x.counts }}</dd></div>
</dl>
<h2 id="steps">Your steps</h2>
<ol class="task-list">
{% for s in x.steps %}  <li class="task">
    <div class="task-text"><span class="task-name">{{ s.name }}</span><span class="task-hint">{{ s.hint }}</span></div>
    <strong class="tag tag--{{ s.tag }}">{{ s.state }}</strong>
  </li>
{% endfor %}</ol>
<h2 id="lines">Lines</h2>
{% if x.tranches %}<div class="table-wrap" role="region" aria-labelledby="tranches-caption" tabindex="0">
<table class="stack">
  <caption id="tranches-caption">When the moving lines of {{ page.title }} move, and the emails their holders get</caption>
  <thead><tr><th scope="col">Tranche</th><th scope="col">Lines moving</th><th scope="col">Desk phone stops</th><th scope="col">Countdown emails</th></tr></thead>
  <tbody>
{% for t in x.tranches %}    <tr>
      <th scope="row" data-label="Tranche">{{ t.number }}</th>
      <td data-label="Lines moving">{{ t.lines }}</td>
      <td data-label="Desk phone stops">{{ t.move_date }}</td>
      <td data-label="Countdown emails"><ul class="plain">{% for e in t.emails %}<li>{{ e }}</li>{% endfor %}</ul></td>
    </tr>
{% endfor %}  </tbody>
</table>
</div>
{% endif %}<div class="table-wrap" role="region" aria-labelledby="lines-caption" tabindex="0">
<table class="lines stack">
  <caption id="lines-caption">Lines of {{ page.title }}: status, tranche and dates</caption>
  <thead>
    <tr><th scope="col">Extension</th><th scope="col">Holder</th><th scope="col">Flags</th><th scope="col">Uses today</th><th scope="col">Groups</th><th scope="col">Status</th><th scope="col">Tranche</th><th scope="col">Desk phone stops</th></tr>
  </thead>
  <tbody>
{% for l in x.lines %}    <tr>
      <th scope="row" data-label="Extension">{{ l.ext }}</th>
      <td data-label="Holder">{{ l.holder }}{% if l.email %}<br><span class="small">{{ l.email }}</span>{% endif %}</td>
      <td data-label="Flags">{{ l.flags }}</td>
      <td data-label="Uses today">{{ l.uses }}</td>
      <td data-label="Groups">{{ l.groups }}</td>
      <td data-label="Status"><strong class="tag tag--{{ l.status }}">{{ l.status }}</strong></td>
      <td data-label="Tranche">{{ l.tranche }}</td>
      <td data-label="Desk phone stops">{{ l.move_date }}</td>
    </tr>
{% endfor %}  </tbody>
</table>
</div>
{% if x.groups %}<h2 id="groups">Groups</h2>
<div class="table-wrap" role="region" aria-labelledby="groups-caption" tabindex="0">
<table class="groups stack">
  <caption id="groups-caption">Groups of {{ page.title }}</caption>
  <thead><tr><th scope="col">Group</th><th scope="col">Kind</th><th scope="col">Members</th><th scope="col">Holds together</th></tr></thead>
  <tbody>
{% for g in x.groups %}    <tr>
      <th scope="row" data-label="Group">{{ g.id }}</th>
      <td data-label="Kind">{{ g.kind }}</td>
      <td data-label="Members">{{ g.members }}</td>
      <td data-label="Holds together"><strong class="tag tag--{{ g.tag }}">{{ g.holds }}</strong></td>
    </tr>
{% endfor %}  </tbody>
</table>
</div>
{% endif %}{% if x.findings %}<h2 id="findings">Findings</h2>
<ul class="findings">
{% for f in x.findings %}  <li class="finding finding--{{ f.severity }}"><strong class="tag tag--{{ f.severity }}">{{ f.severity }}</strong> {{ f.message }}</li>
{% endfor %}</ul>
{% endif %}"""

HUGO_UNIT = """<p class="caption">Unit checklist</p>
<h1>{{ .Title }}</h1>
{{ $x := .Params }}
<dl class="summary-list">
  <div><dt>Coordinator</dt><dd>{{ $x.coordinator }} (<a href="mailto:{{ $x.coordinator_email }}">{{ $x.coordinator_email }}</a>)</dd></div>
  <div><dt>Cohort</dt><dd>{{ $x.cohort }}</dd></div>
  <div><dt>Answer to the project</dt><dd><strong class="tag tag--{{ $x.answer_tag }}">{{ $x.answer }}</strong> (deadline {{ $x.deadline }})</dd></div>
  <div><dt>Lines</dt><dd>{{ $x.counts }}</dd></div>
</dl>
<h2 id="steps">Your steps</h2>
<ol class="task-list">
{{ range $x.steps }}  <li class="task">
    <div class="task-text"><span class="task-name">{{ .name }}</span><span class="task-hint">{{ .hint }}</span></div>
    <strong class="tag tag--{{ .tag }}">{{ .state }}</strong>
  </li>
{{ end }}</ol>
<h2 id="lines">Lines</h2>
<p class="no-print">Download the checklist: <a href="checklist.csv" download>CSV</a>.</p>
{{ if $x.tranches }}<div class="table-wrap" role="region" aria-labelledby="tranches-caption" tabindex="0">
<table class="stack">
  <caption id="tranches-caption">When the moving lines of {{ .Title }} move, and the emails their holders get</caption>
  <thead><tr><th scope="col">Tranche</th><th scope="col">Lines moving</th><th scope="col">Desk phone stops</th><th scope="col">Countdown emails</th></tr></thead>
  <tbody>
{{ range $x.tranches }}    <tr>
      <th scope="row" data-label="Tranche">{{ .number }}</th>
      <td data-label="Lines moving">{{ .lines }}</td>
      <td data-label="Desk phone stops">{{ .move_date }}</td>
      <td data-label="Countdown emails"><ul class="plain">{{ range .emails }}<li>{{ . }}</li>{{ end }}</ul></td>
    </tr>
{{ end }}  </tbody>
</table>
</div>
{{ end }}<div class="table-wrap" role="region" aria-labelledby="lines-caption" tabindex="0">
<table class="lines stack">
  <caption id="lines-caption">Lines of {{ .Title }}: status, tranche and dates</caption>
  <thead>
    <tr><th scope="col">Extension</th><th scope="col">Holder</th><th scope="col">Flags</th><th scope="col">Uses today</th><th scope="col">Groups</th><th scope="col">Status</th><th scope="col">Tranche</th><th scope="col">Desk phone stops</th></tr>
  </thead>
  <tbody>
{{ range $x.lines }}    <tr>
      <th scope="row" data-label="Extension">{{ .ext }}</th>
      <td data-label="Holder">{{ .holder }}{{ if .email }}<br><span class="small">{{ .email }}</span>{{ end }}</td>
      <td data-label="Flags">{{ .flags }}</td>
      <td data-label="Uses today">{{ .uses }}</td>
      <td data-label="Groups">{{ .groups }}</td>
      <td data-label="Status"><strong class="tag tag--{{ .status }}">{{ .status }}</strong></td>
      <td data-label="Tranche">{{ .tranche }}</td>
      <td data-label="Desk phone stops">{{ .move_date }}</td>
    </tr>
{{ end }}  </tbody>
</table>
</div>
{{ if $x.groups }}<h2 id="groups">Groups</h2>
<div class="table-wrap" role="region" aria-labelledby="groups-caption" tabindex="0">
<table class="groups stack">
  <caption id="groups-caption">Groups of {{ .Title }}</caption>
  <thead><tr><th scope="col">Group</th><th scope="col">Kind</th><th scope="col">Members</th><th scope="col">Holds together</th></tr></thead>
  <tbody>
{{ range $x.groups }}    <tr>
      <th scope="row" data-label="Group">{{ .id }}</th>
      <td data-label="Kind">{{ .kind }}</td>
      <td data-label="Members">{{ .members }}</td>
      <td data-label="Holds together"><strong class="tag tag--{{ .tag }}">{{ .holds }}</strong></td>
    </tr>
{{ end }}  </tbody>
</table>
</div>
{{ end }}{{ if $x.findings }}<h2 id="findings">Findings</h2>
<ul class="findings">
{{ range $x.findings }}  <li class="finding finding--{{ .severity }}"><strong class="tag tag--{{ .severity }}">{{ .severity }}</strong> {{ .message }}</li>
{{ end }}</ul>
{{ end }}"""

HUGO_CSV = """{{ $cols := slice "unit" "ext" "holder" "email" "ms_teams" "flags" "uses" "groups" "status" "decision" "requested" "tranche" "move_date" "email_1" "email_2" "email_3" "findings" -}}
{{ delimit $cols "," }}
{{ range .Params.rows }}{{ delimit . "," }}
{{ end }}"""

# A list of pages (units, guidance), and a plain page.
ZOLA_LIST = """<h1>{{ section.title }}</h1>
{{ section.content | safe }}
<ul class="unit-list">
{% for p in section.pages %}  <li><a href="{{ p.permalink | safe }}">{{ p.title }}</a>{% if p.extra.counts %} <span class="small">{{ p.extra.counts }}</span>{% endif %}</li>
{% endfor %}</ul>"""
HUGO_LIST = """<h1>{{ .Title }}</h1>
{{ .Content }}
<ul class="unit-list">
{{ range .Pages }}  <li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ if .Params.counts }} <span class="small">{{ .Params.counts }}</span>{{ end }}</li>
{{ end }}</ul>"""
ZOLA_PAGE = """<h1>{{ page.title }}</h1>
{{ page.content | safe }}"""
HUGO_PAGE = """<h1>{{ .Title }}</h1>
{{ .Content }}"""

MONTHS = "January February March April May June July August September October November December".split()


def long_date(iso):
    """2022-06-13 as cutover's pages show it: 13 June 2022."""
    if not iso:
        return ""
    y, m, d = iso.split("-")
    return f"{int(d)} {MONTHS[int(m) - 1]} {y}"


def toml_string(s):
    return json.dumps(s, ensure_ascii=False)


def toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return toml_string(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(v)


def front_matter(title, extra, top=None, table="extra"):
    """TOML front matter: `title` and `top` keys, then `extra` under [table] (Zola) or at
    the top (Hugo, table=None)."""
    out = ["+++", f"title = {toml_string(title)}"]
    for k, v in (top or {}).items():
        out.append(f"{k} = {toml_value(v)}")
    if table:
        out.append(f"[{table}]")
    for k, v in extra.items():
        out.append(f"{k} = {toml_value(v)}")
    out.append("+++")
    return "\n".join(out) + "\n"


def unit_heads(site):
    """Each unit file's name, cohort, coordinator and response, by unit id."""
    heads = {}
    for path in sorted((site / "data/units").glob("*.yaml")):
        head = path.read_text().split("\nlines:", 1)[0]
        get = lambda key: (re.search(rf"^{key}: (.*)$", head, re.M) or [None, ""])[1]
        coordinator = re.search(r"coordinator: \{name: (.*), email: (.*)\}", head)
        heads[path.stem] = {
            "name": get("name"),
            "cohort": get("cohort") or "separate Teams",
            "responded": get("responded"),
            "coordinator": coordinator[1] if coordinator else "",
            "coordinator_email": coordinator[2] if coordinator else "",
        }
    return heads


def guidance(site, audience):
    """The site's content pages for `audience`, as (slug, title, weight, markdown): the
    passages for other audiences dropped, insertions replaced by plain words."""
    pages = []
    for path in sorted((site / "content").glob("*.md")):
        _, meta, body = path.read_text().split("---\n", 2)
        audiences = re.search(r"^audiences: \[(.*)\]$", meta, re.M)
        if audiences and audience not in [a.strip() for a in audiences[1].split(",")]:
            continue
        title = re.search(r"^title: (.*)$", meta, re.M)[1]
        weight = int((re.search(r"^weight: (\d+)$", meta, re.M) or [0, 0])[1])
        kept, keep = [], True
        for line in body.splitlines():
            passage = re.match(r"^::: (only|except) (.*)$", line)
            if passage:
                listed = audience in passage[2].split()
                keep = listed if passage[1] == "only" else not listed
                continue
            if line.strip() == ":::":
                keep = True
                continue
            if keep:
                line = re.sub(r"\{\{ ([a-z -]+) \}\}", lambda m: m[1].replace("count ", "the number of "), line)
                line = re.sub(r"\(@/([a-z-]+)\.md\)", r"(../\1/)", line)
                kept.append(line)
        pages.append((path.stem, title, weight, "\n".join(kept) + "\n"))
    return pages


def unit_page(head, rows, findings, deadline, email_columns):
    """A unit's page data: what cutover's checklist shows, from its CSV and findings."""
    counts = {}
    lines = []
    groups = {}
    tranches = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
        lines.append({
            "ext": r["ext"], "holder": r["holder"], "email": r["email"], "flags": r["flags"].replace("; ", ", "),
            "uses": r["uses"].replace("; ", ", "), "groups": r["groups"].replace("; ", ", "), "status": r["status"],
            "tranche": r["tranche"], "move_date": long_date(r["move_date"]),
        })
        # A tranche's dates once, as cutover's page gives them.
        if r["tranche"]:
            t = tranches.setdefault(int(r["tranche"]), {
                "number": int(r["tranche"]), "lines": 0, "move_date": long_date(r["move_date"]),
                "emails": [f"{long_date(r[c])} ({c.removeprefix('email_').replace('_', ' ')})"
                           for c in email_columns if r[c]],
            })
            t["lines"] += 1
        for g in filter(None, r["groups"].split("; ")):
            gid, kind = g.rsplit(" (", 1)
            groups.setdefault(gid, (kind.rstrip(")"), []))[1].append((r["ext"], r["status"]))
    group_rows = []
    for gid, (kind, members) in groups.items():
        whole = len({s for _, s in members}) == 1
        group_rows.append({
            "id": gid, "kind": kind, "members": ", ".join(f"{e} ({s})" for e, s in members),
            "holds": "Yes" if whole else "No", "tag": "completed" if whole else "action-needed",
        })
    flagged = sum(r["ms_teams"] == "true" for r in rows)
    decided = sum(r["ms_teams"] == "true" and r["decision"] != "" for r in rows)
    steps = [
        {"name": "Review the lines flagged in the MS Teams column",
         "hint": f"{flagged} lines flagged; check with each person and tell those who cannot move.",
         "state": f"{decided} of {flagged} done", "tag": "in-progress"},
        {"name": "Record a move or stay decision for each line that uses a feature being removed",
         "hint": "Lines that use a feature that staying removes.", "state": "In progress", "tag": "in-progress"},
        {"name": "Resolve group conflicts", "hint": "Hunt groups and executive–assistant pairs move together or stay together.",
         "state": f"{sum(g['holds'] == 'No' for g in group_rows)} to resolve", "tag": "action-needed"},
        {"name": "Tell pickup group members who are moving", "hint": "People who move leave their pickup group.",
         "state": "Not needed", "tag": "not-needed"},
        {"name": "Ask whether anyone else urgently needs the new system", "hint": "Include them in your answer to the project.",
         "state": "Completed", "tag": "completed"},
        {"name": f"Answer the project by {deadline}", "hint": "Email the project with the list of people who should move.",
         "state": "Answered" if head["responded"] else "To do", "tag": "completed" if head["responded"] else "to-do"},
    ]
    return {
        "coordinator": head["coordinator"], "coordinator_email": head["coordinator_email"],
        "cohort": head["cohort"],
        "answer": f"Answered on {long_date(head['responded'])}" if head["responded"] else "Not answered",
        "answer_tag": "completed" if head["responded"] else "action-needed",
        "deadline": deadline,
        "counts": f"{len(rows)}: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())),
        "steps": steps, "lines": lines, "tranches": [tranches[n] for n in sorted(tranches)], "groups": group_rows,
        "findings": [{"severity": f["severity"], "message": f["message"]} for f in findings],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cutover-site", required=True, type=pathlib.Path)
    parser.add_argument("--cutover-out", required=True, type=pathlib.Path, help="a cutover build of it")
    parser.add_argument("--report", required=True, type=pathlib.Path, help="its check --format json")
    parser.add_argument("--zola", required=True, type=pathlib.Path)
    parser.add_argument("--hugo", required=True, type=pathlib.Path)
    args = parser.parse_args()
    site, built = args.cutover_site, args.cutover_out
    report = json.loads(args.report.read_text())
    config = (site / "data/site.yaml").read_text()
    title = re.search(r"^title: (.*)$", config, re.M)[1]
    org = re.search(r"^organisation: (.*)$", config, re.M)[1]
    contact = re.search(r"^contact: (.*)$", config, re.M)[1]
    deadline = long_date(re.search(r"^response_deadline: (.*)$", config, re.M)[1])
    audiences = re.findall(r"- id: (\S+)\n\s+title: (.*)\n(?:\s+personal_data: (true)\n)?(?:\s+unit_checklists: (true))?", config)
    heads = unit_heads(site)
    by_unit = {}
    for f in report["findings"]:
        if f.get("unit"):
            by_unit.setdefault(f["unit"], []).append(f)

    for tool, unit_tpl, list_tpl, page_tpl in (
        ("zola", ZOLA_UNIT, ZOLA_LIST, ZOLA_PAGE),
        ("hugo", HUGO_UNIT, HUGO_LIST, HUGO_PAGE),
    ):
        root = getattr(args, tool)

        def write(path, text):
            path = root / path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)

        zola = tool == "zola"
        for aud, aud_title, _personal, checklists in audiences:
            generated = ("index", "units", "schedule", "timeline")
            nav_items = [(slug, t) for slug, t, _, _ in sorted(guidance(site, aud), key=lambda p: p[2]) if slug not in generated]
            nav_items += [("schedule", "Schedule"), ("timeline", "Timeline")]
            if checklists:
                nav_items.append(("units", "Unit checklists"))
            # The navigation is the same on every page of an audience: written into its base
            # template once, as cutover's theme does with its site map, links relative to the
            # audience's folder by way of a per-page prefix.
            nav = "\n".join(f'      <li><a href="{{{{ r }}}}{slug}/index.html">{t}</a></li>' for slug, t in nav_items)
            # Every page's `up` leads from its folder to the audience's.
            if zola:
                prefix = ('{% if page is defined %}{% set r = page.extra.up %}{% set t = page.title %}'
                          '{% else %}{% set r = section.extra.up %}{% set t = section.title %}{% endif %}')
                nav_z = nav.replace("{{ r }}", "{{ r | safe }}")
                head = BASE_HEAD.format(title="{{ t }}", site=title, root="{{ r | safe }}../",
                                        org=org, audience=aud_title, nav=nav_z)
                base = prefix + head + "{% block content %}{% endblock content %}\n" + BASE_FOOT.format(org=org, contact=contact, today=long_date(report["today"]))
                write(f"templates/{aud}/base.html", base)
                write(f"templates/{aud}/unit.html", f'{{% extends "{aud}/base.html" %}}{{% block content %}}{unit_tpl}{{% endblock content %}}')
                write(f"templates/{aud}/list.html", f'{{% extends "{aud}/base.html" %}}{{% block content %}}{list_tpl}{{% endblock content %}}')
                write(f"templates/{aud}/page.html", f'{{% extends "{aud}/base.html" %}}{{% block content %}}{page_tpl}{{% endblock content %}}')
            else:
                nav_h = nav.replace("{{ r }}", "{{ $r }}")
                head = BASE_HEAD.format(title="{{ .Title }}", site=title, root="{{ $r }}../", org=org, audience=aud_title, nav=nav_h)
                base = '{{ $r := .Params.up }}' + head + '{{ block "main" . }}{{ end }}\n' + BASE_FOOT.format(org=org, contact=contact, today=long_date(report["today"]))
                write(f"layouts/{aud}/baseof.html", base)
                write(f"layouts/{aud}/unit.html", '{{ define "main" }}' + unit_tpl + "{{ end }}")
                write(f"layouts/{aud}/unit.csv", HUGO_CSV)
                write(f"layouts/{aud}/list.html", '{{ define "main" }}' + list_tpl + "{{ end }}")
                write(f"layouts/{aud}/single.html", '{{ define "main" }}' + page_tpl + "{{ end }}")

            def page(path, page_title, body, extra=None, template="page", up="../"):
                extra = dict(extra or {})
                if zola:
                    extra["up"] = up
                    top = {"template": f"{aud}/{template}.html"}
                    write(f"content/{aud}/{path}", front_matter(page_title, extra, top) + body)
                else:
                    extra["up"] = up
                    top = {"layout": template}
                    write(f"content/{aud}/{path}", front_matter(page_title, {**top, **extra}, table=None) + body)

            def section(path, section_title, body, up):
                if zola:
                    write(f"content/{aud}/{path}", front_matter(section_title, {"up": up}, {"template": f"{aud}/list.html"}) + body)
                else:
                    write(f"content/{aud}/{path}", front_matter(section_title, {"layout": "list", "up": up}, table=None) + body)

            # The pages cutover generates take their introduction from the content page of
            # the same name, as cutover does.
            intro = {}
            for slug, t, weight, markdown in guidance(site, aud):
                if slug in ("index", "units", "schedule", "timeline"):
                    intro[slug] = markdown
                else:
                    page(f"{slug}.md", t, markdown, {"weight": weight} if not zola else None)
            section("_index.md", aud_title, intro.get("index", ""), "")
            schedule = ["| Tranche | Date | Countdown emails | Places taken |", "|---|---|---|---|"]
            for t in report["tranches"]:
                schedule.append(f"| {t['number']} {t.get('label', '')} | {long_date(t['date'])} | "
                                + ", ".join(long_date(e) for e in t["emails"]) + f" | {t['placed']} |")
            page("schedule.md", "Schedule", intro.get("schedule", "") + "\n" + "\n".join(schedule) + "\n")
            timeline = (site / "data/timeline.yaml").read_text()
            events = re.findall(r"- date: (\S+)\n  title: (.*)\n", timeline)
            page("timeline.md", "Timeline", intro.get("timeline", "") + "\n" + "\n".join(f"- **{d}**: {t.strip(chr(39))}" for d, t in events) + "\n")
            if checklists:
                section("units/_index.md", "Unit checklists", intro.get("units", ""), "../")
                for unit_dir in sorted((built / aud / "units").iterdir()):
                    if not unit_dir.is_dir():
                        continue
                    unit = unit_dir.name
                    with open(unit_dir / "checklist.csv", newline="") as f:
                        rows = list(csv.DictReader(f))
                    email_columns = [c for c in rows[0] if c.startswith("email_")] if rows else []
                    data = unit_page(heads[unit], rows, by_unit.get(unit, []), deadline, email_columns)
                    if not zola:
                        data["rows"] = [[r[c].replace(",", " ") for c in r] for r in rows]
                        top = {"layout": "unit", "outputs": ["html", "csv"]}
                        write(f"content/{aud}/units/{unit}.md", front_matter(heads[unit]["name"], {**top, "up": "../../", **data}, table=None))
                    else:
                        page(f"units/{unit}.md", heads[unit]["name"], "", data, template="unit", up="../../")
    (args.zola / "config.toml").write_text(
        f'base_url = "/"\ntitle = {toml_string(title)}\ncompile_sass = false\n'
        "build_search_index = false\ngenerate_feeds = false\n"
    )
    (args.hugo / "hugo.toml").write_text(
        f'baseURL = "/"\ntitle = {toml_string(title)}\nrelativeURLs = true\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n'
        '[outputFormats.csv]\nmediaType = "text/csv"\nbaseName = "checklist"\nisPlainText = true\n'
    )
    for root in (args.zola, args.hugo):
        (root / "static").mkdir(parents=True, exist_ok=True)
        style = next((built).glob("style.css"), None)
        if style:
            (root / "static/style.css").write_bytes(style.read_bytes())


if __name__ == "__main__":
    main()

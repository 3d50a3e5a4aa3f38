"""tools/fault_matrix's result as its two markdown tables (the ones
docs/CONFORMANCE.md holds) and as a page (--html), both from the same rows.

The result is a dict:
  {"started_at", "duration_s", "commit", "options": [argv], "keys": [2 keys],
   "left_out": [case ids left out of the fault runs],
   "baseline": [{"case", "directly", "through", "why", "left_out": bool,
                 "problem": "" | "reference failed" | "unexplained"}],
   "faults": [{"name", "what", "caught": [case ids, quickest first],
               "shown": [the cases that also fail run alone]}]}"""

import shlex

import report_page as rp

GRADES = [("CAUGHT", "good"), ("MISSED", "bad"), ("UNEXPLAINED", "bad"),
          ("REFERENCE-FAILED", "bad"), ("BASELINE-NON-STRICT", "warn"),
          ("BASELINE-FAILED", "neutral")]
BASELINE_HEADER = ["case", "directly", "through `--fault none`", "why", "in the fault runs"]
FAULT_HEADER = ["fault", "what the proxy does", "cases failed", "caught by (run alone)"]
# The addresses of the reproducing commands: fixed, so they can be typed.
SERVER, PROXY = "127.0.0.1:8080", "127.0.0.1:8081"
KEYS_FILE = "/tmp/fault-matrix-keys"


def markdown(header, rows):
    """A markdown table, as docs/CONFORMANCE.md holds it."""
    return "\n".join(["| %s |" % " | ".join(header), "|%s" % ("---|" * len(header))] +
                     ["| %s |" % " | ".join(row) for row in rows])


def plain(cell):
    """A markdown cell as a page shows it: without ` and ** marks."""
    return cell.replace("**", "").replace("`", "")


def baseline_rows(result):
    """The baseline table's rows: the cases the proxy alone changes."""
    return [["`%s`" % r["case"], r["directly"], r["through"], r["why"],
             "left out" if r["left_out"] else "run"] for r in result["baseline"]]


def caught_by(fault):
    """The fault table's last cell: the cases shown, or that none is."""
    if not fault["shown"]:
        return "**nothing: not caught**"
    shown = ", ".join("`%s`" % case for case in fault["shown"])
    if len(fault["caught"]) > len(fault["shown"]):
        shown += " (of %d)" % len(fault["caught"])
    return shown


def fault_rows(result):
    """The fault table's rows: one per fault."""
    return [["`%s`" % f["name"], f["what"], "%d" % len(f["caught"]), caught_by(f)]
            for f in result["faults"]]


def all_caught(result):
    """Whether every fault has a case that fails it run alone."""
    return all(f["shown"] for f in result["faults"])


def all_explained(result):
    """Whether every difference the proxy alone makes is explained."""
    return not any(r["problem"] for r in result["baseline"])


def setup_command(result, fault):
    """The commands that start a server and the proxy with `fault` in front
    of it, as a person types them (root, the repository's root, built)."""
    return "\n".join([
        "printf '%%s\\n' %s > %s" % (" ".join(shlex.quote(k) for k in result["keys"]),
                                     KEYS_FILE),
        "bazel-bin/reference_server/reference_server --listen %s --api-keys-file %s "
        "--workers 8 &" % (SERVER, KEYS_FILE),
        "bazel-bin/tools/fault_proxy/fault_proxy --upstream http://%s --fault %s --listen %s &"
        % (SERVER, shlex.quote(fault), PROXY)])


def runner_command(result, filters=(), excludes=(), target=PROXY):
    """The runner's command line against the proxy of setup_command (or
    the server behind it)."""
    keys = result["keys"]
    argv = ["bazel-bin/conformance/conformance", "--target", "http://" + target,
            "--api-key", keys[0], "--second-api-key", keys[1], "--jobs", "8"]
    argv += [arg for case in filters for arg in ("--filter", case)]
    argv += [arg for case in excludes for arg in ("--exclude", case)]
    return " ".join(shlex.quote(arg) for arg in argv)


SETUP_LABEL = "first, as root from the repository's root: a server, the proxy in front"


def fault_item(result, fault):
    """A fault: CAUGHT when a case fails it run alone, else MISSED."""
    blocks = [rp.block("list", label="cases that failed (quickest first)",
                       lines=fault["caught"]) if fault["caught"] else
              rp.block("text", "no case failed under this fault", label="cases that failed"),
              rp.block("command", setup_command(result, fault["name"]), label=SETUP_LABEL),
              rp.block("command", runner_command(result, excludes=result["left_out"]),
                       label="then this fault's run")]
    if fault["shown"]:
        blocks.append(rp.block("command", runner_command(result, fault["shown"]),
                               label="or the cases docs/CONFORMANCE.md shows, run alone "
                                     "(they fail together)"))
    return rp.item(fault["name"], "CAUGHT" if fault["shown"] else "MISSED", fault["what"],
                   "%d case%s" % (len(fault["caught"]), "" if len(fault["caught"]) == 1 else "s"),
                   blocks)


def baseline_grade(row):
    """A baseline case's grade: bad when it makes the run fail."""
    if row["problem"] == "reference failed":
        return "REFERENCE-FAILED"
    if row["problem"]:
        return "UNEXPLAINED"
    return "BASELINE-FAILED" if row["through"] == "FAILED" else "BASELINE-" + row["through"]


def baseline_item(result, row):
    """A case whose grade through the proxy alone is not its grade directly."""
    blocks = [rp.block("text", plain(row["why"]), label="why"),
              rp.block("command", setup_command(result, "none"), label=SETUP_LABEL),
              rp.block("command", runner_command(result, [row["case"]]),
                       label="then the case through the proxy"),
              rp.block("command", runner_command(result, [row["case"]], target=SERVER),
                       label="and directly")]
    return rp.item(row["case"], baseline_grade(row),
                   "%s directly, %s through the proxy" % (row["directly"], row["through"]),
                   "left out" if row["left_out"] else "run", blocks)


def verdict(result):
    """(one line, tone): the exit status and why."""
    missed = sum(1 for f in result["faults"] if not f["shown"])
    unexplained = sum(1 for r in result["baseline"] if r["problem"])
    if not missed and not unexplained:
        return ("every one of %d faults caught; the baseline explained (exit 0)"
                % len(result["faults"]), "good")
    return ("%d fault(s) not caught, %d baseline difference(s) unexplained (exit 1)"
            % (missed, unexplained), "bad")


def build_page(result):
    """The page of a fault matrix run."""
    line, tone = verdict(result)
    grades = list(GRADES)
    for row in result["baseline"]:  # a grade through the proxy of another name
        if baseline_grade(row) not in dict(grades):
            grades.append((baseline_grade(row), "warn"))
    facts = [("date", result["started_at"]), ("commit", result["commit"]),
             ("duration", rp.seconds(result["duration_s"])),
             ("options", " ".join(result["options"]) or "(none)"),
             ("faults", len(result["faults"])),
             ("left out of the fault runs", len(result["left_out"]))]
    tables = [rp.table("baseline: the proxy without a fault", map(plain, BASELINE_HEADER),
                       [map(plain, row) for row in baseline_rows(result)]),
              rp.table("faults", FAULT_HEADER,
                       [map(plain, row) for row in fault_rows(result)])]
    sections = [("baseline", [baseline_item(result, r) for r in result["baseline"]]),
                ("faults", [fault_item(result, f) for f in result["faults"]])]
    return rp.page("Fault matrix", "fault matrix", line, tone, facts, grades, tables, sections)

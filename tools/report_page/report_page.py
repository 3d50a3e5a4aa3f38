"""The project's one page style for the reports of its Python scripts
(tools/fault_matrix --html, tools/bench --html): a page is built here in
the JSON form that tools/html_page/html_page.h documents above
PageFromJson, and written by //tools/html_page:render_page, which escapes
every string of it. Nothing here writes HTML, so nothing here can forget
to escape."""

import datetime
import json
import os
import subprocess
import tempfile

# The Bazel label of the renderer, and its path under a bazel-bin.
RENDER_PAGE_LABEL = "//tools/html_page:render_page"
RENDER_PAGE_PATH = "tools/html_page/render_page"
TONES = ("good", "warn", "bad", "neutral", "info")
BLOCK_KINDS = ("text", "pre", "list", "command")
# render_page is fast; this only bounds a renderer that hangs.
RENDER_TIMEOUT_S = 120


class PageError(Exception):
    """The page could not be written: the message says why, in
    render_page's own words when it refused the page."""


def _text(value):
    """Every member of a page is text: numbers are shown as they are."""
    return value if isinstance(value, str) else str(value)


def _tone(tone):
    """`tone`, or ValueError: a bug of the script building the page."""
    if tone not in TONES:
        raise ValueError("tone %r is not one of %s" % (tone, ", ".join(TONES)))
    return tone


def block(kind, text="", label="", lines=()):
    """One part of an opened item: "text", "pre", "list" (of `lines`) or
    "command" (with a copy button)."""
    if kind not in BLOCK_KINDS:
        raise ValueError("block kind %r is not one of %s" % (kind, ", ".join(BLOCK_KINDS)))
    out = {"kind": kind, "label": _text(label)}
    if kind == "list":
        out["lines"] = [_text(line) for line in lines]
    else:
        out["text"] = _text(text)
    return out


def item(item_id, grade, title="", note="", blocks=()):
    """One item of a section; `item_id` is unique within the page."""
    return {"id": _text(item_id), "grade": _text(grade), "title": _text(title),
            "note": _text(note), "blocks": list(blocks)}


def table(caption, header, rows):
    """A summary table; every cell is shown as text."""
    return {"caption": _text(caption), "header": [_text(cell) for cell in header],
            "rows": [[_text(cell) for cell in row] for row in rows]}


def page(title, kind, verdict="", verdict_tone="neutral", facts=(), grades=(), tables=(),
         sections=()):
    """The whole page. `facts` are (name, value) pairs, `grades` (name,
    tone) pairs in display order, `sections` (name, items) pairs."""
    return {"title": _text(title), "kind": _text(kind), "verdict": _text(verdict),
            "verdict_tone": _tone(verdict_tone),
            "facts": [[_text(k), _text(v)] for k, v in facts],
            "grades": [{"name": _text(name), "tone": _tone(tone)} for name, tone in grades],
            "tables": list(tables),
            "sections": [{"name": _text(name), "items": list(items)} for name, items in sections]}


def item_ids(built):
    """Every item's id, in page order."""
    return [i["id"] for s in built["sections"] for i in s["items"]]


def check(built):
    """PageError unless every item id is unique and every item's grade is
    one of the page's: both would be a bug of the script that built it."""
    ids = item_ids(built)
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise PageError("item ids used more than once: %s" % ", ".join(repeated))
    names = {g["name"] for g in built["grades"]}
    unknown = sorted({i["grade"] for s in built["sections"] for i in s["items"]} - names)
    if unknown:
        raise PageError("grades not declared in the page: %s" % ", ".join(unknown))


def render_page_in(bin_dir):
    """render_page's path under a bazel-bin (or EXECPROBE_BIN) directory."""
    return os.path.join(bin_dir, RENDER_PAGE_PATH)


def require_render_page(binary):
    """PageError unless `binary` can be run: checked before a long run, not
    after it."""
    if not os.access(binary, os.X_OK):
        raise PageError("%s is not built (bazel build %s)" % (binary, RENDER_PAGE_LABEL))


def render(built, out_path, binary):
    """Writes `built` to `out_path` as HTML with render_page; PageError if
    it cannot."""
    check(built)
    require_render_page(binary)
    fd, json_path = tempfile.mkstemp(prefix="page-", suffix=".json")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(built, f)
        try:
            done = subprocess.run([binary, "--in", json_path, "--out", out_path],
                                  capture_output=True, text=True, timeout=RENDER_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise PageError("render_page took over %d s" % RENDER_TIMEOUT_S)
        except OSError as error:
            raise PageError("cannot run %s: %s" % (binary, error))
        if done.returncode != 0:
            said = (done.stderr or done.stdout).strip() or "(nothing on stderr)"
            raise PageError("render_page exited %d: %s" % (done.returncode, said))
    finally:
        os.unlink(json_path)


def now():
    """The date and time of a report, in UTC."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def git_commit(root):
    """The commit of the tree at `root`, with " (dirty)" when tracked files
    differ from it; "unknown" outside a git checkout."""
    def git(*args):
        try:
            done = subprocess.run(["git", "-C", root] + list(args), capture_output=True,
                                  text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""
    commit = git("rev-parse", "HEAD")
    if not commit:
        return "unknown"
    return commit + (" (dirty)" if git("status", "--porcelain", "--untracked-files=no") else "")


def seconds(value):
    """A duration as the reports show it."""
    return "%.0f s" % value if value >= 10 else "%.1f s" % value

#!/usr/bin/env python3
"""The CI templates of ci/ and .clusterfuzzlite/ stay true (docs/CI.md):
each parses as YAML; its commands name only paths and Bazel targets that
exist; the runner knows and accepts every flag it is given; every report
the runner writes is uploaded, whatever the outcome; the ClusterFuzzLite
build reuses fuzz/oss-fuzz/; and the triggers are the ones docs/CI.md
states.

None of these files is a Bazel input the test could name (they sit in
packages whose BUILD files do not export them), so it reads them from the
source tree, found through its own runfile; ci/BUILD tags it `external` so
that it is never a stale cached pass. What the runner accepts comes from
its parser (conformance/options.cc: the flag table, the --help text, the
duration and expectations formats); where the built runner is in the
runfiles as well, the test also runs it: `--help`, and each template's
flags with `--list`, which parses them and the expectations file."""

import json
import os
import re
import shlex
import subprocess
import sys
import unittest

try:
    import yaml
except ImportError:
    sys.exit("templates_test: Python's yaml module is missing: run tools/setup "
             "(it installs Debian's python3-yaml)")

ROOT = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
# The built runner, when //conformance is in the test's data.
CONFORMANCE = os.path.join(os.environ.get("TEST_SRCDIR", "/nonexistent"),
                           "execprobe/conformance/conformance")
GRADES = {"OK", "INFORMATIONAL", "NON-STRICT", "SKIPPED", "FAILED"}
# ParseDuration's format: a plain decimal number, then ms, s, m or h.
DURATION = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:ms|s|m|h)?$")

CONFORMANCE_TEMPLATES = ["ci/github-actions.yml", "ci/gitlab-ci.yml"]
CFLITE_TEMPLATES = {"ci/cflite-pr.yml": {"code-change"}, "ci/cflite-batch.yml": {"batch", "prune"}}
RUNNERS = ("bazel-bin/conformance/conformance", "tools/run")
FLAG_ARRAY = re.compile(r"^conformance_flags\+?=\((.*)\)$")
REPO_PATH = re.compile(
    r"^(?:tools|ci|fuzz|conformance|reference_server|docs|fixtures|base|third_party|"
    r"\.clusterfuzzlite)/[\w./-]+$")
# A command in a YAML or shell comment: a commented-out alternative.
COMMENTED = re.compile(r"^\s*#\s*(?:-\s+)?(?:run:\s*)?"
                       r"((?:tools|bazel-bin|fuzz|ci|\.clusterfuzzlite)/\S.*|conformance_flags.*)$")
REPORT_FLAGS = ("--json", "--junit", "--html")


def source(path):
    """The text of a file of the repository."""
    with open(os.path.join(ROOT, path)) as f:
        return f.read()


def load(path):
    """A YAML file of the repository, parsed."""
    return yaml.safe_load(source(path))


def triggers(workflow):
    """The event names of a GitHub workflow's `on:` (YAML 1.1 reads the key
    `on` as True)."""
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on}
    return set(on) if isinstance(on, (list, dict)) else set()


def logical_lines(script):
    """A shell script's command lines, continuations joined, comments and
    blank lines left out; a commented-out command is kept (without its #)."""
    lines, pending = [], ""
    for raw in script.splitlines():
        if pending == "" and raw.lstrip().startswith("#"):
            match = COMMENTED.match(raw)
            if match:
                lines.append(match.group(1).strip())
            continue
        if raw.rstrip().endswith("\\"):
            pending += raw.rstrip()[:-1] + " "
            continue
        line = (pending + raw).strip()
        pending = ""
        if line:
            lines.append(line)
    return lines


def tokens(line):
    """A command line's words, quotes removed where shlex can."""
    try:
        return shlex.split(line)
    except ValueError:
        return line.split()


class Template:
    """One CI template: its parsed YAML, its command lines (active and
    commented out), its variables and what it uploads."""

    def __init__(self, path):
        self.path = path
        self.text = source(path)
        self.data = yaml.safe_load(self.text)
        self.env = {}
        self.scripts = []
        self.uploads = []  # (paths, when-always?) per upload
        if self.path.endswith("gitlab-ci.yml"):
            self._read_gitlab()
        else:
            self._read_github()
        self.lines = [line for script in self.scripts for line in logical_lines(script)]
        # YAML comments (a commented-out job or script line) hold commands too.
        for raw in self.text.splitlines():
            match = COMMENTED.match(raw)
            if match and match.group(1).strip() not in self.lines:
                self.lines.append(match.group(1).strip())

    def _read_github(self):
        """A GitHub workflow's env, `run:` scripts and upload-artifact steps."""
        self.env.update(self.data.get("env") or {})
        for job in (self.data.get("jobs") or {}).values():
            self.env.update(job.get("env") or {})
            for step in job.get("steps") or []:
                if "run" in step:
                    self.scripts.append(step["run"])
                if str(step.get("uses", "")).startswith("actions/upload-artifact@"):
                    paths = str((step.get("with") or {}).get("path", "")).split()
                    self.uploads.append((paths, "always()" in str(step.get("if", ""))))

    def _read_gitlab(self):
        """A GitLab pipeline's variables, scripts and artifacts, per job."""
        self.env.update(self.data.get("variables") or {})
        for job in self.data.values():
            if not isinstance(job, dict) or "script" not in job:
                continue
            self.env.update(job.get("variables") or {})
            for key in ("before_script", "script", "after_script"):
                self.scripts.extend(job.get(key) or [])
            artifacts = job.get("artifacts") or {}
            if artifacts:
                paths = list(artifacts.get("paths") or [])
                self.uploads.append((paths, artifacts.get("when") == "always"))

    def runner_argvs(self):
        """The runner's arguments per invocation: each line that runs it
        directly, and the `conformance_flags` array lines together."""
        argvs, array = [], []
        for line in self.lines:
            match = FLAG_ARRAY.match(line)
            if match:
                array += tokens(match.group(1))
                continue
            words = tokens(line)
            if words and words[0] in RUNNERS:
                args = [w for w in words[1:] if w != "${conformance_flags[@]}"]
                if args:
                    argvs.append(args)
        if array:
            argvs.append(array)
        return argvs

    def expand(self, word):
        """A word with the template's own variables ($VAR, ${VAR}) set."""
        return re.sub(r"\$\{?(\w+)\}?", lambda m: str(self.env.get(m.group(1), m.group(0))), word)


def flag_values(argv, flag):
    """The values given to `flag` in argv (as `--flag V` or `--flag=V`)."""
    values = []
    for i, word in enumerate(argv):
        if word == flag and i + 1 < len(argv):
            values.append(argv[i + 1])
        elif word.startswith(flag + "="):
            values.append(word[len(flag) + 1:])
    return values


def label_defined(label):
    """Whether //pkg[:name] names a rule that pkg/BUILD defines."""
    package, _, name = label[2:].partition(":")
    name = name or package.rsplit("/", 1)[-1]
    build = os.path.join(ROOT, package, "BUILD")
    if not os.path.isfile(build):
        return False
    with open(build) as f:
        return re.search(r'\bname\s*=\s*"%s"' % re.escape(name), f.read()) is not None


def path_problems(word):
    """Why a word naming a repository path or target does not resolve
    (None when it does, or names neither)."""
    word = word.rstrip(")").rstrip(";")
    for prefix in ("$SRC/execprobe/", "./"):
        if word.startswith(prefix):
            word = word[len(prefix):]
    if word.startswith("//"):
        return None if label_defined(word) else "no Bazel target %s" % word
    if word.startswith("bazel-bin/"):
        package, _, name = word[len("bazel-bin/"):].rpartition("/")
        label = "//%s:%s" % (package, name)
        return None if label_defined(label) else "%s: no Bazel target %s" % (word, label)
    if REPO_PATH.match(word) and not os.path.exists(os.path.join(ROOT, word)):
        return "no file %s in the repository" % word
    return None


def options_source():
    """conformance/options.cc: the runner's flag table and --help text."""
    return source("conformance/options.cc")


def parser_flags():
    """{flag: takes a value?} from the runner's flag table (kFlags)."""
    table = re.findall(r'\{\.name = "(-[\w-]+)", \.(\w+) =', options_source())
    assert table, "no flag table (kFlags) found in conformance/options.cc"
    return {name: kind != "on" for name, kind in table}


def usage_text():
    """The runner's --help text: the built runner's, or Usage() in
    options.cc."""
    if os.path.exists(CONFORMANCE):
        done = subprocess.run([CONFORMANCE, "--help"], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, "conformance --help: %d: %s" % (done.returncode, done.stderr)
        return done.stdout
    text = options_source()
    start = text.index("std::string Usage()")
    return text[start:text.index("\n}\n", start)]


def argv_problems(argv):
    """Why the runner's parser would refuse argv (options.cc), as a list."""
    flags, problems, i = parser_flags(), [], 0
    while i < len(argv):
        name, attached, value = argv[i].partition("=")
        if name not in flags:
            problems.append("unknown option %s" % name)
        elif flags[name] and not attached:
            i += 1
            if i >= len(argv) or argv[i].startswith("--"):
                problems.append("%s needs a value" % name)
            else:
                value = argv[i]
        elif not flags[name] and attached:
            problems.append("%s takes no value" % name)
        if name == "--max-duration" and not DURATION.match(value):
            problems.append("--max-duration: not a duration: %r" % value)
        i += 1
    return problems


def expectations_problems(text):
    """Why ParseExpectations (conformance/expectations.cc) would refuse an
    expectations file's text, as a list."""
    try:
        document = json.loads(text)
    except ValueError as e:
        return ["not JSON: %s" % e]
    if not isinstance(document, dict) or not isinstance(document.get("expected"), list):
        return ['(root): must be an object with an "expected" array']
    problems = []
    for i, entry in enumerate(document["expected"]):
        where = "/expected/%d" % i
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            problems.append(where + "/id: must be a string")
            continue
        grades = entry.get("grades")
        if not isinstance(grades, list) or not grades or not set(grades) <= GRADES:
            problems.append(where + "/grades: must be a non-empty array of grades")
        if not isinstance(entry.get("because", ""), str):
            problems.append(where + "/because: must be a string")
    return problems


def doc_rows():
    """{template: (copy-to, {trigger names})} from docs/CI.md's table."""
    match = re.search(r"<!-- templates:begin -->\n(.*?)<!-- templates:end -->",
                      source("docs/CI.md"), re.S)
    assert match, "docs/CI.md has no templates:begin/end markers"
    rows = {}
    for line in match.group(1).splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        template = re.search(r"`([^`]+)`", cells[0]).group(1)
        # Words in backticks outside parentheses: "(to `main`)" qualifies.
        named = re.sub(r"\([^)]*\)", "", cells[2])
        rows[template] = (cells[1].strip("`"), set(re.findall(r"`([\w-]+)`", named)))
    return rows


def gitlab_triggers(data):
    """The pipeline sources a GitLab template's rules admit."""
    text = json.dumps(data)
    return set(re.findall(r'\$CI_PIPELINE_SOURCE == \\"([\w-]+)\\"', text))


def dockerfile_facts(path):
    """(FROM image, set of apt packages, text) of a Dockerfile."""
    text = source(path)
    base = re.search(r"^FROM\s+(\S+)", text, re.M).group(1)
    install = re.search(r"apt-get install([^&]*)", text.replace("\\\n", " ")).group(1)
    packages = {w for w in install.split() if not w.startswith("-")}
    return base, packages, text


class ConformanceTemplatesTest(unittest.TestCase):
    """ci/github-actions.yml and ci/gitlab-ci.yml."""

    @classmethod
    def setUpClass(cls):
        cls.templates = [Template(path) for path in CONFORMANCE_TEMPLATES]

    def test_commands_name_only_what_exists(self):
        for template in self.templates:
            self.assertTrue(template.lines, template.path)
            for line in template.lines:
                for word in tokens(line):
                    problem = path_problems(word)
                    self.assertIsNone(problem, "%s: `%s`: %s" % (template.path, line, problem))

    def test_every_runner_flag_is_in_its_usage(self):
        known = set(re.findall(r"--[a-z][a-z0-9-]*", usage_text()))
        for template in self.templates:
            argvs = template.runner_argvs()
            self.assertTrue(argvs, "%s runs no conformance runner" % template.path)
            for argv in argvs:
                for word in argv:
                    flag = word.split("=", 1)[0]
                    if flag.startswith("--"):
                        self.assertIn(flag, known, "%s: %s is not in conformance --help"
                                      % (template.path, flag))

    def test_the_runner_accepts_every_invocation(self):
        for template in self.templates:
            for argv in template.runner_argvs():
                self.assertEqual(argv_problems(argv), [], "%s: %s" % (template.path, argv))
                for path in flag_values(argv, "--expectations"):
                    self.assertEqual(expectations_problems(source(path)), [], path)

    def test_the_built_runner_accepts_every_invocation(self):
        # --list parses every flag and loads the expectations file, then
        # stops before contacting the target.
        if not os.path.exists(CONFORMANCE):
            return  # //conformance is not in the data: the test above stands in
        env = {k: v for k, v in os.environ.items() if k != "BUILD_WORKING_DIRECTORY"}
        for template in self.templates:
            for argv in template.runner_argvs():
                args = [template.expand(word) for word in argv] + ["--list"]
                done = subprocess.run([CONFORMANCE] + args, cwd=ROOT, env=env,
                                      capture_output=True, text=True, timeout=120)
                self.assertEqual(done.returncode, 0, "%s: conformance %s: %s"
                                 % (template.path, " ".join(args), done.stderr))

    def test_every_invocation_writes_every_report_and_uses_expectations(self):
        for template in self.templates:
            for argv in template.runner_argvs():
                for flag in REPORT_FLAGS + ("--expectations", "--max-duration"):
                    self.assertEqual(len(flag_values(argv, flag)), 1,
                                     "%s: %s without one %s" % (template.path, argv, flag))

    def test_reports_are_uploaded_whatever_the_outcome(self):
        for template in self.templates:
            self.assertTrue(template.uploads, "%s uploads nothing" % template.path)
            uploaded = set()
            for paths, always in template.uploads:
                self.assertTrue(always, "%s: an upload that is not `always`" % template.path)
                uploaded.update(paths)
            reports = {v for argv in template.runner_argvs() for flag in REPORT_FLAGS
                       for v in flag_values(argv, flag)}
            self.assertLessEqual(reports, uploaded, "%s: reports not uploaded" % template.path)
            commands = "\n".join(template.lines)
            for path in uploaded - reports:
                self.assertRegex(commands, r">>?\s*%s\b" % re.escape(path),
                                 "%s uploads %s, which nothing writes" % (template.path, path))

    def test_gitlab_shows_the_junit_report(self):
        template = Template("ci/gitlab-ci.yml")
        junits = {v for argv in template.runner_argvs() for v in flag_values(argv, "--junit")}
        job = template.data["conformance"]
        self.assertEqual({job["artifacts"]["reports"]["junit"]}, junits)


class ClusterFuzzLiteTest(unittest.TestCase):
    """.clusterfuzzlite/ and the workflows that use it."""

    def test_build_sh_runs_the_oss_fuzz_build(self):
        script = source(".clusterfuzzlite/build.sh")
        commands = logical_lines(script)
        self.assertTrue(any("fuzz/oss-fuzz/build.sh" in line for line in commands),
                        ".clusterfuzzlite/build.sh does not run fuzz/oss-fuzz/build.sh")
        for line in commands:
            for word in tokens(line):
                self.assertIsNone(path_problems(word), line)
        self.assertTrue(os.access(os.path.join(ROOT, ".clusterfuzzlite/build.sh"), os.X_OK))

    def test_dockerfile_matches_the_oss_fuzz_one(self):
        base, packages, text = dockerfile_facts(".clusterfuzzlite/Dockerfile")
        oss_base, oss_packages, _ = dockerfile_facts("fuzz/oss-fuzz/Dockerfile")
        self.assertEqual(base, oss_base)
        self.assertEqual(packages, oss_packages)
        for line in ("COPY . $SRC/execprobe", "WORKDIR $SRC/execprobe",
                     "COPY .clusterfuzzlite/build.sh $SRC/"):
            self.assertIn(line, text.splitlines(), ".clusterfuzzlite/Dockerfile lacks the line")

    def test_project_yaml(self):
        project = load(".clusterfuzzlite/project.yaml")
        self.assertEqual(project["language"], "c++")
        oss = load("fuzz/oss-fuzz/project.yaml")
        self.assertEqual(project["base_os_version"], oss["base_os_version"])
        base, _, _ = dockerfile_facts(".clusterfuzzlite/Dockerfile")
        self.assertTrue(base.endswith(":" + project["base_os_version"]), base)

    def test_workflows_check_out_build_and_run(self):
        for path, modes in CFLITE_TEMPLATES.items():
            seen = set()
            for name, job in load(path)["jobs"].items():
                seen.add(self.check_job(path, name, job))
            self.assertEqual(seen, modes, path)

    def check_job(self, path, name, job):
        """Checks one ClusterFuzzLite job; returns its run mode."""
        uses = [str(step.get("uses", "")) for step in job["steps"]]
        where = "%s: job %s" % (path, name)
        self.assertTrue(uses[0].startswith("actions/checkout@"), where + ": no checkout first")
        build = uses.index("google/clusterfuzzlite/actions/build_fuzzers@v1")
        run = uses.index("google/clusterfuzzlite/actions/run_fuzzers@v1")
        self.assertLess(build, run, where)
        build_with, run_with = job["steps"][build]["with"], job["steps"][run]["with"]
        self.assertEqual(build_with["language"], "c++", where)
        self.assertEqual(build_with["sanitizer"], run_with["sanitizer"], where)
        self.assertIsInstance(run_with["fuzz-seconds"], int, where)
        return run_with["mode"]

    def test_pr_fuzzing_is_shorter_than_batch_fuzzing(self):
        def seconds(path):
            jobs = load(path)["jobs"].values()
            return max(step["with"]["fuzz-seconds"] for job in jobs for step in job["steps"]
                       if step.get("with", {}).get("mode") in ("code-change", "batch"))
        self.assertLess(seconds("ci/cflite-pr.yml"), seconds("ci/cflite-batch.yml"))

    def test_scheduled_jobs_name_schedules_that_exist(self):
        workflow = load("ci/cflite-batch.yml")
        crons = {entry["cron"] for entry in workflow.get("on", workflow.get(True))["schedule"]}
        for name, job in workflow["jobs"].items():
            for cron in re.findall(r"'([^']+)'", str(job.get("if", ""))):
                self.assertIn(cron, crons, "job %s" % name)

    def test_pr_paths_exist(self):
        workflow = load("ci/cflite-pr.yml")
        for pattern in workflow.get("on", workflow.get(True))["pull_request"]["paths"]:
            top = pattern.split("/")[0]
            self.assertTrue(os.path.exists(os.path.join(ROOT, top)), pattern)


class DocsTest(unittest.TestCase):
    """docs/CI.md's table of templates."""

    def test_every_template_is_in_the_table(self):
        on_disk = {"ci/" + name for name in os.listdir(os.path.join(ROOT, "ci"))
                   if name.endswith(".yml")}
        self.assertEqual(set(doc_rows()), on_disk)

    def test_triggers_are_what_the_table_says(self):
        for path, (_, documented) in doc_rows().items():
            data = load(path)
            actual = gitlab_triggers(data) if "gitlab" in path else triggers(data)
            self.assertEqual(documented, actual, "%s: docs/CI.md's 'runs on'" % path)

    def test_copy_to_is_what_the_template_says(self):
        for path, (copy_to, _) in doc_rows().items():
            said = re.search(r"Copy this file to (\S+?)[;.,]?(?:\s|$)", source(path))
            self.assertTrue(said, "%s does not say where to copy it" % path)
            self.assertEqual(said.group(1), copy_to, path)


if __name__ == "__main__":
    unittest.main()

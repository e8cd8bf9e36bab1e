#!/usr/bin/env python3
"""The shared pod-security conformance runner, with the project's newer PSS rules understood.

The runner (../shared/conformance/run.py, not part of this repo) maps findings to PSS controls by
a fixed table of rule names written before the checker had rules for six restricted-profile
controls (seLinuxOptions, procMount, sysctls, appArmorProfile, hostProbesAndHostLifecycle,
restrictedVolumes), so their findings are not scored there. Every PSS finding of this checker
ends with "(PSS <control>)" (policies/lib/pss-rule.ts); this wrapper reads that suffix for rules
the table does not know and otherwise leaves the runner exactly as it is: same fixtures, same
scopes, same scoring. Run from the project root:

    python3 tools/conformance/run.py [-v]      (needs ../shared/conformance; reads, never copies)
"""
import importlib.util, os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("CONFORMANCE_DIR", os.path.join(HERE, "..", "..", "..", "shared", "conformance"))
RUNNER = os.path.join(SHARED, "run.py")
if not os.path.exists(RUNNER):
    sys.exit(f"conformance: no runner at {RUNNER}. Fix: set CONFORMANCE_DIR to the folder holding run.py and fixtures/")

spec = importlib.util.spec_from_file_location("conformance_runner", RUNNER)
runner = importlib.util.module_from_spec(spec)
spec.loader.exec_module(runner)

SUFFIX = re.compile(r"\(PSS ([A-Za-z_.]+)\)")
original = runner.classify


def classify(v):
    fams = original(v)
    if fams:
        return fams
    m = SUFFIX.search(v.get("message", "").split(" Fix: ")[0])
    if not m:
        return set()
    # upstream check ids: "procMount_restricted" is the procMount control at the restricted level
    check = m.group(1)
    family = runner.CHECK_FAMILY.get(check) or re.sub(r"_(baseline|restricted)$", "", check)
    return {family} if family in runner.PSS_FAMILIES else set()


runner.classify = classify
# The controls these rules cover are claimed too (the runner's table predates them).
runner.CLAIMED |= {"appArmorProfile", "hostProbesAndHostLifecycle", "procMount", "restrictedVolumes", "seLinuxOptions", "sysctls"}
runner.main()

"""English reports (--lang en): every fixed Chinese phrase crypto_eval puts into a finding has its
English (reports/mipin_en.py), and every shipped 等保 control and 密评 item has an English text
and remediation (reports/standard_words.py). Corpus-wide, as detection-rules checks every rule."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import govsoc.crypto_eval
from govsoc.crypto_eval.catalogue import load_catalogue
from govsoc.reports.mipin_en import english
from govsoc.reports.standard_words import UNTRANSLATED, control_text, item_remediation, item_title
from govsoc.rules.compliance import DJBH_CONTROLS

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
#: Modules whose Chinese never reaches an evaluation's findings: the Chinese report section
#: (report.py), scoring words and levels (shown through their own tables). Patterns (re.compile's
#: arguments, such as cleartext.py's login prompts) are matched, never written.
NOT_FINDINGS = {"report.py", "evaluate.py", "catalogue.py", "scoring.py", "finding.py"}


def literals() -> list[tuple[str, str]]:
    """Every Chinese string literal (docstrings aside) of the crypto_eval modules that write findings."""
    found = set()
    for path in Path(next(iter(govsoc.crypto_eval.__path__))).rglob("*.py"):
        if path.name in NOT_FINDINGS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = {id(node.body[0].value) for node in ast.walk(tree)
                if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
        # words crypto_eval looks for in what a server sent (CREDENTIAL_WORDS): matched, never written
        matched = {id(c) for node in ast.walk(tree) if isinstance(node, ast.Assign)
                   and any(isinstance(t, ast.Name) and t.id.endswith("_WORDS") for t in node.targets)
                   for c in ast.walk(node.value)}
        matched |= {id(c) for node in ast.walk(tree) if isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute) and node.func.attr == "compile"
                    for c in ast.walk(node)}
        found |= {(path.name, node.value) for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs | matched
                  and CJK.search(node.value)}
    return sorted(found)


def test_every_phrase_crypto_eval_writes_has_its_english() -> None:
    phrases = literals()
    assert len(phrases) > 100  # the walk found the modules
    untranslated = [(module, text, english(text)) for module, text in phrases if CJK.search(english(text))]
    assert untranslated == [], "add these to their theme's table (reports/mipin_en_*.py; mipin_en.PHRASES joins them)"


@pytest.mark.parametrize(("text", "want"), [
    # a phrase around values: the values stay, the phrase and the full-width punctuation go
    ("最弱：TLSv10（TLS 1.0（已废弃的密码技术，高风险），63 位安全强度）",
     "weakest: TLSv10 (TLS 1.0 (retired cryptography, high risk), 63-bit security strength)"),
    # an object's name given by crypto_eval, whole
    ("声明", "declaration"),
    # a product sample's check (kat.verify_sample), no half-translated "declared为"
    ("sm3 计算结果 66c7，声明为 0000", "sm3 computes 66c7, declared as 0000"),
    # data the operator wrote is kept as it is
    ("制度 v2", "制度 v2"),
])
def test_english_of_a_finding(text: str, want: str) -> None:
    assert english(text, frozenset({"制度 v2"})) == want


def test_every_shipped_control_and_item_has_english() -> None:
    for control in DJBH_CONTROLS:
        text = control_text("djbh", control, "en")
        assert text and not CJK.search(text) and UNTRANSLATED not in text, control
        assert text.split()[0] == DJBH_CONTROLS[control].split()[0]  # the same clause
    for item in load_catalogue().items():
        for text in (item_title(item.id, "en"), item_remediation(item.id, "en")):
            assert text and not CJK.search(text) and UNTRANSLATED not in text, item.id

"""A Modelfile holds user data (names, relationships) in its SYSTEM block: no text can close it early and inject a
directive. Parsed here the way Ollama reads it: a \"\"\" block ends at the first three quotes."""

from __future__ import annotations

import re
import shlex

from hypothesis import given, settings
from hypothesis import strategies as st

from clone.exporting import ExportResult, readme
from clone.exporting.ollama import modelfile, triple_quoted
from clone.generation import GenerationSettings

DIRECTIVE = re.compile(r"^(FROM|ADAPTER|TEMPLATE|SYSTEM|PARAMETER|LICENSE|MESSAGE)\b", re.IGNORECASE)


def directives(text: str) -> list[tuple[str, str]]:
    """(directive, value) pairs of a Modelfile, triple-quoted values read to their first closing quotes."""
    found, rest = [], text
    while rest := rest.lstrip():
        if rest.startswith("#"):
            rest = rest.partition("\n")[2]
            continue
        name, _, rest = rest.partition(" ")
        if rest.startswith('"""'):
            value, _, rest = rest[3:].partition('"""')
            line_rest, _, rest = rest.partition("\n")
            assert not line_rest.strip(), f"text after the closing quotes of {name}: {line_rest!r}"
        else:
            value, _, rest = rest.partition("\n")
        found.append((name.upper(), value))
    return found


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from('"\n ADPTERSYMabc\\'), max_size=40))
def test_no_system_text_closes_the_block_or_adds_a_directive(system):
    text = modelfile("./clone.gguf", None, "</s>", system, GenerationSettings(), top_k=50)
    parsed = directives(text)
    assert [name for name, _ in parsed].count("SYSTEM") == 1
    assert all(name in ("FROM", "PARAMETER", "SYSTEM") for name, _ in parsed)
    (value,) = [v for name, v in parsed if name == "SYSTEM"]
    assert value == triple_quoted(system)


def test_five_quotes_cannot_inject_an_adapter():
    text = modelfile("./clone.gguf", None, "</s>", 'Sam """""\nADAPTER /tmp/evil', GenerationSettings(), top_k=50)
    assert "ADAPTER" not in [name for name, _ in directives(text)]


def test_the_export_readme_quotes_the_system_prompt_for_the_shell(tmp_path):
    prompt = 'You are Maya $(rm -rf ~), chatting with "Sam" `ticks`.'
    result = ExportResult(
        "Maya",
        tmp_path,
        tmp_path / "merged",
        tmp_path / "clone.gguf",
        tmp_path / "Modelfile",
        "llama",
        "chatml",
        "f16",
        prompt,
        1.0,
    )
    talk = {"dated": prompt, "group": prompt}
    (line,) = [line for line in readme(result, talk, 1.1).splitlines() if "llama-cli" in line]
    command = re.search(r"`(llama-cli .*)`", line).group(1)
    assert shlex.split(command)[-1] == prompt  # pasted in a shell, the prompt stays one argument and runs nothing

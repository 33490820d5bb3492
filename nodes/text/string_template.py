"""StringTemplate: fill ``{name}`` placeholders in a template (our own node).

Values come from the ``variables`` text, one ``name=value`` per line (blank lines and
lines starting with ``#`` are skipped), and from the optional inputs ``var1`` ..
``var5``, which fill ``{var1}`` .. ``{var5}`` and win over a line of the same name.
``{{`` and ``}}`` write literal braces. A placeholder with no value is an error that
names it, so a typo never reaches a provider as literal ``{prodcut}``.
"""
from __future__ import annotations

import re
import string
from typing import Annotated

from keroro_graph.api import Input, Text, node

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_Var = Annotated[str | None, Input(force_input=True)]


@node("StringTemplate")
def string_template(
    template: Annotated[str, Text(multiline=True, default="A photo of {subject}, {style}.",
                                  tooltip="Text with {name} placeholders; {{ and }} for literal braces.")],
    variables: Annotated[str, Text(multiline=True, default="subject=a red apple\nstyle=studio lighting",
                                   tooltip="One name=value per line.")],
    var1: _Var = None,
    var2: _Var = None,
    var3: _Var = None,
    var4: _Var = None,
    var5: _Var = None,
) -> str:
    """Fill {name} placeholders from the variables text and the var1..var5 inputs."""
    values = parse_variables(variables)
    for name, value in (("var1", var1), ("var2", var2), ("var3", var3), ("var4", var4), ("var5", var5)):
        if value is not None:
            values[name] = str(value)
    return fill(template, values)


def parse_variables(text: str) -> dict[str, str]:
    """``name=value`` lines as a dict; raises ValueError naming the bad line."""
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        name, sep, value = stripped.partition("=")
        name = name.strip()
        if not sep or not _NAME.fullmatch(name):
            raise ValueError(f"variables line {number} must look like name=value "
                             f"(name: letters, digits, _); got {stripped!r}")
        values[name] = value.strip()
    return values


def fill(template: str, values: dict[str, str]) -> str:
    """Replace each ``{name}``; raises ValueError naming an unknown or malformed one."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"template has unbalanced braces ({exc}); "
                         "write {{ or }} for a literal brace") from None
    out = []
    for literal, field, spec, conversion in parts:
        out.append(literal)
        if field is None:
            continue
        if not _NAME.fullmatch(field) or spec or conversion:
            whole = "{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise ValueError(f"template placeholder {whole} is not a plain {{name}}")
        if field not in values:
            known = ", ".join(sorted(values)) or "none"
            raise ValueError(f"template placeholder {{{field}}} has no value (known names: {known})")
        out.append(values[field])
    return "".join(out)

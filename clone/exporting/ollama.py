"""Ollama: the chat template in Go's text/template syntax, its stop tokens, and the Modelfile.

Ollama templates are Go text/template. `.System` is the system prompt (the Modelfile's SYSTEM, or the chat's own
system messages); `.Messages` are the chat's messages, after Ollama has joined consecutive messages of one role
with a blank line. Each template below writes what the family's Hugging Face template writes for a chat with
add_generation_prompt=True, without the BOS token: llama.cpp and Ollama add that themselves when the tokenizer
does. Pieces that vary between revisions (ChatML's default system block, Llama 3's system header with its date)
are read off the model's own template by rendering it. The templates call no function beyond Go's own:
recent Ollama versions add some (`currentDate`), and older ones refuse a template that uses them.
"""

from __future__ import annotations

import re

from clone.errors import CloneError

_CHATML_TURNS = (
    '{{ range .Messages }}{{ if eq .Role "user" }}<|im_start|>user\n{{ .Content }}<|im_end|>\n'
    '{{ else if eq .Role "assistant" }}<|im_start|>assistant\n{{ .Content }}<|im_end|>\n{{ end }}{{ end }}'
    "<|im_start|>assistant\n"
)
_LLAMA3_TURNS = (
    '{{ range .Messages }}{{ if or (eq .Role "user") (eq .Role "assistant") }}'
    "<|start_header_id|>{{ .Role }}<|end_header_id|>\n\n{{ .Content }}<|eot_id|>{{ end }}{{ end }}"
    "<|start_header_id|>assistant<|end_header_id|>\n\n"
)
# Gemma 3 has no system turn: the system prompt and a blank line open the first turn, whoever speaks it.
_GEMMA3 = (
    "{{ $first := true }}{{ range .Messages }}"
    '{{ if or (eq .Role "user") (eq .Role "assistant") }}'
    '<start_of_turn>{{ if eq .Role "user" }}user{{ else }}model{{ end }}\n'
    "{{ if and $first $.System }}{{ $.System }}\n\n{{ end }}{{ .Content }}<end_of_turn>\n{{ $first = false }}"
    "{{ end }}{{ end }}<start_of_turn>model\n"
)
# Mistral v0.3 puts the system prompt in front of the last message when that message is the user's.
_MISTRAL = (
    "{{ range $i, $_ := .Messages }}{{ $last := eq (len (slice $.Messages $i)) 1 }}"
    '{{ if eq .Role "user" }}[INST] {{ if and $last $.System }}{{ $.System }}\n\n{{ end }}{{ .Content }}[/INST]'
    '{{ else if eq .Role "assistant" }} {{ .Content }}EOS{{ end }}{{ end }}'
)
STOP_TOKENS = {
    "chatml": ("<|im_end|>", "<|im_start|>"),
    "qwen3": ("<|im_end|>", "<|im_start|>"),
    "llama3": ("<|eot_id|>", "<|start_header_id|>"),
    "gemma3": ("<end_of_turn>", "<start_of_turn>"),
    "mistral": ("</s>", "[INST]"),
}


def template_family(template: str | None) -> str | None:
    """The chat family of a template (clone.templates' names: chatml, qwen3, llama3, gemma3, mistral), or None."""
    from clone.templates import family_of

    try:
        return family_of(template).name
    except CloneError:
        return None


def hugging_face_render(template: str, chat: list[dict[str, str]], eos_token: str = "</s>") -> str:
    """What a Hugging Face chat template writes for ``chat`` with the generation prompt, BOS left out."""
    from transformers.utils.chat_template_utils import render_jinja_template

    rendered, _ = render_jinja_template(
        conversations=[chat], chat_template=template, add_generation_prompt=True, bos_token="", eos_token=eos_token
    )
    return rendered[0]


def ollama_template(template: str | None, eos_token: str = "</s>") -> str | None:
    """The Go template that writes what ``template`` writes, for the families clone trains; None for others."""
    family = template_family(template)
    if family in ("chatml", "qwen3"):
        marker = "<|im_start|>user\n"
        default_system = hugging_face_render(template, [{"role": "user", "content": "hi"}]).partition(marker)[0]
        system = "{{ if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ else }}" + default_system
        return system + "{{ end }}" + _CHATML_TURNS
    if family == "llama3":
        marker = "\x00"  # the system header (knowledge cutoff, today's date) is whatever precedes the system text
        chat = [{"role": "system", "content": marker}, {"role": "user", "content": "hi"}]
        return hugging_face_render(template, chat).partition(marker)[0] + "{{ .System }}<|eot_id|>" + _LLAMA3_TURNS
    if family == "gemma3":
        return _GEMMA3
    if family == "mistral":
        return _MISTRAL.replace("EOS", eos_token)
    return None


def modelfile(
    source: str,
    template: str | None,
    eos_token: str | None,
    system: str,
    settings,
    top_k: int,
    num_ctx: int = 4096,
) -> str:
    """An Ollama Modelfile: the weights, the chat template in Go syntax and its stop tokens, the system prompt
    and `clone talk`'s sampling (``settings``: a clone.chat.GenerationSettings; ``top_k``: the one talk inherits)."""
    lines = [f"FROM {source}", ""]
    go_template = ollama_template(template, eos_token or "</s>")
    if go_template is not None:
        lines += [f'TEMPLATE """{go_template}"""', ""]
        lines += [f'PARAMETER stop "{stop}"' for stop in STOP_TOKENS[template_family(template)]]
    else:
        lines.append("# unknown chat format: Ollama takes the template from the GGUF file's tokenizer.chat_template")
    lines += [
        f"PARAMETER temperature {settings.temperature}",
        f"PARAMETER top_p {settings.top_p}",
        f"PARAMETER top_k {top_k}",
        f"PARAMETER repeat_penalty {settings.repetition_penalty}",
        "PARAMETER repeat_last_n -1",  # the whole context, as transformers penalises (Ollama's default: 64 tokens)
        f"PARAMETER num_ctx {num_ctx}",
        "",
        f'SYSTEM """{triple_quoted(system)}"""',
        "",
    ]
    return "\n".join(lines)


def triple_quoted(text: str) -> str:
    """``text`` made safe inside a Modelfile's \"\"\" block: Ollama ends the block at the first three quotes, so runs of
    quotes become one and a closing quote is kept apart from the block's end (names and notes are user data: five
    quotes must not close SYSTEM and start a directive such as ADAPTER)."""
    text = re.sub(r'"{2,}', '"', text)
    return f"{text} " if text.endswith('"') else text


def ollama_name(me: str) -> str:
    """The model name the README suggests for `ollama create`: ``maya-chen-clone``."""
    slug = re.sub(r"[^a-z0-9]+", "-", me.lower()).strip("-")
    return f"{slug or 'my'}-clone"

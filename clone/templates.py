"""Train-time chat templates, one per model family.

trl's assistant-only loss (``SFTConfig(assistant_only_loss=True)``) needs ``{% generation %}...{% endgeneration %}``
around what the assistant writes; instruct models' own templates have no such markers. So each family gets a
train-time twin of its template: it renders exactly the text the original renders for a chat (a system prompt, then
user and assistant turns, and the generation prompt at inference), and only adds the markers. The end-of-turn token
sits inside the markers, so the loss covers it and the clone learns to stop.

The family is read from the template text, never from the model name (fine-tunes and local folders keep the
template but not the name). A twin is written for plain chats: tools, images and reasoning fields are not part of
a person's chat history. Before a twin is used it is rendered next to the original on a few probe chats; any
difference (another revision of the template, a family member with its own quirks) is a CloneError, not a silent
train/inference mismatch. Where a twin differs from its original on purpose (Qwen3's last reply, the turn-order
checks of Gemma and Mistral), its builder's docstring says so and why.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from clone.errors import CloneError

GENERATION_TAG = re.compile(r"\{%-?\s*generation\s*-?%\}")


@dataclass(frozen=True)
class Family:
    """A chat-template family: how to recognise its template and how to build its train-time twin."""

    name: str
    models: str  # the models it covers, for messages
    markers: tuple[str, ...]  # a template text that holds all of them belongs to the family
    twin: Callable[[str], str]  # original template text -> train-time template text
    end_of_turn: str | None  # the token that closes an assistant turn; None: the tokenizer's EOS token
    same_final_turn: bool = True  # False: the twin renders a chat's last assistant turn like the earlier ones

    def detect(self, template: str) -> bool:
        return all(marker in template for marker in self.markers)


# --- ChatML (SmolLM2, Qwen2.5) --------------------------------------------------------------------

CHATML = r"""
{%- if messages[0]['role'] != 'system' %}
    {{- DEFAULT_SYSTEM }}
{%- endif %}
{%- for message in messages %}
    {%- if message['role'] == 'assistant' %}
        {{- '<|im_start|>assistant\n' }}{% generation %}
        {{- message['content'] + '<|im_end|>' }}{% endgeneration %}
        {{- '\n' }}
    {%- else %}
        {{- '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\n' }}
{%- endif %}
"""


def _chatml(template: str) -> str:
    """ChatML models write a default system block when the chat has no system prompt (SmolLM2: "You are a helpful
    AI assistant named SmolLM...", Qwen2.5: "You are Qwen..."). It is read by rendering the original on a chat
    with one user message, so the twin writes the same block whatever the wording."""
    probe = _render_original("chatml", template, [{"role": "user", "content": "hi"}])
    default_system = probe.partition("<|im_start|>user\n")[0]
    return CHATML.replace("DEFAULT_SYSTEM", _jinja_string(default_system))


# --- Qwen3 (ChatML with <think>) ------------------------------------------------------------------

QWEN3 = r"""
{%- if messages[0]['role'] == 'system' %}
    {{- '<|im_start|>system\n' + messages[0]['content'] + '<|im_end|>\n' }}
{%- endif %}
{%- for message in messages %}
    {%- if message['role'] == 'assistant' %}
        {%- set content = message['content'] %}
        {%- if '</think>' in content %}
            {%- set content = content.split('</think>')[-1].lstrip('\n') %}
        {%- endif %}
        {{- '<|im_start|>assistant\n' }}{% generation %}
        {{- content + '<|im_end|>' }}{% endgeneration %}
        {{- '\n' }}
    {%- elif message['role'] == 'user' or (message['role'] == 'system' and not loop.first) %}
        {{- '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\n' }}
    {%- if enable_thinking is defined and enable_thinking is false %}
        {{- '<think>\n\n</think>\n\n' }}
    {%- endif %}
{%- endif %}
"""


def _qwen3(template: str) -> str:
    """Qwen3 writes past assistant turns as plain text, but the turn after the last user message with an empty
    ``<think>\\n\\n</think>\\n\\n`` block. A clone is trained on chat replies without reasoning, and at inference
    its prompt ends with ``<|im_start|>assistant\\n``, so every assistant turn, the last one too, is written the
    way Qwen3 writes past turns: the clone learns to answer straight away, as it is then asked to."""
    return QWEN3


# --- Llama 3.1 / 3.2 / 3.3 ------------------------------------------------------------------------

LLAMA3 = r"""
{{- bos_token }}
{%- if not date_string is defined %}
    DATE_STRING
{%- endif %}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content'] | trim %}
    {%- set messages = messages[1:] %}
{%- else %}
    {%- set system_message = "" %}
{%- endif %}
{{- "<|start_header_id|>system<|end_header_id|>\n\n" }}
{{- "Cutting Knowledge Date: December 2023\n" }}
{{- "Today Date: " + date_string + "\n\n" }}
{{- system_message }}
{{- "<|eot_id|>" }}
{%- for message in messages %}
    {%- if message['role'] == 'assistant' %}
        {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% generation %}
        {{- message['content'] | trim + '<|eot_id|>' }}{% endgeneration %}
    {%- else %}
        {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'
            + message['content'] | trim + '<|eot_id|>' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' }}
{%- endif %}
"""


def _llama3(template: str) -> str:
    """Llama 3.1+ always opens with a system block that states a knowledge cutoff and "Today Date". 3.1 and 3.3
    write a fixed date unless given ``date_string``; 3.2 writes today's date (``strftime_now``). The twin copies
    whichever the original does, so the date in training matches the date at inference."""
    fixed = re.search(r'set date_string = "([^"]*)"', template)
    fallback = f"{{%- set date_string = {_jinja_string(fixed.group(1) if fixed else '26 Jul 2024')} %}}"
    if "strftime_now" in template:
        date = (
            '{%- if strftime_now is defined %}{%- set date_string = strftime_now("%d %b %Y") %}'
            f"{{%- else %}}{fallback}{{%- endif %}}"
        )
    else:
        date = fallback
    return LLAMA3.replace("DATE_STRING", date)


# --- Gemma 3 --------------------------------------------------------------------------------------

GEMMA3 = r"""
{{- bos_token }}
{%- if messages[0]['role'] == 'system' %}
    {%- set first_user_prefix = messages[0]['content'] + '\n\n' %}
    {%- set loop_messages = messages[1:] %}
{%- else %}
    {%- set first_user_prefix = "" %}
    {%- set loop_messages = messages %}
{%- endif %}
{%- for message in loop_messages %}
    {%- set prefix = first_user_prefix if loop.first else "" %}
    {%- if message['role'] == 'assistant' %}
        {{- '<start_of_turn>model\n' + prefix }}{% generation %}
        {{- message['content'] | trim + '<end_of_turn>' }}{% endgeneration %}
        {{- '\n' }}
    {%- else %}
        {{- '<start_of_turn>' + message['role'] + '\n' + prefix + message['content'] | trim + '<end_of_turn>\n' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<start_of_turn>model\n' }}
{%- endif %}
"""


def _gemma3(template: str) -> str:
    """Gemma 3 has no system turn: the system prompt opens the first turn, followed by a blank line. The twin
    leaves out the original's check that turns alternate starting with the user: a person often opens a
    conversation, and such a sample should train, not stop the run. Chats that pass the check render the same."""
    return GEMMA3


# --- Mistral (7B Instruct v0.3) -------------------------------------------------------------------

MISTRAL = r"""
{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content'] %}
    {%- set loop_messages = messages[1:] %}
{%- else %}
    {%- set loop_messages = messages %}
{%- endif %}
{{- bos_token }}
{%- for message in loop_messages %}
    {%- if message['role'] == 'user' %}
        {%- if loop.last and system_message is defined %}
            {{- '[INST] ' + system_message + '\n\n' + message['content'] + '[/INST]' }}
        {%- else %}
            {{- '[INST] ' + message['content'] + '[/INST]' }}
        {%- endif %}
    {%- elif message['role'] == 'assistant' %}
        {% generation %}{{- ' ' + message['content'] | trim + eos_token }}{% endgeneration %}
    {%- else %}
        {{- raise_exception('Only user and assistant roles are supported after an optional system message') }}
    {%- endif %}
{%- endfor %}
"""


def _mistral(template: str) -> str:
    """Mistral v0.3 puts the system prompt in front of the chat's last message, and only if that message is the
    user's: at inference the system prompt is always seen, while a training chat that ends with a reply is written
    without it, exactly as the original writes it. Answers are `` answer</s>``: the leading space and the EOS are
    the model's to write, so both are inside the markers. As for Gemma, the alternation check is left out."""
    return MISTRAL


# --- the table ------------------------------------------------------------------------------------

FAMILIES: tuple[Family, ...] = (
    # Qwen3 comes before plain ChatML: its template is ChatML too, with <think> handling.
    Family("qwen3", "Qwen3", ("<|im_start|>", "<think>"), _qwen3, "<|im_end|>", same_final_turn=False),
    Family("chatml", "SmolLM2, Qwen2.5", ("<|im_start|>",), _chatml, "<|im_end|>"),
    Family(
        "llama3", "Llama 3.1-3.3 Instruct", ("<|start_header_id|>", "Cutting Knowledge Date"), _llama3, "<|eot_id|>"
    ),
    Family("gemma3", "Gemma 3", ("<start_of_turn>", "first_user_prefix"), _gemma3, "<end_of_turn>"),
    Family("mistral", "Mistral 7B Instruct v0.3", ("[INST]",), _mistral, None),
)


def family_of(template: str | None) -> Family:
    """The family a chat template belongs to, read from its text."""
    if not template:
        raise CloneError("the base model has no chat template; use an instruct model")
    for family in FAMILIES:
        if family.detect(template):
            return family
    supported = "; ".join(f"{f.name} ({f.models})" for f in FAMILIES)
    raise CloneError(f"this base model's chat template is not one clone can train yet; supported: {supported}")


def training_template(template: str | None) -> str:
    """The train-time twin of an instruct model's chat template (a template that already has generation markers
    is used as it is, e.g. the tokenizer saved with a clone)."""
    if template and GENERATION_TAG.search(template):
        return template
    family = family_of(template)
    twin = family.twin(template)
    _check_twin(family, template, twin)
    return twin


def end_of_turn_token(template: str, eos_token: str | None = None) -> str:
    """The token that closes an assistant turn: what the loss must cover and what generation stops on. Mistral's
    turns end with the tokenizer's EOS token, passed as ``eos_token``."""
    return family_of(template).end_of_turn or eos_token or ""


def stop_token_ids(tokenizer) -> list[int]:
    """Token ids that end a reply: the tokenizer's EOS and the family's end-of-turn token. They differ for Gemma
    (EOS ``<eos>``, turns end with ``<end_of_turn>``), so stopping on EOS alone would run past the reply."""
    end = end_of_turn_token(tokenizer.chat_template, tokenizer.eos_token)
    ids = [tokenizer.eos_token_id, tokenizer.convert_tokens_to_ids(end) if end else None]
    return list(dict.fromkeys(i for i in ids if i is not None))


# --- checking a twin against its original ---------------------------------------------------------

_SYSTEM = {"role": "system", "content": "You are Maya, chatting with Sam. "}
_TURNS = [
    {"role": "user", "content": " dinner tonight?\n"},
    {"role": "assistant", "content": "omg yes  "},
    {"role": "user", "content": "7pm at Hoshi"},
]
_LAST_REPLY = {"role": "assistant", "content": " see u there"}
_INFERENCE_PROBES = ([_SYSTEM, *_TURNS], _TURNS)  # chats as clone talk sends them, ending with the user
_TRAINING_PROBE = [_SYSTEM, *_TURNS, _LAST_REPLY]  # a chat as training sees it, ending with the reply


def _check_twin(family: Family, original: str, twin: str) -> None:
    """Render the twin next to the original on probe chats (with stray whitespace, which some families trim) and
    stop on the first difference."""
    cases = [(chat, prompt) for chat in _INFERENCE_PROBES for prompt in (False, True)]
    if family.same_final_turn:
        cases.append((_TRAINING_PROBE, False))
    for chat, prompt in cases:
        expected = _render_original(family.name, original, chat, prompt)
        got = _render(twin, chat, prompt)
        if got != expected:
            at = next((i for i, (a, b) in enumerate(zip(got, expected, strict=False)) if a != b), len(got))
            raise CloneError(
                f"this {family.name} chat template is a revision clone does not know: its train-time twin writes "
                f"{got[at : at + 40]!r} where the original writes {expected[at : at + 40]!r}"
            )


def _render_original(
    family: str, template: str, chat: list[dict[str, str]], add_generation_prompt: bool = False
) -> str:
    try:
        return _render(template, chat, add_generation_prompt)
    except Exception as error:  # the model's template refuses the chat (jinja's TemplateError, ValueError, ...)
        raise CloneError(f"the base model's {family} chat template cannot render a chat: {error}") from None


def _render(template: str, chat: list[dict[str, str]], add_generation_prompt: bool = False) -> str:
    """Render with transformers' own Jinja setup (the one apply_chat_template uses, generation tags included)."""
    from transformers.utils.chat_template_utils import render_jinja_template

    rendered, _ = render_jinja_template(
        conversations=[chat],
        chat_template=template,
        add_generation_prompt=add_generation_prompt,
        bos_token="<s>",
        eos_token="</s>",
    )
    return rendered[0]


def _jinja_string(text: str) -> str:
    """``text`` as a Jinja string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"

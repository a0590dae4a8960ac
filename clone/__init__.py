"""clone: turn one person's chat history into a language model that writes like them.

The library has the same verbs as the CLI (`clone VERB --help` describes each)::

    import clone
    ws = clone.Workspace("maya")
    clone.import_(["WhatsApp Chat with Sam.txt"], me="Maya Chen", workspace=ws)   # clone import
    clone.import_documents(["notes/"], workspace=ws)                               # clone import --documents
    clone.train(ws, clone.load_recipe(epochs=1))                                   # clone train
    maya = clone.Clone.load(ws)                                                    # clone talk
    with_sam = maya.conversation("Sam Okafor")
    print(with_sam.reply("are you coming climbing tonight?"))
    clone.evaluate(ws)                                                             # clone eval
    clone.improve(ws, clone.improve_config("spin", rounds=2))                     # clone improve
    clone.export(ws)                                                               # clone export
    clone.inspect(ws)                                                              # clone inspect
    clone.audit(ws).passed                                                         # clone audit

The steps underneath are there too: `clone.load(paths)` reads exports into messages, `clone.build_dataset`
turns messages into the dataset.
"""

import os

# Nothing leaves the machine: Hugging Face telemetry is off before any of its libraries is imported (clone imports
# them lazily, so this runs first); huggingface_hub honours both names.
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["DO_NOT_TRACK"] = "1"

from clone.audit import AuditConfig, AuditResult, audit
from clone.chat import Clone, Conversation
from clone.dataset import DatasetOptions, build_dataset, load_dataset_dict
from clone.dataset.build import DatasetSummary
from clone.documents import DocumentImport, DocumentOptions, import_documents
from clone.errors import CloneError
from clone.eval import EvalResult, evaluate
from clone.exporting import ExportResult, export
from clone.generation import GenerationSettings
from clone.importers import ImportResult, load
from clone.importing import ImportSummary, import_
from clone.improvement import ImproveConfig, ImproveResult, improve, improve_config
from clone.inspection import inspect
from clone.messages import Document, Kind, Message, Skipped, Source
from clone.recipes import Recipe, load_recipe
from clone.training import TrainResult, train
from clone.workspace import Workspace

__all__ = [
    "AuditConfig",
    "AuditResult",
    "Clone",
    "CloneError",
    "Conversation",
    "DatasetOptions",
    "DatasetSummary",
    "Document",
    "DocumentImport",
    "DocumentOptions",
    "EvalResult",
    "ExportResult",
    "GenerationSettings",
    "ImportResult",
    "ImportSummary",
    "ImproveConfig",
    "ImproveResult",
    "Kind",
    "Message",
    "Recipe",
    "Skipped",
    "Source",
    "TrainResult",
    "Workspace",
    "audit",
    "build_dataset",
    "evaluate",
    "export",
    "import_",
    "import_documents",
    "improve",
    "improve_config",
    "inspect",
    "load",
    "load_dataset_dict",
    "load_recipe",
    "train",
]
